"""notebooks/explore.ipynb runs top to bottom with its defaults on a small data/processed, with and without itables."""

from __future__ import annotations

import json
from pathlib import Path

import papermill
import pytest

from conftest import ROOT
from explore_fixtures import write_processed

pytestmark = pytest.mark.slow

NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"


def _run(tmp_path: Path, **parameters) -> tuple[str, list[dict]]:
    """Execute the notebook on the fixture output folder; return its prose (HTML, tables left out) and all outputs."""
    out = write_processed(tmp_path / "out")
    executed = tmp_path / "explore.executed.ipynb"
    papermill.execute_notebook(str(NOTEBOOK), str(executed), parameters={"output_dir": str(out), **parameters},
                               cwd=str(NOTEBOOK.parent), kernel_name="python3", progress_bar=False)
    nb = json.loads(executed.read_text(encoding="utf-8"))
    outputs = [o for cell in nb["cells"] if cell["cell_type"] == "code" for o in cell.get("outputs", [])]
    html = ("".join(o.get("data", {}).get("text/html", "")) for o in outputs)
    prose = "\n".join(h for h in html if "<table" not in h and "ITable" not in h)
    return prose, outputs


def _answers_the_questions(prose: str) -> None:
    assert "<strong>2 segments</strong> coded with the theme <em>Prioritering av gemensamma initiativ</em>" in prose
    assert "P01 (Sjömåla kommun, IT-chef), P03 (Sexan IT, chef för IT-organisationen)" in prose
    assert "<blockquote>\n<p>Vi har för många projekt" in prose  # the IT-chef's answer, quoted
    assert "<strong>4 occurrences</strong> of <em>mandat</em>" in prose
    assert "mandatet (1)" in prose and "mandaten (1)" in prose  # found by stem
    assert ("3 respondent segments are coded with the code unclear_mandate; 3 of them also carry another code. "
            "Most often: legacy_systems (1 segment, 33%)") in prose  # the co-occurrence section


def test_explore_notebook_runs_with_offline_interactive_tables(tmp_path):
    prose, outputs = _run(tmp_path)
    assert not [o for o in outputs if o["output_type"] == "error"]
    _answers_the_questions(prose)
    html = "".join("".join(o.get("data", {}).get("text/html", "")) for o in outputs)
    assert "new ITable" in html  # tables drawn by itables ...
    assert "unpkg" not in html  # ... from the bundle embedded in the notebook, not fetched from the internet


def test_explore_notebook_runs_with_plain_tables(tmp_path):
    prose, outputs = _run(tmp_path, interactive=False)
    _answers_the_questions(prose)
    html = "".join("".join(o.get("data", {}).get("text/html", "")) for o in outputs)
    assert "new ITable" not in html and "mandatet" in html  # the KWIC table as a plain DataFrame
    assert "<th>excerpt</th>" in html  # the co-occurring segments, as a plain table
