"""Notebook hygiene: one parameters cell of plain literals, data_dir/output_dir, no committed outputs."""

import ast
import json

import papermill
import pytest

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_the_pipeline_notebooks_exist():
    names = {p.stem for p in NOTEBOOKS}
    for stem in ("01_clean_interviews", "02_code_segments", "03_thematic_analysis", "04_workshop_outcomes",
                 "05_findings_report", "06_member_brief"):
        assert stem in names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_outputs_committed(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert not cell.get("outputs"), f"{path.name} has outputs"
            assert cell.get("execution_count") is None, f"{path.name} has execution counts"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_one_parameters_cell_of_plain_literals(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"{path.name} needs exactly one cell tagged 'parameters'"
    source = "".join(tagged[0]["source"])
    for node in ast.parse(source).body:
        assert isinstance(node, ast.AnnAssign), f"{path.name}: parameters must be `name: type = value`"
        ast.literal_eval(node.value)  # plain literal values only
    params = papermill.inspect_notebook(str(path))
    assert {"data_dir", "output_dir"} <= set(params)
    assert all(p["help"] for p in params.values()), f"{path.name}: every parameter needs a # help comment"
