"""A stand-in pipeline for the runner's fault tests: one small notebook that a test can hold and kill.

Its one stage renders ``reports/findings.html`` and writes ``keys/`` like stage 01, in a few seconds, with
a real kernel in a real worker, so locks, swaps, signals and dying workers are tested without the ~40 s of
the whole pipeline. With ``STAND_IN_HOLD=<path>`` in the environment the notebook writes its kernel's pid to
``<path>.started`` and waits until ``<path>`` exists; with ``STAND_IN_FAIL=1`` it fails (after writing
``keys/``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, SAMPLE

HOLD = "STAND_IN_HOLD"
_CODE = """\
import os, time
from pathlib import Path
out = Path(output_dir)
(out / "keys").mkdir(exist_ok=True)
(out / "keys" / "pseudonymisation_key.csv").write_text("original,replacement,kind,source\\n", encoding="utf-8")
(out / "figures" / "stand_in.txt").write_text(marker, encoding="utf-8")
if os.environ.get("STAND_IN_FAIL"):
    raise RuntimeError("planted failure")
hold = os.environ.get("STAND_IN_HOLD")
if hold:
    Path(hold + ".started").write_text(str(os.getpid()), encoding="utf-8")
    while not Path(hold).exists():
        time.sleep(0.1)
print(marker)
"""


def stand_in_pipeline(folder: Path, marker: str = "first") -> Path:
    """Write the stand-in notebook and its pipeline.yml into ``folder``; return the pipeline.yml.

    ``marker`` is printed into the report and written to ``figures/stand_in.txt``: it tells runs apart.
    """
    folder.mkdir(parents=True, exist_ok=True)
    cell = {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": []}
    nb = {"cells": [dict(cell, id="params", metadata={"tags": ["parameters"]},
                         source=f'data_dir: str = "."\noutput_dir: str = "."\nmarker: str = {marker!r}'),
                    dict(cell, id="work", source=_CODE)],
          "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
          "nbformat": 4, "nbformat_minor": 5}
    notebook = folder / f"stand_in_{marker}.ipynb"
    notebook.write_text(json.dumps(nb), encoding="utf-8")
    spec = folder / f"pipeline_{marker}.yml"
    spec.write_text(f"stages:\n  - name: findings_report\n    notebook: {notebook}\n    html: findings.html\n",
                    encoding="utf-8")
    return spec


def args(spec: Path, out: Path, *more: str) -> list[str]:
    """The runner's arguments for a stand-in run into ``out`` (two workers, so jobs run in a worker process)."""
    return ["--data-dir", str(SAMPLE), "--output-dir", str(out), "--pipeline", str(spec), "--jobs", "2", *more]


def start(spec: Path, out: Path, *more: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    """The runner as a separate process (``python -m helpers.pipeline``), its output captured."""
    return subprocess.Popen([sys.executable, "-m", "helpers.pipeline", *args(spec, out, *more)], cwd=ROOT,
                            env={**os.environ, **(env or {})}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)


def marker_of(out: Path) -> str:
    """Which run's outputs are published (the stand-in's marker), checking that its report is complete."""
    report = (out / "reports" / "findings.html").read_text(encoding="utf-8")
    assert report.rstrip().endswith("</html>")
    marker = (out / "figures" / "stand_in.txt").read_text(encoding="utf-8")
    assert marker in report
    return marker
