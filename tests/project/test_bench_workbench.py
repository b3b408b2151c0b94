"""The workbench benchmark (bench/workbench.py): its queries run, and it reads its options. Never timed here."""

from __future__ import annotations

import sys

import pandas as pd

from conftest import ROOT
from explore_fixtures import wb  # noqa: F401  (a fixture)

sys.path.insert(0, str(ROOT / "bench"))
import workbench as bench  # noqa: E402  (bench/ is not a package)


def test_every_benchmark_query_runs_on_a_small_workbench(wb):  # noqa: F811
    queries = bench.retrieve_queries(wb) + bench.kwic_queries(wb)
    assert len(bench.kwic_queries(wb)) == 20 and len(queries) > 25
    results = bench.timed(queries)
    assert [name for name, _, _ in results] == [name for name, _ in queries]
    assert all(isinstance(run(), pd.DataFrame) for _, run in queries[:3])
    assert sum(rows for _, _, rows in results) > 0


def test_the_report_gives_median_and_maximum(capsys):
    assert bench.report("kwic", [("a", 0.1, 3), ("b", 0.2, 0), ("c", 0.9, 1)]) is False
    out = capsys.readouterr().out
    assert "kwic: median 0.200 s, max 0.900 s over 3 queries (over the target of 0.3 s)" in out
