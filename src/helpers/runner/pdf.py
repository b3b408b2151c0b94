"""PDF copies of the reader-facing pages (the findings report and each brief), from the same HTML.

WeasyPrint lays the page out with the report's print stylesheet (``report.css``: A4, the fictional-study
banner in the top margin of every page, page numbers at the foot). It fetches nothing: the pages embed their
figures as ``data:`` URLs, and any other address (which escaping should already have made impossible) is
refused, as the pages' Content-Security-Policy refuses it in a browser.
"""

from __future__ import annotations

import logging
from pathlib import Path

from .faults import writing


class PDFUnavailable(RuntimeError):
    """WeasyPrint is installed but cannot load the Pango library it draws text with."""


def layout(page: str):
    """``page`` (a finished HTML page) laid out for print: WeasyPrint's document, its pages and boxes."""
    try:
        import weasyprint
        from weasyprint.urls import URLFetcher
    except OSError as exc:  # the Python package is there, the system's Pango is not
        raise PDFUnavailable(f"the PDFs need the Pango library, which WeasyPrint cannot load ({exc}): install it "
                             "(Debian/Ubuntu: apt-get install libpango-1.0-0; conda: it is in environment.yml) or "
                             "run with --no-pdf") from exc

    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # refused URLs and unsupported CSS are not news
    fetcher = URLFetcher(allowed_protocols={"data"}, allow_redirects=False)
    return weasyprint.HTML(string=page, url_fetcher=fetcher).render()


def write_pdf(page: str, target: Path) -> int:
    """Write ``page`` (a finished HTML page) as a PDF at ``target``; return its number of pages."""
    document = layout(page)
    with writing(target):
        target.parent.mkdir(parents=True, exist_ok=True)
        document.write_pdf(target)
    return len(document.pages)
