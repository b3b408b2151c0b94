"""One run per output folder: ``<out>/.pipeline-lock``, a lock that says who holds it.

Two runs into one output folder would share its staging folder and publish each other's half-built outputs.
The lock is the operating system's (``flock`` on POSIX, ``msvcrt.locking`` on Windows) on the lock file, so
it is released when its holder ends, however it ends: a ``kill -9`` never leaves a folder locked. The file
holds the holder's pid, host, start time and command (JSON), for the message a second run prints. A file
that still names a holder while the lock is free was left by a run that was killed: it is taken over, and
:attr:`Lock.previous` says whose it was.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

LOCK_FILE = ".pipeline-lock"
_WINDOWS_BYTE = 1 << 30  # Windows locks are mandatory: lock a byte past the holder's details, so they stay readable
_HELD: set[int] = set()  # descriptors of the locks this process holds


@dataclass(frozen=True)
class Holder:
    """Who holds (or held) a lock."""

    pid: int
    host: str
    started: str
    command: str

    def __str__(self) -> str:
        return f"pid {self.pid} on {self.host}, started {self.started}: {self.command}"


class LockHeld(Exception):
    """Another run holds the output folder's lock."""

    def __init__(self, path: Path, holder: Holder | None) -> None:
        who = f"another run ({holder})" if holder else "another run (just starting)"
        super().__init__(f"{path.parent}: {who} is writing to this output folder (lock {path}); wait for it "
                         "to finish, or use another --output-dir")


@dataclass
class Lock:
    """A held lock; :meth:`release` (or leaving the ``with`` block) frees it and removes the file."""

    path: Path
    fd: int
    previous: Holder | None  # the killed run whose leftover lock file was taken over, if any

    def release(self) -> None:
        if self.fd not in _HELD:
            return
        os.ftruncate(self.fd, 0)  # where the file cannot be removed while open (Windows), it is left empty
        try:
            os.unlink(self.path)
        except OSError:
            pass
        _HELD.discard(self.fd)
        os.close(self.fd)

    def __enter__(self) -> "Lock":
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def acquire(out_root: Path, command: str) -> Lock:
    """Take the lock of ``out_root`` (created if missing) or raise :class:`LockHeld` naming its holder.

    OSError (a read-only folder, a full disk) propagates, for the caller to report.
    """
    out_root.mkdir(parents=True, exist_ok=True)
    path = out_root / LOCK_FILE
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        if not _try_lock(fd):
            holder = _read(fd)
            os.close(fd)
            raise LockHeld(path, holder)
        if _same_file(fd, path):
            break
        os.close(fd)  # its holder removed the file between our open and our lock: lock the new one
    _HELD.add(fd)
    previous = _read(fd)
    me = Holder(os.getpid(), socket.gethostname(), datetime.now().astimezone().isoformat(timespec="seconds"),
                command)
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, json.dumps(asdict(me)).encode("utf-8"))
    return Lock(path, fd, previous)


def _try_lock(fd: int) -> bool:
    """Lock ``fd`` without waiting; False when another process holds it."""
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, _WINDOWS_BYTE, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except FileNotFoundError:
        return False


def _read(fd: int) -> Holder | None:
    """The holder named in the lock file, or None when it is empty or unreadable."""
    os.lseek(fd, 0, os.SEEK_SET)
    try:
        return Holder(**json.loads(os.read(fd, 1 << 16).decode("utf-8")))
    except (ValueError, TypeError):
        return None


def _close_in_child() -> None:
    """A forked worker must not keep the lock alive after the runner ends: it closes its copies."""
    for fd in _HELD:
        os.close(fd)
    _HELD.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_in_child)
