"""The runner: ``python -m helpers.pipeline`` builds the findings report from a study folder.

It validates the study folder (exit 2 on bad input, before any notebook runs), checks every parameter
against the notebooks' ``parameters`` cells, executes the stages of ``pipeline.yml`` with papermill
(in worker processes, in parallel where the stages allow), renders the executed notebooks to HTML with
one reused nbconvert exporter per process, runs the privacy gate, and only then swaps the new outputs
in: a failed run leaves the previous report in place. Stages whose inputs did not change are skipped.
One run at a time writes to an output folder (:mod:`.lock`); the swap survives a kill (:mod:`.swap`); every
failure, including a full disk, a read-only folder, Ctrl-C and SIGTERM, ends in a one-line message.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sys
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..core.errors import InputError, PrivacyError
from ..core.i18n import messages
from ..core.stages import PIPELINE, PROJECT_ROOT, load_spec
from ..interviews.cache import CACHE_FOLDER
from . import jobs as jobs_mod
from . import lock, swap
from .faults import Stopped, WriteFailed, checkpoint, deferred, stop_on_signals, writing
from .jobs import Job, JobFailure, JobResult

DEFAULT_DATA = PROJECT_ROOT / "data" / "raw" / "sample"
OUTPUT_FOLDERS = ("data/processed", "figures", "reports", "keys")
PUBLISHED = (*OUTPUT_FOLDERS, jobs_mod.STATE_FILE)  # swapped in together: the state always fits the outputs
STAGING, FAILED = ".pipeline-staging", ".pipeline-failed"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.pipeline",
        description="Build the findings report (reports/findings.html) from a study folder.")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA,
                        help="the study folder (default: the fictional sample, data/raw/sample)")
    parser.add_argument("--output-dir", type=Path, default=PROJECT_ROOT,
                        help="where data/processed/, figures/ and reports/ are written (default: the project root)")
    parser.add_argument("--only", metavar="STAGE", action="append",
                        help="run only this stage (repeatable); its inputs must already exist")
    parser.add_argument("--check", action="store_true", help="validate the study folder and stop")
    parser.add_argument("--no-pdf", action="store_true",
                        help="skip the PDF copies of the report and the briefs (reports/*.pdf, reports/briefs/*.pdf)")
    parser.add_argument("--force", action="store_true", help="re-run every stage, even those up to date")
    parser.add_argument("--strict", action="store_true",
                        help="stop with exit 2 when a manual coding in codings/ cannot be placed (default: list it)")
    parser.add_argument("--svg", action="store_true",
                        help="also save every figure as SVG in figures/, beside its PNG (default: PNG only)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="how many notebooks run at the same time (default: the number of cores)")
    parser.add_argument("--pipeline", type=Path, default=PIPELINE, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def say(text: str) -> None:
    print(text, flush=True)


def validate(data_dir: Path, cache_dir: Path | None = None):
    """Check the whole study folder before any notebook runs; raise InputError on the first problem.

    With ``cache_dir`` the transcripts are read through stage 01's cache (:func:`helpers.runner.validate.check_study`).
    """
    from .validate import check_study

    return check_study(data_dir, cache_dir)


def run_jobs(todo: list[Job], pool: ProcessPoolExecutor | None, n_jobs: int) -> list[JobResult]:
    """Run jobs respecting their dependencies, ``n_jobs`` at a time in the ``pool``'s workers (or, without a
    pool, one after the other in this process). On any failure the workers are killed at once."""
    results: list[JobResult] = []
    done: set[str] = set()
    pending = list(todo)
    names = {j.key for j in todo}
    if pool is None:
        for job in pending:
            say(f"  ▶ {job.label}")
            result = jobs_mod.execute(job)
            say(f"  ✓ {job.label} ({result.seconds:.1f} s, {result.peak_mb:.0f} MB)")
            results.append(result)
        return results
    running: dict[Future, Job] = {}
    try:
        while pending or running:
            ready = [j for j in pending if all(d in done or d not in names for d in j.after)]
            for job in ready[: max(0, n_jobs - len(running))]:
                pending.remove(job)
                say(f"  ▶ {job.label}")
                running[pool.submit(jobs_mod.execute, job)] = job
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for fut in finished:
                job = running.pop(fut)
                result = fut.result()  # a JobFailure propagates; the workers are ended on the way out
                say(f"  ✓ {job.label} ({result.seconds:.1f} s, {result.peak_mb:.0f} MB)")
                done.add(job.key)
                results.append(result)
    except BaseException:
        jobs_mod.kill_workers(pool)
        raise
    return results


@contextmanager
def _workers(todo: list[Job], n_jobs: int) -> Iterator[ProcessPoolExecutor | None]:
    """The worker pool for ``todo`` (no more workers than jobs), started now so that its kernel factories import
    while the runner checks the study folder; None with ``--jobs 1``: the jobs run one at a time in this process."""
    if n_jobs <= 1:
        yield None
        return
    with jobs_mod.worker_pool(min(n_jobs, len(todo)), todo[0].preload) as pool:
        yield pool


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    data_dir, out_root = args.data_dir.resolve(), args.output_dir.resolve()
    if args.check:
        try:
            load_spec(args.pipeline)
            validate(data_dir)
        except InputError as exc:
            say(f"Error: {exc.message}")
            return 2
        say(f"Study folder {data_dir} is valid.")
        return 0
    command = shlex.join(["python", "-m", "helpers.pipeline", *(sys.argv[1:] if argv is None else argv)])
    with stop_on_signals():
        try:
            with writing(out_root / lock.LOCK_FILE):
                held = lock.acquire(out_root, command)
        except lock.LockHeld as exc:
            say(f"Error: {exc}")
            return 2
        except (WriteFailed, KeyboardInterrupt, Stopped) as exc:
            return _failed(exc, out_root, staging=None)
        with held:
            if held.previous:
                say(f"Note: taking over the lock left by a run that was stopped ({held.previous}).")
            return _locked_run(args, data_dir, out_root)


TIMINGS = ".pipeline-cache/timings.json"  # where the last successful run's time went (bench/run.py reads it)


def _write_timings(out_root: Path, started: float, wall_started: float, clock: dict[str, float], todo: list[Job],
                   results: list[JobResult]) -> None:
    """The last run's timings: the runner's own steps, and per job its lane, start, wall and CPU time and phases
    (:func:`helpers.runner.jobs.execute`). A benchmark artefact: a failure to write it is said, not fatal."""
    import json

    labels = {j.key: j.label for j in todo}
    steps = {"before_first_job": clock["jobs"] - started, "jobs": clock["index"] - clock["jobs"],
             "index": clock["gate"] - clock["index"], "privacy_gate": clock["state"] - clock["gate"],
             "state": clock["swap"] - clock["state"], "swap": clock["done"] - clock["swap"]}
    timings = {"seconds": round(clock["done"] - started, 3), "steps": {k: round(v, 3) for k, v in steps.items()},
               "jobs": [{"label": labels.get(r.key, r.key), "worker": r.worker,
                         "start": round(r.started - wall_started, 3), "seconds": round(r.seconds, 3),
                         "cpu_seconds": round(r.cpu_seconds, 3), "peak_mb": round(r.peak_mb),
                         "phases": {k: round(v, 3) for k, v in r.phases.items()}} for r in results]}
    path = out_root / TIMINGS
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(timings, indent=1, ensure_ascii=False), encoding="utf-8")
    except OSError as exc:
        say(f"Note: the run's timings could not be written to {path} ({exc.strerror}).")


def _locked_run(args: argparse.Namespace, data_dir: Path, out_root: Path) -> int:
    """The run, under the output folder's lock: recover, plan, stage and gate, publish."""
    started, wall_started = time.perf_counter(), time.time()
    staging = out_root / STAGING
    try:
        with deferred(), writing(out_root):
            if note := swap.recover(out_root, staging):
                say(note)
        planned = _plan(args, data_dir, out_root)
    except InputError as exc:
        say(f"Error: {exc.message}")
        return 2
    except (WriteFailed, KeyboardInterrupt, Stopped) as exc:
        return _failed(exc, out_root, staging=None)
    if planned is None:
        say(f"Nothing to do: every stage is up to date ({time.perf_counter() - started:.1f} s). "
            f"Report: {out_root / 'reports' / 'findings.html'}")
        return 0
    todo, all_jobs, state, reasons = planned
    with _workers(todo, max(1, args.jobs)) as pool:
        return _build(args, data_dir, out_root, (started, wall_started), (todo, all_jobs, state, reasons), pool)


