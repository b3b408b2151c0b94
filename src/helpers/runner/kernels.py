"""Warm kernels for the runner's notebook runs, and papermill without its progress saves.

Each worker keeps one kernel factory (:mod:`helpers.runner.zygote`) that has imported what the notebooks
import; papermill's kernel for a job is forked from it (:class:`WarmKernelManager` with a
:class:`ForkedProvisioner`) instead of being started as a new Python that imports everything again. A kernel
serves one notebook run and is then ended, so every run starts with a fresh namespace, as papermill's own do.

:class:`FinalSaveEngine` is papermill's nbclient engine without the save at every cell's start and end (the
executed notebook is written once, when the run ends or fails, by papermill itself).
"""

from __future__ import annotations

import os
import signal
import uuid
from typing import Any

import psutil
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from papermill.engines import NBClientEngine, papermill_engines

from . import factory

ENGINE = "helpers-final-save"


class ForkedKernel:
    """A forked kernel, as far as :class:`LocalProvisioner` uses a ``Popen``: poll, wait, signals, pid.

    The kernel is the factory's child, not this process's, so it is watched by pid; the factory reaps it.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        try:
            self._process: psutil.Process | None = psutil.Process(pid)
        except psutil.NoSuchProcess:  # it died at once (its traceback is in the job's log)
            self._process = None
        self.cpu_seconds = 0.0  # its CPU time, last read while it ran

    def poll(self) -> int | None:
        try:
            if self._process is not None and self._process.status() != psutil.STATUS_ZOMBIE:
                times = self._process.cpu_times()
                self.cpu_seconds = times.user + times.system
                return None
        except psutil.NoSuchProcess:
            pass
        return 0

    def wait(self, timeout: float | None = None) -> int:
        try:
            if self._process is not None:
                self._process.wait(timeout)
        except psutil.NoSuchProcess:
            pass
        return 0

    def send_signal(self, signum: int) -> None:
        try:
            if self._process is not None:
                self._process.send_signal(signum)
        except psutil.NoSuchProcess:
            pass

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class ForkedProvisioner(LocalProvisioner):
    """The local provisioner, launching by forking the factory instead of starting a new Python."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        if cmd[1:3] != ["-m", "ipykernel_launcher"]:  # another kernel command (a kernel spec of one's own)
            return await super().launch_kernel(cmd, **kwargs)
        argv = cmd[3:]
        env = {str(k): str(v) for k, v in (kwargs.get("env") or os.environ).items()}
        cwd = str(kwargs.get("cwd") or os.getcwd())
        # cmd[0] is the kernel's Python as jupyter_client resolved it (this process's, for the python3 kernel)
        self.process = ForkedKernel(factory.fork(cmd[0], argv, cwd, env))
        self.pid, self.pgid, self.cwd = self.process.pid, None, cwd
        KERNELS.append(self.process)
        return self.connection_info

    async def shutdown_requested(self, restart: bool = False) -> None:
        if isinstance(self.process, ForkedKernel):
            self.process.poll()  # its CPU time, while it can still be read
        await super().shutdown_requested(restart)


KERNELS: list[ForkedKernel] = []  # the kernels this process forked (their CPU time, for the job's timings)


class WarmKernelManager(AsyncKernelManager):
    """A kernel manager whose kernels are forked from the factory (:class:`ForkedProvisioner`)."""

    async def _async_pre_start_kernel(self, **kw: Any):
        if self.provisioner is None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
            self.provisioner = ForkedProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
        return await super()._async_pre_start_kernel(**kw)


class FinalSaveEngine(NBClientEngine):
    """papermill's nbclient engine, writing the executed notebook only once, when the run ends.

    papermill's own engine saves the whole notebook, embedded figures and all, at every cell's start and end;
    :func:`papermill.execute_notebook` writes it at the end (and on failure) in any case.
    """

    @classmethod
    def execute_notebook(cls, nb, kernel_name, output_path=None, **kwargs):
        return super().execute_notebook(nb, kernel_name, output_path=None, **kwargs)


papermill_engines.register(ENGINE, FinalSaveEngine)
