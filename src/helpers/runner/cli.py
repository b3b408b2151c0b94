"""The runner: ``python -m helpers.pipeline`` builds the findings report from a study folder.

It validates the study folder (exit 2 on bad input, before any notebook runs), checks every parameter
against the notebooks' ``parameters`` cells, executes the stages of ``pipeline.yml`` with papermill
(in worker processes, in parallel where the stages allow), renders the executed notebooks to HTML with
one reused nbconvert exporter per process, runs the privacy gate, and only then swaps the new outputs
in: a failed run leaves the previous report in place. Stages whose inputs did not change are skipped.
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path

from ..core.errors import InputError, PrivacyError
from ..core.stages import PIPELINE, PROJECT_ROOT, load_spec
from . import jobs as jobs_mod
from .jobs import Job, JobFailure, JobResult

DEFAULT_DATA = PROJECT_ROOT / "data" / "raw" / "sample"
OUTPUT_FOLDERS = ("data/processed", "figures", "reports", "keys")


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
    parser.add_argument("--force", action="store_true", help="re-run every stage, even those up to date")
    parser.add_argument("--strict", action="store_true",
                        help="stop with exit 2 when a manual coding in codings/ cannot be placed (default: list it)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="how many notebooks run at the same time (default: the number of cores)")
    parser.add_argument("--pipeline", type=Path, default=PIPELINE, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def say(text: str) -> None:
    print(text, flush=True)


def validate(data_dir: Path):
    """Check the whole study folder before any notebook runs; raise InputError on the first problem."""
    from .validate import check_study

    return check_study(data_dir)


def run_jobs(todo: list[Job], n_jobs: int) -> list[JobResult]:
    """Run jobs respecting their dependencies, ``n_jobs`` at a time in worker processes."""
    results: list[JobResult] = []
    done: set[str] = set()
    pending = list(todo)
    names = {j.key for j in todo}
    if n_jobs <= 1:
        for job in pending:
            say(f"  ▶ {job.label}")
            result = jobs_mod.execute(job)
            say(f"  ✓ {job.label} ({result.seconds:.1f} s, {result.peak_mb:.0f} MB)")
            results.append(result)
        return results
    with ProcessPoolExecutor(max_workers=n_jobs) as pool:
        running: dict[Future, Job] = {}
        while pending or running:
            ready = [j for j in pending if all(d in done or d not in names for d in j.after)]
            for job in ready[: max(0, n_jobs - len(running))]:
                pending.remove(job)
                say(f"  ▶ {job.label}")
                running[pool.submit(jobs_mod.execute, job)] = job
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for fut in finished:
                job = running.pop(fut)
                result = fut.result()  # a JobFailure propagates; the pool is shut down on exit
                say(f"  ✓ {job.label} ({result.seconds:.1f} s, {result.peak_mb:.0f} MB)")
                done.add(job.key)
                results.append(result)
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    data_dir, out_root = args.data_dir.resolve(), args.output_dir.resolve()
    started = time.perf_counter()
    try:
        spec = load_spec(args.pipeline)
        if args.check:
            validate(data_dir)
            say(f"Study folder {data_dir} is valid.")
            return 0
        all_jobs = jobs_mod.plan(spec, PROJECT_ROOT, data_dir, out_root)
        if args.strict:
            all_jobs = jobs_mod.with_parameter(all_jobs, "strict", True)
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
            say(f"Nothing to do: every stage is up to date ({time.perf_counter() - started:.1f} s). "
                f"Report: {out_root / 'reports' / 'findings.html'}")
            return 0
        say(f"Validating the study folder {data_dir} ...")
        validate(data_dir)
        todo = jobs_mod.check_parameters(todo, spec, PROJECT_ROOT)
        for job in todo:
            say(f"  · {job.label} will run: {reasons[job.key]}")
    except InputError as exc:
        say(f"Error: {exc.message}")
        return 2

    staging = out_root / ".pipeline-staging"
    # A run of every stage starts from nothing, so no output of an earlier run (another study) survives.
    _prepare_staging(out_root, staging, keep_previous=len(todo) < len(all_jobs))
    staged = [j.restaged(out_root, staging) for j in todo]
    try:
        results = run_jobs(staged, max(1, args.jobs))
        _prune_reports(staging, [j.restaged(out_root, staging) for j in all_jobs])
        from ..core.study import load_config
        from .privacy import check_outputs
        from .render import write_index

        write_index(staging / "reports", load_config(data_dir).title)

        say("Privacy gate: scanning every output for names and identifiers in the key ...")
        check_outputs(staging, data_dir=data_dir)
    except JobFailure as exc:
        failed = _keep_failed(out_root, staging)
        say(f"Error: {exc.message(failed_root=failed, staging=staging)}")
        say("The previous report was left in place.")
        return 2 if exc.is_input_error else 1
    except PrivacyError as exc:
        failed = _keep_failed(out_root, staging)
        say(f"Privacy gate failed: {exc}\nOutputs kept for inspection (not published) in {failed}.")
        say("The previous report was left in place.")
        return 1
    except Exception as exc:  # noqa: BLE001 -- a failure outside the notebooks (export, worker, disk) is reported too
        failed = _keep_failed(out_root, staging)
        say(f"Error: the run failed outside the notebooks: {type(exc).__name__}: {exc}\n"
            f"Partial outputs (not published) are in {failed}. The previous report was left in place.")
        return 1
    _swap_in(out_root, staging)
    jobs_mod.save_state(out_root, state, results)
    say(f"Done in {time.perf_counter() - started:.1f} s. Report: {out_root / 'reports' / 'findings.html'}")
    from ..report.run_summary import run_warnings

    for line in run_warnings(out_root / "data" / "processed"):  # what did not stop the run, said out loud
        say(line)
    return 0


def _prepare_staging(out_root: Path, staging: Path, keep_previous: bool) -> None:
    """A fresh staging folder; with ``keep_previous``, a copy of the current outputs (skipped stages keep theirs).

    A folder's ``.gitkeep`` (which keeps the empty output folders in git) is kept either way.
    """
    shutil.rmtree(staging, ignore_errors=True)
    for folder in OUTPUT_FOLDERS:
        src = out_root / folder
        if keep_previous and src.is_dir():
            shutil.copytree(src, staging / folder)
            continue
        (staging / folder).mkdir(parents=True, exist_ok=True)
        if (src / ".gitkeep").exists():
            (staging / folder / ".gitkeep").touch()


def _prune_reports(staging: Path, jobs: list[Job]) -> None:
    """Remove rendered pages and executed notebooks that no current job makes (e.g. a former member's brief)."""
    wanted = {p for j in jobs for p in (j.executed, j.executed.with_suffix(".log"), j.audit_html, j.report_html) if p}
    for folder in ("executed", "html", "briefs"):
        for path in (staging / "reports" / folder).glob("*"):
            if path.is_file() and path not in wanted:
                path.unlink()


def _swap_in(out_root: Path, staging: Path) -> None:
    """Replace each output folder by its staged version; the old one is removed only after the move."""
    trash = out_root / ".pipeline-trash"
    shutil.rmtree(trash, ignore_errors=True)
    for folder in OUTPUT_FOLDERS:
        target, new = out_root / folder, staging / folder
        if target.exists():
            (trash / folder).parent.mkdir(parents=True, exist_ok=True)
            target.rename(trash / folder)
        target.parent.mkdir(parents=True, exist_ok=True)
        new.rename(target)
    shutil.rmtree(trash, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)


def _keep_failed(out_root: Path, staging: Path) -> Path:
    failed = out_root / ".pipeline-failed"
    shutil.rmtree(failed, ignore_errors=True)
    staging.rename(failed)
    return failed

