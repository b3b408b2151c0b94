"""One run per output folder (helpers.runner.lock): a second run exits 2 naming the first; a killed run's lock
is taken over; the lock is released however a run ends.

Before the lock, two runs into one folder shared ``.pipeline-staging``: one died with a traceback, the other
exited 0 having published outputs built partly by the first.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fault_fixtures import HOLD, args, marker_of, stand_in_pipeline, start

from helpers.runner import lock
from helpers.runner.cli import main

WAIT = 600  # seconds: generous, for a busy machine


def _wait_for(path: Path, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + WAIT
    while not path.exists():
        assert proc is None or proc.poll() is None, proc.stdout.read()
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.1)


def test_a_second_lock_is_refused_naming_the_holder(tmp_path):
    with lock.acquire(tmp_path, "python -m helpers.pipeline --first"):
        with pytest.raises(lock.LockHeld) as refused:
            lock.acquire(tmp_path, "second")
    message = str(refused.value)
    assert f"pid {os.getpid()}" in message and "started 20" in message
    assert "python -m helpers.pipeline --first" in message and "--output-dir" in message
    assert not (tmp_path / lock.LOCK_FILE).exists()  # released: the file is gone
    with lock.acquire(tmp_path, "third") as again:
        assert again.previous is None


def test_a_second_run_into_the_same_folder_exits_2_and_the_first_publishes_its_own_outputs(tmp_path, capsys):
    spec_one, spec_two = stand_in_pipeline(tmp_path, "marker-one"), stand_in_pipeline(tmp_path, "marker-two")
    out, hold = tmp_path / "out", tmp_path / "hold"
    first = start(spec_one, out, env={HOLD: str(hold)})
    try:
        _wait_for(hold.with_suffix(".started"), first)
        assert main(args(spec_two, out)) == 2
        printed = capsys.readouterr().out.strip().splitlines()
        assert len(printed) == 1, printed
        assert f"pid {first.pid} on" in printed[0] and "is writing to this output folder" in printed[0]
        assert "pipeline_marker-one.yml" in printed[0]  # the first run's command
        hold.touch()
        assert first.wait(timeout=WAIT) == 0, first.stdout.read()
    finally:
        if first.poll() is None:
            first.kill()
    assert marker_of(out) == "marker-one"


def _hold_and_die(out: str) -> None:
    lock.acquire(Path(out), "python -m helpers.pipeline --killed")
    os.kill(os.getpid(), signal.SIGKILL)


def test_the_lock_of_a_killed_run_is_taken_over_with_a_message(tmp_path, capsys):
    out = tmp_path / "out"
    killed = subprocess.run([sys.executable, "-c", "import sys; from test_lock import _hold_and_die; "
                             f"_hold_and_die({str(out)!r})"], cwd=Path(__file__).parent, timeout=WAIT,
                            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert killed.returncode == -signal.SIGKILL
    assert (out / lock.LOCK_FILE).exists()  # the file is left, but the lock died with its holder
    spec = stand_in_pipeline(tmp_path, "marker-one")
    assert main(args(spec, out)) == 0
    printed = capsys.readouterr().out
    assert "Note: taking over the lock left by a run that was stopped (pid" in printed
    assert "--killed" in printed
    assert not (out / lock.LOCK_FILE).exists()


@pytest.mark.parametrize("extra, code", [(["--only", "no_such_stage"], 2), ([], 0)])
def test_the_lock_is_released_when_the_run_ends(tmp_path, capsys, extra, code):
    out = tmp_path / "out"
    assert main(args(stand_in_pipeline(tmp_path), out, *extra)) == code
    assert not (out / lock.LOCK_FILE).exists()
    lock.acquire(out, "next").release()


def _sleep(started) -> None:
    started.set()
    time.sleep(WAIT)


def test_a_forked_worker_does_not_keep_the_lock(tmp_path):
    """Workers are forked from the runner: were they to keep its lock open, a killed runner's folder would stay
    locked for as long as they live."""
    held = lock.acquire(tmp_path, "runner")
    context = multiprocessing.get_context("fork")
    started = context.Event()
    child = context.Process(target=_sleep, args=(started,), daemon=True)
    child.start()
    try:
        assert started.wait(WAIT)
        os.close(held.fd)  # the runner's copy goes, as when it is killed; the file stays
        lock._HELD.discard(held.fd)
        with lock.acquire(tmp_path, "next") as taken:
            assert taken.previous is not None and taken.previous.command == "runner"
    finally:
        child.kill()
