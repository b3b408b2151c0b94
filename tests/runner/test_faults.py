"""What can stop a run besides a notebook, tried as a hostile user: kill -9 in each phase, SIGTERM and Ctrl-C,
a read-only output folder, a full disk, a failed run's folder. Each ends in one line, with a complete report
(old or new) in place from the next start on, and no worker or kernel left running.

Most tests run the stand-in pipeline (fault_fixtures: one small notebook, a real kernel in a real worker); one
kills the whole pipeline (the ``built`` outputs) in the middle of its swap. ``HELPERS_PIPELINE_KILL_AT`` is the
runner's test hook (helpers.runner.faults.checkpoint).
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from fault_fixtures import HOLD, args, marker_of, stand_in_pipeline, start

from helpers.core.records import read_record
from helpers.core.stages import load_spec
from helpers.runner import faults, lock, render, swap
from helpers.runner import jobs as rj
from helpers.runner.cli import FAILED, STAGING, main

from conftest import ROOT, SAMPLE

WAIT = 600  # seconds: generous, for a busy machine


def _wait_for(path: Path, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + WAIT
    while not path.exists():
        assert proc.poll() is None, proc.stdout.read()
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.1)


def _gone(pids: list[int]) -> bool:
    def alive(pid: int) -> bool:
        try:
            return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False
    return not any(alive(pid) for pid in pids)


def _assert_all_end(pids: list[int]) -> None:
    deadline = time.monotonic() + WAIT
    while not _gone(pids):
        assert time.monotonic() < deadline, f"still running: {pids}"
        time.sleep(0.2)


def _held_run(tmp_path: Path, out: Path, marker: str) -> tuple[subprocess.Popen, list[int]]:
    """A runner in a subprocess, held inside its notebook; returns it and the pids of its worker, the worker's
    kernel factory and the kernel."""
    hold = tmp_path / f"hold-{marker}"
    proc = start(stand_in_pipeline(tmp_path, marker), out, env={HOLD: str(hold)})
    _wait_for(hold.with_suffix(".started"), proc)
    kernel = psutil.Process(int(hold.with_suffix(".started").read_text(encoding="utf-8")))
    factory = kernel.parent()  # the kernel is forked from its worker's warm factory (helpers.runner.kernels)
    worker = factory.parent()
    assert worker.parent().pid == proc.pid  # ... in a worker process of the runner
    return proc, [worker.pid, factory.pid, kernel.pid]


def _last_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert "Traceback" not in text, text
    return lines[-1]


@pytest.fixture
def published(tmp_path: Path) -> Path:
    """An output folder with the stand-in's outputs (marker-one) published."""
    out = tmp_path / "out"
    assert main(args(stand_in_pipeline(tmp_path, "marker-one"), out)) == 0
    return out


def test_kill_9_in_a_stage_in_the_gate_and_in_the_swap(tmp_path, published):
    """After each kill no worker or kernel runs on; until the swap, the old report stays; the next start completes
    an interrupted swap; and the run after a kill succeeds."""
    out = published
    proc, workers = _held_run(tmp_path, out, "marker-two")
    proc.kill()
    proc.wait(timeout=WAIT)
    _assert_all_end(workers)
    assert marker_of(out) == "marker-one"

    spec = stand_in_pipeline(tmp_path, "marker-two")
    gate = start(spec, out, env={faults.KILL_AT: "gate"})
    printed = gate.communicate(timeout=WAIT)[0]
    assert gate.returncode == -signal.SIGKILL, printed
    assert "taking over the lock left by a run that was stopped" in printed
    assert marker_of(out) == "marker-one"

    killed = start(spec, out, env={faults.KILL_AT: "swap:reports"})
    killed.communicate(timeout=WAIT)
    assert killed.returncode == -signal.SIGKILL
    assert not (out / "reports").exists() and (out / swap.JOURNAL).exists()  # the moment the kill struck

    last = start(spec, out)
    printed = last.communicate(timeout=WAIT)[0]
    assert last.returncode == 0, printed
    assert "its publication was completed" in printed
    assert marker_of(out) == "marker-two"
    assert not any((out / name).exists() for name in (STAGING, swap.TRASH, swap.JOURNAL, lock.LOCK_FILE))


@pytest.mark.slow
def test_kill_9_in_the_swap_of_the_whole_pipeline_is_completed_at_the_next_start(built, tmp_path, capsys):
    """The whole pipeline, killed just after moving its published reports/ aside: the next start puts the new set
    in place, the runner's state with it (its record ids are those of the published stage records)."""
    out = tmp_path / "out"
    shutil.copytree(built[0], out)
    killed = subprocess.run([sys.executable, "-m", "helpers.pipeline", "--data-dir", str(SAMPLE), "--output-dir",
                             str(out), "--force", "--jobs", "2", "--no-pdf"], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, faults.KILL_AT: "swap:reports"}, timeout=WAIT)
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr
    assert not (out / "reports").exists()
    assert "its publication was completed" in swap.recover(out, out / STAGING)
    report = (out / "reports" / "findings.html").read_text(encoding="utf-8")
    assert report.rstrip().endswith("</html>") and len(report) > 100_000
    assert sorted(p.name for p in (out / "reports" / "briefs").glob("*.html")) == sorted(
        p.name for p in (built[0] / "reports" / "briefs").glob("*.html"))
    state = rj.load_state(out)
    jobs = rj.plan(load_spec(ROOT / "pipeline.yml"), ROOT, SAMPLE, out)
    assert {j.key: state[j.key]["record"] for j in jobs} == {j.key: read_record(out, j.record)["id"] for j in jobs}
    assert state != rj.load_state(built[0])  # the new run's, not the old one's


