"""Optional columns of the study-folder contract: a column that is present but wholly empty, as a spreadsheet
leaves it, reads exactly as an absent one; a partly filled column stays a column, with its per-row rules."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from helpers.coding.codebook import read_codebook_yaml
from helpers.coding.codings import read_marks
from helpers.core.errors import InputError
from helpers.core.study import PARTICIPANT_OPTIONAL, load_study
from helpers.core.tables import drop_empty_columns, read_table
from helpers.runner.cli import main
from helpers.workshop import outcomes as W

from coding_fixtures import FIXTURES as CODING
from conftest import FIXTURES, SAMPLE

WORKSHOP_STUDY = FIXTURES / "workshop" / "study"


def _rewrite(path: Path, keep: list[str] | None = None, empty: tuple[str, ...] = ()) -> Path:
    """``path`` (a CSV) with only the columns ``keep`` (default: all), plus the columns ``empty`` with no cells."""
    table = read_table(path).drop(columns="_row")
    table = table[keep or list(table.columns)].assign(**{c: "" for c in empty})
    table.to_csv(path, sep=";", index=False)
    return path


@pytest.fixture
def twins(tmp_path: Path) -> tuple[Path, Path]:
    """Two copies of the small workshop study, one to hold empty columns and one without those columns."""
    return shutil.copytree(WORKSHOP_STUDY, tmp_path / "empty"), shutil.copytree(WORKSHOP_STUDY, tmp_path / "absent")


def test_an_empty_optional_column_is_dropped_and_a_partly_filled_or_required_one_kept():
    table = pd.DataFrame({"a": ["", " "], "b": ["", "x"], "c": ["", ""], "_row": [2, 3]})
    assert list(drop_empty_columns(table, ["a", "b", "missing"]).columns) == ["b", "c", "_row"]
    assert list(drop_empty_columns(table.iloc[0:0], ["a"]).columns) == ["a", "b", "c", "_row"]  # no rows: no verdict


def test_participants_with_every_optional_column_empty_read_as_without_them(twins):
    empty, absent = twins
    _rewrite(empty / "participants.csv", empty=PARTICIPANT_OPTIONAL)
    assert set(PARTICIPANT_OPTIONAL) <= set(read_table(empty / "participants.csv").columns)
    read = [load_study(s).participants.drop(columns="transcript_path").sort_index(axis=1) for s in twins]
    pd.testing.assert_frame_equal(*read)
    assert read[0]["language"].tolist() == ["sv"] and read[0]["interviewer"].tolist() == [""]


def test_required_columns_are_never_dropped_even_when_empty(twins):
    study = twins[0]
    _rewrite(study / "participants.csv", keep=["participant_id", "organisation"], empty=("role",))
    with pytest.raises(InputError, match=r"participants\.csv, row 2: role is empty"):
        load_study(study)


def test_pseudonyms_ignore_an_empty_extra_column_but_not_an_empty_required_one(tmp_path):
    study = shutil.copytree(WORKSHOP_STUDY, tmp_path / "study")
    (study / "pseudonyms.csv").write_text("original;replacement;note\nBengt Axelsson;[KSO];\n", encoding="utf-8")
    assert load_study(study).pseudonyms[["original", "replacement"]].values.tolist() == [["Bengt Axelsson", "[KSO]"]]
    (study / "pseudonyms.csv").write_text("original;replacement\nBengt Axelsson;\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"pseudonyms\.csv, row 2: original and replacement must both be filled in"):
        load_study(study)


@pytest.mark.parametrize(("file_name", "columns"), [
    ("votes.csv", ("participant_id",)),
    ("votes.csv", ("importance", "feasibility")),
    ("votes.csv", ("participant_id", "importance", "feasibility")),
    ("challenges.csv", ("theme_id", "description")),
    ("actions.csv", ("owner", "horizon")),
])
def test_workshop_files_with_empty_optional_columns_read_as_without_them(twins, file_name, columns):
    empty, absent = twins
    kept = [c for c in read_table(empty / "workshop" / file_name).columns if c not in columns + ("_row",)]
    _rewrite(empty / "workshop" / file_name, keep=kept, empty=columns)
    _rewrite(absent / "workshop" / file_name, keep=kept)
    with_empty, without = (W.load_workshop(load_study(s)) for s in twins)
    for part in ("challenges", "votes", "actions"):
        pd.testing.assert_frame_equal(getattr(with_empty, part), getattr(without, part))
    assert with_empty.voter_unit == without.voter_unit
    assert with_empty.voter_unit == ("organisations" if "participant_id" in columns else "participants")
    assert with_empty.has_ratings == ("importance" not in columns)


def test_votes_from_excel_with_an_empty_participant_column_pool_each_member(twins):
    """The reported case: a spreadsheet's empty participant_id column stopped the run with exit 2."""
    study = twins[0]
    votes = read_table(study / "workshop" / "votes.csv").drop(columns="_row").assign(participant_id=None)
    (study / "workshop" / "votes.csv").unlink()
    votes.to_excel(study / "workshop" / "votes.xlsx", index=False)
    workshop = W.load_workshop(load_study(study))
    assert workshop.voter_unit == "organisations"
    assert set(workshop.votes["voter"]) == set(workshop.votes["organisation"])


def test_a_partly_filled_participant_column_keeps_its_row_rule(twins):
    study = twins[0]
    path = study / "workshop" / "votes.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("V2;A kommun;K1", ";A kommun;K1"), encoding="utf-8")
    with pytest.raises(InputError, match=r"votes\.csv, row 4: participant_id is empty"):
        W.load_workshop(load_study(study))


def test_sample_with_an_empty_participant_column_in_votes_passes_the_check(tmp_path, capsys):
    study = shutil.copytree(SAMPLE, tmp_path / "study")
    votes = study / "workshop" / "votes.csv"
    _rewrite(votes, keep=[c for c in read_table(votes).columns if c not in ("participant_id", "_row")],
             empty=("participant_id",))
    assert main(["--data-dir", str(study), "--check"]) == 0, capsys.readouterr().out


def _marks(folder: Path, sheet: str) -> list[tuple]:
    """The manual codings a coding sheet gives, without the file they come from."""
    (folder / "codings").mkdir(parents=True)
    (folder / "codings" / "coder_b.csv").write_text(sheet, encoding="utf-8")
    book = read_codebook_yaml(CODING / "codebook.yml")
    return [(m.where, m.participant_id, m.code_id, m.coder, m.segment_id, m.quote)
            for m in read_marks(folder / "codings", book, ["T01", "T02", "T03"])]


@pytest.mark.parametrize(("with_empty", "without"), [
    ("participant_id;quote;segment_id;code;coder\nT01;inget mandat;;mandate;\n",
     "participant_id;quote;code\nT01;inget mandat;mandate\n"),
    ("participant_id;quote;segment_id;code\n;;T02-004;trust\n", "segment_id;code\nT02-004;trust\n"),
])
def test_coding_sheets_with_empty_optional_columns_read_as_without_them(tmp_path, with_empty, without):
    assert _marks(tmp_path / "empty", with_empty) == _marks(tmp_path / "absent", without)


def test_a_coding_sheet_whose_only_segment_column_is_empty_lacks_its_quote_column(tmp_path):
    errors = []
    for name, sheet in (("empty", "participant_id;segment_id;code\nT01;;mandate\n"),
                        ("absent", "participant_id;code\nT01;mandate\n")):
        with pytest.raises(InputError) as error:
            _marks(tmp_path / name, sheet)
        errors.append((error.value.where, error.value.problem))
    assert errors[0] == errors[1]
