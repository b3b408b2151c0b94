"""Limits: files far larger than any real study's stop the run with the limit named, before they are read.

The bombs are made here, small: a member of zeros compresses about a thousand times, and a zip whose central
directory declares a size it does not hold tests the real default limits without writing gigabytes.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from helpers.coding.qda.refiqda import read_qdc, read_qdpx
from helpers.core import limits
from helpers.core.errors import InputError
from helpers.core.study import load_study
from helpers.core.tables import read_table
from helpers.interviews.transcripts import read_transcript
from helpers.runner.cli import main
from helpers.workshop.outcomes import load_workshop

MB = 2**20


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def declaring(data: bytes, member: str, size: int) -> bytes:
    """``data`` (a zip) with ``member``'s uncompressed size in the central directory set to ``size``."""
    out = bytearray(data)
    at = out.find(b"PK\x01\x02")
    while at != -1:
        name_length = struct.unpack_from("<H", out, at + 28)[0]
        if out[at + 46:at + 46 + name_length].decode() == member:
            struct.pack_into("<I", out, at + 24, size)
        at = out.find(b"PK\x01\x02", at + 4)
    return bytes(out)


WORD = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}


def test_a_docx_that_declares_gigabytes_stops_before_it_is_read(tmp_path):
    path = tmp_path / "P01.docx"
    path.write_bytes(declaring(zip_bytes(WORD), "word/document.xml", 0xFFFF0000))
    with pytest.raises(InputError, match=r"expands to 4\.0 GB, more than the 300 MB limit for a Word transcript"):
        read_transcript(path)


def test_a_docx_bomb_is_named_as_one(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "RATIO_FROM_MB", 1)
    path = tmp_path / "P01.docx"
    path.write_bytes(zip_bytes({**WORD, "word/media/x.bin": bytes(5 * MB)}))
    assert path.stat().st_size < 50_000
    with pytest.raises(InputError, match=r"member word/media/x.bin expands [\d,]+ times \(to 5\.0 MB\): a compressed "
                                         r"'bomb'"):
        read_transcript(path)


def test_a_docx_of_too_many_members(tmp_path):
    path = tmp_path / "P01.docx"
    path.write_bytes(zip_bytes({**WORD, **{f"word/x{i}.xml": b"" for i in range(5_001)}}))
    with pytest.raises(InputError, match=r"holds 5,003 files, more than the 5,000 allowed for a Word transcript"):
        read_transcript(path)