@pytest.mark.parametrize("sig, name", [(signal.SIGTERM, "SIGTERM"), (signal.SIGINT, "Ctrl-C")])
def test_sigterm_and_ctrl_c_end_the_workers_remove_the_staging_and_release_the_lock(tmp_path, published, sig, name):
    proc, workers = _held_run(tmp_path, published, "marker-two")
    proc.send_signal(sig)
    printed = proc.communicate(timeout=WAIT)[0]
    assert proc.returncode == 1, printed
    assert _last_line(printed) == (f"Stopped by {name}. Its partial outputs were removed. The previous report was "
                                   f"left in place ({published / 'reports' / 'findings.html'}).")
    _assert_all_end(workers)
    assert not any((published / name).exists() for name in (STAGING, lock.LOCK_FILE))
    assert marker_of(published) == "marker-one"


def _read_only(out: Path, monkeypatch) -> None:
    """Every file and folder created under ``out`` is refused, as in a read-only folder (works as root too)."""
    real_open, real_mkdir = os.open, os.mkdir

    def refused(path) -> bool:
        return Path(path).is_relative_to(out)

    def open_(path, flags, *rest, **kw):
        if refused(path) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, flags, *rest, **kw)

    def mkdir(path, *rest, **kw):
        if refused(path):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_mkdir(path, *rest, **kw)

    monkeypatch.setattr(os, "open", open_)
    monkeypatch.setattr(os, "mkdir", mkdir)


@pytest.mark.parametrize("how", ["chmod", "monkeypatched"])
def test_a_read_only_output_folder_exits_2_in_one_line(tmp_path, capsys, monkeypatch, how):
    out = tmp_path / "out"
    out.mkdir()
    spec = stand_in_pipeline(tmp_path)
    if how == "chmod":
        if os.geteuid() == 0:
            pytest.skip("root writes to a read-only folder anyway; the monkeypatched variant covers this")
        out.chmod(0o555)
    else:
        _read_only(out, monkeypatch)
    try:
        code = main(args(spec, out))
    finally:
        out.chmod(0o755)
    printed = capsys.readouterr().out
    assert code == 2, printed
    assert printed.strip() == (f"Error: cannot write {out / lock.LOCK_FILE} (Permission denied): the output folder "
                               f"{out} is read-only or not yours; fix its permissions or use another --output-dir. "
                               f"No report has been published in {out} yet.")


def _disk_full(monkeypatch) -> None:
    def full(*_: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")  # as a write() says it: no file named

    monkeypatch.setattr(render, "write_index", full)


def test_a_full_disk_names_the_file_and_only_claims_a_previous_report_when_there_is_one(tmp_path, capsys,
                                                                                      monkeypatch):
    out = tmp_path / "out"
    spec = stand_in_pipeline(tmp_path, "marker-one")
    _disk_full(monkeypatch)
    assert main(args(spec, out)) == 1
    index = out / STAGING / "reports" / "index.html"
    assert _last_line(capsys.readouterr().out) == (
        f"Error: disk full while writing {index}: free some space on that disk (or use another --output-dir) and "
        f"run again. Its partial outputs were removed. No report has been published in {out} yet.")
    assert not (out / STAGING).exists() and not (out / FAILED).exists()  # nothing left to fill the disk
    monkeypatch.undo()
    assert main(args(spec, out)) == 0
    _disk_full(monkeypatch)
    assert main(args(spec, out, "--force")) == 1
    assert _last_line(capsys.readouterr().out).endswith(
        f"The previous report was left in place ({out / 'reports' / 'findings.html'}).")
    assert marker_of(out) == "marker-one"


def test_the_failed_folder_holds_only_the_last_failure_never_the_key_and_goes_on_success(tmp_path, capsys,
                                                                                       monkeypatch):
    out = tmp_path / "out"
    spec = stand_in_pipeline(tmp_path, "marker-one")
    monkeypatch.setenv("STAND_IN_FAIL", "1")
    for _ in range(2):
        assert main(args(spec, out)) == 1
    assert "planted failure" in capsys.readouterr().out
    failed = out / FAILED
    assert (failed / "reports" / "executed").is_dir()
    assert not (failed / "keys").exists()
    assert not list(failed.rglob("pseudonymisation_key*"))
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".pipeline-")) == [".pipeline-cache", FAILED]
    # stage 01's cache (its entries depend only on their inputs), never the state of a run that did not publish
    assert [p.name for p in (out / ".pipeline-cache").iterdir()] == ["interviews"]
    monkeypatch.delenv("STAND_IN_FAIL")
    assert main(args(spec, out)) == 0
    assert not failed.exists()
    assert (out / "keys" / "pseudonymisation_key.csv").exists()
