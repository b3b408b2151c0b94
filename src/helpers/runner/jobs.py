"""The runner's jobs: what each stage runs with, when it is up to date, and executing it in a worker.

Kept apart from :mod:`helpers.pipeline` so that worker processes import only what they need, and so that a
no-change re-run needs no pandas, papermill or nbconvert at all.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterator

from ..core.errors import InputError
from ..core.records import RUNNER_ENV, changed_outputs, read_record, record_name
from ..core.stages import Spec
from ..core.text import slug
from ..interviews.cache import CACHE_FOLDER
from .faults import writing

STATE_FILE = ".pipeline-cache/state.json"
# Parameters that say where things are, not what a stage computes: not part of a job's fingerprint (data_dir's
# content is, through the stage's reads). cache_dir goes to the notebooks that declare it (stage 01).
LOCATIONS = ("data_dir", "output_dir", "cache_dir")
_EXPORTER = None  # one nbconvert HTML exporter per process, made on first use


@dataclass(frozen=True)
class Job:
    """One notebook execution: a stage, or one member's run of a per-member stage."""

    stage: str
    key: str  # unique: the stage name, or stage[organisation]
    notebook: Path
    parameters: dict
    after: tuple[str, ...]
    executed: Path  # the executed notebook (audit trail)
    audit_html: Path  # its HTML rendering
    report_html: Path | None  # the reader-facing HTML (findings report, member brief)
    data_dir: Path
    reads: tuple[str, ...] = field(default=())
    required: frozenset[str] = frozenset()  # parameters the notebook must declare (the others are shared)
    fingerprint: str = ""  # what it depends on, as one hash (set by outdated())
    record: str = ""  # the name of its stage record (helpers.core.records)
    pdf: bool = False  # also write the reader-facing page as PDF (runner.pdf), beside it
    preload: tuple[str, ...] = ()  # what its kernel imports before it starts (runner.kernels); () starts it cold

    @property
    def report_pdf(self) -> Path | None:
        return self.report_html.with_suffix(".pdf") if self.pdf and self.report_html is not None else None

    @property
    def label(self) -> str:
        return self.notebook.stem + (f" [{self.parameters['organisation']}]" if "organisation" in self.parameters
                                     and self.key != self.stage else "")

    def restaged(self, out_root: Path, staging: Path) -> "Job":
        """The same job writing under ``staging`` instead of ``out_root``."""
        def move(p: Path | None) -> Path | None:
            return staging / p.relative_to(out_root) if p is not None else None
        params = dict(self.parameters, output_dir=notebook_path(staging, self.notebook))
        return replace(self, parameters=params, executed=move(self.executed), audit_html=move(self.audit_html),
                       report_html=move(self.report_html))


@dataclass
class JobResult:
    key: str
    fingerprint: str
    seconds: float
    peak_mb: float = 0.0  # peak memory of the worker and its kernel while the job ran
    record: str | None = None  # the id of the stage record the run wrote
    parameters: dict = field(default_factory=dict)  # the parameters that record holds
    started: float = 0.0  # wall-clock start (seconds since the epoch), for the benchmark's timeline
    worker: int = 0  # the process that ran it (a lane of the timeline)
    cpu_seconds: float = 0.0  # CPU time of the worker and the notebook's kernel while the job ran
    phases: dict[str, float] = field(default_factory=dict)  # where the job's time went (see execute)


class JobFailure(Exception):
    """A notebook failed: names the notebook, the cell and the error."""

    def __init__(self, job_label: str, executed: Path, cell: int | None, ename: str, evalue: str) -> None:
        super().__init__(f"{job_label}: {ename}: {evalue}")
        self.job_label, self.executed, self.cell, self.ename, self.evalue = job_label, executed, cell, ename, evalue

    @property
    def is_input_error(self) -> bool:
        return self.ename == "InputError"

    @property
    def disk_full(self) -> bool:
        return f"[Errno {errno.ENOSPC}]" in self.evalue

    def message(self, failed_root: Path, staging: Path) -> str:
        where = failed_root / self.executed.relative_to(staging)
        cell = f" in cell {self.cell}" if self.cell is not None else ""
        if self.is_input_error:
            return f"{self.evalue}\n(found while running {self.job_label}; executed notebook: {where})"
        return (f"notebook {self.job_label} failed{cell}: {self.ename}: {self.evalue}\n"
                f"The failed executed notebook is {where}")

    def __reduce__(self):  # picklable across worker processes
        return (JobFailure, (self.job_label, self.executed, self.cell, self.ename, self.evalue))