def test_a_transcript_over_the_file_size_limit(tmp_path, monkeypatch):
    monkeypatch.setitem(limits.LIMITS, ".txt", limits.Limit("a text transcript", 1, why="test"))
    path = tmp_path / "P01.txt"
    path.write_bytes(b"I: Hej\n" * (MB // 7 + 10))
    with pytest.raises(InputError, match=r"is 1\.0 MB, more than the 1 MB limit for a text transcript"):
        read_transcript(path)


def test_an_xlsx_bomb(tmp_path):
    path = tmp_path / "participants.xlsx"
    path.write_bytes(declaring(zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/sharedStrings.xml": b"<sst/>"}),
                               "xl/sharedStrings.xml", 400 * MB))
    with pytest.raises(InputError, match=r"expands to 400\.0 MB, more than the 300 MB limit for an Excel workbook"):
        read_table(path)


def test_a_qdpx_bomb(tmp_path):
    # The case: a small .qdpx whose project.qde expands to 2 GB (a project may hold GBs of media, so the
    # ratio, not the total, gives it away).
    path = tmp_path / "project.qdpx"
    path.write_bytes(declaring(zip_bytes({"project.qde": b"<Project/>"}), "project.qde", 2 * 1024 * MB))
    with pytest.raises(InputError, match=r"member project.qde expands [\d,]+ times \(to 2\.0 GB\): a compressed"):
        read_qdpx(path)
    path.write_bytes(declaring(declaring(zip_bytes({"project.qde": b"<Project/>", "sources/a.mp4": b"x"}),
                                         "project.qde", 3 * 1024 * MB), "sources/a.mp4", 3 * 1024 * MB))
    with pytest.raises(InputError, match=r"expands to 6\.0 GB, more than the 4,096 MB limit for a REFI-QDA project"):
        read_qdpx(path)


def test_a_qdc_over_its_size(tmp_path, monkeypatch):
    monkeypatch.setitem(limits.LIMITS, ".qdc", limits.Limit("a REFI-QDA codebook", 1, why="test"))
    path = tmp_path / "codebook.qdc"
    path.write_bytes(b"<CodeBook>" + b" " * (2 * MB) + b"</CodeBook>")
    with pytest.raises(InputError, match="more than the 1 MB limit for a REFI-QDA codebook"):
        read_qdc(path)


def test_an_ordinary_docx_passes(tmp_path):
    limits.check_zip(io.BytesIO(zip_bytes(WORD)), tmp_path / "P01.docx")  # raises nothing


@pytest.mark.parametrize("votes, expected", [("1e300", "more than the 10,000 dots"), ("10001", "more than the 10,000"),
                                             ("-2", "is negative"), ("inf", "not a whole number")])
def test_vote_counts_are_bounded(sample_copy, votes, expected):
    path = sample_copy / "workshop" / "votes.csv"
    text = path.read_text(encoding="utf-8-sig")
    path.write_text(text.replace("W01;Älvby kommun;C01;2;5;4", f"W01;Älvby kommun;C01;{votes};5;4", 1),
                    encoding="utf-8-sig")
    with pytest.raises(InputError, match=expected) as error:
        load_workshop(load_study(sample_copy))
    assert "votes.csv, row 2, column votes: " in str(error.value)


@pytest.mark.parametrize("rating", ["1e300", "-1", "nan"])
def test_ratings_are_bounded(sample_copy, rating):
    path = sample_copy / "workshop" / "votes.csv"
    text = path.read_text(encoding="utf-8-sig")
    path.write_text(text.replace("W01;Älvby kommun;C01;2;5;4", f"W01;Älvby kommun;C01;2;{rating};4", 1),
                    encoding="utf-8-sig")
    with pytest.raises(InputError, match=r"votes.csv, row 2, column importance: .* is not a rating from 1 to 5"):
        load_workshop(load_study(sample_copy))


@pytest.mark.parametrize("minutes", ["1e400", "99999", "nan"])
def test_interview_durations_are_bounded(sample_copy, capsys, minutes):
    path = sample_copy / "participants.csv"
    lines = path.read_text(encoding="utf-8-sig").split("\n")
    fields = lines[1].split(";")
    fields[5] = minutes
    lines[1] = ";".join(fields)
    path.write_text("\n".join(lines), encoding="utf-8-sig")
    assert main(["--data-dir", str(sample_copy), "--check"]) == 2
    out = capsys.readouterr().out
    assert "row 2" in out and "not a number of minutes from 0 to 1440" in out


def test_a_bomb_in_the_study_folder_exits_2_with_one_line(sample_copy, capsys):
    (sample_copy / "interviews" / "P01.docx").write_bytes(
        declaring(zip_bytes(WORD), "word/document.xml", 0xFFFF0000))
    assert main(["--data-dir", str(sample_copy), "--check"]) == 2
    out = capsys.readouterr().out
    assert "P01.docx: expands to 4.0 GB, more than the 300 MB limit for a Word transcript" in out
    assert "Traceback" not in out


# ---- lying headers: a member whose directory entry declares less than its data holds --------------------------
# python-docx and openpyxl read a member whole, and zipfile inflates up to 1 GB at a time before it cuts the
# data to the declared size: a member that declares 10 bytes but inflates to gigabytes must be caught first.

def test_a_docx_member_larger_than_declared_is_named(tmp_path):
    path = tmp_path / "P01.docx"
    path.write_bytes(declaring(zip_bytes({**WORD, "word/media/x.bin": bytes(2 * MB)}), "word/media/x.bin", 10))
    with pytest.raises(InputError, match=r"member word/media/x.bin is damaged or holds more than the 10 bytes "
                                         r"the archive's directory declares"):
        read_transcript(path)


def test_a_member_larger_than_declared_with_a_forged_crc_is_named(tmp_path):
    # The CRC of the declared 10 bytes plus one: zipfile then reads 11 bytes without complaint.
    data = bytearray(declaring(zip_bytes({**WORD, "word/media/x.bin": bytes(2 * MB)}), "word/media/x.bin", 10))
    at = data.find(b"PK\x01\x02", data.find(b"PK\x01\x02", data.find(b"PK\x01\x02") + 4) + 4)
    assert data[at + 46:at + 62] == b"word/media/x.bin"
    struct.pack_into("<I", data, at + 16, zlib.crc32(bytes(11)))
    path = tmp_path / "P01.docx"
    path.write_bytes(bytes(data))
    with pytest.raises(InputError, match=r"member word/media/x.bin holds more than the 10 bytes"):
        read_transcript(path)


def test_an_xlsx_member_larger_than_declared_is_named(tmp_path):
    path = tmp_path / "participants.xlsx"
    path.write_bytes(declaring(zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/sharedStrings.xml": bytes(MB)}),
                               "xl/sharedStrings.xml", 0))
    with pytest.raises(InputError, match=r"member xl/sharedStrings.xml is damaged or holds more than the 0 bytes"):
        read_table(path)


def test_a_qdpx_member_larger_than_declared_is_named(tmp_path):
    path = tmp_path / "project.qdpx"
    path.write_bytes(declaring(zip_bytes({"project.qde": b"<Project>" + b" " * MB + b"</Project>"}),
                               "project.qde", 9))
    with pytest.raises(InputError, match=r"member project.qde is damaged or holds more than the 9 bytes"):
        read_qdpx(path)


def test_a_qdpx_member_is_read_to_its_limit_only(tmp_path, monkeypatch):
    # A project may carry gigabytes of media, which are never read; the XML and text it is read for are capped.
    monkeypatch.setitem(limits.LIMITS, ".qdpx", limits.Limit("a REFI-QDA project", 10, 10, 10, member_mb=1, why="t"))
    path = tmp_path / "project.qdpx"
    path.write_bytes(zip_bytes({"project.qde": b"<Project>" + b"<x/>" * MB + b"</Project>"}))
    with pytest.raises(InputError, match=r"member project.qde expands to 4\.0 MB, more than the 1 MB one member of "
                                         r"a REFI-QDA project may hold"):
        read_qdpx(path)


def test_a_docx_bomb_at_the_default_limits(tmp_path):
    path = tmp_path / "P01.docx"
    path.write_bytes(zip_bytes({**WORD, "word/media/x.bin": bytes(12 * MB)}))  # about 12 KB on disk
    with pytest.raises(InputError, match=r"member word/media/x.bin expands [\d,]+ times \(to 12\.0 MB\)"):
        read_transcript(path)


def test_an_encrypted_qdpx_member_is_an_input_error(tmp_path):
    data = bytearray(zip_bytes({"project.qde": b"<Project/>"}))
    at = data.find(b"PK\x01\x02")
    struct.pack_into("<H", data, at + 8, struct.unpack_from("<H", data, at + 8)[0] | 1)  # the "encrypted" flag
    path = tmp_path / "project.qdpx"
    path.write_bytes(bytes(data))
    with pytest.raises(InputError, match="member project.qde cannot be read"):
        read_qdpx(path)


# ---- XML: entities are refused, not expanded ------------------------------------------------------------------

LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE CodeBook [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
          b'<CodeBook><Codes><Code guid="1" name="&b;" isCodable="true"/></Codes></CodeBook>')


def test_xml_entities_in_a_qdc_are_refused(tmp_path):
    path = tmp_path / "codebook.qdc"
    path.write_bytes(LAUGHS)
    with pytest.raises(InputError, match="declares XML entities"):
        read_qdc(path)


def test_an_external_entity_in_a_qdpx_is_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("Kerstin Holmberg")
    path = tmp_path / "project.qdpx"
    path.write_bytes(zip_bytes({"project.qde": f'<!DOCTYPE Project [<!ENTITY x SYSTEM "file://{secret}">]>'
                                               '<Project name="&x;"/>'.encode()}))
    with pytest.raises(InputError, match="declares XML entities"):
        read_qdpx(path)


# ---- the privacy gate reads our own archives with a cap too --------------------------------------------------

def test_the_privacy_gate_caps_what_it_reads_from_a_zip(tmp_path, monkeypatch):
    from helpers.runner.privacy import UnreadableFile, file_chunks

    monkeypatch.setattr(limits, "OUTPUT_MEMBER_MB", 1)
    path = tmp_path / "export.qdpx"
    path.write_bytes(zip_bytes({"project.qde": b"<Project/>" + b" " * (2 * MB)}))
    with pytest.raises(UnreadableFile, match=r"member project.qde expands to 2\.0 MB, more than the 1 MB"):
        file_chunks(path)
    path.write_bytes(declaring(zip_bytes({"project.qde": b"<Project>" + b" " * MB + b"</Project>"}), "project.qde", 9))
    with pytest.raises(UnreadableFile, match="holds more than the 9 bytes"):
        file_chunks(path)
