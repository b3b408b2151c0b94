"""What can stop a run besides a notebook: a failed write, Ctrl-C or SIGTERM, and the test hook that kills it.

- :class:`WriteFailed` (from :func:`writing`): an OS error while writing, with the file it was writing, so the
  runner can say "disk full" or "read-only" in one line naming the file (Python's own error often names none).
- :func:`stop_on_signals`: SIGTERM raises :class:`Stopped` (as Ctrl-C raises KeyboardInterrupt), so a stopped
  run cleans up and releases its lock; :func:`deferred` holds both back while the outputs are being swapped.
- :func:`checkpoint`: a **test hook**. With ``HELPERS_PIPELINE_KILL_AT=<phase>`` in the environment the runner
  kills itself (SIGKILL) on reaching that phase: ``gate`` (the privacy gate starts) or ``swap:<item>`` (the
  published ``<item>`` has just been moved aside during the swap). tests/runner/test_faults.py uses it.
"""

from __future__ import annotations

import errno
import os
import signal
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

KILL_AT = "HELPERS_PIPELINE_KILL_AT"
_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_READ_ONLY = {errno.EACCES, errno.EPERM, errno.EROFS}


def checkpoint(phase: str) -> None:
    """The test hook: SIGKILL this process when ``HELPERS_PIPELINE_KILL_AT`` names ``phase``."""
    if os.environ.get(KILL_AT) == phase:
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))


class WriteFailed(Exception):
    """Writing ``path`` failed with OS error ``code`` (errno)."""

    def __init__(self, path: str, code: int | None, reason: str) -> None:
        super().__init__(path, code, reason)
        self.path, self.code, self.reason = path, code, reason

    @classmethod
    def of(cls, exc: OSError, path: Path) -> "WriteFailed":
        """``exc`` with the file it names, or else ``path`` (what the caller was writing)."""
        return cls(str(exc.filename or path), exc.errno, exc.strerror or str(exc))

    @property
    def disk_full(self) -> bool:
        return self.code in _DISK_FULL

    @property
    def read_only(self) -> bool:
        return self.code in _READ_ONLY

    def describe(self, out_root: Path) -> str:
        """The problem and what to do, in one sentence."""
        if self.disk_full:
            return (f"disk full while writing {self.path}: free some space on that disk (or use another "
                    "--output-dir) and run again")
        if self.read_only:
            return (f"cannot write {self.path} ({self.reason}): the output folder {out_root} is read-only or "
                    "not yours; fix its permissions or use another --output-dir")
        return f"cannot write {self.path}: {self.reason}"


@contextmanager
def writing(path: Path) -> Iterator[None]:
    """Turn an OSError raised inside the block into :class:`WriteFailed` naming the file (or ``path``)."""
    try:
        yield
    except OSError as exc:
        raise WriteFailed.of(exc, path) from exc


class Stopped(BaseException):
    """The run was stopped by SIGTERM (a BaseException, like KeyboardInterrupt: no ``except Exception`` eats it)."""


_deferred = {"depth": 0, "pending": None}


def _handler(signum: int, frame: object) -> None:
    if _deferred["depth"]:
        _deferred["pending"] = signum
        return
    raise KeyboardInterrupt if signum == signal.SIGINT else Stopped


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """While the block runs, SIGINT raises KeyboardInterrupt and SIGTERM :class:`Stopped` (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = {sig: signal.signal(sig, _handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)


@contextmanager
def deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back until the block ends (a swap is never stopped half-way by them)."""
    _deferred["depth"] += 1
    pending = None
    try:
        yield
    finally:
        _deferred["depth"] -= 1
        if not _deferred["depth"]:
            pending, _deferred["pending"] = _deferred["pending"], None
    if pending is not None:
        _handler(pending, None)
