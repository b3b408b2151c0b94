"""Stage records: a notebook opened out of order, on stale outputs or with other shared parameters stops at
its first cell with one line naming the stage to run; a finished run records exactly what it wrote."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers.core import catalog, records
from helpers.core.errors import InputError
from helpers.core.outputs import Outputs
from helpers.core.tables import write_table

from conftest import SAMPLE, complete


def _run_stage(stage: str, out: Path, data: Path = SAMPLE, **parameters) -> dict:
    """A stand-in for a stage notebook: begin, write the stage's tables (one row each), finish."""
    run = records.begin(stage, data, out, **parameters)
    for entry in catalog.outputs(stage):
        if isinstance(entry, catalog.Table):
            write_table(complete(pd.DataFrame(index=[0]), entry.name), Outputs.at(out).processed, entry.name)
    records.finish(run)
    return records.read_record(out, run.name)


def test_a_stage_before_its_upstream_stops_naming_the_notebook_to_run(tmp_path):
    _run_stage("clean_interviews", tmp_path)
    with pytest.raises(InputError) as error:
        records.begin("thematic_analysis", SAMPLE, tmp_path)
    message = str(error.value)
    assert message.startswith("03_thematic_analysis.ipynb: needs the outputs of 02_code_segments.ipynb, which has "
                              "not run into the output folder")
    assert "run notebooks/02_code_segments.ipynb first, or run `make report`" in message
    assert "\n" not in message


def test_upstream_stages_in_order_then_the_stage_runs_and_records_what_it_wrote(tmp_path):
    first = _run_stage("clean_interviews", tmp_path)
    second = _run_stage("code_segments", tmp_path)
    assert second["upstream"] == {"clean_interviews": first["id"]}
    assert set(second["outputs"]) == {p for t in ("codebook", "codings", "codings_unplaced", "codings_sources",
                                                  "agreement", "disagreements") for p in catalog.table(t).paths}
    assert second["by"] == "interactive" and second["study"] == str(SAMPLE.resolve())
    records.begin("thematic_analysis", SAMPLE, tmp_path)  # does not raise


def test_an_output_changed_by_hand_names_the_stage_to_run_again(tmp_path):
    _run_stage("clean_interviews", tmp_path)
    _run_stage("code_segments", tmp_path)
    codings = tmp_path / "data" / "processed" / "codings.parquet"
    pd.read_parquet(codings).iloc[:0].to_parquet(codings)
    with pytest.raises(InputError, match=r"data/processed/codings.parquet changed or disappeared after "
                                         r"02_code_segments.ipynb wrote it .*run again notebooks/02_code_segments"):
        records.begin("thematic_analysis", SAMPLE, tmp_path)


def test_a_stage_older_than_its_own_upstream_is_stale(tmp_path):
    _run_stage("clean_interviews", tmp_path)
    _run_stage("code_segments", tmp_path)
    _run_stage("clean_interviews", tmp_path)  # 01 again: 02's outputs are from the previous 01
    with pytest.raises(InputError, match=r"02_code_segments.ipynb ran before the last run of "
                                         r"01_clean_interviews.ipynb, so its outputs are stale .*run again "
                                         r"notebooks/02_code_segments.ipynb"):
        records.begin("thematic_analysis", SAMPLE, tmp_path)


def test_outputs_of_another_study_are_not_used(tmp_path, sample_copy):
    _run_stage("clean_interviews", tmp_path)
    with pytest.raises(InputError, match=r"are from the study folder .*sample, not .*study .*for this study, run "
                                         r"notebooks/01_clean_interviews.ipynb"):
        records.begin("code_segments", sample_copy, tmp_path)


def test_a_shared_parameter_must_agree_with_the_stage_that_used_it(tmp_path):
    for stage in ("clean_interviews", "code_segments"):
        _run_stage(stage, tmp_path)
    _run_stage("thematic_analysis", tmp_path, saturation_window=3)
    _run_stage("workshop_outcomes", tmp_path)
    with pytest.raises(InputError, match=r"saturation_window is 2 here but 03_thematic_analysis.ipynb ran with 3"):
        records.begin("findings_report", SAMPLE, tmp_path, saturation_window=2)
    records.begin("findings_report", SAMPLE, tmp_path, saturation_window=3)


def test_finish_removes_what_the_stage_did_not_write_this_time_and_refuses_the_undeclared(tmp_path):
    figures = Outputs.at(tmp_path).figures
    stale = figures / "coding_agreement.png"
    _run_stage("clean_interviews", tmp_path)
    stale.write_bytes(b"an earlier run's figure")
    _run_stage("code_segments", tmp_path)
    assert not stale.exists()
    run = records.begin("code_segments", SAMPLE, tmp_path)
    run.wrote(Outputs.at(tmp_path).processed / "notes.csv")
    with pytest.raises(catalog.CatalogError, match=r"wrote \['data/processed/notes.csv'\], which the catalogue "
                                                   r"does not declare"):
        records.finish(run)


def test_made_figure_follows_the_drawing_stages_record(tmp_path):
    _run_stage("clean_interviews", tmp_path)
    run = records.begin("code_segments", SAMPLE, tmp_path)
    assert not run.made_figure("coding_coverage")
