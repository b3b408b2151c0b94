"""Limits on what a study folder may hand the pipeline, checked before anything is read.

A study folder comes from many hands; a file that is far larger than any real one (a compressed "bomb", a
runaway export) must stop the run with a message naming the limit, not fill the machine's memory. Every limit
is in :data:`LIMITS` or below it, with the reason for its value; each is at least ten times what a real study needs.

Zip-based files (.docx, .xlsx, .qdpx) are checked from their central directory before any member is
decompressed: member count, total uncompressed size, and the compression ratio of large members. The directory
can lie, and ``zipfile`` inflates up to 1 GB at a time before it cuts a member to its declared size, so
members are read only in bounded steps: :func:`check_zip` streams every member of an archive that another
library (python-docx, openpyxl) will read and refuses one that holds more than it declares; :func:`read_member`
reads one member for our own readers, at most its limit plus one byte.
"""

from __future__ import annotations

import copy
import zipfile
import zlib
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
    member_mb: int | None = None  # zip-based files we read ourselves: one member read (XML, text), uncompressed
    why: str = ""


LIMITS: dict[str, Limit] = {
    ".txt": Limit("a text file", 20, why="a three-hour interview is about 0.2 MB of text, a MAXQDA export of "
                                         "a whole study a few MB"),
    ".vtt": Limit("a subtitle transcript", 20, why="a three-hour WebVTT export with timings is about 0.5 MB"),
    ".srt": Limit("a subtitle transcript", 20, why="a three-hour SRT export with timings is about 0.5 MB"),
    ".docx": Limit("a Word transcript", 100, 300, 5_000,
                   why="a three-hour transcript is under 1 MB; pasted images can add tens of MB"),
    ".csv": Limit("a spreadsheet", 50, why="the study's tables have rows per person, challenge or coding: "
                                            "hundreds to thousands of rows, well under 5 MB"),
    ".xlsx": Limit("an Excel workbook", 50, 300, 5_000, why="as for .csv, with Excel's overhead"),
    ".yml": Limit("a settings file", 5, why="study.yml and codebook.yml are a few KB; a large codebook 100 KB"),
    ".yaml": Limit("a settings file", 5, why="as for .yml"),
    ".md": Limit("a Markdown file", 5, why="the researchers' analysis of a theme is a few KB of text"),
    ".qdc": Limit("a REFI-QDA codebook", 20, why="a codebook of a thousand codes is under 1 MB"),
    ".qdpx": Limit("a REFI-QDA project", 4_096, 4_096, 50_000, 200,
                   why="projects may carry their audio and video (a few GB), which are never read; project.qde "
                       "and the text sources read from it are a few MB"),
}
# A large member that expands more than this is a bomb, not a document: text and XML compress 5-20 times,
# media hardly at all, while a zip bomb's members expand hundreds to millions of times.
MAX_RATIO = 100
RATIO_FROM_MB = 10  # smaller members are not ratio-checked (tiny repetitive XML parts compress very well)
# The privacy gate's cap on one text member of an output archive (our own exports: the largest, a .qdpx
# export's project.qde, holds the study's segments, tens of MB); a larger one is reported as unreadable.
OUTPUT_MEMBER_MB = 500
CHUNK = MB  # zip members are inflated at most this much at a time
# Numbers typed into the study's spreadsheets.
MAX_VOTES = 10_000  # dots on one row of votes.csv: a workshop gives each person a handful
MAX_DURATION_MIN = 24 * 60  # an interview of more than a day is a typing error

_FIX = "open it in the program that made it and save or export it again"


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


def open_zip(file: str | Path | IO[bytes], path: Path) -> zipfile.ZipFile:
    """``file`` (read from ``path``) opened as a zip archive, once its central directory shows no more members,
    no more uncompressed bytes and no more compressed large member than ``path``'s kind allows.

    Nothing is inflated; ``zipfile.BadZipFile`` when ``file`` is not a zip archive.
    """
    archive = zipfile.ZipFile(file)
    try:
        _check_directory(archive.infolist(), path)
    except InputError:
        archive.close()
        raise
    return archive


def check_zip(file: str | Path | IO[bytes], path: Path) -> None:
    """Check a zip archive that another library will read whole: its directory (:func:`open_zip`), then every
    member streamed in bounded steps, to refuse one that holds more than the directory declares.

    A file that is not a zip archive passes: its reader says what it is.
    """
    try:
        archive = open_zip(file, path)
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    with archive:
        for info in archive.infolist():
            _inflate(archive, info, path, keep=False)


def read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, limit_mb: int | None = None) -> bytes:
    """The uncompressed bytes of one member of ``archive`` (opened from ``path``): refused when it declares more
    than ``limit_mb`` (default: the member limit of ``path``'s kind), and read in bounded steps, at most one
    byte more than it declares."""
    limit = limit_for(path)
    limit_mb = limit_mb if limit_mb is not None else limit.member_mb
    if info.file_size > limit_mb * MB:
        raise InputError(path, f"member {info.filename} expands to {_mb(info.file_size)}, more than the "
                         f"{limit_mb:,} MB one member of {limit.kind if limit else 'an archive'} may hold", fix=_FIX)
    return _inflate(archive, info, path, keep=True)


def _check_directory(infos: list[zipfile.ZipInfo], path: Path) -> None:
    limit = limit_for(path)
    if limit is None or limit.unpacked_mb is None:
        return
    if len(infos) > limit.members:
        raise InputError(path, f"holds {len(infos):,} files, more than the {limit.members:,} allowed for "
                         f"{limit.kind}", fix=_FIX)
    total = sum(i.file_size for i in infos)
    if total > limit.unpacked_mb * MB:
        raise InputError(path, f"expands to {_mb(total)}, more than the {limit.unpacked_mb:,} MB limit for "
                         f"{limit.kind} ({limit.why})", fix=_FIX)
    for info in infos:
        if info.file_size > RATIO_FROM_MB * MB and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise InputError(path, f"member {info.filename} expands {info.file_size // max(info.compress_size, 1):,} "
                             f"times (to {_mb(info.file_size)}): a compressed 'bomb', not a document", fix=_FIX)


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path, keep: bool) -> bytes:
    """Inflate ``info`` CHUNK bytes at a time, at most one byte more than it declares; its bytes when ``keep``.

    More bytes than declared is an InputError. zipfile checks the CRC where it stops reading, so such a member
    mostly shows as a CRC error, whose message names both possibilities.
    """
    declared = f"the {info.file_size:,} bytes the archive's directory declares"
    probe = copy.copy(info)
    probe.file_size += 1  # zipfile stops at the declared size: declare one byte more, to see whether it is there
    parts: list[bytes] = []
    size = 0
    try:
        with archive.open(probe) as member:
            while size <= info.file_size and (part := member.read(CHUNK)):
                size += len(part)
                if keep:
                    parts.append(part)
    except zipfile.BadZipFile as exc:
        raise InputError(path, f"member {info.filename} is damaged or holds more than {declared}", fix=_FIX) from exc
    except (zlib.error, EOFError, RuntimeError, NotImplementedError, OSError) as exc:
        raise InputError(path, f"member {info.filename} cannot be read ({exc})", fix=_FIX) from exc
    if size > info.file_size:
        raise InputError(path, f"member {info.filename} holds more than {declared}", fix=_FIX)
    return b"".join(parts)


def _mb(size: int) -> str:
    return f"{size / MB:,.1f} MB" if size < 1024 * MB else f"{size / 1024 / MB:,.1f} GB"
