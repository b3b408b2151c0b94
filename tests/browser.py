"""Headless Chromium checks of rendered pages: console errors, a screenshot and the print (PDF) version.

Used by tests/test_browser.py, and on its own to look at a build:

    python tests/browser.py reports/findings.html reports/briefs/granvik-kommun.html --out /tmp/shots
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--hide-scrollbars"]
_CONSOLE = re.compile(r":(?:INFO|WARNING|ERROR):CONSOLE[:(]\d*\)?\] \"(.*)\", source: (.*)")


def chromium() -> str | None:
    """The Chromium executable (Debian's package), or None."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class PageCheck:
    console: list[str]  # console messages (errors and logs) the page produced
    screenshot: Path
    pdf: Path

    @property
    def pdf_pages(self) -> int:
        return len(re.findall(rb"/Type\s*/Page[^s]", self.pdf.read_bytes()))


# Only a guard against a Chromium that hangs, never a speed test: a screenshot of reports/findings.html takes 3 s
# and its print 5 s here (4 s and 10 s with the CPU four times over-booked), so 600 s is far above any slow machine.
CHROMIUM_TIMEOUT_S = 600


def _run(args: list[str], profile: Path) -> str:
    proc = subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True,
                          text=True, timeout=CHROMIUM_TIMEOUT_S)
    return proc.stderr


def check_page(page: Path, out: Path, width: int = 1100, height: int = 4000) -> PageCheck:
    """Load ``page`` in headless Chromium: collect console messages, save a screenshot and the A4 print."""
    out.mkdir(parents=True, exist_ok=True)
    shot, pdf = out / f"{page.stem}.png", out / f"{page.stem}.pdf"
    with tempfile.TemporaryDirectory() as profile:
        log = _run(["--enable-logging=stderr", "--v=0", f"--window-size={width},{height}", f"--screenshot={shot}",
                    page.resolve().as_uri()], Path(profile))
        _run(["--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.resolve().as_uri()], Path(profile))
    console = [f"{m.group(1)} ({m.group(2)})" for m in _CONSOLE.finditer(log)]
    return PageCheck(console=console, screenshot=shot, pdf=pdf)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("pages", type=Path, nargs="+")
    parser.add_argument("--out", type=Path, default=Path("reports/screenshots"))
    args = parser.parse_args()
    for page in args.pages:
        result = check_page(page, args.out)
        print(f"{page}: {len(result.console)} console message(s), {result.pdf_pages} A4 page(s); "
              f"screenshot {result.screenshot}, print {result.pdf}")
        for message in result.console:
            print(f"  console: {message}")


if __name__ == "__main__":
    main()
