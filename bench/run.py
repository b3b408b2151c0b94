"""Benchmark the runner on this machine and check it against the performance targets.

    python bench/run.py [--quick] [--keep]        (or: make bench ARGS=--quick)

Measured in one run, on a copy of the fictional sample study and on generated studies (bench/generate.py):

- a cold full run (fresh output folder, ``--force``) against the naive chain: for every notebook in
  pipeline order (06 once per member) one ``papermill`` command, then one ``jupyter nbconvert --to html
  --no-input`` command, as separate processes with the same parameters; then every report page, audit page,
  table and figure of the two compared byte for byte, apart from provenance (bench/compare.py);
- a re-run with nothing changed (wall clock of the whole ``python -m helpers.pipeline`` process);
- a re-run after one vote in ``workshop/votes.csv`` changed: which stages re-ran;
- a re-run after one transcript changed (one more turn in a text transcript), against the cold run;
- generated studies of 12, 120 and 1,200 interviews (``--quick``: without 1,200): end-to-end time, time per
  notebook (the runner's ``✓ notebook (N.N s)`` lines) and peak memory of the runner's process tree (the
  runner, its workers, their kernel factories and kernels, sampled every 0.2 s; shared pages split between the
  processes that share them, :mod:`helpers.runner.memory`).

For each cold run it also says where the time went (bench/explain.py, from the runner's
``.pipeline-cache/timings.json``): per notebook the wall and CPU time, kernel start, the setup cell (imports and
tables), the other cells and the figure rendering inside them, papermill's own work, HTML export and PDF; and the
runner's start-up, privacy gate and swap-in. A timeline shows the jobs on the workers.

Writes bench/results.json, bench/results.png and bench/timeline-*.png, prints a summary table, and exits 1 if a
run fails.
Temporary study and output folders are made outside the repository and removed (``--keep`` keeps them).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import papermill
import psutil
import yaml

from helpers.core.stages import load_spec
from helpers.runner.jobs import plan
from helpers.runner.memory import tree_memory

import compare
import explain
import generate

BENCH = Path(__file__).resolve().parent
PROJECT = BENCH.parent
SAMPLE = PROJECT / "data" / "raw" / "sample"
PIPELINE = PROJECT / "pipeline.yml"
BIN = Path(sys.executable).parent
SIZES = (12, 120, 1200)
QUICK_SIZES = (12, 120)
SEED = 2026
POLL_SECONDS = 0.2
GB = 1024 ** 3
RAN = re.compile(r"^\s*✓ (?P<label>.+) \((?P<seconds>[\d.]+) s(?:, (?P<mb>\d+) MB)?\)\s*$")
STARTED = re.compile(r"^\s*▶ (?P<label>.+?)\s*$")
REASON = re.compile(r"^\s*· (?P<label>.+?) will run: (?P<reason>.+?)\s*$")
GATE = re.compile(r"^\s*Privacy gate")
UP_TO_DATE = re.compile(r"^\s*= (?P<label>.+): up to date\s*$")


class BenchError(Exception):
    """A measured command failed: its command line and the end of its output."""


@dataclass
class Run:
    """One measured process: wall clock, exit status, output, and peak memory of its process tree."""

    command: list[str]
    seconds: float
    returncode: int
    lines: list[str]
    stamps: list[float]  # when each line arrived, in seconds from the start
    peak_bytes: int

    @property
    def stage_seconds(self) -> dict[str, float]:
        """Seconds per executed notebook, by label ("06_member_brief [Älvby kommun]")."""
        return {m["label"]: float(m["seconds"]) for line in self.lines if (m := RAN.match(line))}

    @property
    def stage_peak_mb(self) -> dict[str, float]:
        """Peak memory per executed notebook (its worker and kernel), as the runner reports it."""
        return {m["label"]: float(m["mb"]) for line in self.lines if (m := RAN.match(line)) and m["mb"]}

    @property
    def started(self) -> list[str]:
        return [m["label"] for line in self.lines if (m := STARTED.match(line))]

    @property
    def up_to_date(self) -> list[str]:
        """Labels reported up to date and not run (the "=" line alone is not trusted: see the report)."""
        ran = set(self.started)
        return [m["label"] for line in self.lines if (m := UP_TO_DATE.match(line)) and m["label"] not in ran]

    @property
    def reasons(self) -> dict[str, str]:
        """Why the runner said each notebook runs."""
        return {m["label"]: m["reason"] for line in self.lines if (m := REASON.match(line))}

    @property
    def phases(self) -> dict[str, float]:
        """Where the wall clock went: start-up and validation, the notebooks, the privacy gate and swap-in."""
        first = next((t for t, ln in zip(self.stamps, self.lines) if STARTED.match(ln)), None)
        gate = next((t for t, ln in zip(self.stamps, self.lines) if GATE.match(ln)), None)
        if first is None or gate is None:
            return {}
        return {"before_first_notebook_s": round(first, 2), "notebooks_s": round(gate - first, 2),
                "privacy_gate_and_swap_s": round(self.seconds - gate, 2)}

    def summary(self) -> dict:
        return {"seconds": round(self.seconds, 2), "peak_memory_gb": round(self.peak_bytes / GB, 3),
                "phases": self.phases, "ran": self.started, "up_to_date": self.up_to_date,
                "reasons": self.reasons, "stage_seconds": self.stage_seconds, "stage_peak_mb": self.stage_peak_mb}


@dataclass
class Target:
    name: str
    value: str
    goal: str
    met: bool | None  # None: not measured

    @property
    def verdict(self) -> str:
        return "not measured" if self.met is None else "met" if self.met else "MISSED"


@dataclass
class Results:
    machine: dict
    sample: dict = field(default_factory=dict)
    scale: dict = field(default_factory=dict)
    targets: list[Target] = field(default_factory=list)


# --- measuring a process -----------------------------------------------------------------------------


def measure(command: list[str], echo: bool = False) -> Run:
    """Run ``command`` to completion, sampling its process tree's memory; raise BenchError if it fails."""
    lines: list[str] = []
    stamps: list[float] = []
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, encoding="utf-8", errors="replace")

    def read() -> None:
        for line in proc.stdout:
            stamps.append(time.perf_counter() - started)
            lines.append(line.rstrip("\n"))
            if echo:
                print("      " + line.rstrip("\n"), flush=True)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    process, peak = psutil.Process(proc.pid), 0
    while True:
        peak = max(peak, tree_memory(process))
        try:
            proc.wait(timeout=POLL_SECONDS)  # returns within ~50 ms of the exit
            break
        except subprocess.TimeoutExpired:
            continue
    seconds = time.perf_counter() - started
    reader.join()
    if proc.returncode != 0:
        tail = "\n".join(lines[-15:])
        raise BenchError(f"exit {proc.returncode}: {' '.join(command)}\n{tail}")
    return Run(command, seconds, proc.returncode, lines, stamps, peak)


