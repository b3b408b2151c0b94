"""Stage records: what each notebook run wrote, from which study, with which parameters, after which runs.

Every stage notebook opens with :func:`begin` and ends with :func:`finish`. ``begin`` checks that the
stages before it have run into the same output folder, for the same study, that their outputs are as they
wrote them, that each is newer than the runs it used, and that the parameters they share agree; otherwise
it stops with one line that names the stage to run and how. ``finish`` writes the record
(``data/processed/runs/<stage>.json``) with a hash of every output the run wrote, and removes the outputs
the stage declares but this run did not write (a figure of an earlier run must not outlive its data).

The same records are written when the runner executes a notebook and when a researcher runs it in
JupyterLab, so the runner sees outputs an interactive run rewrote (see :func:`helpers.runner.jobs.outdated`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from . import catalog
from .errors import InputError
from .stages import Spec, StageSpec, project_spec
from .text import slug

RUNS = Path("data/processed/runs")
RUNNER_ENV = "FINDINGS_RUNNER"  # set by the runner's workers: a record says who ran the notebook
_current: "StageRun | None" = None  # the run this kernel is in, which the writers report to


@dataclass
class StageRun:
    """One run of a stage notebook, between :func:`begin` and :func:`finish`."""

    stage: str
    name: str  # the record's name: the stage, or stage--member for a per-member stage
    out_root: Path
    data_dir: Path
    parameters: dict
    upstream: dict[str, str]  # stage -> id of the record this run read
    written: set[str] = field(default_factory=set)  # output paths, relative to out_root
    figure_seconds: float = 0.0  # time spent drawing figures into files and pages (for the benchmark)

    def wrote(self, path: Path) -> None:
        try:
            self.written.add(Path(path).resolve().relative_to(self.out_root).as_posix())
        except ValueError:  # written outside the output folder (a test's own folder): not this run's output
            pass

    def made_figure(self, name: str) -> bool:
        """Whether the stage that draws figure ``name`` drew it in its last run (it draws some only sometimes)."""
        entry = catalog.figure(name)
        record = read_record(self.out_root, entry.stage)
        return record is not None and entry.paths[0] in record["outputs"]


def record_name(stage: str, variant: str | None = None) -> str:
    return stage if variant is None else f"{stage}--{slug(variant, 'member')}"


def record_path(out_root: Path, name: str) -> Path:
    return Path(out_root) / RUNS / f"{name}.json"


def read_record(out_root: Path, name: str) -> dict | None:
    """The record of the last finished run of ``name`` in ``out_root``, or None."""
    try:
        return json.loads(record_path(out_root, name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def file_hash(path: Path) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


def changed_outputs(out_root: Path, record: dict) -> list[str]:
    """The outputs of ``record`` that are missing or differ from what its run wrote."""
    return [p for p, digest in record["outputs"].items() if file_hash(Path(out_root) / p) != digest]


def begin(stage: str, data_dir: str | Path, output_dir: str | Path, variant: str | None = None,
          **parameters: object) -> StageRun:
    """Start a run of ``stage``: stop with one line if what it reads is missing or stale (see module doc)."""
    show_input_errors_briefly()
    global _current
    spec = project_spec()
    out_root, data = Path(output_dir).resolve(), Path(data_dir).resolve()
    upstream = check_upstream(spec, spec.stage(stage), out_root, data, parameters)
    _current = StageRun(stage, record_name(stage, variant), out_root, data, parameters, upstream)
    return _current


def note_written(path: Path) -> None:
    """Called by the writers: ``path`` is an output of the current run (if a run has begun)."""
    if _current is not None:
        _current.wrote(path)


def note_rendered(seconds: float) -> None:
    """Called by the figure writers: ``seconds`` went into rendering a figure in the current run (if any)."""
    if _current is not None:
        _current.figure_seconds += seconds


def finish(run: StageRun) -> None:
    """Write the run's record; remove the stage's declared outputs that this run did not write.

    Returns nothing, so that a notebook's last line shows nothing (a path would show the output folder's absolute
    path, which may hold the user's name, in the audit pages)."""
    global _current
    declared = {p for o in catalog.outputs(run.stage) for p in o.paths}
    undeclared = sorted(run.written - declared)
    if undeclared:
        raise catalog.CatalogError(f"stage {run.stage} wrote {undeclared}, which the catalogue does not declare "
                                   "for it (src/helpers/core/catalog.yml)")
    for stale in sorted(declared - run.written):
        (run.out_root / stale).unlink(missing_ok=True)
    record = {"stage": run.stage, "name": run.name, "id": uuid.uuid4().hex,
              "finished": dt.datetime.now().isoformat(timespec="seconds"),
              "by": "runner" if os.environ.get(RUNNER_ENV) else "interactive", "study": str(run.data_dir),
              "parameters": json.loads(json.dumps(run.parameters, default=str)), "upstream": run.upstream,
              "outputs": {p: file_hash(run.out_root / p) for p in sorted(run.written)},
              "timing": {"figures_seconds": round(run.figure_seconds, 3)}}
    path = record_path(run.out_root, run.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".json.partial")
    partial.write_text(json.dumps(record, indent=1, ensure_ascii=False), encoding="utf-8")
    partial.replace(path)
    _current = None