def notebook_path(path: Path, notebook: Path) -> str:
    """``path`` as the notebook will see it: relative to its folder (its working directory) where possible.

    Relative paths keep the user's home folder, which may carry a name, out of the executed notebooks.
    """
    try:
        return os.path.relpath(path, notebook.parent)
    except ValueError:  # another drive on Windows
        return str(path)


def members(data_dir: Path) -> list[str]:
    """The member organisations, from study.yml or else the participants file."""
    from ..core.config import load_config

    config = load_config(data_dir)
    if config.members:
        return list(config.members)
    from ..core.study import load_study  # pandas: only when study.yml does not list them

    return load_study(data_dir).organisations


def plan(spec: Spec, project: Path, data_dir: Path, out_root: Path, pdf: bool = True) -> list[Job]:
    """Expand the stages into jobs, in pipeline order; ``pdf``: reader-facing pages get a PDF copy too."""
    from .zygote import notebook_imports

    jobs: list[Job] = []
    preload = tuple(notebook_imports([project / s.notebook for s in spec.stages if (project / s.notebook).exists()]))
    for number, stage in enumerate(spec.stages, start=1):
        notebook = project / stage.notebook
        if not notebook.exists():
            raise InputError(spec.path, f"stage '{stage.name}': notebook {notebook} is missing",
                             fix="check the notebook path in pipeline.yml")
        base = {"data_dir": notebook_path(data_dir, notebook), "output_dir": notebook_path(out_root, notebook),
                # stage 01's per-interview cache, in the output folder itself: it outlives the staging folder
                "cache_dir": notebook_path(out_root / CACHE_FOLDER, notebook),
                **spec.parameters, **dict(stage.parameters)}
        required = frozenset({"data_dir", "output_dir", *dict(stage.parameters), *([stage.per] if stage.per else [])})
        variants = [None] if stage.per is None else members(data_dir)
        for variant in variants:
            params = dict(base) if variant is None else dict(base, **{stage.per: variant})
            key = stage.name if variant is None else f"{stage.name}[{variant}]"
            suffix = "" if variant is None else f"_{slug(variant, 'member')}"
            html = None
            if stage.html:
                html = out_root / "reports" / stage.html.format(**{stage.per or "x": slug(variant or "", "member")})
            jobs.append(Job(stage=stage.name, key=key, notebook=notebook, parameters=params,
                            after=stage.after,
                            executed=out_root / "reports" / "executed" / f"{notebook.stem}{suffix}.ipynb",
                            audit_html=out_root / "reports" / "html" / f"{notebook.stem}{suffix}.html",
                            report_html=html, data_dir=data_dir, reads=stage.reads, required=required,
                            record=record_name(stage.name, variant), pdf=pdf and html is not None,
                            preload=preload))
    return jobs


def with_parameter(jobs: list[Job], name: str, value: object) -> list[Job]:
    """The jobs with parameter ``name`` set to ``value`` where their stage has it (pipeline.yml), e.g. ``strict``."""
    return [replace(j, parameters=dict(j.parameters, **{name: value})) if name in j.parameters else j for j in jobs]


def _hash_path(h: "hashlib._Hash", path: Path, root: Path) -> None:
    if path.is_dir():
        for child in sorted(p for p in path.rglob("*") if p.is_file()):
            _hash_path(h, child, root)
    elif path.is_file():
        h.update(str(path.relative_to(root)).encode())
        h.update(hashlib.sha256(path.read_bytes()).digest())


def _code_hash(notebook: Path) -> str:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    code = [c["source"] if isinstance(c["source"], str) else "".join(c["source"])
            for c in nb["cells"] if c["cell_type"] in ("code", "markdown")]
    return hashlib.sha256(json.dumps(code).encode()).hexdigest()


def helpers_hash() -> str:
    """A hash of the helpers package source: a change in any helper re-runs every stage."""
    h = hashlib.sha256()
    package = Path(__file__).parents[1]
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".yml", ".yaml", ".css", ".tpl", ".j2", ".json"):
            _hash_path(h, path, package)
    return h.hexdigest()


def fingerprints(jobs: list[Job], out_root: Path) -> dict[str, str]:
    """What each job depends on, as one hash: notebook, parameters, declared inputs, upstream jobs, helpers."""
    base = helpers_hash()
    result: dict[str, str] = {}
    by_stage: dict[str, list[str]] = {}
    for job in jobs:
        h = hashlib.sha256(base.encode())
        h.update(_code_hash(job.notebook).encode())
        params = {k: v for k, v in job.parameters.items() if k not in LOCATIONS}
        h.update(json.dumps(params, sort_keys=True, ensure_ascii=False).encode())
        h.update(str(job.data_dir).encode())
        for name in job.reads:
            _hash_path(h, job.data_dir / name, job.data_dir)
        for upstream in job.after:
            for key in by_stage.get(upstream, []):
                h.update(result[key].encode())
        result[job.key] = h.hexdigest()
        by_stage.setdefault(job.stage, []).append(job.key)
    return result


