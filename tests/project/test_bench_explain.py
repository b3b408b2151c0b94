"""The benchmark's account of where a run's time went (bench/explain.py), from the runner's timings."""

from __future__ import annotations

import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
import explain  # noqa: E402  (bench/ is not a package)

TIMINGS = {"seconds": 10.0, "steps": {"before_first_job": 1.0, "jobs": 7.5, "index": 0.1, "privacy_gate": 1.2,
                                      "state": 0.0, "swap": 0.2},
           "jobs": [{"label": "01_clean_interviews", "worker": 11, "start": 1.0, "seconds": 3.0, "cpu_seconds": 2.5,
                     "peak_mb": 400, "phases": {"kernel_start": 0.5, "setup_cell": 1.0, "other_cells": 1.0,
                                                "notebook_overhead": 0.2, "figures": 0.4, "html": 0.3, "pdf": 0.0}},
                    {"label": "06_member_brief [A]", "worker": 12, "start": 4.0, "seconds": 2.0, "cpu_seconds": 1.5,
                     "peak_mb": 300, "phases": {"kernel_start": 0.4, "setup_cell": 0.8, "other_cells": 0.5,
                                                "notebook_overhead": 0.1, "figures": 0.2, "html": 0.1, "pdf": 0.1}},
                    {"label": "06_member_brief [B]", "worker": 11, "start": 4.5, "seconds": 2.5, "cpu_seconds": 2.0,
                     "peak_mb": 300, "phases": {"kernel_start": 0.6, "setup_cell": 0.9, "other_cells": 0.6,
                                                "notebook_overhead": 0.1, "figures": 0.3, "html": 0.2, "pdf": 0.1}}]}


def test_per_member_runs_add_up_to_their_notebook():
    table = explain.by_stage(TIMINGS)
    assert list(table) == ["01_clean_interviews", "06_member_brief"]
    brief = table["06_member_brief"]
    assert (brief["jobs"], brief["seconds"], brief["kernel_start"], brief["figures"]) == (2, 4.5, 1.0, 0.5)
    totals = explain.totals(TIMINGS)
    assert totals["jobs_seconds"] == 7.5 and totals["runner_privacy_gate"] == 1.2 and totals["wall_seconds"] == 10.0


def test_the_table_names_every_notebook_and_the_runners_own_steps():
    lines = explain.table_lines(TIMINGS)
    assert lines[0].startswith("notebook") and "kernel" in lines[0]
    assert lines[2].startswith("06_member_brief") and lines[2].split()[1:3] == ["2", "4.5"]
    assert lines[-1] == "runner: 1.0 s before the first job, privacy gate 1.2 s, swap-in 0.20 s; 10.0 s in all"


def test_the_timeline_has_a_lane_per_worker_and_one_for_the_runner(tmp_path):
    import matplotlib

    with matplotlib.rc_context():  # the timeline sets the house style; later tests get matplotlib as they found it
        fig = explain.timeline(TIMINGS, "Test run")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["runner", "worker 1", "worker 2"]
    assert ax.get_title() == "Test run" or ax.get_title(loc="left") == "Test run"
    bars = [p for p in ax.patches if p.get_height() == pytest.approx(0.6)]
    lanes = {round(p.get_y() + p.get_height() / 2) for p in bars if p.get_width() > 0}
    assert lanes == {0, 1, 2}
    # the job of worker 12 (lane 2) starts at 4.0 s and its phases fill it to 6.0 s
    brief = sorted((p.get_x(), p.get_x() + p.get_width()) for p in bars if round(p.get_y() + 0.3) == 2)
    assert brief[0][0] == pytest.approx(4.0) and brief[-1][1] == pytest.approx(6.0)
    png = explain.save(fig, tmp_path / "timeline")
    assert png.stat().st_size > 10_000 and png.with_suffix(".svg").exists()


def test_the_benchmark_script_imports_and_reads_its_options():
    """bench/run.py is run by hand, so nothing else would notice that it no longer starts."""
    import run

    args = run.parse_args(["--quick"])
    assert args.quick and not args.keep and run.QUICK_SIZES == (12, 120)
