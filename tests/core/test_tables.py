"""Result tables: the CSV copy researchers open in a spreadsheet holds no formula; Parquet keeps the text."""

from __future__ import annotations

import pandas as pd

from helpers.core.tables import write_table

from conftest import complete


def test_csv_cells_that_a_spreadsheet_would_run_are_written_as_text(tmp_path):
    hostile = ["=HYPERLINK(\"http://example.com\")", "+SUM(A1)", "@cmd", "-2+3", "\t=1"]
    table = complete(pd.DataFrame({"quote": hostile + ["Vi har en plan.", "-0.5", "+46"],
                                   "closest_score": [-1.5 + n for n in range(8)]}), "codings_unplaced")
    write_table(table, tmp_path, "codings_unplaced")
    csv = pd.read_csv(tmp_path / "codings_unplaced.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(csv["quote"]) == ["'" + value for value in hostile] + ["Vi har en plan.", "-0.5", "+46"]
    assert csv["closest_score"].iloc[0] == "-1.5"  # a number is no formula: left as it is
    assert list(pd.read_parquet(tmp_path / "codings_unplaced.parquet")["quote"]) == list(table["quote"])


def test_excel_cells_are_read_composed(tmp_path):
    import pandas as pd

    from helpers.core.tables import read_table

    path = tmp_path / "participants.xlsx"
    pd.DataFrame({"name": ["A\u030asa \u00d6hman"]}).to_excel(path, index=False)
    assert read_table(path)["name"].iloc[0] == "\u00c5sa \u00d6hman"