def load_state(out_root: Path) -> dict[str, dict]:
    """What the runner last ran into ``out_root``: per job its fingerprint and the id of the record it wrote."""
    path = out_root / STATE_FILE
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {k: v for k, v in state.items() if isinstance(v, dict)}  # an older runner's state counts as none


def save_state(out_root: Path, state: dict[str, dict], results: list[JobResult]) -> None:
    state = dict(state, **{r.key: {"fingerprint": r.fingerprint, "record": r.record, "parameters": r.parameters}
                           for r in results})
    path = out_root / STATE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(state, indent=1, sort_keys=True), encoding="utf-8")


def changed_by_hand(job: Job, last: dict, out_root: Path) -> str | None:
    """Why the job's outputs are not what the runner's last run of it wrote, or None when they are.

    A notebook run in JupyterLab writes a record of its own (another id); a file edited or removed by hand
    no longer has the hash its record holds.
    """
    record = read_record(out_root, job.record)
    if record is None:
        return "its stage record is gone (its outputs were removed)"
    if record["id"] != last.get("record"):
        ran_with = last.get("parameters", {})
        params = ", ".join(f"{k}={v!r}" for k, v in record["parameters"].items() if ran_with.get(k, v) != v)
        who = "an interactive run" if record["by"] == "interactive" else "another run of the runner"
        return (f"its outputs were rewritten by {who} at {record['finished']}"
                + (f" with {params}" if params else "") + "; the runner runs it again with pipeline.yml's "
                "parameters (to keep other values, set them in pipeline.yml)")
    if changed := changed_outputs(out_root, record):
        return f"{', '.join(changed[:3])} changed by hand since it ran"
    return None


def outdated(jobs: list[Job], state: dict[str, dict], out_root: Path, force: bool) -> tuple[list[Job], dict[str, str]]:
    """The jobs to run, each with its fingerprint, and why each runs."""
    prints = fingerprints(jobs, out_root)
    todo: list[Job] = []
    reasons: dict[str, str] = {}
    stale: set[str] = set()
    for job in jobs:
        last = state.get(job.key)
        if force:
            reason = "forced"
        elif last is None:
            reason = "never run into this output folder"
        elif not all(p.exists() for p in (job.executed, job.report_html, job.report_pdf) if p is not None):
            reason = "its outputs are missing"
        elif any(s in stale for s in job.after):
            reason = "an upstream stage re-runs"
        elif last["fingerprint"] != prints[job.key]:
            reason = "its notebook, parameters, input files or the helpers changed"
        elif not (reason := changed_by_hand(job, last, out_root)):
            continue
        todo.append(replace(job, fingerprint=prints[job.key]))
        reasons[job.key] = reason
        stale.add(job.stage)
    return todo, reasons


def check_parameters(jobs: list[Job], spec: Spec, project: Path) -> list[Job]:
    """Check the parameters against each notebook's parameters cell; return the jobs with only declared ones.

    A stage's own parameters (and ``data_dir``, ``output_dir``) must be declared by its notebook; a shared
    parameter goes to the notebooks that declare it and must be declared by at least one. A value of
    another type than the declared one is an error too. Errors are InputErrors (exit 2).
    """
    import papermill

    notebooks = {project / stage.notebook for stage in spec.stages} | {job.notebook for job in jobs}
    declared = {nb: papermill.inspect_notebook(str(nb)) for nb in notebooks}
    for job in jobs:
        params = declared[job.notebook]
        for name, value in job.parameters.items():
            if name not in params:
                if name in job.required:
                    raise InputError(spec.path, f"stage '{job.stage}': parameter '{name}' is not declared in the "
                                     f"parameters cell of {job.notebook.name}",
                                     fix=f"declare it there, or use one of: {', '.join(params)}")
                continue
            _check_type(name, value, params[name], job, spec)
    for name in spec.parameters:
        if not any(name in params for params in declared.values()):
            raise InputError(spec.path, f"shared parameter '{name}' is not declared by any notebook",
                             fix="remove it, or check its spelling against the notebooks' parameters cells")
    return [replace(j, parameters={k: v for k, v in j.parameters.items() if k in declared[j.notebook]}) for j in jobs]


