"""Memory of a process tree: the runner's per-job peak and the benchmark's peak of a whole run.

Forked kernels share most of their pages with their factory (:mod:`helpers.runner.kernels`), so resident sizes
added up would count those pages once per process. Where the system says (Linux), each process counts its
proportional set size instead: a page shared by n processes counts 1/n in each, so the sum is what the tree
really holds. Elsewhere it is the resident size, an upper bound.
"""

from __future__ import annotations

import threading

import psutil


def _size(process: psutil.Process) -> int:
    try:
        return process.memory_full_info().pss
    except (AttributeError, psutil.AccessDenied):  # no PSS on this system
        return process.memory_info().rss


def tree_memory(process: psutil.Process) -> int:
    """Memory of ``process`` and all its descendants, in bytes (0 once it has exited)."""
    try:
        family = [process, *process.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for member in family:
        try:
            total += _size(member)
        except psutil.Error:
            pass  # it ended between listing and measuring
    return total


class PeakMemory:
    """Samples the memory of this process and its descendants (the kernel) in a background thread."""

    def __init__(self, every: float = 0.2) -> None:
        self._process, self._every, self.peak = psutil.Process(), every, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_memory(self._process))
            self._stop.wait(self._every)

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
