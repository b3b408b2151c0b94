"""Publishing a run: the staged outputs replace the published ones in a journaled swap that survives a kill.

The published set is a fixed list of folders and files under the output folder (``data/processed``,
``figures``, ``reports``, ``keys`` and the runner's state file). They cannot all be replaced in one rename,
so :func:`publish`

1. writes the journal ``.pipeline-swap.json`` (atomically: a temporary file, then a rename): the staging
   folder, the items, and which of them exist now;
2. moves each item in turn: the published one into ``.pipeline-trash``, the staged one in its place;
3. removes the journal (the commit point), then the trash and the staging folder.

Between any two steps the output folder, the staging folder and the trash together hold the complete old
and the complete new set, and where an item is tells whether it has moved. A run killed in the middle
leaves the journal, and until the next start the published set may be part old, part new, or miss the item
being moved; :func:`recover`, at the next start (under the output folder's lock, before anything reads the
outputs), completes the swap when every new item is still there and otherwise puts the old ones back. So
every run starts from, and leaves, either the complete old or the complete new set.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from .faults import checkpoint

JOURNAL = ".pipeline-swap.json"
TRASH = ".pipeline-trash"


def publish(out_root: Path, staging: Path, items: tuple[str, ...]) -> None:
    """Replace each of ``items`` under ``out_root`` by its version under ``staging``; see the module docstring."""
    shutil.rmtree(out_root / TRASH, ignore_errors=True)  # no journal is left (recover ran), so it holds nothing
    _write_journal(out_root, {"staging": staging.name, "items": list(items),
                              "existed": [i for i in items if os.path.lexists(out_root / i)]})
    _forward(out_root, staging, items)
    _finish(out_root, staging, items)


def recover(out_root: Path, staging: Path) -> str | None:
    """Finish what a killed run left: complete or undo its swap; remove its staging folder and trash.

    Returns a sentence for the user when a swap was interrupted, else None.
    """
    journal = _read_journal(out_root)
    if journal is None:
        shutil.rmtree(out_root / TRASH, ignore_errors=True)
        shutil.rmtree(staging, ignore_errors=True)
        return None
    staging = out_root / journal["staging"]
    items, existed = tuple(journal["items"]), set(journal["existed"])
    if all(_new_is_kept(out_root, staging, item, existed) for item in items):
        _forward(out_root, staging, items)
        done = "completed: the outputs are those of the interrupted run"
    else:
        _back(out_root, staging, items, existed)
        done = "undone (its staged outputs were gone): the outputs are those from before it"
    _finish(out_root, staging, items)
    return f"An earlier run was stopped while publishing its outputs; its publication was {done}."


def _move(src: Path, dst: Path) -> None:
    """One rename: the only step of the swap that changes what is published (a test fault point)."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    os.rename(src, dst)


def _forward(out_root: Path, staging: Path, items: tuple[str, ...]) -> None:
    """Move in every staged item not yet moved; the published one goes to the trash first."""
    for item in items:
        new, target, old = staging / item, out_root / item, out_root / TRASH / item
        if not os.path.lexists(new):
            continue  # moved in before the kill
        if os.path.lexists(target):
            _move(target, old)
            checkpoint(f"swap:{item}")
        _move(new, target)


def _back(out_root: Path, staging: Path, items: tuple[str, ...], existed: set[str]) -> None:
    """Put every old item back (a moved-in new one returns to the staging folder, to be removed)."""
    for item in items:
        new, target, old = staging / item, out_root / item, out_root / TRASH / item
        target_is_new = os.path.lexists(target) and not os.path.lexists(new) and (
            item not in existed or os.path.lexists(old))
        if target_is_new:
            _move(target, new)
        if os.path.lexists(old):
            _move(old, target)


def _new_is_kept(out_root: Path, staging: Path, item: str, existed: set[str]) -> bool:
    """Whether the new version of ``item`` is still on disk: staged, or already moved in."""
    if os.path.lexists(staging / item):
        return True
    moved_in = item not in existed or os.path.lexists(out_root / TRASH / item)
    return moved_in and os.path.lexists(out_root / item)


def _finish(out_root: Path, staging: Path, items: tuple[str, ...]) -> None:
    """Commit: the journal goes, then the trash and the staging folder."""
    for folder in sorted({(out_root / item).parent for item in items}):
        _sync(folder)  # the renames reach the disk before the journal that would redo them is gone
    (out_root / JOURNAL).unlink()
    shutil.rmtree(out_root / TRASH, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)


def _write_journal(out_root: Path, journal: dict) -> None:
    tmp = out_root / f"{JOURNAL}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(journal, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, out_root / JOURNAL)
    _sync(out_root)


def _read_journal(out_root: Path) -> dict | None:
    try:
        return json.loads((out_root / JOURNAL).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def _sync(folder: Path) -> None:
    """Flush a folder's entries (its renames) to disk; POSIX only (Windows cannot open a folder)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