def _check_type(name: str, value: object, declared: dict, job: Job, spec: Spec) -> None:
    types = {"str": str, "int": int, "float": (int, float), "bool": bool, "list": list, "dict": dict}
    type_name = (declared.get("inferred_type_name") or "").split("[")[0]
    expected = types.get(type_name)
    if expected and (not isinstance(value, expected) or (expected is int and isinstance(value, bool))):
        raise InputError(spec.path, f"parameter '{name}' of {job.notebook.name} should be {type_name}, got {value!r}",
                         fix="fix the value in pipeline.yml")


def _exporter():
    global _EXPORTER
    if _EXPORTER is None:
        from .render import make_exporter

        _EXPORTER = make_exporter()
    return _EXPORTER


@contextmanager
def _stderr_to(path: Path):
    """Send this process's stderr (and so the kernel's, which inherits it) to ``path`` while running a job."""
    sys.stderr.flush()
    saved = os.dup(2)
    with open(path, "ab") as log:
        os.dup2(log.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


def _register_translator() -> None:
    """Inject string parameters as readable literals ('Lindåsa', not papermill's 'Lind\\xe5sa').

    The escaped form is unreadable in the audit trail and splits words, so the privacy gate would see
    'Lind' in 'Lind\\xe5sa'. ``repr`` gives an equally valid Python literal that keeps the letters.
    """
    from papermill.translators import PythonTranslator, papermill_translators

    class ReadablePythonTranslator(PythonTranslator):
        @classmethod
        def translate_str(cls, val: str) -> str:
            return repr(val)

    papermill_translators.register("python", ReadablePythonTranslator)


@contextmanager
def _runner_env():
    """While a notebook runs: the kernel inherits RUNNER_ENV, so its stage record says the runner ran it."""
    # JUPYTER_PREFER_ENV_PATH: the python3 kernel of this environment, never a user-wide one of another Python.
    settings = {RUNNER_ENV: "1", "JUPYTER_PREFER_ENV_PATH": "1"}
    before = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                del os.environ[name]
            else:
                os.environ[name] = value


def execute(job: Job) -> JobResult:
    """Execute one notebook with papermill and render it to HTML (in the calling process).

    An OSError while writing is raised as :class:`~helpers.runner.faults.WriteFailed`, naming the file.
    """
    from papermill.exceptions import PapermillExecutionError

    from . import kernels
    from .memory import PeakMemory

    _register_translator()
    started, wall_started, cpu = time.perf_counter(), time.time(), _cpu_seconds()
    forked = len(kernels.KERNELS)
    log = job.executed.with_suffix(".log")
    try:
        with writing(job.executed):
            job.executed.parent.mkdir(parents=True, exist_ok=True)
            with _stderr_to(log), PeakMemory() as memory, _runner_env():
                nb = _run_notebook(job, log)
    except PapermillExecutionError as exc:
        raise JobFailure(job.label, job.executed, exc.cell_index, exc.ename, exc.evalue) from None
    from .render import finalise_html

    executed_at = time.perf_counter()
    body = finalise_html(_exporter().from_notebook_node(nb)[0])
    for path in (job.audit_html, job.report_html):
        if path is not None:
            with writing(path):
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(body, encoding="utf-8")
    exported_at = time.perf_counter()
    if job.report_pdf is not None:
        from .pdf import write_pdf

        write_pdf(body, job.report_pdf)
    pdf_seconds = time.perf_counter() - exported_at
    out_root = job.executed.parents[2]  # <out>/reports/executed/<notebook>.ipynb
    record = read_record(out_root, job.record)
    ended = time.perf_counter()
    phases = {**_notebook_phases(nb, wall_started, executed_at - started),
              "figures": float((record or {}).get("timing", {}).get("figures_seconds", 0.0)),
              "html": exported_at - executed_at, "pdf": pdf_seconds}
    return JobResult(job.key, job.fingerprint, ended - started, memory.peak / 2**20,
                     record["id"] if record else None, record["parameters"] if record else {},
                     started=wall_started, worker=os.getpid(), phases=phases,
                     cpu_seconds=_cpu_seconds() - cpu + sum(k.cpu_seconds for k in kernels.KERNELS[forked:]))


def _run_notebook(job: Job, log: Path):
    """Execute the job's notebook with papermill: in a kernel forked from this worker's warm factory where that
    is possible (:mod:`helpers.runner.kernels`), saved once at the end, the kernel ended at once when the run is
    over (it has nothing left to save).

    A forked kernel that dies before it answers (its traceback is in the job's log) is said there, and the
    notebook runs once more in a kernel started cold, as papermill starts one.
    """
    import papermill

    from . import factory, kernels

    options = {"engine_name": kernels.ENGINE, "shutdown_kernel": "immediate"}
    warm = bool(job.preload) and factory.available()
    for kernel in (["warm", "cold"] if warm else ["cold"]):
        if kernel == "warm":
            factory.prepare(list(job.preload), log)
        try:
            return papermill.execute_notebook(
                str(job.notebook), str(job.executed), parameters=job.parameters, cwd=str(job.notebook.parent),
                kernel_name="python3", progress_bar=False, log_output=False, **options,
                **({"kernel_manager_class": kernels.WarmKernelManager} if kernel == "warm" else {}))
        except RuntimeError as exc:
            if kernel == "cold" or "before replying to kernel_info" not in str(exc):
                raise
            with open(log, "a", encoding="utf-8") as said:
                said.write(f"[runner] the warm kernel died as it started ({exc}); running {job.label} in a cold "
                           "kernel\n")


def _cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (a job's kernel ends with the job)."""
    import resource

    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _notebook_phases(nb, called: float, seconds: float) -> dict[str, float]:
    """Where a notebook run's ``seconds`` went, from papermill's timestamps: starting the kernel (from ``called``,
    the wall clock when papermill was called, to the start of the first cell), the setup cell (the first code cell
    after the parameters: imports and the tables it reads) and the other cells; the rest is papermill's own work
    after the last cell (writing the executed notebook, shutting the kernel down)."""
    import datetime as dt

    code = [c for c in nb.cells if c.cell_type == "code"]
    timing = [c.metadata.get("papermill", {}) for c in code]
    durations = [float(t.get("duration") or 0.0) for t in timing]
    first = next((t["start_time"] for t in timing if t.get("start_time")), None)
    kernel = max(0.0, dt.datetime.fromisoformat(first).timestamp() - called) if first else 0.0
    tagged = [i for i, c in enumerate(code) if {"parameters", "injected-parameters"} & set(c.metadata.get("tags", []))]
    setup = durations[tagged[-1] + 1] if tagged and tagged[-1] + 1 < len(code) else 0.0
    return {"kernel_start": kernel, "setup_cell": setup, "other_cells": sum(durations) - setup,
            "notebook_overhead": max(0.0, seconds - kernel - sum(durations))}


@contextmanager
def worker_pool(n_jobs: int, preload: tuple[str, ...] = ()) -> Iterator[ProcessPoolExecutor]:
    """``n_jobs`` worker processes, started at once, that never outlive the runner.

    Each worker starts its kernel factory (:mod:`helpers.runner.factory`) with ``preload`` as it starts, so that
    the imports are done, or under way, by the time its first notebook runs. When the block raises (a failed job, Ctrl-C, SIGTERM)
    the workers and their kernels are killed at once instead of being left to finish their notebooks; when the
    runner is killed outright (``kill -9``), each worker's watchdog ends it and its kernel.
    """
    # What every job imports (papermill, nbformat, jupyter_client: 2 s of CPU), imported once here, so that the
    # workers, forked from this process, start with it.
    from . import kernels  # noqa: F401

    pool = ProcessPoolExecutor(max_workers=n_jobs, initializer=_worker_init, initargs=(os.getpid(), preload))
    try:
        for _ in range(n_jobs):  # workers start on demand: ask for all of them now
            pool.submit(os.getpid)
        yield pool
    except BaseException:
        kill_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def kill_workers(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's workers, their kernel factories and kernels, without waiting for their jobs."""
    for pid in list(pool._processes or {}):  # the workers' pids: no public API before Python 3.14
        _kill_tree(pid)


def _worker_init(runner: int, preload: tuple[str, ...]) -> None:
    """In a new worker: Ctrl-C and SIGTERM are the runner's to handle; a watchdog ends the worker with it; its
    kernel factory starts importing ``preload``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    threading.Thread(target=_watch, args=(runner,), daemon=True).start()
    if preload:
        from . import factory

        if factory.available():
            factory.warm_up(list(preload))


def _watch(runner: int) -> None:
    """Once the runner is gone (this worker has a new parent), kill this worker's kernel and then the worker."""
    while os.getppid() == runner:
        time.sleep(0.5)
    _kill_tree(os.getpid())


def _kill_tree(pid: int) -> None:
    """Kill process ``pid`` and every process it started (its kernel), children first."""
    import psutil

    try:
        root = psutil.Process(pid)
        tree = [*root.children(recursive=True), root]
    except psutil.NoSuchProcess:
        return
    for proc in tree:
        with suppress(psutil.NoSuchProcess):
            proc.kill()
    psutil.wait_procs([p for p in tree if p.pid != os.getpid()], timeout=30)