def _build(args: argparse.Namespace, data_dir: Path, out_root: Path, started_at: tuple[float, float],
           planned: tuple[list[Job], list[Job], dict[str, dict], dict[str, str]],
           pool: ProcessPoolExecutor | None) -> int:
    """Check the study folder (while the workers warm up), run the jobs into staging, gate, publish."""
    started, wall_started = started_at
    todo, all_jobs, state, reasons = planned
    staging = out_root / STAGING
    try:
        todo = _checked(args, data_dir, out_root, todo, reasons)
    except InputError as exc:
        say(f"Error: {exc.message}")
        return 2
    except (WriteFailed, KeyboardInterrupt, Stopped) as exc:
        return _failed(exc, out_root, staging=None)
    try:
        with writing(staging):
            # A run of every stage starts from nothing, so no output of an earlier run (another study) survives.
            _prepare_staging(out_root, staging, keep_previous=len(todo) < len(all_jobs))
        staged = [j.restaged(out_root, staging) for j in todo]
        clock = {"jobs": time.perf_counter()}
        results = run_jobs(staged, pool, max(1, args.jobs))
        clock["index"] = time.perf_counter()
        _prune_reports(staging, [j.restaged(out_root, staging) for j in all_jobs])
        from ..core.config import load_config
        from .privacy import check_outputs
        from .render import write_index

        with writing(staging / "reports" / "index.html"):
            config = load_config(data_dir)
            write_index(staging / "reports", config.title, messages(config.report_lang))
        say("Privacy gate: scanning every output for names and identifiers in the key ...")
        checkpoint("gate")
        clock["gate"] = time.perf_counter()
        check_outputs(staging, data_dir=data_dir)
        clock["state"] = time.perf_counter()
        with writing(staging / jobs_mod.STATE_FILE):
            jobs_mod.save_state(staging, state, results)
    except (Exception, KeyboardInterrupt, Stopped) as exc:  # noqa: BLE001 -- every failure is said in one line
        return _failed(exc, out_root, staging)
    report = out_root / "reports" / "findings.html"
    clock["swap"] = time.perf_counter()
    try:
        with deferred(), writing(out_root):  # Ctrl-C and SIGTERM wait for the swap; a kill is recovered from
            swap.publish(out_root, staging, PUBLISHED)
            shutil.rmtree(out_root / FAILED, ignore_errors=True)  # it showed a failure this run has put right
    except WriteFailed as exc:
        say(f"Error: {exc.describe(out_root)} (while publishing the new outputs). {_previous_report(out_root)}")
        return 2 if exc.read_only else 1
    except (KeyboardInterrupt, Stopped) as exc:
        say(f"Stopped by {_signal_name(exc)} just after the new outputs were published. Report: {report}")
        return 1
    clock["done"] = time.perf_counter()
    _write_timings(out_root, started, wall_started, clock, todo, results)
    say(f"Done in {time.perf_counter() - started:.1f} s. Report: {report}")
    from ..report.run_summary import run_warnings

    for line in run_warnings(out_root / "data" / "processed"):  # what did not stop the run, said out loud
        say(line)
    return 0