def runner(data_dir: Path, out: Path, *options: str, pipeline: Path = PIPELINE) -> Run:
    """One ``python -m helpers.pipeline --no-pdf`` process, its output echoed: the jobs of the naive chain, which
    makes no PDFs (like with like)."""
    return measure([sys.executable, "-m", "helpers.pipeline", "--data-dir", str(data_dir), "--output-dir",
                    str(out), "--pipeline", str(pipeline), "--no-pdf", *options], echo=True)


def naive_chain(data_dir: Path, out: Path, pipeline: Path = PIPELINE) -> dict:
    """Every notebook as a ``papermill`` process and then a ``jupyter nbconvert`` process, one after another."""
    jobs = plan(load_spec(pipeline), PROJECT, data_dir, out, pdf=False)
    declared = {nb: papermill.inspect_notebook(str(nb)) for nb in {job.notebook for job in jobs}}
    started, steps, peak = time.perf_counter(), [], 0
    for job in jobs:
        job.executed.parent.mkdir(parents=True, exist_ok=True)
        params = {k: v for k, v in job.parameters.items() if k in declared[job.notebook]}  # as the runner passes
        execute = measure([str(BIN / "papermill"), str(job.notebook), str(job.executed), "-k", "python3",
                           "--cwd", str(job.notebook.parent), "-y", yaml.safe_dump(params, allow_unicode=True)])
        render = measure([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(job.executed),
                          "--output-dir", str(job.audit_html.parent)])
        print(f"    naive: {job.label}: papermill {execute.seconds:.1f} s, nbconvert {render.seconds:.1f} s", flush=True)
        steps.append({"notebook": job.label, "papermill_s": round(execute.seconds, 2),
                      "nbconvert_s": round(render.seconds, 2)})
        peak = max(peak, execute.peak_bytes, render.peak_bytes)
    return {"seconds": round(time.perf_counter() - started, 2), "peak_memory_gb": round(peak / GB, 3),
            "commands": 2 * len(jobs), "steps": steps}


