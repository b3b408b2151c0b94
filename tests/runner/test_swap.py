"""The journaled swap (helpers.runner.swap) on small fake output folders: a kill at every step of it.

The old ``_swap_in`` renamed the folders one by one with no journal: killed after moving ``reports/`` aside, it
left no ``reports/`` at all (the old report only in ``.pipeline-trash/``) and no run ever put it back.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from helpers.runner import faults, swap
from helpers.runner.cli import PUBLISHED, STAGING


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, no cleanup."""


def _write_set(root: Path, version: str) -> None:
    for item in PUBLISHED:
        path = root / item if item.endswith(".json") else root / item / "content.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(version, encoding="utf-8")


def _version(root: Path, item: str) -> str | None:
    path = root / item if item.endswith(".json") else root / item / "content.txt"
    return path.read_text(encoding="utf-8") if path.exists() else None


def _published(out: Path) -> list[str | None]:
    return [_version(out, item) for item in PUBLISHED]


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    """An output folder with the old set published and the new set staged."""
    out = tmp_path / "out"
    _write_set(out, "old")
    _write_set(out / STAGING, "new")
    return out, out / STAGING


def _moves() -> int:
    """How many renames one publication makes (a published item: two; here every item is published)."""
    return 2 * len(PUBLISHED)


def _kill_at(monkeypatch, k: int, check=None) -> None:
    """Make the k-th rename of the swap (from 0) a kill; ``check`` runs before every rename."""
    real, calls = swap._move, []

    def move(src: Path, dst: Path) -> None:
        if check:
            check()
        if len(calls) == k:
            raise Killed
        calls.append((src, dst))
        real(src, dst)

    monkeypatch.setattr(swap, "_move", move)


def _both_sets_on_disk(out: Path, staging: Path) -> None:
    """Between two renames, every old item is published or in the trash, every new one published or staged."""
    for item in PUBLISHED:
        assert "old" in (_version(out, item), _version(out / swap.TRASH, item)), item
        assert "new" in (_version(out, item), _version(staging, item)), item


def test_publish_replaces_every_item_and_leaves_nothing_behind(folders):
    out, staging = folders
    swap.publish(out, staging, PUBLISHED)
    assert _published(out) == ["new"] * len(PUBLISHED)
    assert not any((out / name).exists() for name in (swap.JOURNAL, swap.TRASH, STAGING))
    assert swap.recover(out, staging) is None


@pytest.mark.parametrize("k", range(_moves()))
def test_a_kill_at_any_rename_is_completed_at_the_next_start(folders, monkeypatch, k):
    out, staging = folders
    _kill_at(monkeypatch, k, check=lambda: _both_sets_on_disk(out, staging))
    with pytest.raises(Killed):
        swap.publish(out, staging, PUBLISHED)
    assert (out / swap.JOURNAL).exists()
    monkeypatch.undo()
    note = swap.recover(out, staging)
    assert "completed" in note
    assert _published(out) == ["new"] * len(PUBLISHED)
    assert not any((out / name).exists() for name in (swap.JOURNAL, swap.TRASH, STAGING))


@pytest.mark.parametrize("k", range(_moves()))
def test_a_kill_during_the_recovery_is_recovered_from_too(folders, monkeypatch, k):
    out, staging = folders
    _kill_at(monkeypatch, k)
    with pytest.raises(Killed):
        swap.publish(out, staging, PUBLISHED)
    monkeypatch.undo()
    _kill_at(monkeypatch, 0)
    with pytest.raises(Killed):
        swap.recover(out, staging)
    monkeypatch.undo()
    swap.recover(out, staging)
    assert _published(out) == ["new"] * len(PUBLISHED)


@pytest.mark.parametrize("k", range(_moves()))
def test_a_kill_with_the_staged_outputs_lost_puts_the_old_set_back(folders, monkeypatch, k):
    out, staging = folders
    _kill_at(monkeypatch, k)
    with pytest.raises(Killed):
        swap.publish(out, staging, PUBLISHED)
    monkeypatch.undo()
    last = PUBLISHED[-1]
    (staging / last).unlink()  # what was still staged of the last item is gone (removed by hand)
    note = swap.recover(out, staging)
    assert "undone" in note
    assert _published(out) == ["old"] * len(PUBLISHED)
    assert not any((out / name).exists() for name in (swap.JOURNAL, swap.TRASH, STAGING))


def test_a_kill_before_the_journal_keeps_the_old_set_and_drops_the_staged_one(folders, monkeypatch):
    out, staging = folders

    def killed(*_: object) -> None:
        raise Killed

    monkeypatch.setattr(swap, "_write_journal", killed)
    with pytest.raises(Killed):
        swap.publish(out, staging, PUBLISHED)
    monkeypatch.undo()
    assert swap.recover(out, staging) is None
    assert _published(out) == ["old"] * len(PUBLISHED)
    assert not staging.exists()


def test_a_first_publication_moves_in_items_that_did_not_exist(tmp_path, monkeypatch):
    out = tmp_path / "out"
    _write_set(out / STAGING, "new")
    _kill_at(monkeypatch, 2)
    with pytest.raises(Killed):
        swap.publish(out, out / STAGING, PUBLISHED)
    monkeypatch.undo()
    swap.recover(out, out / STAGING)
    assert _published(out) == ["new"] * len(PUBLISHED)


def test_leftovers_of_a_finished_or_unstarted_swap_are_removed(folders):
    out, staging = folders
    (out / swap.TRASH / "reports").mkdir(parents=True)
    assert swap.recover(out, staging) is None
    assert not (out / swap.TRASH).exists() and not staging.exists()
    assert _published(out) == ["old"] * len(PUBLISHED)


def test_sigterm_during_the_swap_waits_for_it_to_finish(folders, monkeypatch):
    out, staging = folders
    real = swap._move

    def move(src: Path, dst: Path) -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        real(src, dst)

    monkeypatch.setattr(swap, "_move", move)
    with faults.stop_on_signals(), pytest.raises(faults.Stopped):
        with faults.deferred():
            swap.publish(out, staging, PUBLISHED)
    assert _published(out) == ["new"] * len(PUBLISHED)
    assert not (out / swap.JOURNAL).exists()
