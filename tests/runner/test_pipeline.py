"""End to end: the whole pipeline on the sample study, plus the runner's failure behaviour."""

from __future__ import annotations

import json
import re
import shutil
from html import unescape
from pathlib import Path

import pandas as pd
import pytest

from helpers.core.i18n import messages
from helpers.runner.cli import main

from conftest import ROOT, SAMPLE, file_hashes

pytestmark = pytest.mark.slow


def test_report_exists_with_sections_and_embedded_figures(built):
    out, html, _ = built
    for key in ("summary", "method", "workshop", "appendix_codebook"):  # in the sample's language, Swedish
        heading = messages("sv")(f"headings.{key}")
        assert re.search(rf"<h[12][^>]*>[^<]*{heading}", html), f"section {heading} missing"
    assert len(re.findall(r'<img[^>]+src="data:image/png;base64,', html)) >= 4
    assert "FICTIONAL" in html.upper()


def test_no_error_cells_in_any_executed_notebook(built):
    out, _, _ = built
    executed = sorted((out / "reports" / "executed").glob("*.ipynb"))
    assert len(executed) >= 5
    for path in executed:
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            for output in cell.get("outputs", []):
                assert output.get("output_type") != "error", f"error cell in {path.name}"


def test_tables_and_figures_written(built):
    out, _, _ = built
    for table in ("segments", "participants", "quality", "codings"):
        assert (out / "data" / "processed" / f"{table}.parquet").exists()
        assert (out / "data" / "processed" / f"{table}.csv").exists()
    pngs = list((out / "figures").glob("*.png"))
    assert pngs and not list((out / "figures").glob("*.svg"))  # SVG only with --svg (pipeline.yml: svg)


def test_raw_data_untouched(built):
    _, _, before = built
    assert file_hashes(SAMPLE) == before


def test_no_real_names_in_outputs(built):
    out, _, _ = built
    from helpers.core.study import load_study
    from helpers.interviews.pseudonymise import build_key
    from helpers.runner.privacy import scan_outputs

    assert scan_outputs([out / "data" / "processed", out / "figures", out / "reports"],
                        build_key(load_study(SAMPLE))) == []


def test_rerun_without_changes_skips_every_stage(built, capsys):
    out, _, _ = built
    assert main(["--data-dir", str(SAMPLE), "--output-dir", str(out)]) == 0
    assert "Nothing to do" in capsys.readouterr().out