# --- the measurements --------------------------------------------------------------------------------


def change_one_vote(votes: Path) -> str:
    """Add one dot to the first row of ``votes.csv``, keeping its encoding, separator and line endings."""
    raw = votes.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.split(newline)
    sep = ";" if ";" in lines[0] else ","
    column = [c.strip().lower() for c in lines[0].split(sep)].index("votes")
    fields = lines[1].split(sep)
    before = int(fields[column])
    fields[column] = str(before + 1)
    lines[1] = sep.join(fields)
    votes.write_bytes(("\ufeff" if bom else "").encode() + newline.join(lines).encode("utf-8"))
    return f"{votes.name} row 2: votes {before} -> {before + 1}"


def change_one_transcript(interviews: Path) -> str:
    """Repeat the last line of the first plain-text transcript at its end: one more turn, in the file's own
    layout, encoding and line endings."""
    transcript = sorted(interviews.glob("*.txt"))[0]
    raw = transcript.read_bytes()
    newline = b"\r\n" if b"\r\n" in raw else b"\n"
    last = [line for line in raw.split(newline) if line.strip()][-1]
    transcript.write_bytes(raw.rstrip(b"\r\n") + newline + newline + last + newline)
    return f"{transcript.name}: its last turn repeated at the end"


def expected_reruns(pipeline: Path, changed: str) -> set[str]:
    """Notebooks that should re-run when study file ``changed`` changes: its readers and all stages after them."""
    spec = load_spec(pipeline)
    stale = {s.name for s in spec.stages if changed in s.reads}
    for stage in spec.stages:  # pipeline order: upstream stages come first
        if set(stage.after) & stale:
            stale.add(stage.name)
    return {Path(s.notebook).stem for s in spec.stages if s.name in stale}


def notebook(label: str) -> str:
    """The notebook of a runner label: "06_member_brief [Älvby kommun]" -> "06_member_brief"."""
    return label.split(" [")[0]


def measure_sample(work: Path, pipeline: Path) -> dict:
    """Cold run vs the naive chain, a no-change re-run, and a re-run after a workshop change, on a sample copy."""
    study = work / "sample-copy"
    shutil.copytree(SAMPLE, study)
    out, naive_out = work / "out-sample", work / "out-naive"
    print("  Cold full run of the runner (fresh output folder, --force) ...", flush=True)
    cold = runner(study, out, "--force", pipeline=pipeline)
    cold_timings = explain.read_timings(out)  # before the re-runs overwrite them
    print("  The naive chain (papermill + nbconvert per notebook, in sequence) ...", flush=True)
    naive = naive_chain(study, naive_out, pipeline)
    compare.render_naive(plan(load_spec(pipeline), PROJECT, study, naive_out, pdf=False))
    same = compare.differences(out, naive_out)
    print(f"  Outputs of the runner and of the naive chain: {same['same']} files the same apart from provenance, "
          f"{len(same['different'])} different {same['different'][:5]}, only in one: "
          f"{same['only_in_first'][:5]} {same['only_in_second'][:5]}", flush=True)
    print("  Re-run with nothing changed ...", flush=True)
    unchanged = runner(study, out, pipeline=pipeline)
    change = change_one_vote(study / "workshop" / "votes.csv")
    print(f"  Re-run after changing {change} ...", flush=True)
    touched = runner(study, out, pipeline=pipeline)
    edit = change_one_transcript(study / "interviews")
    print(f"  Re-run after changing {edit} ...", flush=True)
    transcript = runner(study, out, pipeline=pipeline)
    expected = expected_reruns(pipeline, "workshop")
    return {"study": "a copy of data/raw/sample", "cold": cold.summary(), "timings": cold_timings, "naive": naive,
            "same_as_naive": same,
            "ratio_runner_to_naive": round(cold.seconds / naive["seconds"], 3),
            "no_change": unchanged.summary(),
            "workshop_change": {"change": change, **touched.summary(),
                                "expected_to_run": sorted(expected),
                                "as_expected": {notebook(x) for x in touched.started} == expected},
            "transcript_change": {"change": edit, **transcript.summary(),
                                  "ratio_to_cold": round(transcript.seconds / cold.seconds, 3)}}