def _notebook(stage: StageSpec) -> str:
    return Path(stage.notebook).name


def _stop(stage: StageSpec, upstream: StageSpec, problem: str, action: str = "run") -> InputError:
    return InputError(_notebook(stage), problem,
                      fix=f"{action} notebooks/{_notebook(upstream)} first, or run `make report` "
                          f"(python -m helpers.pipeline), which runs every stage in order")


def check_upstream(spec: Spec, stage: StageSpec, out_root: Path, data_dir: Path, parameters: dict) -> dict[str, str]:
    """The ids of the records ``stage`` reads; an InputError naming the first stage to run when one is not fit."""
    order = [s.name for s in spec.stages]
    upstream = sorted(spec.upstream(stage.name), key=lambda s: order.index(s.name))
    records: dict[str, dict] = {}
    for up in upstream:
        record = read_record(out_root, up.name)
        if record is None:
            raise _stop(stage, up, f"needs the outputs of {_notebook(up)}, which has not run into the output "
                        f"folder {out_root}")
        if record["study"] != str(data_dir):
            raise _stop(stage, up, f"the outputs of {_notebook(up)} in {out_root} are from the study folder "
                        f"{record['study']}, not {data_dir}", action="for this study, run")
        if changed := changed_outputs(out_root, record):
            raise _stop(stage, up, f"{', '.join(changed[:3])} changed or disappeared after {_notebook(up)} wrote it "
                        f"({record['finished']})", action="run again")
        for before, used in record["upstream"].items():
            if records.get(before, {}).get("id") != used:
                raise _stop(stage, up, f"{_notebook(up)} ran before the last run of "
                            f"{_notebook(spec.stage(before))}, so its outputs are stale", action="run again")
        for name in spec.parameters:
            if name in parameters and name in record["parameters"] and record["parameters"][name] != parameters[name]:
                raise InputError(_notebook(stage), f"{name} is {parameters[name]!r} here but {_notebook(up)} ran "
                                 f"with {record['parameters'][name]!r}",
                                 fix=f"use the same value, or run notebooks/{_notebook(up)} again with this one")
        records[up.name] = record
    return {name: records[name]["id"] for name in stage.after}


def show_input_errors_briefly() -> None:
    """In a notebook, show an InputError as its one-line message instead of a traceback."""
    try:
        shell = get_ipython()  # type: ignore[name-defined]  # noqa: F821 -- defined inside IPython only
    except NameError:
        return

    def short(self, etype, value, tb, tb_offset=None):  # noqa: ANN001 -- IPython's handler signature
        lines = [f"\x1b[1;31mStopped:\x1b[0m {value}"]
        self._showtraceback(etype, value, lines)
        return lines

    shell.set_custom_exc((InputError,), short)
