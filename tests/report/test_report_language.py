"""The report language: the Swedish sample report has no English left, and ``report_language: en`` gives the
English report, every heading, caption and table header from the catalogue of its language."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from helpers.core.i18n import load_catalogue, messages

from conftest import SAMPLE

SV, EN = messages("sv"), messages("en")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# English words that are not Swedish words: one of them outside a quote means English text was left in.
ENGLISH_WORDS = {"the", "and", "of", "with", "from", "are", "were", "was", "each", "which", "this", "that", "have",
                 "has", "for", "to", "not", "no", "interviews", "interview", "theme", "themes", "figure", "table",
                 "appendix", "votes", "members", "member", "quotes", "skipped", "because", "participant", "words",
                 "coding", "codebook", "contents", "summary", "method", "findings", "brief"}
HEADINGS = ["summary", "method", "data_collection", "cleaning", "speaker_roles", "coding", "findings", "workshop",
            "needs", "appendix_codebook", "appendix_coreq", "appendix_provenance", "appendix_quotes"]


class _Visible(HTMLParser):
    """The text a reader sees, without quotes (interviewees' words, in their language), styles and scripts;
    ``skip_analysis`` leaves out the researchers' own text too (written in the language they chose)."""

    def __init__(self, skip_analysis: bool):
        super().__init__()
        self.skip_analysis, self.stack, self.parts, self.headers = skip_analysis, [], [], []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        hidden = tag in ("style", "script", "title", "blockquote", "q") or (self.skip_analysis and "analysis" in classes)
        self.stack.append((tag, hidden))

    def handle_endtag(self, tag):
        if tag in VOID or tag not in [t for t, _ in self.stack]:
            return
        while self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if data.strip() and not any(hidden for _, hidden in self.stack):
            self.parts.append(data.strip())
            if self.stack and self.stack[-1][0] == "th":
                self.headers.append(data.strip())


def visible(page: str, skip_analysis: bool = False) -> _Visible:
    parser = _Visible(skip_analysis)
    parser.feed(page)
    return parser


def fragments(language: str) -> set[str]:
    """The catalogue's fixed text: every stretch of at least two words between blanks (``{n} of {of}`` -> " of ")."""
    pieces = set()
    for entry in load_catalogue(language).values():
        for form in entry.values() if isinstance(entry, dict) else [entry]:
            pieces |= {p.strip() for p in re.split(r"\{[^}]*\}", form) if len(p.split()) >= 2}
    return pieces


def pages(out: Path) -> dict[str, str]:
    reports = out / "reports"
    found = [reports / "findings.html", reports / "index.html", *sorted((reports / "briefs").glob("*.html"))]
    return {p.name: p.read_text(encoding="utf-8") for p in found}


@pytest.mark.slow
def test_the_swedish_sample_report_and_briefs_have_no_english_left(built):
    out, _, _ = built
    english = fragments("en") - fragments("sv")  # "Cohen's kappa" and the like are the same in both
    for name, page in pages(out).items():
        assert '<html lang="sv">' in page, name
        seen = visible(page)
        text = " ".join(seen.parts)
        assert not [f for f in english if f in text], name
        # Words, not identifiers: paths (interviews/P01.docx), files, code ids and parameters (us_and_them).
        words = set(re.findall(r"[a-z]+", re.sub(r"\S*(?:_|/|\.[a-z])\S*", " ", text).lower()))
        assert not words & ENGLISH_WORDS, (name, words & ENGLISH_WORDS)


@pytest.mark.slow
def test_every_heading_and_table_header_of_the_swedish_report_is_swedish(built):
    _, page, _ = built
    seen = visible(page)
    for key in HEADINGS:
        assert f">{SV(f'headings.{key}')}</h" in page, key
    swedish_headers = {SV(k) for k in load_catalogue("sv") if k.startswith("headers.")}
    assert seen.headers and set(seen.headers) <= swedish_headers, set(seen.headers) - swedish_headers
    for caption in ("theme_prevalence", "workshop_priorities", "coreq"):
        assert SV(f"captions.{caption}") in page
    assert SV("captions.interviews", shown=SV("attribution.id+organisation")) in page
    assert SV("page.table", n=1) in page and SV("page.figure", n=1) in page


@pytest.fixture(scope="module")
def english_run(tmp_path_factory) -> Path:
    """The sample study with ``report_language: en``, run end to end (no PDFs: their text is the HTML's)."""
    from helpers.runner.cli import main

    root = tmp_path_factory.mktemp("english")
    study = root / "study"
    shutil.copytree(SAMPLE, study)
    with (study / "study.yml").open("a", encoding="utf-8") as f:
        f.write("\nreport_language: en\n")
    assert main(["--data-dir", str(study), "--output-dir", str(root / "out"), "--jobs", "2", "--no-pdf"]) == 0
    return root / "out"


@pytest.mark.slow
def test_report_language_en_gives_the_english_report_and_briefs(english_run):
    found = pages(english_run)
    report = found["findings.html"]
    for key in HEADINGS:
        assert f">{EN(f'headings.{key}')}</h" in report, key
    seen = visible(report)
    english_headers = {EN(k) for k in load_catalogue("en") if k.startswith("headers.")}
    assert set(seen.headers) <= english_headers, set(seen.headers) - english_headers
    assert "Shared platforms and legacy systems" in report  # themes by the codebook's English labels
    swedish = fragments("sv") - fragments("en")
    for name, page in found.items():
        assert '<html lang="en">' in page, name
        text = " ".join(visible(page, skip_analysis=True).parts)  # the analysis is in the researchers' Swedish
        assert not [f for f in swedish if f in text], name
    brief = found["alvby-kommun.html"]
    assert EN("brief.title", organisation="Älvby kommun") in brief and EN("brief.heading_quotes") in brief
