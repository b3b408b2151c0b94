"""Study data reach HTML through one path (helpers.core.display): no other way of writing markup in the code."""

from __future__ import annotations

import re

import nbformat
import pytest

from conftest import ROOT

# Ways of turning text into markup without escaping it, or of escaping it by hand in an f-string.
OTHER_PATHS = {
    "IPython Markdown (renders data as Markdown: links, images, raw HTML)": re.compile(r"\bMarkdown\("),
    "IPython HTML (raw markup)": re.compile(r"(?<!weasyprint\.)\bHTML\("),  # WeasyPrint lays out a finished page
    "html.escape in an f-string (escaping by hand)": re.compile(r"html\.escape\("),
    "a pandas Styler without escaping (use core.display.styled)": re.compile(r"\b(?!core\b)\w+\.style\.(?!use\b)\w+\("),
    "to_html(escape=False)": re.compile(r"escape\s*=\s*False"),
}


def sources() -> list[tuple[str, str]]:
    found = [(p.relative_to(ROOT).as_posix(), p.read_text(encoding="utf-8"))
             for p in sorted((ROOT / "src" / "helpers").rglob("*.py")) if p.name != "display.py"]
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = nbformat.read(path, 4).cells
        found += [(f"{path.relative_to(ROOT).as_posix()} cell {i}", c.source) for i, c in enumerate(cells)
                  if c.cell_type == "code"]
    return found


@pytest.mark.parametrize("what", OTHER_PATHS)
def test_no_markup_is_written_outside_core_display(what):
    offenders = [where for where, text in sources() if OTHER_PATHS[what].search(text)]
    assert offenders == [], f"{what} in {offenders}"


def test_the_check_finds_what_it_looks_for():
    assert all(pattern.search(example) for pattern, example in zip(OTHER_PATHS.values(), (
        'display(Markdown(f"**{x}**"))', "HTML(page)", 'f"<p>{html.escape(t)}</p>"', "df.style.hide()",
        "df.to_html(escape=False)")))
