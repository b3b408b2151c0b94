"""This process's kernel factory (:mod:`helpers.runner.zygote`): starting it, asking it for kernels.

Only the standard library: each worker imports it as it starts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path


class KernelFactory:
    """A kernel factory: a ``helpers.runner.zygote`` process of ``python`` that has imported ``preload``."""

    def __init__(self, python: str, preload: list[str]) -> None:
        self.python, self.preload = python, preload
        self._process: subprocess.Popen | None = None

    def start(self) -> None:
        """Start the factory importing, without waiting for it."""
        if self._process is None or self._process.poll() is not None:
            # Its own output (import-time warnings, a crash) is kept aside and said if it ends.
            self._errors = tempfile.TemporaryFile()
            self._process = subprocess.Popen([self.python, "-m", "helpers.runner.zygote"], stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE, stderr=self._errors, text=True,
                                             encoding="utf-8", bufsize=1)
            self._process.stdin.write(json.dumps({"preload": self.preload}) + "\n")
            self._process.stdin.flush()

    def _answer(self) -> dict:
        line = self._process.stdout.readline()
        if not line:
            status = self._process.wait()
            self._errors.seek(0)
            said = self._errors.read().decode("utf-8", "replace").strip().splitlines()[-3:]
            raise RuntimeError(f"the kernel factory ({self.python} -m helpers.runner.zygote) ended with exit status "
                               f"{status}: {' / '.join(said) or 'it said nothing'}")
        return json.loads(line)

    def close(self) -> None:
        """End the factory (closing its stdin ends it; kernels it forked run on until they are shut down)."""
        if self._process is not None:
            self._process.stdin.close()
            self._process.wait()

    def fork(self, argv: list[str], cwd: str, env: dict[str, str], log: str) -> int:
        """A new kernel process running ``ipykernel_launcher`` with ``argv``; its pid."""
        self.start()
        self._process.stdin.write(json.dumps({"argv": argv, "cwd": cwd, "env": env, "log": log}) + "\n")
        self._process.stdin.flush()
        return self._answer()["pid"]


_FACTORIES: dict[tuple[str, tuple[str, ...]], KernelFactory] = {}  # this process's, by Python and preload
_NEXT = {"preload": (), "log": os.devnull}  # what the next kernel preloads and where its output goes


def prepare(preload: list[str], log: Path) -> None:
    """The next kernel this process forks comes from a factory that has imported ``preload``, and writes its own
    output to ``log`` (the job's log)."""
    _NEXT.update(preload=tuple(preload), log=str(log))


def warm_up(preload: list[str]) -> None:
    """Start this process's factory for the ``python3`` kernel (this Python) importing ``preload`` now."""
    prepare(preload, Path(os.devnull))
    _factory(sys.executable).start()


def fork(python: str, argv: list[str], cwd: str, env: dict[str, str]) -> int:
    """A new kernel of ``python`` with ``argv`` (after ``-m ipykernel_launcher``) from this process's factory, as
    :func:`prepare` said; its pid."""
    return _factory(python).fork(argv, cwd, env, _NEXT["log"])


def _factory(python: str) -> KernelFactory:
    key = (python, _NEXT["preload"])
    if key not in _FACTORIES:
        for old in _FACTORIES.values():
            old.close()
        _FACTORIES.clear()
        _FACTORIES[key] = KernelFactory(python, list(key[1]))
    return _FACTORIES[key]


def available() -> bool:
    """Whether kernels can be forked here: Linux only (macOS forbids fork after some system libraries load)."""
    return sys.platform == "linux"
