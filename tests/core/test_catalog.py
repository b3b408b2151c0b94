"""The catalogue: declared once, mirrored by pipeline.yml, enforced by the writers."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from helpers.core import catalog  # noqa: E402
from helpers.core.stages import project_spec  # noqa: E402
from helpers.core.style import save_figure  # noqa: E402
from helpers.core.tables import read_processed, write_table  # noqa: E402

from conftest import complete  # noqa: E402


def test_pipeline_yml_writes_lists_exactly_what_the_catalogue_declares_per_stage():
    spec = project_spec()
    for stage in spec.stages:
        assert dict((k, list(v)) for k, v in stage.writes) == catalog.writes(stage.name), stage.name
    assert {o.stage for o in catalog.outputs()} <= {s.name for s in spec.stages}


def test_every_output_path_is_declared_once():
    paths = [p for o in catalog.outputs() for p in o.paths]
    assert len(paths) == len(set(paths))


def test_a_table_is_written_in_the_catalogues_column_order(tmp_path):
    table = complete(pd.DataFrame({"file": ["a.csv"], "coder": ["b"]}), "codings_sources")
    write_table(table[list(reversed(table.columns))], tmp_path, "codings_sources")
    assert list(pd.read_parquet(tmp_path / "codings_sources.parquet").columns) == catalog.columns("codings_sources")


def test_missing_undeclared_and_mistyped_columns_are_refused(tmp_path):
    full = complete(pd.DataFrame({"file": ["a.csv"]}), "codings_sources")
    with pytest.raises(catalog.CatalogError, match=r"missing column\(s\) \['placement_rate'\]"):
        write_table(full.drop(columns="placement_rate"), tmp_path, "codings_sources")
    with pytest.raises(catalog.CatalogError, match=r"undeclared column\(s\) \['extra'\]"):
        write_table(full.assign(extra=1), tmp_path, "codings_sources")
    with pytest.raises(catalog.CatalogError, match="column quotes should be int"):
        write_table(full.assign(quotes="many"), tmp_path, "codings_sources")
    with pytest.raises(catalog.CatalogError, match="not in the catalogue"):
        write_table(full, tmp_path, "my_table")


def test_an_empty_table_gets_the_declared_types(tmp_path):
    write_table(pd.DataFrame(columns=catalog.columns("codings_unplaced")), tmp_path, "codings_unplaced")
    back = read_processed(tmp_path, "codings_unplaced")
    assert str(back["closest_score"].dtype) == "float64" and pd.api.types.is_string_dtype(back["quote"])


def test_a_wide_table_takes_one_column_per_theme(tmp_path):
    wide = pd.DataFrame({"theme_id": ["a"], "label": ["A"], "a": [1], "b": [0]})
    write_table(wide, tmp_path, "cooccurrence")
    with pytest.raises(catalog.CatalogError, match="column b should be int"):
        write_table(wide.assign(b="x"), tmp_path, "cooccurrence")


def test_a_missing_table_names_the_stage_that_writes_it(tmp_path):
    with pytest.raises(Exception, match="stage code_segments has not written it"):
        read_processed(tmp_path, "codings")
    assert read_processed(tmp_path, "workshop_priorities", optional=True) is None


def test_an_undeclared_figure_is_refused(tmp_path):
    fig = plt.figure()
    with pytest.raises(catalog.CatalogError, match="figure 'my_chart' is not in the catalogue"):
        save_figure(fig, "my_chart", tmp_path)
    plt.close(fig)
