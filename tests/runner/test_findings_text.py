"""End to end: the researchers' analysis (findings/) in the sample report, and a bad reference stopping a run."""

from __future__ import annotations

import re
from html import unescape

import pytest

from helpers.core.i18n import messages
from helpers.runner.cli import main

from conftest import SAMPLE

SV = messages("sv")  # the sample study's report language

pytestmark = pytest.mark.slow


def test_the_sample_report_carries_the_researchers_analysis(built):
    _, html, _ = built
    text = unescape(html)
    summary = (SAMPLE / "findings" / "summary.md").read_text(encoding="utf-8")
    assert summary.split(" *riktningen*")[0] in text  # the analysis text itself ...
    assert "togs upp av 9 av 12 intervjupersoner" in text  # ... with its numbers filled in
    themes = [p.stem for p in (SAMPLE / "findings").glob("*.md") if p.stem not in ("summary", "method", "needs",
                                                                                      "README")]
    pending = SV("page.analysis_pending", file="findings/").split("(")[0]
    assert len(themes) == 10 and pending not in text  # the sample's analysis is complete
    appendix = text.split(SV("headings.appendix_quotes"))[-1]
    used = set(re.findall(r"\[\[(P\d\d-\d{3})", "".join(p.read_text(encoding="utf-8")
                                                          for p in (SAMPLE / "findings").glob("*.md"))))
    assert used and all(f">{seg}</td>" in appendix for seg in used)  # every quote listed with its segment
    assert "— P01, Älvby kommun</small>" in text and "— P01, kommundirektör" not in text  # id+organisation
    assert SV("method.attribution", shown=SV("attribution.id+organisation"), level="id+organisation") in text


def test_a_bad_reference_stops_the_run_naming_the_file_and_line(sample_copy, tmp_path, capsys):
    summary = sample_copy / "findings" / "summary.md"
    summary.write_text("Första raden.\n\nHär {{theme.governance_mandat.participants}} personer.\n", encoding="utf-8")
    code = main(["--data-dir", str(sample_copy), "--output-dir", str(tmp_path / "out"), "--jobs", "2"])
    printed = capsys.readouterr().out
    assert code == 2, printed
    assert re.search(r"findings/summary\.md, line 3: \{\{theme\.governance_mandat\.participants\}\} names no "
                     r"number \(did you mean theme\.governance_mandate\.participants", printed), printed


def test_the_report_and_every_brief_come_as_pdf_with_banner_headings_and_page_numbers(built):
    from pypdf import PdfReader

    out, _, _ = built
    report = PdfReader(out / "reports" / "findings.pdf")
    assert 15 <= len(report.pages) <= 60
    pages = [page.extract_text() for page in report.pages]
    assert all("FIKTIVA EXEMPELDATA" in p for p in pages)  # the banner on every page, in the report's Swedish
    assert all(f"Sida {n} av {len(pages)}" in p for n, p in enumerate(pages, start=1))
    text = "\n".join(pages)
    for key in ("summary", "method", "findings", "workshop", "appendix_codebook", "appendix_quotes"):
        assert SV(f"headings.{key}") in text
    briefs = sorted((out / "reports" / "briefs").glob("*.html"))
    assert briefs and all(b.with_suffix(".pdf").exists() for b in briefs)
    for brief in briefs:
        pdf = PdfReader(brief.with_suffix(".pdf"))
        assert 1 <= len(pdf.pages) <= 4 and "medlemsrapport" in pdf.pages[0].extract_text()
    index = (out / "reports" / "index.html").read_text(encoding="utf-8")
    assert '<a href="findings.pdf">PDF</a>' in index and 'href="briefs/sexan-it.pdf"' in index


def test_no_pdf_removes_the_pdfs_and_a_later_run_makes_them_again(built, tmp_path, capsys):
    import shutil

    out, _, _ = built
    copy = tmp_path / "out"
    shutil.copytree(out, copy)
    (copy / "reports" / "findings.html").unlink()  # so that the findings report runs again, and only it
    assert main(["--data-dir", str(SAMPLE), "--output-dir", str(copy), "--no-pdf"]) == 0
    assert not list((copy / "reports").rglob("*.pdf"))  # no stale PDF beside a newer page
    assert "PDF" not in (copy / "reports" / "index.html").read_text(encoding="utf-8")
    assert main(["--data-dir", str(SAMPLE), "--output-dir", str(copy)]) == 0
    printed = capsys.readouterr().out
    assert "its outputs are missing" in printed and (copy / "reports" / "findings.pdf").exists()
