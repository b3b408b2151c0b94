"""The report and a brief in a real browser: no console errors, a screenshot, a printable A4 version."""

from __future__ import annotations

import pytest

from browser import check_page, chromium

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(chromium() is None, reason="Chromium is not installed (apt-get install chromium)")]


def test_browser_check_sees_console_errors(tmp_path):
    page = tmp_path / "broken.html"
    page.write_text('<html><body><script>console.error("planted"); missingFunction();</script></body></html>')
    result = check_page(page, tmp_path / "shots", height=400)
    assert any("planted" in m for m in result.console)
    assert any("missingFunction" in m for m in result.console)


def test_report_and_brief_load_without_console_errors(built, tmp_path):
    out, _, _ = built
    for page, max_pages in ((out / "reports" / "findings.html", 40), (out / "reports" / "briefs" / "granvik-kommun.html", 2)):
        result = check_page(page, tmp_path / "shots")
        assert result.console == [], f"{page.name}: {result.console}"
        assert result.screenshot.stat().st_size > 50_000  # a page with content, not a blank one
        assert 1 <= result.pdf_pages <= max_pages, f"{page.name} prints on {result.pdf_pages} pages"
