"""The Jupyter kernel belongs to the checkout: installed into .venv by `make setup`, never user-wide by default.

The Makefile's recipes are read with `make -n -B` (print every command, run none), so these tests need no network
and start no Jupyter server.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

KERNEL = "sexan-findings"
needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def dry_run(target: str, cwd: Path = ROOT) -> list[str]:
    """The commands `make TARGET` would run from scratch, without running them."""
    # An outer `make test` passes its flags and variables down through the environment; the Makefile's own
    # variables must not come from the caller's shell either.
    env = {k: v for k, v in os.environ.items()
           if k not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "VENV", "PYTHON", "ARGS", "KERNEL"}}
    proc = subprocess.run(["make", "--no-print-directory", "-n", "-B", target], cwd=cwd, env=env,
                          capture_output=True, text=True, check=True)
    return proc.stdout.splitlines()


def kernel_installs(lines: list[str]) -> list[str]:
    return [line for line in lines if "ipykernel install" in line]


@needs_make
def test_setup_installs_the_kernel_into_the_venv_only():
    [install] = kernel_installs(dry_run("setup"))
    assert "--sys-prefix" in install
    assert "--user" not in install and "--prefix " not in install
    assert f"--name {KERNEL} " in install
    assert install.startswith(".venv/bin/python ")


@pytest.mark.parametrize("target", ["report", "test", "lab", "bench"])
@needs_make
def test_no_other_command_installs_a_user_wide_kernel(target):
    assert all("--user" not in line for line in kernel_installs(dry_run(target)))


@needs_make
def test_lab_prefers_the_venv_kernels_and_allows_root_only_as_root():
    [lab] = [line for line in dry_run("lab") if "jupyter lab" in line]
    assert lab.startswith("JUPYTER_PREFER_ENV_PATH=1 ")
    assert ("--allow-root" in lab) == (os.geteuid() == 0)


@needs_make
def test_make_kernel_names_the_user_kernel_after_this_checkout():
    in_venv, install = kernel_installs(dry_run("kernel"))  # the checkout's own first, as for `make setup`
    assert "--sys-prefix" in in_venv
    checkout = os.path.realpath(ROOT)
    folder = re.sub(r"[^a-z0-9._-]+", "-", Path(checkout).name.lower()).strip("-")
    name = f"{KERNEL}-{folder}-{hashlib.sha256(checkout.encode()).hexdigest()[:8]}"
    assert "--user" in install
    assert f"--name {name} " in install
    assert f'--display-name "Python ({KERNEL}: {Path(checkout).name})"' in install


@needs_make
def test_two_checkouts_with_the_same_folder_name_get_different_user_kernels(tmp_path):
    names = []
    for parent in ("one", "two"):
        checkout = tmp_path / parent / "My Study"
        checkout.mkdir(parents=True)
        shutil.copy(ROOT / "Makefile", checkout / "Makefile")
        (checkout / "pyproject.toml").touch()
        install = kernel_installs(dry_run("kernel", cwd=checkout))[-1]
        names.append(re.search(r"--name (\S+)", install).group(1))
    assert names[0] != names[1]
    assert all(re.fullmatch(rf"{KERNEL}-my-study-[0-9a-f]{{8}}", n) for n in names), names


in_checkout_venv = (ROOT / ".venv").is_dir() and os.path.samefile(sys.prefix, ROOT / ".venv")


@pytest.mark.skipif(not in_checkout_venv, reason="runs only in this checkout's .venv (made by `make setup`)")
def test_the_installed_kernel_runs_this_checkouts_python():
    spec = ROOT / ".venv" / "share" / "jupyter" / "kernels" / KERNEL / "kernel.json"
    assert spec.is_file(), "run `make setup`"
    argv = json.loads(spec.read_text(encoding="utf-8"))["argv"]
    assert os.path.samefile(Path(argv[0]).parent, ROOT / ".venv" / "bin")


@pytest.mark.skipif(not in_checkout_venv, reason="runs only in this checkout's .venv (made by `make setup`)")
def test_the_venv_kernel_wins_over_a_stale_user_wide_one(tmp_path, monkeypatch):
    from jupyter_client.kernelspec import KernelSpecManager

    stale = tmp_path / "user-data" / "kernels" / KERNEL
    stale.mkdir(parents=True)
    argv = ["/elsewhere/python", "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (stale / "kernel.json").write_text(json.dumps({"argv": argv, "display_name": "old", "language": "python"}),
                                       encoding="utf-8")
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "user-data"))
    monkeypatch.delenv("JUPYTER_PATH", raising=False)
    monkeypatch.setenv("JUPYTER_PREFER_ENV_PATH", "1")  # what `make lab` sets
    own = ROOT / ".venv" / "share" / "jupyter" / "kernels" / KERNEL
    assert Path(KernelSpecManager().find_kernel_specs()[KERNEL]).samefile(own)
    monkeypatch.setenv("JUPYTER_PREFER_ENV_PATH", "0")  # the user's folder first: the stale kernel would be used
    assert Path(KernelSpecManager().find_kernel_specs()[KERNEL]).samefile(stale)
