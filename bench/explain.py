"""Where a run's time went: the runner's timings (``.pipeline-cache/timings.json``) as a table and a timeline.

The runner writes, after every successful run, its own steps (start-up and validation, the jobs, the index, the
privacy gate, the swap-in) and per job its worker, start, wall and CPU time and phases (kernel start, the setup
cell with its imports, the other cells, of which figure rendering, HTML export, PDF); see
:func:`helpers.runner.jobs.execute`. This module reads them for ``bench/run.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

from helpers.runner.cli import TIMINGS

PHASES = ("kernel_start", "setup_cell", "other_cells", "notebook_overhead", "html", "pdf")
"""The parts of a job's wall time, in the order they happen (figure rendering is part of the cells)."""
COLUMNS = ("jobs", "seconds", "cpu_seconds", *PHASES, "figures")


def read_timings(out: Path) -> dict:
    """The timings of the last successful run into output folder ``out``."""
    return json.loads((Path(out) / TIMINGS).read_text(encoding="utf-8"))


def stage(label: str) -> str:
    """The notebook of a job label: "06_member_brief [Älvby kommun]" -> "06_member_brief"."""
    return label.split(" [")[0]


def by_stage(timings: dict) -> dict[str, dict[str, float]]:
    """Per notebook (the per-member runs added up): jobs, wall and CPU seconds and every phase."""
    table: dict[str, dict[str, float]] = {}
    for job in timings["jobs"]:
        row = table.setdefault(stage(job["label"]), dict.fromkeys(COLUMNS, 0.0))
        row["jobs"] += 1
        row["seconds"] += job["seconds"]
        row["cpu_seconds"] += job["cpu_seconds"]
        for phase in (*PHASES, "figures"):
            row[phase] += job["phases"].get(phase, 0.0)
    return {name: {k: round(v, 2) for k, v in row.items()} for name, row in table.items()}


def totals(timings: dict) -> dict[str, float]:
    """The whole run: the runner's steps and the jobs' phases added up (job time is summed over the workers)."""
    rows = by_stage(timings).values()
    summed = {c: round(sum(r[c] for r in rows), 2) for c in COLUMNS}
    return {"wall_seconds": timings["seconds"], **{f"runner_{k}": v for k, v in timings["steps"].items()},
            **{f"jobs_{k}": v for k, v in summed.items()}}


def table_lines(timings: dict) -> list[str]:
    """The per-notebook table as text lines, for the benchmark's summary."""
    header = ["notebook", "jobs", "wall", "CPU", "kernel", "setup", "cells", "of which figures", "papermill",
              "HTML", "PDF"]
    widths = [22, 5, 7, 7, 7, 7, 7, 17, 10, 6, 6]
    lines = ["".join(h.rjust(w) if i else h.ljust(w) for i, (h, w) in enumerate(zip(header, widths)))]
    for name, r in by_stage(timings).items():
        values = [int(r["jobs"]), r["seconds"], r["cpu_seconds"], r["kernel_start"], r["setup_cell"], r["other_cells"],
                  r["figures"], r["notebook_overhead"], r["html"], r["pdf"]]
        lines.append(name.ljust(widths[0]) + "".join(f"{v:>{w}.1f}" if isinstance(v, float) else f"{v:>{w}}"
                                                     for v, w in zip(values, widths[1:])))
    steps = timings["steps"]
    lines.append(f"runner: {steps['before_first_job']:.1f} s before the first job, privacy gate "
                 f"{steps['privacy_gate']:.1f} s, swap-in {steps['swap']:.2f} s; {timings['seconds']:.1f} s in all")
    return lines


def timeline(timings: dict, title: str):
    """The jobs on the workers over time, each bar split into its phases, and the runner's own steps."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    from helpers.core.style import FULL_WIDTH, GREY, PALETTE, set_style

    set_style()
    colours = dict(zip(PHASES, (GREY, PALETTE[1], PALETTE[0], "#c9d3dc", PALETTE[2], PALETTE[3])))
    workers = sorted({j["worker"] for j in timings["jobs"]})
    fig, ax = plt.subplots(figsize=(FULL_WIDTH * 1.35, 1.0 + 0.75 * (len(workers) + 1)))
    for job in timings["jobs"]:
        lane, left = workers.index(job["worker"]) + 1, job["start"]
        for phase in PHASES:
            width = job["phases"].get(phase, 0.0)
            ax.barh(lane, width, left=left, height=0.6, color=colours[phase], edgecolor="white", linewidth=0.4)
            left += width
        if job["seconds"] > 0.06 * timings["seconds"]:  # the label where it fits
            ax.text(job["start"] + job["seconds"] / 2, lane + 0.42, stage(job["label"])[:2], ha="center",
                    va="bottom", fontsize=7)
    steps, left = timings["steps"], 0.0
    for name, colour in (("before_first_job", PALETTE[8]), ("jobs", None), ("index", PALETTE[6]),
                         ("privacy_gate", PALETTE[4]), ("state", PALETTE[6]), ("swap", PALETTE[5])):
        if colour is not None:
            ax.barh(0, steps[name], left=left, height=0.6, color=colour, edgecolor="white", linewidth=0.4)
        left += steps[name]
    ax.set_yticks(range(len(workers) + 1), ["runner"] + [f"worker {i}" for i in range(1, len(workers) + 1)])
    ax.invert_yaxis()
    ax.set_xlim(0, timings["seconds"] * 1.01)
    ax.set_xlabel("seconds from the start of the run")
    ax.set_ylabel("process")
    ax.set_title(title)
    words = {"notebook_overhead": "papermill (saving, kernel shut-down)", "html": "HTML export", "pdf": "PDF"}
    legend = [Patch(color=colours[p], label=words.get(p, p.replace("_", " "))) for p in PHASES] + [
        Patch(color=PALETTE[8], label="start-up and validation"), Patch(color=PALETTE[4], label="privacy gate"),
        Patch(color=PALETTE[5], label="swap-in")]
    ax.legend(handles=legend, loc="upper center", bbox_to_anchor=(0.5, -0.25 - 0.05 * len(workers)), ncol=4,
              frameon=False, fontsize=8)
    fig.tight_layout()
    return fig


def save(fig, path: Path) -> Path:
    """``path`` as a 300-dpi PNG and an SVG beside it (a benchmark figure, not a stage output)."""
    import matplotlib.pyplot as plt

    fig.savefig(path.with_suffix(".png"), dpi=300, metadata={"Software": None})
    fig.savefig(path.with_suffix(".svg"), metadata={"Date": None})
    plt.close(fig)
    return path.with_suffix(".png")