def measure_scale(work: Path, sizes: tuple[int, ...], pipeline: Path) -> dict:
    """Generate each study size and time a full run on it."""
    results = {}
    for n in sizes:
        study = work / f"study-{n}"
        started = time.perf_counter()
        generate.generate(n, study, seed=SEED)
        made = time.perf_counter() - started
        print(f"  {n} interviews (generated in {made:.1f} s): full run ...", flush=True)
        run = runner(study, work / f"out-{n}", "--force", pipeline=pipeline)
        results[str(n)] = {"generate_seconds": round(made, 2), **run.summary(),
                           "timings": explain.read_timings(work / f"out-{n}"),
                           "notebook_seconds": notebook_totals(run.stage_seconds)}
    return results


def notebook_totals(stage_seconds: dict[str, float]) -> dict[str, float]:
    """Seconds per notebook, the per-member runs of one notebook added up."""
    totals: dict[str, float] = {}
    for label, seconds in stage_seconds.items():
        totals[notebook(label)] = round(totals.get(notebook(label), 0.0) + seconds, 2)
    return totals


# --- targets, machine, report ------------------------------------------------------------------------


def targets(sample: dict, scale: dict) -> list[Target]:
    big, mid = scale.get("1200"), scale.get("120")
    ratio, rerun, change = sample["ratio_runner_to_naive"], sample["no_change"]["seconds"], sample["workshop_change"]
    ran = numbers(notebook(x) for x in change["ran"]) or "none"
    one = sample["transcript_change"]["ratio_to_cold"]
    same = sample["same_as_naive"]
    unlike = len(same["different"]) + len(same["only_in_first"]) + len(same["only_in_second"])
    found = [
        Target("runner / naive chain, cold sample run", f"{ratio:.2f}", "<= 0.25", ratio <= 0.25),
        Target("re-run, nothing changed", f"{rerun:.2f} s", "<= 0.5 s", rerun <= 0.5),
        Target("re-run after a workshop change", f"notebooks {ran}",
               f"only {numbers(change['expected_to_run'])}", change["as_expected"]),
        Target("re-run after one transcript changed", f"{one:.2f} x the cold run", "<= 0.5", one <= 0.5),
        Target("outputs as the naive chain's", f"{same['same']} same, {unlike} not", "all the same", unlike == 0),
    ]
    if big is None:
        return found + [Target(name, "-", goal, None) for name, goal in (
            ("1,200 interviews, end to end", "<= 60 s"), ("1,200 interviews, peak memory", "<= 2 GB"),
            ("time 1,200 / time 120", "<= 10"))]
    growth = big["seconds"] / mid["seconds"]
    return found + [
        Target("1,200 interviews, end to end", f"{big['seconds']:.1f} s", "<= 60 s", big["seconds"] <= 60),
        Target("1,200 interviews, peak memory", f"{big['peak_memory_gb']:.2f} GB", "<= 2 GB",
               big["peak_memory_gb"] <= 2),
        Target("time 1,200 / time 120", f"{growth:.2f}", "<= 10", growth <= 10),
    ]


def numbers(notebooks) -> str:
    """ "04, 05, 06" for notebooks 04_workshop_outcomes, 05_findings_report, 06_member_brief (each once)."""
    return ", ".join(sorted({name.split("_")[0] for name in notebooks}))


