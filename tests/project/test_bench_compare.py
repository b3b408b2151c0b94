"""bench/compare.py: two output folders are the same apart from provenance, and any other difference is found."""

from __future__ import annotations

import sys
from pathlib import Path

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import compare  # noqa: E402

from helpers.core.i18n import messages  # noqa: E402


def _page(commit: str, date: str, cell: str, body: str = "<p>Tema 1</p>", styler: str = "d8069") -> str:
    m = messages("sv")
    return (f'<div id="cell-id={cell}"></div>{body}<style>#T_{styler}_row0 {{color: red}}</style>'
            f'<table id="T_{styler}"><tr><td>{m("provenance.commit")}</td><td>{commit}</td>'
            f'</tr><tr><td>{m("provenance.run_date")}</td>\n<td>{date}</td></tr></table>')


def _outputs(root: Path, page: str, figure: bytes = b"png", record: str = "{}") -> Path:
    for name, content in (("reports/findings.html", page), ("reports/briefs/a.html", page),
                          ("data/processed/segments.csv", "id\n1\n"), ("data/processed/runs/x.json", record)):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(content, encoding="utf-8")
    (root / "figures").mkdir(exist_ok=True)
    (root / "figures" / "chart.png").write_bytes(figure)
    return root


def test_provenance_random_ids_and_stage_records_do_not_count(tmp_path):
    first = _outputs(tmp_path / "a", _page("8ac8582", "2026-12-04 04:00", "debe5386"), record='{"id": 1}')
    second = _outputs(tmp_path / "b", _page("8ac8582 +ändringar", "2026-12-04 03:58", "6e10ec34", styler="12379"),
                      record='{"id": 2}')
    assert compare.differences(first, second) == {"only_in_first": [], "only_in_second": [], "different": [],
                                                  "same": 4}


def test_any_other_difference_is_found(tmp_path):
    first = _outputs(tmp_path / "a", _page("x", "d", "1"), figure=b"png")
    second = _outputs(tmp_path / "b", _page("x", "d", "1", body="<p>Tema 2</p>"), figure=b"png!")
    (second / "figures" / "extra.svg").write_text("<svg/>", encoding="utf-8")
    found = compare.differences(first, second)
    assert found["different"] == ["figures/chart.png", "reports/briefs/a.html", "reports/findings.html"]
    assert found["only_in_second"] == ["figures/extra.svg"] and found["same"] == 1
