"""Tables for readers: no table wider than its text column and no cell cut, on screen from 800 to 1600 px
(headless Chromium) and in print (the PDF's own layout engine, WeasyPrint)."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.core.i18n import messages
from helpers.report import page as rp

from browser import chromium, table_overflow

pytestmark = pytest.mark.slow


def _pages(out):
    reports = out / "reports"
    return [reports / "findings.html", reports / "briefs" / "granvik-kommun.html"]


@pytest.mark.skipif(chromium() is None, reason="needs Debian's chromium")
@pytest.mark.parametrize("width", [800, 1100, 1600])
def test_no_table_is_wider_than_its_column_on_screen(built, width):
    out, _, _ = built
    for page in _pages(out):
        assert table_overflow(page, width) == [], (page.name, width)


def _overflowing_boxes(box, right: float, found: list[str]) -> list[str]:
    """Boxes under ``box`` that reach beyond ``right`` (the page's content edge), by their kind and text."""
    for child in getattr(box, "children", []):
        edge = child.position_x + child.margin_width()
        if edge > right + 0.5:
            found.append(f"{type(child).__name__} {getattr(child, 'text', '')[:40]!r} ends at {edge:.0f} > {right:.0f}")
        _overflowing_boxes(child, right, found)
    return found


def test_nothing_runs_off_the_printed_page(built):
    """Tables above all, but no box of the text (the page-margin boxes aside) ends beyond the right margin."""
    from helpers.runner.pdf import layout

    out, page, _ = built
    found = []
    for number, printed in enumerate(layout(page).pages, start=1):
        box = printed._page_box
        right = box.content_box_x() + box.width
        for content in [b for b in box.children if type(b).__name__ != "MarginBox"]:
            found += [f"page {number}: {f}" for f in _overflowing_boxes(content, right, [])]
    assert found == []


def test_a_very_wide_table_becomes_a_list_of_records():
    wide = pd.DataFrame([{f"column_{i}": f"value {r}.{i}" for i in range(12)} for r in range(2)])
    block = rp.Report(messages("sv")).table(wide, "Bred.").html
    assert "<table" not in block and block.count('<dl class="record">') == 2
    assert "<dt>column 3</dt><dd>value 1.3</dd>" in block and "Tabell 1." in block
