"""The runner's bookkeeping: which jobs are up to date, and why the others run (no notebook is executed, but
in the one test marked slow: a stand-in stage, to see what the end of a run says)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers.core import records
from helpers.core.stages import Spec, StageSpec, load_spec
from helpers.runner import jobs as rj


def _project(tmp_path: Path) -> tuple[Spec, Path, Path]:
    """Two stages in a tiny project: `a` reads `in.csv`, `b` comes after `a` and reads `other.csv`."""
    for name in ("a", "b"):
        nb = {"cells": [{"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": "x: int = 1"}],
              "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
        (tmp_path / f"{name}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    data = tmp_path / "study"
    data.mkdir()
    (data / "in.csv").write_text("x\n1\n", encoding="utf-8")
    (data / "other.csv").write_text("y\n2\n", encoding="utf-8")
    spec = Spec(stages=(StageSpec("a", "a.ipynb", reads=("in.csv",)),
                           StageSpec("b", "b.ipynb", reads=("other.csv",), after=("a",))),
                   parameters={}, path=tmp_path / "pipeline.yml")
    return spec, data, tmp_path / "out"


def _record(out: Path, job: rj.Job, run_id: str, by: str = "runner", outputs: dict | None = None, **params) -> None:
    """The stage record the job's notebook writes when it finishes (helpers.core.records.finish)."""
    path = records.record_path(out, job.record)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"id": run_id, "by": by, "finished": "2026-12-02T10:00:00", "parameters": params,
                                "outputs": outputs or {}}), encoding="utf-8")


def _run_all(jobs: list[rj.Job], out: Path) -> dict[str, dict]:
    """Pretend every job ran: write its outputs and its stage record, and save the state, as the runner does."""
    todo, _ = rj.outdated(jobs, {}, out, force=True)
    for job in todo:
        job.executed.parent.mkdir(parents=True, exist_ok=True)
        job.executed.write_text("{}", encoding="utf-8")
        (out / "data" / "processed").mkdir(parents=True, exist_ok=True)
        (out / "data" / "processed" / f"{job.key}.csv").write_text("x\n1\n", encoding="utf-8")
        written = out / "data" / "processed" / f"{job.key}.csv"
        _record(out, job, f"run-{job.key}", x=1, outputs={f"data/processed/{job.key}.csv": records.file_hash(written)})
    rj.save_state(out, {}, [rj.JobResult(j.key, j.fingerprint, 0.0, record=f"run-{j.key}", parameters={"x": 1})
                            for j in todo])
    return rj.load_state(out)


def test_a_stage_rerun_by_hand_runs_again_with_those_after_it_and_says_why(tmp_path):
    spec, data, out = _project(tmp_path)
    jobs = rj.plan(spec, tmp_path, data, out)
    state = _run_all(jobs, out)
    _record(out, jobs[0], "by-hand", by="interactive", x=2)
    todo, reasons = rj.outdated(jobs, state, out, force=False)
    assert [j.key for j in todo] == ["a", "b"]
    assert reasons["a"] == ("its outputs were rewritten by an interactive run at 2026-12-02T10:00:00 with x=2; the "
                            "runner runs it again with pipeline.yml's parameters (to keep other values, set them in "
                            "pipeline.yml)")
    assert reasons["b"] == "an upstream stage re-runs"


def test_an_output_edited_by_hand_runs_its_stage_again(tmp_path):
    spec, data, out = _project(tmp_path)
    jobs = rj.plan(spec, tmp_path, data, out)
    state = _run_all(jobs, out)
    (out / "data" / "processed" / "b.csv").write_text("x\n2\n", encoding="utf-8")
    todo, reasons = rj.outdated(jobs, state, out, force=False)
    assert [j.key for j in todo] == ["b"] and reasons["b"] == "data/processed/b.csv changed by hand since it ran"
    records.record_path(out, "b").unlink()
    assert rj.outdated(jobs, state, out, force=False)[1]["b"] == "its stage record is gone (its outputs were removed)"


def test_nothing_changed_means_nothing_runs(tmp_path):
    spec, data, out = _project(tmp_path)
    jobs = rj.plan(spec, tmp_path, data, out)
    state = _run_all(jobs, out)
    todo, _ = rj.outdated(jobs, state, out, force=False)
    assert todo == []


def test_a_changed_input_reruns_its_stage_and_those_after_it(tmp_path):
    spec, data, out = _project(tmp_path)
    jobs = rj.plan(spec, tmp_path, data, out)
    state = _run_all(jobs, out)
    (data / "other.csv").write_text("y\n3\n", encoding="utf-8")
    todo, reasons = rj.outdated(jobs, state, out, force=False)
    assert [j.key for j in todo] == ["b"] and "input files" in reasons["b"]
    (data / "in.csv").write_text("x\n5\n", encoding="utf-8")
    todo, reasons = rj.outdated(jobs, state, out, force=False)
    assert [j.key for j in todo] == ["a", "b"]


