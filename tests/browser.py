"""Headless Chromium checks of rendered pages: console errors, a screenshot and the print (PDF) version.

Used by tests/test_browser.py, and on its own to look at a build:

    python tests/browser.py reports/findings.html reports/briefs/granvik-kommun.html --out /tmp/shots
"""

from __future__ import annotations

import argparse
import os
import re
import signal
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


# Measures, after the load event, every table against the text column it sits in and every cell against its own
# box; the result goes into an attribute of <body> for --dump-dom to print.
_TABLE_SCRIPT = """<script>
addEventListener('load', () => {
  const found = [], column = document.querySelector('main') || document.body;
  document.querySelectorAll('table').forEach((table, i) => {
    const box = table.closest('.jp-OutputArea-output') || table.parentElement;
    const t = table.getBoundingClientRect(), b = box.getBoundingClientRect(), c = column.getBoundingClientRect();
    if (t.right > Math.min(b.right, c.right) + 1 || box.scrollWidth > box.clientWidth + 1)
      found.push(`table ${i + 1}: ${Math.round(t.width)} px wide in a ${Math.round(b.width)} px column`);
    table.querySelectorAll('td, th').forEach(cell => {
      if (cell.scrollWidth > cell.clientWidth + 1)
        found.push(`table ${i + 1}: cell "${cell.textContent.trim().slice(0, 40)}" clipped`);
    });
  });
  document.body.setAttribute('data-table-overflow', JSON.stringify(found));
});
</script>"""


def table_overflow(page: Path, width: int) -> list[str]:
    """The tables of ``page`` wider than their text column, and the cells whose text is cut, in a window
    ``width`` px wide. The page is measured as a copy with the script above added (its own Content-Security-Policy,
    which allows no script, is left out of the copy only)."""
    import html
    import json

    text = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page.read_text(encoding="utf-8"), count=1)
    with tempfile.TemporaryDirectory() as folder:
        measured = Path(folder) / page.name
        measured.write_text(text.replace("</body>", _TABLE_SCRIPT + "</body>", 1), encoding="utf-8")
        proc = subprocess.run([chromium(), *FLAGS, f"--user-data-dir={folder}/profile", f"--window-size={width},2000",
                               "--dump-dom", measured.as_uri()], capture_output=True, text=True,
                              timeout=CHROMIUM_TIMEOUT_S)
    found = re.search(r'data-table-overflow="([^"]*)"', proc.stdout)
    if found is None:
        raise RuntimeError(f"{page}: the table measurement did not run at {width} px")
    return json.loads(html.unescape(found.group(1)))


@dataclass
class OfflineLoad:
    requests: list[str]  # every URL the page asked for besides itself and data: URLs
    dialogs: list[str]  # alert / confirm / prompt messages the page opened
    console: list[str]


def load_offline(page: Path, settle_s: float = 1.5, attempts: int = 3) -> OfflineLoad:
    """Load ``page`` in headless Chromium with the network cut and watch it over the DevTools protocol.

    Every request is recorded when the page makes it (before the network could answer: the proxy is a closed
    port, so nothing leaves the machine), every JavaScript dialog when it opens (and is dismissed). After the
    load event the page is watched ``settle_s`` longer for timers and handlers that fire late.

    A browser that hangs before the load event (seen once in a few hundred launches here) is replaced by a
    fresh one; a page that never loads fails the check instead of passing unseen.
    """
    for _ in range(attempts):
        result = _load_once(page, settle_s, wait_s=CHROMIUM_TIMEOUT_S / 5)
        if result is not None:
            return result
    raise RuntimeError(f"{page}: Chromium fired no load event in {attempts} attempts")


def _load_once(page: Path, settle_s: float, wait_s: float) -> OfflineLoad | None:
    """One attempt of :func:`load_offline`; None when no load event came within ``wait_s`` of an event."""
    import json
    import time
    import urllib.request

    import websocket  # websocket-client, a Jupyter dependency

    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as profile:
        proc = subprocess.Popen([chromium(), *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-port=0",
                                 "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
                                 "about:blank"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        try:
            port_file = Path(profile) / "DevToolsActivePort"
            deadline = time.monotonic() + CHROMIUM_TIMEOUT_S
            while not port_file.exists() or not port_file.read_text().strip():
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("Chromium did not open its DevTools port")
                time.sleep(0.05)
            port = port_file.read_text().split()[0]
            targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list",
                                                       timeout=CHROMIUM_TIMEOUT_S))
            ws = websocket.create_connection(next(t for t in targets if t["type"] == "page")["webSocketDebuggerUrl"],
                                             timeout=CHROMIUM_TIMEOUT_S, suppress_origin=True)
            ids = iter(range(1, 10**6))

            def send(method: str, **params) -> int:
                ident = next(ids)
                ws.send(json.dumps({"id": ident, "method": method, "params": params}))
                return ident

            # Every domain is on before the page is asked for: Chromium may answer a command before those sent
            # ahead of it, so a navigation sent at once could load the page before Page.enable took effect (its
            # load event unseen: a browser that seemed to hang, one launch in five on a busy machine).
            enabling = {send(f"{domain}.enable") for domain in ("Network", "Page", "Runtime", "Log")}
            ws.settimeout(wait_s)
            while enabling:
                try:
                    enabling.discard(json.loads(ws.recv()).get("id"))  # events of about:blank before that: not ours
                except websocket.WebSocketTimeoutException:
                    return None
            url = page.resolve().as_uri()
            send("Page.navigate", url=url)
            result = OfflineLoad([], [], [])
            loaded_at = None
            while loaded_at is None or time.monotonic() - loaded_at < settle_s:
                ws.settimeout(settle_s if loaded_at is not None else wait_s)
                try:
                    message = json.loads(ws.recv())
                except websocket.WebSocketTimeoutException:
                    if loaded_at is None:  # no load event: this browser hung, the page was not seen
                        return None
                    break
                method, params = message.get("method"), message.get("params", {})
                if method == "Network.requestWillBeSent":
                    asked = params["request"]["url"]
                    if asked != url and not asked.startswith(("data:", "about:")):
                        result.requests.append(asked)
                elif method == "Page.javascriptDialogOpening":
                    result.dialogs.append(params.get("message", ""))
                    send("Page.handleJavaScriptDialog", accept=False)
                elif method == "Runtime.consoleAPICalled":
                    result.console.append(" ".join(str(a.get("value", "")) for a in params.get("args", [])))
                elif method == "Log.entryAdded":
                    entry = params["entry"]
                    result.console.append(entry.get("text", ""))
                    # A request that failed early (the cut network) is reported here, not as requestWillBeSent.
                    if entry.get("source") == "network" and entry.get("url") not in result.requests:
                        result.requests.append(entry.get("url") or entry.get("text", ""))
                elif method == "Page.loadEventFired":
                    loaded_at = time.monotonic()
            ws.close()
            return result
        finally:
            os.killpg(proc.pid, signal.SIGKILL)  # the browser and its renderer and GPU processes
            proc.wait()


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