def _plan(args: argparse.Namespace, data_dir: Path,
          out_root: Path) -> tuple[list[Job], list[Job], dict[str, dict], dict[str, str]] | None:
    """The jobs to run, every job, the runner's state and why each job runs; None when every stage is up to date.

    Raises InputError (exit 2) for a bad pipeline or stage name.
    """
    spec = load_spec(args.pipeline)
    all_jobs = jobs_mod.plan(spec, PROJECT_ROOT, data_dir, out_root, pdf=not args.no_pdf)
    for flag in ("strict", "svg"):
        if getattr(args, flag):
            all_jobs = jobs_mod.with_parameter(all_jobs, flag, True)
    state = jobs_mod.load_state(out_root)
    selected = [j for j in all_jobs if not args.only or j.stage in args.only]
    unknown = set(args.only or []) - {j.stage for j in all_jobs}
    if unknown:
        raise InputError(args.pipeline, f"unknown stage(s) {', '.join(sorted(unknown))}",
                         fix=f"use one of: {', '.join(dict.fromkeys(j.stage for j in all_jobs))}")
    todo, reasons = jobs_mod.outdated(selected, state, out_root, force=args.force or bool(args.only))
    running = {j.key for j in todo}
    for job in selected:
        if job.key not in running:
            say(f"  = {job.label}: up to date")
    if not todo:
        return None
    return todo, all_jobs, state, reasons


def _checked(args: argparse.Namespace, data_dir: Path, out_root: Path, todo: list[Job],
             reasons: dict[str, str]) -> list[Job]:
    """The jobs with only the parameters their notebooks declare, once the study folder and every parameter
    are checked; raises InputError (exit 2) on the first problem, before any notebook runs."""
    say(f"Validating the study folder {data_dir} ...")
    validate(data_dir, out_root / CACHE_FOLDER)  # stage 01 takes the transcripts as read from there
    todo = jobs_mod.check_parameters(todo, load_spec(args.pipeline), PROJECT_ROOT)
    for job in todo:
        say(f"  · {job.label} will run: {reasons[job.key]}")
    return todo


