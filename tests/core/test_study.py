"""The study-folder contract: each class of bad input exits 2 with a message naming the file and row."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from helpers.core.study import load_study
from helpers.core.tables import read_table
from helpers.runner.cli import main

from conftest import SAMPLE


def _participants(study: Path) -> str:
    return (study / "participants.csv").read_text(encoding="utf-8-sig")


def _write_participants(study: Path, text: str) -> None:
    (study / "participants.csv").write_text(text, encoding="utf-8-sig")


def _check(study: Path, capsys) -> tuple[int, str]:
    code = main(["--data-dir", str(study), "--check"])
    return code, capsys.readouterr().out


def test_sample_study_is_valid(capsys):
    code, out = _check(SAMPLE, capsys)
    assert code == 0, out
    study = load_study(SAMPLE)
    assert len(study.participants) == 12
    assert study.config.fictional is True
    assert set(study.participants["organisation"]) <= set(study.config.members)


def test_semicolon_bom_and_cp1252_csv_read_alike(tmp_path):
    rows = "participant_id;organisation;role\nP1;Älvby kommun;förvaltningschef\n"
    (tmp_path / "a.csv").write_bytes(rows.encode("utf-8-sig"))
    (tmp_path / "b.csv").write_bytes(rows.encode("cp1252"))
    (tmp_path / "c.csv").write_bytes(rows.replace(";", ",").encode("utf-8"))
    frames = [read_table(tmp_path / n).drop(columns="_row") for n in ("a.csv", "b.csv", "c.csv")]
    assert frames[0].equals(frames[1]) and frames[0].equals(frames[2])
    assert frames[0].loc[0, "role"] == "förvaltningschef"


def test_xlsx_participants_accepted(sample_copy, capsys):
    import pandas as pd

    df = read_table(sample_copy / "participants.csv").drop(columns="_row")
    (sample_copy / "participants.csv").unlink()
    # Real Excel cell types: date cells and number cells, as a researcher's spreadsheet has them.
    df = df.assign(interview_date=pd.to_datetime(df["interview_date"]), duration_min=df["duration_min"].astype(int))
    df.to_excel(sample_copy / "participants.xlsx", index=False)
    code, out = _check(sample_copy, capsys)
    assert code == 0, out
    participants = load_study(sample_copy).participants
    assert len(participants) == len(df)
    assert participants.loc[0, "interview_date"] == "2026-02-03" and participants.loc[0, "duration_min"] == 13


@pytest.mark.parametrize("edit, expected", [
    (lambda t: t.replace("P02;", "P01;", 1), ["participants.csv", "row 3", "duplicate participant_id 'P01'"]),
    (lambda t: t.replace("organisation;", "org;", 1), ["participants.csv", "organisation"]),
    (lambda t: t.replace("2026-02-05", "5/2/2026", 1), ["participants.csv", "row 3", "YYYY-MM-DD"]),
    (lambda t: t.replace("Sjömåla kommun", "Sjömala kommun", 1), ["participants.csv", "row 4", "not a member"]),
    (lambda t: t.replace(";kommundirektör;", ";;", 1), ["participants.csv", "row 2", "role is empty"]),
    (lambda t: t + "P13;Sexan IT;IT-strateg;2026-03-20;;;sv;\n", ["participants.csv", "row 14", "no transcript for participant P13"]),
    (lambda t: t.replace(";sv;Kerstin", ";fi;Kerstin", 1), ["participants.csv", "row 2", "language"]),
], ids=["duplicate-id", "missing-column", "invalid-date", "unknown-member", "empty-role", "missing-transcript",
        "bad-language"])
def test_bad_participants_exit_2_naming_file_and_row(sample_copy, capsys, edit, expected):
    _write_participants(sample_copy, edit(_participants(sample_copy)))
    code, out = _check(sample_copy, capsys)
    assert code == 2
    for fragment in expected:
        assert fragment in out
    assert "Traceback" not in out


def test_row_numbers_count_blank_lines(sample_copy, capsys):
    lines = _participants(sample_copy).split("\n")
    lines.insert(2, "")  # a blank line, as people leave them in spreadsheets
    lines[4] = lines[4].replace("P03;", "P01;", 1)  # spreadsheet row 5
    _write_participants(sample_copy, "\n".join(lines))
    code, out = _check(sample_copy, capsys)
    assert code == 2 and "row 5: duplicate participant_id 'P01'" in out


def test_missing_participants_file(sample_copy, capsys):
    (sample_copy / "participants.csv").unlink()
    code, out = _check(sample_copy, capsys)
    assert code == 2 and "participants.csv: is missing" in out


def test_orphan_transcript_is_named(sample_copy, capsys):
    (sample_copy / "interviews" / "P99.txt").write_text("I: Hej\nR: Hej\n", encoding="utf-8")
    code, out = _check(sample_copy, capsys)
    assert code == 2 and "P99.txt" in out and "not the transcript of any participant" in out


def test_unsupported_extension_is_named(sample_copy, capsys):
    (sample_copy / "interviews" / "P08.srt").rename(sample_copy / "interviews" / "P08.pdf")
    code, out = _check(sample_copy, capsys)
    assert code == 2 and "P08.pdf" in out and "unsupported extension" in out


def test_invalid_study_yml_field(sample_copy, capsys):
    (sample_copy / "study.yml").write_text("title: x\nfictional: maybe\n", encoding="utf-8")
    code, out = _check(sample_copy, capsys)
    assert code == 2 and "study.yml" in out and "fictional" in out


def test_missing_data_dir(tmp_path, capsys):
    code, out = _check(tmp_path / "nowhere", capsys)
    assert code == 2 and "is not a folder" in out


def test_cli_prints_message_not_traceback(sample_copy):
    _write_participants(sample_copy, _participants(sample_copy).replace("P02;", "P01;", 1))
    proc = subprocess.run([sys.executable, "-m", "helpers.pipeline", "--data-dir", str(sample_copy), "--check"],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "duplicate participant_id" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr


def _replace_transcript(study: Path, pid: str, name: str, content: bytes) -> None:
    """Swap participant ``pid``'s transcript for ``name`` holding ``content``."""
    for old in (study / "interviews").glob(f"{pid}.*"):
        old.unlink()
    (study / "interviews" / name).write_bytes(content)


