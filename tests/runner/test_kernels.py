"""Warm kernels (helpers.runner.kernels, helpers.runner.zygote): what they preload, and that no notebook run
sees anything of the one before it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import pytest

from helpers.core.records import RUNNER_ENV
from helpers.runner import jobs as rj
from helpers.runner import factory as kernel_factory
from helpers.runner.zygote import notebook_imports

pytestmark = pytest.mark.skipif(not kernel_factory.available(), reason="kernels are forked on Linux only")


def _notebook(path: Path, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell('tag = ""')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, *(nbformat.v4.new_code_cell(c) for c in cells)]
    nbformat.write(nb, path)
    return path


def _job(tmp_path: Path, notebook: Path, preload: tuple[str, ...]) -> rj.Job:
    out = tmp_path / "out"
    return rj.Job(stage=notebook.stem, key=notebook.stem, notebook=notebook, parameters={"tag": notebook.stem},
                  after=(), executed=out / "reports" / "executed" / f"{notebook.stem}.ipynb",
                  audit_html=out / "reports" / "html" / f"{notebook.stem}.html", report_html=None,
                  data_dir=tmp_path, record=notebook.stem, preload=preload)


def _output(executed: Path) -> dict:
    """The JSON the notebook's last cell printed."""
    nb = nbformat.read(executed, as_version=4)
    return json.loads(nb.cells[-1].outputs[0]["text"])


@pytest.fixture
def factories():
    yield
    for made in kernel_factory._FACTORIES.values():
        made.close()
    kernel_factory._FACTORIES.clear()


def test_the_preload_is_what_the_notebooks_import(tmp_path):
    first = _notebook(tmp_path / "a.ipynb", "import json\nfrom os import path\nimport xml.dom as dom",
                      "%matplotlib inline\nimport never_seen")  # a magic: not Python, skipped
    second = _notebook(tmp_path / "b.ipynb", "from . import local\nfrom collections import abc, OrderedDict",
                       "def f():\n    import csv")
    assert notebook_imports([first, second]) == ["json", "os", "os.path", "xml.dom", "collections",
                                                 "collections.abc", "collections.OrderedDict", "csv"]


def test_no_state_leaks_from_one_notebook_run_to_the_next(tmp_path, factories):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    spoil = _notebook(notebooks / "spoil.ipynb",
                      "import json, os, sys\nimport matplotlib\n"
                      "LEAKED = 1\njson.leaked = True\nos.environ['LEAKED'] = '1'\nos.chdir('/')\n"
                      "matplotlib.rcParams['font.size'] = 3.0\nsys.path.append('/leaked')",
                      "print(json.dumps({'pid': os.getpid(), 'parent': os.getppid()}))")
    check = _notebook(notebooks / "check.ipynb",
                      "import json, os, sys\nimport matplotlib\n"
                      "print(json.dumps({'pid': os.getpid(), 'parent': os.getppid(), "
                      "'names': sorted(n for n in globals() if n.isupper()), "
                      "'json_leaked': hasattr(json, 'leaked'), 'env': os.environ.get('LEAKED'), "
                      "'cwd': os.getcwd(), 'font_size': matplotlib.rcParams['font.size'], "
                      "'path': '/leaked' in sys.path, 'count': get_ipython().execution_count, "
                      f"'runner': os.environ.get({RUNNER_ENV!r}), "
                      "'marks': [n for n, m in sys.modules.items() if m is None]}))")
    preload = tuple(notebook_imports([spoil, check]))
    assert "matplotlib" in preload
    runs = [_job(tmp_path, spoil, preload), _job(tmp_path, check, preload)]
    for job in runs:
        rj.execute(job)
    first, after = (_output(job.executed) for job in runs)
    cold_job = _job(tmp_path, check, ())
    rj.execute(cold_job)
    cold = _output(cold_job.executed)

    # both were forked from this process's factory (a cold kernel's parent is this process)
    assert after["pid"] != first["pid"] and after["parent"] == first["parent"] != os.getpid() == cold["parent"]
    assert after["names"] == [] and not after["json_leaked"] and after["env"] is None and not after["path"]
    assert after["cwd"] == str(notebooks)  # the notebook's folder, as papermill's cwd says
    assert after["runner"] == "1"  # the kernel has the job's environment, not the factory's
    same = ("names", "json_leaked", "env", "cwd", "font_size", "path", "count", "runner", "marks")
    assert {k: after[k] for k in same} == {k: cold[k] for k in same}  # a new shell, as a cold kernel is


def test_a_failing_cell_in_a_warm_kernel_is_reported_as_before(tmp_path, factories):
    broken = _notebook(tmp_path / "broken.ipynb", "x = 1", "raise ValueError('no such theme: T9')")
    job = _job(tmp_path, broken, ("json",))
    with pytest.raises(rj.JobFailure) as caught:
        rj.execute(job)
    assert (caught.value.ename, caught.value.evalue) == ("ValueError", "no such theme: T9")
    assert job.executed.exists()  # papermill writes the failed notebook, for the audit trail


def test_a_notebook_without_a_preload_runs_in_a_cold_kernel(tmp_path, factories):
    cold = _notebook(tmp_path / "cold.ipynb", "import os, sys, json\n"
                     "print(json.dumps({'pid': os.getpid(), 'parent': os.getppid()}))")
    job = _job(tmp_path, cold, ())
    rj.execute(job)
    assert _output(job.executed)["parent"] == os.getpid() and not kernel_factory._FACTORIES


def test_a_warm_kernel_that_dies_as_it_starts_is_said_and_the_notebook_runs_cold(tmp_path, factories, monkeypatch):
    import subprocess

    gone = subprocess.Popen(["true"])
    gone.wait()  # a pid whose process has ended: what the worker sees when a forked kernel dies at once
    monkeypatch.setattr(kernel_factory, "fork", lambda *args: gone.pid)
    notebook = _notebook(tmp_path / "n.ipynb", "import os, json\nprint(json.dumps({'parent': os.getppid()}))")
    job = _job(tmp_path, notebook, ("json",))
    rj.execute(job)
    assert _output(job.executed)["parent"] == os.getpid()  # a cold kernel, started by this process
    said = job.executed.with_suffix(".log").read_text(encoding="utf-8")
    assert "the warm kernel died as it started" in said and "in a cold kernel" in said