def _failed(exc: BaseException, out_root: Path, staging: Path | None) -> int:
    """Say what stopped the run before it published, and what became of its outputs; return the exit status.

    A failed notebook or privacy gate keeps the staged outputs in ``.pipeline-failed`` for inspection;
    a full disk and a stopped run remove them (they would fill the disk, and no one asked for them).
    """
    if isinstance(exc, JobFailure) and not exc.disk_full:
        failed = _keep_failed(out_root, staging)
        say(f"Error: {exc.message(failed_root=failed, staging=staging)}\n{_previous_report(out_root)}")
        return 2 if exc.is_input_error else 1
    if isinstance(exc, PrivacyError):
        failed = _keep_failed(out_root, staging)
        say(f"Privacy gate failed: {exc}\nOutputs kept for inspection (not published) in {failed}.\n"
            f"{_previous_report(out_root)}")
        return 1
    if not isinstance(exc, (KeyboardInterrupt, Stopped, WriteFailed, JobFailure)):
        failed = _keep_failed(out_root, staging)
        say(f"Error: the run failed outside the notebooks: {type(exc).__name__}: {exc}. Partial outputs (not "
            f"published) are in {failed}. {_previous_report(out_root)}")
        return 1
    removed = ""
    if staging is not None:
        shutil.rmtree(staging, ignore_errors=True)
        removed = " Its partial outputs were removed."
    if isinstance(exc, JobFailure):  # a notebook found the disk full
        say(f"Error: disk full while running {exc.job_label} ({exc.evalue}): free some space on that disk (or use "
            f"another --output-dir) and run again.{removed} {_previous_report(out_root)}")
        return 1
    if isinstance(exc, WriteFailed):
        say(f"Error: {exc.describe(out_root)}.{removed} {_previous_report(out_root)}")
        return 2 if exc.read_only else 1
    say(f"Stopped by {_signal_name(exc)}.{removed} {_previous_report(out_root)}")
    return 1


def _signal_name(exc: BaseException) -> str:
    return "Ctrl-C" if isinstance(exc, KeyboardInterrupt) else "SIGTERM"


def _previous_report(out_root: Path) -> str:
    """What the reader still has: a report is said to be left in place only when there is one."""
    if (out_root / swap.JOURNAL).exists():
        return "The new outputs are partly published: the next run completes the publication (or undoes it)."
    report = out_root / "reports" / "findings.html"
    if report.exists():
        return f"The previous report was left in place ({report})."
    return f"No report has been published in {out_root} yet."


def _prepare_staging(out_root: Path, staging: Path, keep_previous: bool) -> None:
    """A fresh staging folder; with ``keep_previous``, a copy of the current outputs (skipped stages keep theirs).

    A folder's ``.gitkeep`` (which keeps the empty output folders in git) is kept either way.
    """
    shutil.rmtree(staging, ignore_errors=True)
    for folder in OUTPUT_FOLDERS:
        src = out_root / folder
        if keep_previous and src.is_dir():
            shutil.copytree(src, staging / folder, copy_function=_copy)
            continue
        (staging / folder).mkdir(parents=True, exist_ok=True)
        if (src / ".gitkeep").exists():
            (staging / folder / ".gitkeep").touch()


def _copy(src: str, dst: str) -> None:
    """copytree's copy, stopping at the first failure (copytree itself would try every file, then lose errno)."""
    with writing(Path(dst)):
        shutil.copy2(src, dst)


def _prune_reports(staging: Path, jobs: list[Job]) -> None:
    """Remove rendered pages and executed notebooks that no current job makes (e.g. a former member's brief)."""
    wanted = {p for j in jobs for p in (j.executed, j.executed.with_suffix(".log"), j.audit_html, j.report_html,
                                        j.report_pdf) if p}
    reports = staging / "reports"
    made = [p for folder in ("executed", "html", "briefs") for p in (reports / folder).glob("*")]
    for path in made + list(reports.glob("*.pdf")):
        if path.is_file() and path not in wanted:
            path.unlink()


def _keep_failed(out_root: Path, staging: Path) -> Path:
    """Keep the staged outputs of the last failed run in ``.pipeline-failed``, without the re-identification key."""
    failed = out_root / FAILED
    shutil.rmtree(failed, ignore_errors=True)
    shutil.rmtree(staging / "keys", ignore_errors=True)  # the key stays in keys/ of the output folder only
    staging.rename(failed)
    return failed