@pytest.mark.parametrize("name, content, expected", [
    ("P02.vtt", b"WEBVTT\n\n", ["P02.vtt"]),
    ("P02.vtt", b"WEBVTT\n\n1\n00:00:01.000 --> 00:0x:02.000\n<v A>Hej</v>\n", ["P02.vtt", "line 4"]),
    ("P08.srt", b"1\n00:00:01,000 -> 00:00:02,000\nA: Hej\n", ["P08.srt", "line 1", "not valid SRT"]),
    ("P03.txt", b"   \n\n", ["P03.txt", "empty"]),
    ("P03.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", ["P03.txt", "binary"]),
    ("P01.docx", "I: det här är ingen Word-fil".encode(), ["P01.docx", "Word"]),
], ids=["header-only-vtt", "malformed-vtt-time", "malformed-srt-arrow", "empty-txt", "binary", "fake-docx"])
def test_bad_transcripts_exit_2_naming_the_file(sample_copy, capsys, name, content, expected):
    _replace_transcript(sample_copy, name.split(".")[0], name, content)
    code, out = _check(sample_copy, capsys)
    assert code == 2, out
    for fragment in expected:
        assert fragment in out
    assert "Traceback" not in out


def _edit(study: Path, name: str, old: str, new: str) -> None:
    path = study / name
    text = path.read_text(encoding="utf-8-sig")
    assert old in text, f"{old!r} is not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8-sig")


@pytest.mark.parametrize("name, old, new, expected", [
    ("workshop/votes.csv", "W01;Älvby kommun;C01;2;", "W01;Älvby kommun;C99;2;", ["votes.csv", "row 2", "C99"]),
    ("workshop/votes.csv", "W01;Älvby kommun;C01;2;", "W01;Älvby kommun;C01;-2;", ["votes.csv", "row 2", "negative"]),
    ("workshop/votes.csv", "W01;Älvby kommun;C01;2;5;", "W01;Älvby kommun;C01;2;7;", ["votes.csv", "row 2", "importance"]),
    ("workshop/votes.csv", "W01;Älvby kommun;C01;", "W01;Ödeby kommun;C01;", ["votes.csv", "row 2", "Ödeby"]),
    ("workshop/challenges.csv", "C02,", "C01,", ["challenges.csv", "C01"]),
    ("codebook.yml", "  - id: unclear_mandate", "  - id: it_framing", ["codebook.yml", "it_framing", "twice"]),
    ("codebook.yml", r"regex: ['\bIT ska (fixa|sköta|lösa)'", r"regex: ['\bIT ska (fixa|sköta|lösa'",
     ["codebook.yml", "it_framing"]),
    ("codings/second_coder.csv", ";unclear_mandate;coder_b", ";no_such_code;coder_b", ["second_coder.csv", "no_such_code"]),
    ("pseudonyms.csv", "Bengt Axelsson;[KSO Älvby]", "Bengt Axelsson;", ["pseudonyms.csv", "row"]),
], ids=["unknown-challenge", "negative-votes", "rating-out-of-range", "not-a-member", "duplicate-challenge",
        "duplicate-code-id", "invalid-regex", "unknown-code-in-sheet", "empty-replacement"])
def test_bad_workshop_codebook_coding_and_key_files_exit_2(sample_copy, capsys, name, old, new, expected):
    _edit(sample_copy, name, old, new)
    code, out = _check(sample_copy, capsys)
    assert code == 2, out
    for fragment in expected:
        assert fragment in out
    assert "Traceback" not in out
