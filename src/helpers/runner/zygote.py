"""A warm kernel factory: ``python -m helpers.runner.zygote``, one per runner worker.

It imports, once, what the pipeline's notebooks import (pandas, matplotlib, seaborn, the helpers, ipykernel)
and then forks a fresh IPython kernel for each notebook run (:mod:`helpers.runner.kernels`), so that no run pays
for starting Python and importing them again. Each kernel is a new process with a new, empty namespace: it shares
only modules that were imported and never used. The factory itself runs no notebook code, starts no thread and
opens no socket, which is what makes forking it safe.

Protocol, one JSON object a line: the first line on stdin is ``{"preload": [module, ...]}``. Each further line
is ``{"argv": [...], "cwd": ..., "env": {...}, "log": path}`` (the kernel's arguments after ``-m
ipykernel_launcher``); the answer is ``{"pid": n}``. A request that comes while the factory is still importing
is served between two imports; the kernel then imports the rest itself, as a cold one would. The factory ends
when its stdin closes (its worker ended).
"""

from __future__ import annotations

import ast
import importlib
import json
import os
import select
import signal
import sys
import traceback
from pathlib import Path

INLINE = "module://matplotlib_inline.backend_inline"  # what ipykernel sets before any notebook code runs
# What a kernel imports as it starts (measured: 0.45 s of its 0.5 s start-up, most of it the debugger's debugpy).
KERNEL_MODULES = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.debugger",
                  "IPython.core.debugger", "IPython.core.completerlib", "IPython.extensions.storemagic", "sqlite3",
                  "tornado.ioloop", "faulthandler", "psutil")


def notebook_imports(notebooks: list[Path]) -> list[str]:
    """The modules the notebooks' code cells import, in order of first appearance (a cell that is not plain
    Python, such as a magic, is skipped)."""
    names: dict[str, None] = {}
    for notebook in notebooks:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            if cell["cell_type"] != "code":
                continue
            try:
                tree = ast.parse("".join(cell["source"]))
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names.update(dict.fromkeys(a.name for a in node.names))
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    # ``from a import b``: b may be a module of its own (preload() skips it if it is not)
                    names.update(dict.fromkeys([node.module, *(f"{node.module}.{a.name}" for a in node.names)]))
    return list(names)


def preload(modules: list[str]) -> None:
    """Import ``modules``, skipping those that fail: a name that is not a module, or an error the notebook
    will meet, and report, in its own cell."""
    os.environ.setdefault("MPLBACKEND", INLINE)  # before matplotlib is imported, as in a kernel
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 -- the notebook's to report, not the factory's
            pass


def _reap(*_: object) -> None:
    """Collect ended kernels at once, so that none lingers as a zombie (the worker polls their pids)."""
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass


def _become_kernel(request: dict) -> None:
    """In the forked child: the environment, folder, output and arguments a launched kernel would have; run it."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the kernel waits for its own subprocesses
    from . import NOT_IMPORTED

    for name in NOT_IMPORTED:  # the runner's marks, not the notebook's: a cold kernel has none
        if name in sys.modules and sys.modules[name] is None:
            del sys.modules[name]
    os.environ.clear()
    os.environ.update(request["env"], JPY_PARENT_PID=str(os.getppid()))
    os.environ.setdefault("MPLBACKEND", INLINE)
    os.chdir(request["cwd"])
    sys.path[0] = request["cwd"]  # as ``python -m ipykernel_launcher`` started in that folder would have it
    null = os.open(os.devnull, os.O_RDONLY)
    log = os.open(request["log"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    for fd, target in ((0, null), (1, log), (2, log)):
        os.dup2(target, fd)
    from ipykernel.kernelapp import IPKernelApp

    # The kernel ends when the factory does (as a launched kernel ends with its launcher); ipykernel read
    # JPY_PARENT_PID when the factory imported it, so it is told again here.
    argv = [*request["argv"], f"--IPKernelApp.parent_handle={os.getppid()}"]
    sys.argv = ["ipykernel_launcher", *argv]
    IPKernelApp.launch_instance(argv=argv)


class _Commands:
    """The requests on stdin, one JSON object a line; read between imports without waiting for one."""

    def __init__(self) -> None:
        self._buffer = b""

    def next(self, wait: bool) -> dict | None:
        """The next request; None when there is none yet (``wait`` false) or stdin closed."""
        while b"\n" not in self._buffer:
            if not wait and not select.select([0], [], [], 0)[0]:
                return None
            data = os.read(0, 1 << 16)
            if not data:
                return None
            self._buffer += data
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)


def _fork(request: dict) -> None:
    """Fork a kernel for ``request`` and say its pid."""
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            _become_kernel(request)
            status = 0
        except BaseException:  # noqa: BLE001 -- said in the job's log, which os._exit would not let Python do
            traceback.print_exc()
            sys.stderr.flush()
        finally:
            os._exit(status)
    sys.stdout.write(json.dumps({"pid": pid}) + "\n")
    sys.stdout.flush()


def main() -> None:
    """Import the preload, forking a kernel whenever one is asked for (between two imports: the first notebook
    need not wait for what only later ones import), then fork kernels until stdin closes."""
    commands = _Commands()
    first = commands.next(wait=True) or {}
    signal.signal(signal.SIGCHLD, _reap)
    for name in [*KERNEL_MODULES, *first.get("preload", [])]:  # the notebooks' in pipeline order
        while (request := commands.next(wait=False)) is not None:
            _fork(request)
        preload([name])
    while (request := commands.next(wait=True)) is not None:
        _fork(request)


if __name__ == "__main__":
    main()
