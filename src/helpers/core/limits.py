"""Limits on what a study folder may hand the pipeline, checked before anything is read.

A study folder comes from many hands; a file that is far larger than any real one (a compressed "bomb", a
runaway export) must stop the run with a message naming the limit, not fill the machine's memory. Every limit
is in :data:`LIMITS` with the reason for its value; each is at least ten times what a real study needs.

Zip-based files (.docx, .xlsx, .qdpx) are checked from their central directory before any member is
decompressed: member count, total uncompressed size, and the compression ratio of large members. Python's
``zipfile`` (which python-docx and openpyxl use) never inflates a member beyond the size the directory
declares, so a directory that passes these checks bounds the memory a reader can take.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .errors import InputError

MB = 2**20


@dataclass(frozen=True)
class Limit:
    """The caps for one kind of input file, and why they are what they are."""

    kind: str  # as the message names it: "a Word transcript"
    file_mb: int  # the file on disk
    unpacked_mb: int | None = None  # zip-based files: all members, uncompressed
    members: int | None = None  # zip-based files: how many members
    why: str = ""


LIMITS: dict[str, Limit] = {
    ".txt": Limit("a text transcript", 20, why="a three-hour interview is about 0.2 MB of text"),
    ".vtt": Limit("a subtitle transcript", 20, why="a three-hour WebVTT export with timings is about 0.5 MB"),
    ".srt": Limit("a subtitle transcript", 20, why="a three-hour SRT export with timings is about 0.5 MB"),
    ".docx": Limit("a Word transcript", 100, 300, 5_000,
                   why="a three-hour transcript is under 1 MB; pasted images can add tens of MB"),
    ".csv": Limit("a spreadsheet", 50, why="the study's tables have rows per person, challenge or coding: "
                                            "hundreds to thousands of rows, well under 5 MB"),
    ".xlsx": Limit("an Excel workbook", 50, 300, 5_000, why="as for .csv, with Excel's overhead"),
    ".yml": Limit("a settings file", 5, why="study.yml and codebook.yml are a few KB; a large codebook 100 KB"),
    ".yaml": Limit("a settings file", 5, why="as for .yml"),
    ".qdc": Limit("a REFI-QDA codebook", 20, why="a codebook of a thousand codes is under 1 MB"),
    ".qdpx": Limit("a REFI-QDA project", 4_096, 4_096, 50_000,
                   why="projects may carry their audio and video (a few GB); text and XML are a few MB"),
}
# A large member that expands more than this is a bomb, not a document: text and XML compress 5-20 times,
# media hardly at all, while a zip bomb's members expand hundreds to millions of times.
MAX_RATIO = 100
RATIO_FROM_MB = 10  # smaller members are not ratio-checked (tiny repetitive XML parts compress very well)
# Numbers typed into the study's spreadsheets.
MAX_VOTES = 10_000  # dots on one row of votes.csv: a workshop gives each person a handful
MAX_DURATION_MIN = 24 * 60  # an interview of more than a day is a typing error


def limit_for(path: Path) -> Limit | None:
    """The limit for ``path``'s kind of file (by extension), or None for files the study does not use."""
    return LIMITS.get(path.suffix.lower())


def check_size(path: Path) -> None:
    """Stop with an InputError when ``path`` is larger than its kind allows (checked with ``stat``)."""
    limit = limit_for(path)
    if limit is None or not path.is_file():
        return
    size = path.stat().st_size
    if size > limit.file_mb * MB:
        raise InputError(path, f"is {_mb(size)}, more than the {limit.file_mb} MB limit for {limit.kind} "
                         f"({limit.why})", fix="check that it is the right file; split or shrink it")


def check_zip(file: str | Path | IO[bytes], path: Path) -> None:
    """Stop with an InputError when the zip archive ``file`` (read from ``path``) has more members, more
    uncompressed bytes or a more compressed large member than its kind allows, before anything is inflated.

    A file that is not a zip archive passes: its reader says what it is.
    """
    limit = limit_for(path)
    if limit is None or limit.unpacked_mb is None:
        return
    try:
        with zipfile.ZipFile(file) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    fix = "open it in the program that made it and save or export it again"
    if len(infos) > limit.members:
        raise InputError(path, f"holds {len(infos):,} files, more than the {limit.members:,} allowed for "
                         f"{limit.kind}", fix=fix)
    total = sum(i.file_size for i in infos)
    if total > limit.unpacked_mb * MB:
        raise InputError(path, f"expands to {_mb(total)}, more than the {limit.unpacked_mb:,} MB limit for "
                         f"{limit.kind} ({limit.why})", fix=fix)
    for info in infos:
        if info.file_size > RATIO_FROM_MB * MB and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise InputError(path, f"member {info.filename} expands {info.file_size // max(info.compress_size, 1):,} "
                             f"times (to {_mb(info.file_size)}): a compressed 'bomb', not a document",
                             fix=fix)


def _mb(size: int) -> str:
    return f"{size / MB:,.1f} MB" if size < 1024 * MB else f"{size / 1024 / MB:,.1f} GB"