def test_force_and_missing_outputs_rerun(tmp_path):
    spec, data, out = _project(tmp_path)
    jobs = rj.plan(spec, tmp_path, data, out)
    state = _run_all(jobs, out)
    todo, reasons = rj.outdated(jobs, state, out, force=True)
    assert [j.key for j in todo] == ["a", "b"] and set(reasons.values()) == {"forced"}
    jobs[1].executed.unlink()
    todo, reasons = rj.outdated(jobs, state, out, force=False)
    assert [j.key for j in todo] == ["b"] and reasons["b"] == "its outputs are missing"


def test_a_changed_notebook_reruns(tmp_path):
    spec, data, out = _project(tmp_path)
    jobs = rj.plan(spec, tmp_path, data, out)
    state = _run_all(jobs, out)
    nb = json.loads((tmp_path / "a.ipynb").read_text(encoding="utf-8"))
    nb["cells"].append({"cell_type": "code", "metadata": {}, "source": "print(x)"})
    (tmp_path / "a.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    todo, _ = rj.outdated(jobs, state, out, force=False)
    assert [j.key for j in todo] == ["a", "b"]


def test_notebooks_get_paths_relative_to_their_folder(tmp_path):
    spec, data, out = _project(tmp_path)
    job = rj.plan(spec, tmp_path, data, out)[0]
    assert job.parameters["data_dir"] == "study" and job.parameters["output_dir"] == "out"


def test_strict_is_set_only_where_the_stage_has_the_parameter():
    from conftest import ROOT, SAMPLE

    spec = load_spec(ROOT / "pipeline.yml")
    jobs = rj.with_parameter(rj.plan(spec, ROOT, SAMPLE, ROOT), "strict", True)
    assert {j.stage for j in jobs if j.parameters.get("strict") is True} == {"code_segments"}
    assert all("strict" not in j.parameters for j in jobs if j.stage != "code_segments")


@pytest.mark.slow
def test_the_run_ends_with_a_warning_when_manual_codings_could_not_be_placed(tmp_path, capsys):
    """The runner prints helpers.report.run_summary's warnings once the outputs are in place: here stage 02's count of
    manual codings it could not place, written by a stand-in notebook."""
    import pandas as pd

    from helpers.core.tables import write_table
    from helpers.report.run_summary import run_warnings
    from helpers.runner.cli import main

    from conftest import SAMPLE

    assert run_warnings(tmp_path) == []  # no stage 02 outputs: nothing to say
    sources = pd.DataFrame([("a.txt", "maxqda", "a", 262, 250, 12, 0.954), ("b.csv", "sheet", "b", 5, 5, 0, 1.0)],
                           columns=["file", "kind", "coder", "quotes", "placed", "unplaced", "placement_rate"])
    write_table(sources.assign(placed=[262, 5], unplaced=0), tmp_path, "codings_sources")
    assert run_warnings(tmp_path) == []  # every coding placed
    code = ("import pandas as pd\nfrom helpers.core.outputs import Outputs\nfrom helpers.core.tables import write_table\n"
            f"write_table(pd.DataFrame({sources.to_dict('list')!r}), Outputs.at(output_dir).processed, "
            "'codings_sources')")
    nb = {"cells": [{"cell_type": "code", "id": "params", "metadata": {"tags": ["parameters"]}, "execution_count": None,
                     "outputs": [], "source": 'data_dir: str = "."\noutput_dir: str = "."'},
                    {"cell_type": "code", "id": "write", "metadata": {}, "execution_count": None, "outputs": [],
                     "source": code}],
          "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
          "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "stand_in.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    spec = f"stages:\n  - name: code_segments\n    notebook: {tmp_path / 'stand_in.ipynb'}\n"
    (tmp_path / "pipeline.yml").write_text(spec, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["--data-dir", str(SAMPLE), "--output-dir", str(out), "--pipeline", str(tmp_path / "pipeline.yml"),
                 "--jobs", "1"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed[-1] == (f"Warning: 12 of 267 manual codings could not be placed "
                           f"(see {out / 'data' / 'processed' / 'codings_unplaced.csv'})")


def test_stage01_finds_the_cache_in_the_output_folder_and_its_place_is_no_part_of_a_fingerprint(tmp_path):
    """The notebooks write to a staging folder that is swapped in at the end; the cache must outlive it, so stage 01
    gets the output folder's cache as a parameter of its own (only the notebooks that declare it keep it)."""
    from conftest import ROOT, SAMPLE

    from helpers.interviews.cache import CACHE_FOLDER

    spec = load_spec(ROOT / "pipeline.yml")
    out = tmp_path / "out"
    jobs = rj.plan(spec, ROOT, SAMPLE, out)
    [clean] = [j for j in jobs if j.stage == "clean_interviews"]
    staged = clean.restaged(out, out / ".pipeline-staging")
    cache = staged.notebook.parent / staged.parameters["cache_dir"]
    assert cache.resolve() == (out / CACHE_FOLDER).resolve() and "staging" in staged.parameters["output_dir"]
    elsewhere = rj.plan(spec, ROOT, SAMPLE, tmp_path / "other")
    assert rj.fingerprints(jobs, out) == rj.fingerprints(elsewhere, tmp_path / "other")
    checked = rj.check_parameters(jobs, spec, ROOT)
    assert {j.stage for j in checked if "cache_dir" in j.parameters} == {"clean_interviews"}