def machine() -> dict:
    """Facts about this machine that the numbers depend on."""
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = next((ln.split(":", 1)[1].strip() for ln in cpuinfo.splitlines() if ln.startswith("model name")),
                 platform.processor() or "unknown")
    return {"cpu": model, "cores": os.cpu_count(), "memory_gb": round(psutil.virtual_memory().total / GB, 1),
            "python": platform.python_version(), "platform": platform.platform(),
            "date": dt.datetime.now().isoformat(timespec="seconds")}


def print_summary(results: Results) -> None:
    print("\nBenchmark on", results.machine["cpu"], f"({results.machine['cores']} cores,",
          f"{results.machine['memory_gb']} GB, Python {results.machine['python']})")
    s = results.sample
    print(f"\n  sample study: runner cold {s['cold']['seconds']:.1f} s, naive chain {s['naive']['seconds']:.1f} s, "
          f"no-change re-run {s['no_change']['seconds']:.2f} s, after a workshop change "
          f"{s['workshop_change']['seconds']:.1f} s, after one transcript changed "
          f"{s['transcript_change']['seconds']:.1f} s")
    for label, reason in s["no_change"]["reasons"].items():
        print(f"  ! with nothing changed, {label} re-ran: {reason}")
    if results.scale:
        names = sorted({nb for r in results.scale.values() for nb in r["notebook_seconds"]})
        sizes = list(results.scale)
        print("\n  " + f"{'seconds per notebook':<28}" + "".join(f"{n + ' int.':>12}" for n in sizes))
        for name in names:
            print("  " + f"{name:<28}" + "".join(f"{results.scale[n]['notebook_seconds'].get(name, 0):>12.1f}"
                                                 for n in sizes))
        for phase, title in (("before_first_notebook_s", "start-up and validation"),
                             ("notebooks_s", "notebooks (wall clock)"),
                             ("privacy_gate_and_swap_s", "privacy gate and swap-in")):
            print("  " + f"{title:<28}" + "".join(f"{results.scale[n]['phases'].get(phase, 0):>12.1f}"
                                                  for n in sizes))
        print("  " + f"{'end to end':<28}" + "".join(f"{results.scale[n]['seconds']:>12.1f}" for n in sizes))
        print("  " + f"{'peak memory (GB)':<28}" + "".join(f"{results.scale[n]['peak_memory_gb']:>12.2f}"
                                                           for n in sizes))
    for name, timings in [("sample study, cold", s["timings"])] + [
            (f"{n} interviews", r["timings"]) for n, r in results.scale.items()]:
        print(f"\n  Where the time went: {name} (seconds; job phases summed over the workers)")
        for line in explain.table_lines(timings):
            print("    " + line)
    print(f"\n  {'target':<40}{'measured':<26}{'goal':<20}verdict")
    for t in results.targets:
        print(f"  {t.name:<40}{t.value:<26}{t.goal:<20}{t.verdict}")


