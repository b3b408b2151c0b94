"""Notebooks run by hand, as a researcher does in JupyterLab: out of order they stop at their first cell with
one line; a stage re-run by hand with other parameters is seen by the runner, which runs it (and what depends on
it) again instead of saying "Nothing to do"."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import papermill
import pytest

from helpers.core import catalog, records
from helpers.runner.cli import main

from conftest import ROOT, SAMPLE

pytestmark = pytest.mark.slow


def _execute(notebook: str, out: Path, executed: Path, **parameters) -> None:
    papermill.execute_notebook(str(ROOT / "notebooks" / notebook), str(executed),
                               parameters={"data_dir": str(SAMPLE), "output_dir": str(out), **parameters},
                               cwd=str(ROOT / "notebooks"), kernel_name="python3", progress_bar=False)


def test_03_before_02_stops_at_its_first_cell_with_one_line(tmp_path):
    out = tmp_path / "out"
    _execute("01_clean_interviews.ipynb", out, tmp_path / "01.ipynb")
    with pytest.raises(papermill.PapermillExecutionError) as error:
        _execute("03_thematic_analysis.ipynb", out, tmp_path / "03.ipynb")
    assert error.value.ename == "InputError"
    assert error.value.evalue.startswith("03_thematic_analysis.ipynb: needs the outputs of 02_code_segments.ipynb, "
                                         "which has not run into the output folder")
    assert "run notebooks/02_code_segments.ipynb first, or run `make report`" in error.value.evalue
    nb = json.loads((tmp_path / "03.ipynb").read_text(encoding="utf-8"))
    errors = [(i, o) for i, c in enumerate(nb["cells"]) for o in c.get("outputs", []) if o["output_type"] == "error"]
    first_code = next(i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"
                      and "parameters" not in c["metadata"].get("tags", [])
                      and "injected-parameters" not in c["metadata"].get("tags", []))
    assert [i for i, _ in errors] == [first_code]
    assert len(errors[0][1]["traceback"]) == 1  # the message, not 20-40 lines of traceback
    assert not (out / "data" / "processed" / "theme_prevalence.parquet").exists()


def test_02_rerun_by_hand_with_other_parameters_is_run_again_by_make_report(built, tmp_path, capsys):
    source, _, _ = built
    out = tmp_path / "out"
    shutil.copytree(source, out)
    codings = out / "data" / "processed" / "codings.parquet"
    before = pd.read_parquet(codings)
    _execute("02_code_segments.ipynb", out, tmp_path / "02.ipynb", use_rules=False)
    by_hand = pd.read_parquet(codings)
    assert len(by_hand) < len(before) and set(by_hand["source"]) == {"manual"}
    record = records.read_record(out, "code_segments")
    assert record["by"] == "interactive" and record["parameters"]["use_rules"] is False

    capsys.readouterr()
    assert main(["--data-dir", str(SAMPLE), "--output-dir", str(out), "--jobs", "2", "--no-pdf"]) == 0  # pages only
    said = capsys.readouterr().out
    assert "Nothing to do" not in said
    assert ("02_code_segments will run: its outputs were rewritten by an interactive run at "
            f"{record['finished']} with use_rules=False; the runner runs it again with pipeline.yml's "
            "parameters") in said
    assert "03_thematic_analysis will run: an upstream stage re-runs" in said
    assert "01_clean_interviews: up to date" in said
    pd.testing.assert_frame_equal(pd.read_parquet(codings), before)
    assert records.read_record(out, "code_segments")["by"] == "runner"


def test_each_stage_writes_exactly_what_the_catalogue_declares(built):
    out, _, _ = built
    on_disk = {p.relative_to(out).as_posix() for folder in ("data/processed", "figures")
               for p in (out / folder).rglob("*") if p.is_file() and p.name != ".gitkeep"
               and records.RUNS.as_posix() not in p.relative_to(out).as_posix()}
    claimed: dict[str, str] = {}
    for path in sorted((out / records.RUNS).glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        declared = {p for o in catalog.outputs(record["stage"]) for p in o.paths}
        assert set(record["outputs"]) <= declared, record["stage"]
        unconditional = {p for o in catalog.outputs(record["stage"]) if o.when is None for p in o.paths}
        assert unconditional <= set(record["outputs"]), record["stage"]
        for p in record["outputs"]:
            assert p not in claimed, f"{p} claimed by {claimed.get(p)} and {record['stage']}"
            claimed[p] = record["stage"]
    assert on_disk == set(claimed)  # nothing on disk that no stage says it wrote, nothing claimed that is missing
    assert {claimed[p] for p in claimed} == {"clean_interviews", "code_segments", "thematic_analysis",
                                             "workshop_outcomes"}
