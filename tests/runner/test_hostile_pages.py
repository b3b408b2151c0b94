"""Hostile strings in every field of a study reach the pages as text: nothing runs, nothing loads.

One run of the pipeline on a copy of the sample study with :data:`hostile_fixtures.HOSTILE` in its title,
description, a member's name, a role, a theme, a challenge, an action and an interviewee's words. Every page it
publishes (the report, every brief, the index, every audit page) is then checked twice: as markup (no script, no
event handler, no link or resource that leaves the page, the Content-Security-Policy first in the head) and in
Chromium with the network cut (zero requests, zero dialogs).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from browser import chromium, load_offline
from conftest import SAMPLE
from hostile_fixtures import HOST, HOSTILE, MarkupScan, hostile_study

from helpers.runner.render import CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def hostile_build(tmp_path_factory) -> Path:
    from helpers.runner.cli import main

    root = tmp_path_factory.mktemp("hostile")
    study = hostile_study(SAMPLE, root / "study")
    assert main(["--data-dir", str(study), "--output-dir", str(root / "out"), "--jobs", "2", "--no-pdf"]) == 0
    return root / "out"


def pages(out: Path) -> list[Path]:
    found = sorted((out / "reports").rglob("*.html"))
    names = {p.relative_to(out / "reports").as_posix() for p in found}
    assert {"findings.html", "index.html"} <= names and any(n.startswith("briefs/") for n in names)
    assert sum(n.startswith("html/") for n in names) >= 5  # the audit pages of stages 01-05
    return found


def test_every_page_shows_hostile_strings_as_text(hostile_build: Path) -> None:
    for page in pages(hostile_build):
        text = page.read_text(encoding="utf-8")
        scan = MarkupScan()
        scan.feed(text)
        where = page.relative_to(hostile_build)
        assert scan.problems == [], f"{where}: {scan.problems}"
        assert scan.csp == [CONTENT_SECURITY_POLICY], f"{where}: CSP {scan.csp}"
        assert text.index("Content-Security-Policy") < text.index("<style"), f"{where}: the policy comes first"
    report = (hostile_build / "reports" / "findings.html").read_text(encoding="utf-8")
    # The title, the member and the theme label show as the text they are.
    assert "Sexan &lt;img src=http://hostile.example/img.png onerror=alert(1)&gt;" in report
    assert "Granvik &lt;b onmouseover=alert(6)&gt;kommun&lt;/b&gt;" in report


@pytest.mark.skipif(chromium() is None, reason="Chromium is not installed (apt-get install chromium)")
def test_the_offline_browser_check_sees_requests_and_dialogs(tmp_path: Path) -> None:
    planted = tmp_path / "planted.html"
    planted.write_text(f"<html><head></head><body>{HOSTILE[0]}{HOSTILE[1]}</body></html>", encoding="utf-8")
    seen = load_offline(planted)
    assert seen.requests == [f"http://{HOST}/img.png"] and sorted(seen.dialogs) == ["1", "script"]


@pytest.mark.skipif(chromium() is None, reason="Chromium is not installed (apt-get install chromium)")
def test_no_page_requests_anything_or_opens_a_dialog(hostile_build: Path) -> None:
    for page in pages(hostile_build):
        seen = load_offline(page)
        assert (seen.requests, seen.dialogs) == ([], []), f"{page.relative_to(hostile_build)}: {seen}"


def test_csv_cells_are_not_formulas_but_parquet_keeps_the_text(hostile_build: Path) -> None:
    processed = hostile_build / "data" / "processed"
    csv = pd.read_csv(processed / "workshop_actions.csv", dtype=str)
    parquet = pd.read_parquet(processed / "workshop_actions.parquet")
    owner = f'=HYPERLINK("http://{HOST}/owner","x")'
    assert owner in set(parquet["owner"]) and "'" + owner in set(csv["owner"])
    for path in processed.glob("*.csv"):
        cells = pd.read_csv(path, dtype=str, keep_default_na=False).to_numpy().ravel()
        formulas = [c for c in cells if c.startswith(("=", "@", "\t", "\r"))
                    or (c.startswith(("+", "-")) and not re.fullmatch(r"[+-][\d.,]+(e[+-]?\d+)?", c))]
        assert formulas == [], path.name
