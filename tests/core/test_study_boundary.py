"""The study folder is a boundary: no input is read from outside it, and one transcript is one interview."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from helpers.runner.cli import main


def _with_transcripts(study: Path, names: dict[str, str]) -> None:
    """Add a ``transcript`` column to participants.csv naming the files given for some participants."""
    path = study / "participants.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    rows = [lines[0] + ";transcript"] + [f"{line};{names.get(line.split(';')[0], '')}" for line in lines[1:]]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8-sig")


def _check(study: Path, capsys) -> tuple[int, str]:
    code = main(["--data-dir", str(study), "--check"])
    return code, capsys.readouterr().out


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside the study folder that must never be read."""
    path = tmp_path / "secret" / "x.txt"
    path.parent.mkdir()
    path.write_text("I: Hej\nR: Personnummer 19700101-1234, hemligt.\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("name, expected", [
    ("../../secret/x.txt", "points outside its folder ('..')"),
    ("sub/../../P01.docx", "points outside its folder ('..')"),
    ("..\\..\\secret\\x.txt", "points outside its folder ('..')"),
    ("C:\\Users\\anna\\P01.docx", "is an absolute path"),
    ("\\\\server\\share\\P01.docx", "is an absolute path"),
])
def test_a_transcript_named_outside_the_folder_exits_2_naming_the_row(sample_copy, secret, capsys, name, expected):
    (sample_copy / "interviews" / "P01.docx").unlink()
    _with_transcripts(sample_copy, {"P01": name})
    code, out = _check(sample_copy, capsys)
    assert code == 2 and expected in out and "participants.csv, row 2, column transcript" in out, out
    assert len(out.strip().splitlines()) <= 2, out  # a message, not a traceback


def test_an_absolute_transcript_path_exits_2(sample_copy, secret, capsys):
    (sample_copy / "interviews" / "P01.docx").unlink()
    _with_transcripts(sample_copy, {"P01": str(secret)})
    code, out = _check(sample_copy, capsys)
    assert code == 2 and "is an absolute path" in out and "row 2" in out


def test_a_symlink_out_of_the_study_folder_exits_2(sample_copy, secret, capsys):
    (sample_copy / "interviews" / "P03.txt").unlink()
    (sample_copy / "interviews" / "P03.txt").symlink_to(secret)
    code, out = _check(sample_copy, capsys)
    assert code == 2 and "P03.txt" in out and "outside the study folder" in out and str(secret) in out


def test_a_symlinked_folder_out_of_the_study_folder_exits_2(sample_copy, tmp_path, capsys):
    outside = tmp_path / "elsewhere"
    shutil.move(sample_copy / "workshop", outside)
    (sample_copy / "workshop").symlink_to(outside, target_is_directory=True)
    code, out = _check(sample_copy, capsys)
    assert code == 2 and "workshop" in out and "outside the study folder" in out


def test_a_symlink_inside_the_study_folder_is_read(sample_copy, capsys):
    archive = sample_copy / "archive"
    archive.mkdir()
    shutil.move(sample_copy / "interviews" / "P03.txt", archive / "P03.txt")
    os.symlink("../archive/P03.txt", sample_copy / "interviews" / "P03.txt")
    code, out = _check(sample_copy, capsys)
    assert code == 0, out


def test_one_transcript_for_two_participants_exits_2_naming_both(sample_copy, capsys):
    (sample_copy / "interviews" / "P02.vtt").unlink()
    _with_transcripts(sample_copy, {"P02": "P01.docx"})
    code, out = _check(sample_copy, capsys)
    assert code == 2 and "P01.docx of P02 is also the transcript of P01" in out and "row 3" in out, out