def test_failed_notebook_keeps_previous_report_and_names_notebook(built, tmp_path, capsys):
    out, _, _ = built
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    html = (copy / "reports" / "findings.html").read_text(encoding="utf-8")
    project = tmp_path / "project"
    shutil.copytree(ROOT / "notebooks", project / "notebooks")
    broken = project / "notebooks" / "04_workshop_outcomes.ipynb"
    nb = json.loads(broken.read_text(encoding="utf-8"))
    nb["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                        "source": "raise RuntimeError('planted failure')"})
    broken.write_text(json.dumps(nb), encoding="utf-8")
    spec = (ROOT / "pipeline.yml").read_text(encoding="utf-8").replace("notebooks/", str(project / "notebooks") + "/")
    (project / "pipeline.yml").write_text(spec, encoding="utf-8")
    code = main(["--data-dir", str(SAMPLE), "--output-dir", str(copy), "--pipeline", str(project / "pipeline.yml"),
                 "--jobs", "1"])
    printed = capsys.readouterr().out
    assert code == 1, printed
    assert "04_workshop_outcomes" in printed and "planted failure" in printed
    assert (copy / "reports" / "findings.html").read_text(encoding="utf-8") == html
    failed = re.search(r"The failed executed notebook is (\S+)", printed).group(1)
    assert Path(failed).exists()


def _spec_with(tmp_path: Path, old: str, new: str) -> Path:
    spec = (ROOT / "pipeline.yml").read_text(encoding="utf-8").replace("notebooks/", str(ROOT / "notebooks") + "/")
    assert old in spec
    path = tmp_path / "pipeline.yml"
    path.write_text(spec.replace(old, new), encoding="utf-8")
    return path


@pytest.mark.parametrize("old, new, expected", [
    ("  n_topics: 8", "  n_topics: eight", "parameter 'n_topics' of 03_thematic_analysis.ipynb should be int"),
    ("  n_topics: 8", "  n_topics: 8\n  n_topicz: 8", "shared parameter 'n_topicz' is not declared by any notebook"),
    ("    html: findings.html", "    html: findings.html\n    parameters: {quote_count: 2}",
     "stage 'findings_report': parameter 'quote_count' is not declared"),
], ids=["wrong-type", "unknown-shared", "unknown-stage-parameter"])
def test_parameters_checked_before_anything_runs(tmp_path, capsys, old, new, expected):
    out = tmp_path / "out"
    code = main(["--data-dir", str(SAMPLE), "--output-dir", str(out), "--pipeline", str(_spec_with(tmp_path, old, new))])
    printed = capsys.readouterr().out
    assert code == 2 and expected in printed and "pipeline.yml" in printed
    assert not (out / "reports" / "executed").exists()


def test_every_page_is_self_contained(built):
    from helpers.runner.htmlcheck import missing_images, scan_page

    out, _, _ = built
    pages = sorted((out / "reports").rglob("*.html"))
    assert len(pages) >= 1 + 7 + 1 + 5  # report, briefs, index, audit pages
    for page in pages:
        report = scan_page(page.read_text(encoding="utf-8"))
        assert report.external == [], f"{page.name} fetches {report.external[:3]}"
        assert missing_images(report, page) == [], page.name
        assert report.error_outputs == 0, f"{page.name} shows error output"


def test_briefs_and_index(built):
    from helpers.core.study import load_study
    from helpers.core.text import slug

    out, _, _ = built
    members = load_study(SAMPLE).organisations
    briefs = {p.stem for p in (out / "reports" / "briefs").glob("*.html")}
    assert briefs == {slug(m) for m in members}
    index = (out / "reports" / "index.html").read_text(encoding="utf-8")
    for target in ["findings.html", *(f"briefs/{b}.html" for b in briefs), "html/01_clean_interviews.html"]:
        assert f'href="{target}"' in index
    granvik = (out / "reports" / "briefs" / "granvik-kommun.html").read_text(encoding="utf-8")
    alvby = (out / "reports" / "briefs" / "alvby-kommun.html").read_text(encoding="utf-8")
    intro = "arbetar i Granvik kommun: kommundirektör."  # the role without the id: attribution id+organisation
    sv = messages("sv")
    assert sv("brief.title", organisation="Granvik kommun") in granvik and intro in granvik and intro not in alvby
    assert sv("brief.one_person", organisation="Granvik kommun") in unescape(granvik)  # one interviewee: said so
    # The part of findings/needs.md headed "Granvik kommun" is in Granvik's brief, and only there.
    assert sv("brief.analysis_heading") in granvik and "planera in en egen takt" in granvik
    assert sv("brief.analysis_heading") not in alvby and "planera in en egen takt" not in alvby


def test_workbench_notebook_runs_on_the_pipeline_outputs(built, tmp_path):
    import papermill

    out, _, _ = built
    papermill.execute_notebook(str(ROOT / "notebooks" / "explore.ipynb"), str(tmp_path / "explore.ipynb"),
                               parameters={"data_dir": str(SAMPLE), "output_dir": str(out), "interactive": False},
                               cwd=str(ROOT / "notebooks"), kernel_name="python3", progress_bar=False)
    nb = json.loads((tmp_path / "explore.ipynb").read_text(encoding="utf-8"))
    outputs = [o for c in nb["cells"] for o in c.get("outputs", [])]
    assert not [o for o in outputs if o["output_type"] == "error"]
    shown = " ".join("".join(o.get("data", {}).get("text/html", "")) for o in outputs)
    # Both questions of the issue are answered from the notebook alone.
    assert re.search(r"<strong>\d+ occurrences</strong> of <em>mandat</em>", shown)
    assert re.search(r"<strong>\d+ segments?</strong> coded with the theme", shown)


def test_study_without_codebook_codings_or_workshop(sample_copy, tmp_path, capsys):
    for optional in ("codebook.yml", "codings", "workshop", "findings"):  # the analysis names themes and challenges
        target = sample_copy / optional
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    out = tmp_path / "out"
    code = main(["--data-dir", str(sample_copy), "--output-dir", str(out), "--jobs", "2", "--no-pdf"])
    assert code == 0, capsys.readouterr().out
    html = (out / "reports" / "findings.html").read_text(encoding="utf-8")
    sv = messages("sv")  # the sample's report language
    assert sv("reasons.no_codebook") in html and sv("method.codebook_none") in html
    assert sv("reasons.no_workshop") in html
    assert (out / "data" / "processed" / "topics.parquet").exists()  # the inductive exploration still ran

    # Adding the workshop re-runs only the stages that read it, and the report gains its outcomes.
    shutil.copytree(SAMPLE / "workshop", sample_copy / "workshop")
    code = main(["--data-dir", str(sample_copy), "--output-dir", str(out), "--jobs", "2", "--no-pdf"])
    printed = capsys.readouterr().out
    assert code == 0, printed
    for stage in ("01_clean_interviews", "02_code_segments", "03_thematic_analysis"):
        assert f"= {stage}: up to date" in printed
    assert "· 04_workshop_outcomes will run" in printed and "· 05_findings_report will run" in printed
    html = (out / "reports" / "findings.html").read_text(encoding="utf-8")
    sv = messages("sv")
    assert sv("reasons.no_workshop") not in html and sv("headings.needs") in html


def test_an_unplaced_quote_is_counted_at_the_end_and_stops_a_strict_run(built, sample_copy, tmp_path, capsys):
    out, _, _ = built
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    sheet = sample_copy / "codings" / "second_coder.csv"
    rows = sheet.read_text(encoding="utf-8-sig")
    sheet.write_text(rows + "P01;en mening som ingen någonsin sa i intervjun;unclear_mandate;coder_b\n",
                     encoding="utf-8-sig")
    row = len(rows.splitlines()) + 1
    # Stage 01 runs too: the copied outputs are of another study folder, which stage 02 refuses to build on.
    args = ["--data-dir", str(sample_copy), "--output-dir", str(copy), "--only", "clean_interviews", "--only",
            "code_segments", "--jobs", "1"]
    assert main(args) == 0
    printed = capsys.readouterr().out
    total = len(rows.splitlines())  # the header row plus the sample's rows, less the header, plus the new one
    assert f"Warning: 1 of {total} manual codings could not be placed" in printed
    assert "codings_unplaced.csv" in printed
    assert main(args + ["--strict"]) == 2
    printed = capsys.readouterr().out
    assert f"second_coder.csv, row {row}: 1 of {total} manual codings could not be placed" in printed


UNLABELLED_INTERVIEW = [
    "Intervju med verksamhetsutvecklare, Bäckeby", "2026-03-05",
    "Hur började samarbetet mellan kommunerna?",
    "Det började med en gemensam upphandling av en e-tjänsteplattform, eftersom ingen av oss hade råd med "
    "licenserna själv och IT-funktionen redan var gemensam för alla sex.",
    "Vem fattade det beslutet?",
    "Kommundirektörerna gjorde det i sitt nätverk, men det förankrades aldrig politiskt, och det fick vi betala för "
    "senare när budgetdiskussionerna kom.",
    "Vad hände då?",
    "Politikerna frågade varför de betalade för något de aldrig hade beslutat om, och det tog två år av möten att "
    "reparera det förtroendet mellan fullmäktige.",
    "Slut på intervjun",
]
STATEMENTS = [
    "Den gemensamma IT-organisationen har vuxit snabbt och har nu ett fyrtiotal anställda som arbetar för alla "
    "medlemmarna med drift, support och utveckling av de gemensamma systemen.",
    "Styrgruppen träffas varannan vecka och har tre stående punkter på dagordningen, där läget i de gemensamma "
    "projekten alltid kommer först och budgeten sist.",
    "Kompetensförsörjningen är den största utmaningen framåt, eftersom det är svårt att rekrytera arkitekter och "
    "säkerhetsspecialister till mindre kommuner på landsbygden.",
    "Informationssäkerheten har fått mer uppmärksamhet efter den senaste incidenten, och nu finns en gemensam "
    "rutin för hur avvikelser rapporteras till ledningen.",
]


def _paragraphs_docx(path: Path, paragraphs: list[str]) -> None:
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(path)


def test_unlabelled_interviews_are_inferred_or_never_quoted_and_the_report_says_so(sample_copy, tmp_path, capsys):
    """P10 as a Word file without labels that alternates questions and answers (roles inferred), P12 as one whose
    paragraphs are all statements (roles uncertain): P12 is quoted and coded nowhere, and the run and report say so."""
    shutil.rmtree(sample_copy / "findings")  # its quotes name segments of the original P10 and P12
    (sample_copy / "interviews" / "P10.vtt").unlink()
    _paragraphs_docx(sample_copy / "interviews" / "P10.docx", UNLABELLED_INTERVIEW)
    _paragraphs_docx(sample_copy / "interviews" / "P12.docx", STATEMENTS)
    out = tmp_path / "out"
    code = main(["--data-dir", str(sample_copy), "--output-dir", str(out), "--jobs", "2", "--no-pdf"])
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "Warning: speaker roles uncertain in 1 interview(s) (P12)" in printed
    processed = out / "data" / "processed"
    quality = pd.read_parquet(processed / "quality.parquet").set_index("participant_id")
    assert quality.loc["P10", "layout"] == "paragraphs" and quality.loc["P10", "roles_confident"]
    assert not quality.loc["P12", "roles_confident"] and "roles uncertain" in quality.loc["P12", "warnings"]
    segments = pd.read_parquet(processed / "segments.parquet")
    p10 = segments[segments["participant_id"] == "P10"]
    assert list(p10["speaker_role"]) == ["interviewer", "respondent"] * 3
    assert not p10["text"].str.contains("Slut på intervjun|2026-03-05").any()  # date and end lines are no turns
    assert set(segments.loc[segments["participant_id"] == "P12", "speaker_role"]) == {"unknown"}
    for table in ("codings", "quotes"):
        assert "P12" not in set(pd.read_parquet(processed / f"{table}.parquet")["participant_id"]), table
    page = unescape((out / "reports" / "findings.html").read_text(encoding="utf-8"))
    assert ('<p class="note"><strong>Obs.</strong> I 1 intervju (P12) kunde talarnas roller inte fastställas säkert, '
            "så inget ur den citeras eller kodas som en intervjupersons ord.</p>") in page


def test_the_run_says_where_its_time_went(built):
    """The runner's timings (for bench/run.py): every job with its lane, start and phases, the runner's steps."""
    from helpers.core.study import load_study
    from helpers.runner.cli import TIMINGS

    out, _, _ = built
    timings = json.loads((out / TIMINGS).read_text(encoding="utf-8"))
    members = load_study(SAMPLE).organisations
    assert sorted(j["label"] for j in timings["jobs"]) == sorted(
        ["01_clean_interviews", "02_code_segments", "03_thematic_analysis", "04_workshop_outcomes",
         "05_findings_report"] + [f"06_member_brief [{m}]" for m in members])
    assert sum(timings["steps"].values()) == pytest.approx(timings["seconds"], abs=0.1)
    for job in timings["jobs"]:
        phases = job["phases"]
        assert min(phases.values()) >= 0 and job["cpu_seconds"] > 0, job
        parts = sum(v for k, v in phases.items() if k != "figures")  # figure rendering happens inside the cells
        assert parts == pytest.approx(job["seconds"], abs=0.1), job
        assert phases["figures"] <= phases["setup_cell"] + phases["other_cells"] + 0.01, job
    by_label = {j["label"]: j for j in timings["jobs"]}
    assert by_label["03_thematic_analysis"]["phases"]["figures"] > 0  # told by the kernel's stage record
    assert by_label["05_findings_report"]["phases"]["pdf"] > 0 and by_label["01_clean_interviews"]["phases"]["pdf"] == 0
    # --jobs 2: never more than two jobs at once, and a job starts only after the runner's start-up
    edges = sorted([(j["start"], 1) for j in timings["jobs"]] + [(j["start"] + j["seconds"], -1)
                                                                for j in timings["jobs"]], key=lambda e: (e[0], e[1]))
    running = [sum(step for _, step in edges[:i + 1]) for i in range(len(edges))]
    assert max(running) <= 2 and min(j["start"] for j in timings["jobs"]) >= timings["steps"]["before_first_job"] - 0.1


def test_stage01_with_the_cache_of_the_last_run_writes_the_same_bytes_and_computes_nothing_again(built, tmp_path):
    """The run made stage 01's cache next to keys/, outside every published folder; a re-run of stage 01 takes every
    interview from it (no entry is written again) and writes the same tables and key, byte for byte."""
    from helpers.interviews.cache import CACHE_FOLDER

    out = tmp_path / "out"
    shutil.copytree(built[0], out)
    cache = out / CACHE_FOLDER
    assert (cache / ".gitignore").exists() and len(list((cache / "transcripts").glob("*.json"))) == 12
    assert len(list((cache / "segments").glob("*.json"))) == 12
    assert not list((out / "reports").rglob(".pipeline-cache")) and not (out / ".pipeline-staging").exists()

    def stage01_files() -> dict[str, str]:
        hashes = file_hashes(out)
        return {p: h for p, h in hashes.items() if p.startswith("keys/") or re.match(
            r"data/processed/(segments|documents|participants|quality)\.", p)}

    def entries() -> dict[str, int]:
        return {str(p.relative_to(cache)): p.stat().st_mtime_ns for p in cache.rglob("*.json")}

    before, written = stage01_files(), entries()
    assert len(before) >= 9
    assert main(["--data-dir", str(SAMPLE), "--output-dir", str(out), "--only", "clean_interviews", "--no-pdf"]) == 0
    assert stage01_files() == before and entries() == written
