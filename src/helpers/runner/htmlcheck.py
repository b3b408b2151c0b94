"""Checks that a rendered page is self-contained: no external resources, no missing images, no error output.

Used by the tests on every rendered page, so that the report opens the same offline, years later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)")
_CSS_IMPORT = re.compile(r"@import\s+['\"]([^'\"]+)")
# Attributes that make a browser fetch something on load (links in <a href> are only followed when clicked).
_FETCHING = {("script", "src"), ("img", "src"), ("link", "href"), ("iframe", "src"), ("source", "src"),
             ("video", "src"), ("audio", "src"), ("embed", "src"), ("object", "data"), ("input", "src")}


def is_external(url: str) -> bool:
    """True for a URL that needs the network (http, https, protocol-relative)."""
    url = url.strip()
    return url.startswith("//") or urlparse(url).scheme in ("http", "https", "ftp", "ws", "wss")


@dataclass
class PageReport:
    """What a page fetches and shows."""

    external: list[str] = field(default_factory=list)  # "tag attr: url"
    images: list[str] = field(default_factory=list)  # every <img src>
    error_outputs: int = 0  # error / stderr output areas


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.report = PageReport()
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        for attr in ("src", "href", "data"):
            if (tag, attr) in _FETCHING and attr in values and is_external(values[attr]):
                self.report.external.append(f"<{tag} {attr}>: {values[attr]}")
        if tag == "img":
            self.report.images.append(values.get("src", ""))
        for url in _CSS_URL.findall(values.get("style", "")):
            if is_external(url):
                self.report.external.append(f"<{tag} style>: {url}")
        mime = values.get("data-mime-type", "")
        if mime in ("application/vnd.jupyter.stderr", "application/vnd.jupyter.error") \
                or "jp-OutputArea-error" in values.get("class", ""):
            self.report.error_outputs += 1
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            for url in _CSS_URL.findall(data) + _CSS_IMPORT.findall(data):
                if is_external(url):
                    self.report.external.append(f"<style>: {url}")


def scan_page(page: str) -> PageReport:
    """Parse ``page`` and report external resources, images and error outputs."""
    scanner = _Scanner()
    scanner.feed(page)
    scanner.close()
    return scanner.report


def missing_images(report: PageReport, page_path: Path) -> list[str]:
    """Images that are neither embedded (data: URLs) nor present next to the page."""
    missing = []
    for src in report.images:
        if not src or (not src.startswith("data:") and not (page_path.parent / src).exists()):
            missing.append(src or "(empty src)")
    return missing