def plot(results: Results, path_dir: Path) -> Path:
    """Four panels: the sample runs, end-to-end time by study size, time per notebook, peak memory."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    from helpers.core.style import PALETTE, set_style

    set_style()
    plain = FuncFormatter(lambda v, _: f"{v:,.0f}" if v >= 1 else f"{v:g}")
    fig, axes = plt.subplots(2, 2, figsize=(9.5, 7.5))
    s = results.sample
    bars = {"naive chain": s["naive"]["seconds"], "runner, cold": s["cold"]["seconds"],
            "after a workshop change": s["workshop_change"]["seconds"],
            "after a transcript change": s["transcript_change"]["seconds"], "nothing changed": s["no_change"]["seconds"]}
    ax = axes[0][0]
    ax.barh(list(bars), list(bars.values()), color=PALETTE[:len(bars)])
    ax.invert_yaxis()
    for y, v in enumerate(bars.values()):
        ax.text(v, y, f" {v:.1f} s", va="center", fontsize=8.5)
    ax.set(title="Sample study (12 interviews)", xlabel="wall-clock time (s)", xlim=(0, max(bars.values()) * 1.25))
    sizes = [int(n) for n in results.scale]
    ax = axes[0][1]
    if sizes:
        seconds = [results.scale[str(n)]["seconds"] for n in sizes]
        ax.plot(sizes, seconds, marker="o", color=PALETTE[0], label="measured")
        ref = sizes[1] if len(sizes) > 1 else sizes[0]
        ref_s = results.scale[str(ref)]["seconds"]
        ax.plot(sizes, [ref_s * n / ref for n in sizes], ls="--", color=PALETTE[6], label=f"linear from {ref}")
        ax.axhline(60, color=PALETTE[3], lw=1, ls=":", label="target: 60 s at 1,200")
        ax.set(xscale="log", yscale="log", xticks=sizes, xticklabels=[f"{n:,}" for n in sizes])
        ax.yaxis.set_major_formatter(plain)
        ax.legend(loc="upper left")
    ax.set(title="End to end, generated studies", xlabel="interviews", ylabel="wall-clock time (s)")
    ax = axes[1][0]
    names = sorted({nb for r in results.scale.values() for nb in r["notebook_seconds"]})
    width = 0.8 / max(1, len(sizes))
    for k, n in enumerate(sizes):
        values = [results.scale[str(n)]["notebook_seconds"].get(name, 0) for name in names]
        ax.barh([i + k * width for i in range(len(names))], values, height=width, color=PALETTE[k],
                label=f"{n:,} interviews")
    ax.set_yticks([i + width * (len(sizes) - 1) / 2 for i in range(len(names))], names)
    ax.invert_yaxis()
    ax.set(title="Time per notebook (06: all members)", xlabel="seconds")
    if sizes:
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=len(sizes), frameon=False)
    ax = axes[1][1]
    if sizes:
        peaks = [results.scale[str(n)]["peak_memory_gb"] for n in sizes]
        ax.plot(sizes, peaks, marker="o", color=PALETTE[1])
        ax.axhline(4, color=PALETTE[3], lw=1, ls=":")
        ax.text(sizes[0], 4, "target: below 4 GB", color=PALETTE[3], va="bottom", fontsize=8.5)
        ax.set(xscale="log", xticks=sizes, xticklabels=[f"{n:,}" for n in sizes], ylim=(0, max(5.0, *peaks) * 1.1))
    ax.set(title="Peak memory of the runner's processes", xlabel="interviews", ylabel="memory (GB, shared pages split)")
    fig.suptitle(f"Runner benchmark on {results.machine['cores']} cores ({results.machine['cpu']})",
                 fontweight="bold", x=0.01, ha="left")
    fig.tight_layout()
    return explain.save(fig, path_dir / "results")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="skip the study of 1,200 interviews")
    parser.add_argument("--keep", action="store_true", help="keep the temporary study and output folders")
    parser.add_argument("--pipeline", type=Path, default=PIPELINE, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="findings-bench-"))
    results = Results(machine=machine())
    print(f"Benchmark folders in {work}", flush=True)
    try:
        results.sample = measure_sample(work, args.pipeline)
        results.scale = measure_scale(work, QUICK_SIZES if args.quick else SIZES, args.pipeline)
    except BenchError as exc:
        print(f"Error: a measured command failed, {exc}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"Kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    results.targets = targets(results.sample, results.scale)
    data = asdict(results)
    data["targets"] = [dict(asdict(t), verdict=t.verdict) for t in results.targets]
    (BENCH / "results.json").write_text(json.dumps(data, indent=1, ensure_ascii=False, default=sorted),
                                        encoding="utf-8")
    figure = plot(results, BENCH)
    lanes = [explain.save(explain.timeline(results.sample["timings"], "Sample study, cold run"),
                          BENCH / "timeline-sample")]
    if results.scale:
        largest = max(results.scale, key=int)
        lanes.append(explain.save(explain.timeline(results.scale[largest]["timings"],
                                                   f"{int(largest):,} generated interviews, cold run"),
                                  BENCH / f"timeline-{largest}"))
    print_summary(results)
    print(f"\nWrote {BENCH / 'results.json'}, {figure} and {', '.join(map(str, lanes))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
