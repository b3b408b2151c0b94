"""The study-folder contract: what a study folder holds, loaded and validated before any notebook runs.

See docs/data.md for the contract in prose. Every problem raises :class:`InputError` naming the file,
the row or field, and what to do.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath

import pandas as pd

from .config import StudyConfig, load_config
from .errors import InputError
from .limits import MAX_DURATION_MIN
from .tables import ROW, find_table, read_table, require_columns

TRANSCRIPT_SUFFIXES = (".txt", ".docx", ".vtt", ".srt")
PARTICIPANT_REQUIRED = ("participant_id", "organisation", "role")
PARTICIPANT_OPTIONAL = ("interview_date", "interviewer", "duration_min", "language", "name", "transcript", "layout")
LAYOUT_CHOICES = ("labelled", "alternating-interviewer-first", "alternating-respondent-first", "respondent-only")


@dataclass
class Study:
    """A validated study folder."""

    root: Path
    config: StudyConfig
    participants: pd.DataFrame  # one row per participant, with column `transcript_path`
    participants_file: Path
    pseudonyms: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["original", "replacement"]))

    @property
    def workshop_dir(self) -> Path | None:
        folder = self.root / "workshop"
        return folder if folder.is_dir() else None

    @property
    def codings_dir(self) -> Path | None:
        folder = self.root / "codings"
        return folder if folder.is_dir() else None

    @property
    def organisations(self) -> list[str]:
        """The members in study.yml order, else the organisations of the participants."""
        if self.config.members:
            return list(self.config.members)
        return list(dict.fromkeys(self.participants["organisation"]))


def _check_date(value: str, path: Path, row: int) -> None:
    try:
        dt.date.fromisoformat(value)
    except ValueError as exc:
        raise InputError(path, f"interview_date '{value}' is not a date in the form YYYY-MM-DD",
                         where=f"row {row}", fix="write the date as for example 2026-02-03") from exc


def load_participants(root: Path, config: StudyConfig) -> tuple[pd.DataFrame, Path]:
    """Read and validate ``participants.csv``/``.xlsx`` and locate each transcript."""
    path = find_table(root, "participants")
    if path is None:
        raise InputError(root / "participants.csv", "is missing",
                         fix="every study folder needs participants.csv (or .xlsx); see docs/data.md")
    df = read_table(path, optional=PARTICIPANT_OPTIONAL)
    require_columns(df, path, PARTICIPANT_REQUIRED)
    if df.empty:
        raise InputError(path, "has no participant rows", fix="add one row per interviewed participant")
    for col in PARTICIPANT_OPTIONAL:
        if col not in df.columns:
            df[col] = ""
    seen: dict[str, int] = {}
    interviews = root / "interviews"
    transcript_paths: list[str] = []
    used: dict[Path, str] = {}  # each transcript file (resolved) and its participant
    for rec in df.to_dict("records"):
        row, pid = rec[ROW], rec["participant_id"]
        for col in PARTICIPANT_REQUIRED:
            if not rec[col]:
                raise InputError(path, f"{col} is empty", where=f"row {row}", fix=f"fill in {col}")
        if pid in seen:
            raise InputError(path, f"duplicate participant_id '{pid}' (also on row {seen[pid]})",
                             where=f"row {row}", fix="give every participant a unique id")
        seen[pid] = row
        if config.members and rec["organisation"] not in config.members:
            raise InputError(path, f"organisation '{rec['organisation']}' is not a member listed in study.yml",
                             where=f"row {row}", fix=f"use one of: {', '.join(config.members)}")
        if rec["interview_date"]:
            _check_date(rec["interview_date"], path, row)
        if rec["duration_min"]:
            try:
                if not 0 <= float(rec["duration_min"].replace(",", ".")) <= MAX_DURATION_MIN:  # NaN fails too
                    raise ValueError
            except ValueError as exc:
                raise InputError(path, f"duration_min '{rec['duration_min']}' is not a number of minutes from 0 "
                                 f"to {MAX_DURATION_MIN}", where=f"row {row}",
                                 fix="write the interview's length in minutes, e.g. 55") from exc
        if rec["language"] and rec["language"] not in ("sv", "en"):
            raise InputError(path, f"language '{rec['language']}' is not 'sv' or 'en'", where=f"row {row}")
        if rec["layout"] and rec["layout"].strip().lower() not in LAYOUT_CHOICES:
            raise InputError(path, f"layout '{rec['layout']}' is not a transcript layout", where=f"row {row}",
                             fix=f"write one of {', '.join(LAYOUT_CHOICES)}, or leave it empty to detect it")
        transcript = _locate_transcript(interviews, rec, path)
        if transcript.resolve() in used:
            raise InputError(path, f"transcript {transcript.name} of {pid} is also the transcript of "
                             f"{used[transcript.resolve()]}", where=f"row {row}",
                             fix="give each participant their own transcript file (one interview, one file)")
        used[transcript.resolve()] = pid
        transcript_paths.append(str(transcript))
    df["transcript_path"] = transcript_paths
    df["duration_min"] = pd.to_numeric(df["duration_min"].str.replace(",", "."), errors="coerce")
    df["language"] = df["language"].replace("", config.language)
    _check_orphans(interviews, df, path)
    return df, path


def inside(root: Path, folder: Path, name: str, source: Path, where: str) -> Path:
    """``name`` (a file name in ``folder``, read from ``source`` at ``where``) as a path inside the study folder
    ``root``.

    The study folder is a boundary: a name may not be absolute, may not climb out with ``..``, and may not be a
    symbolic link that resolves outside ``root``; anything else would read (and publish) a file the study
    does not hold.
    """
    if PurePosixPath(name).is_absolute() or PureWindowsPath(name).is_absolute() or PureWindowsPath(name).drive:
        raise InputError(source, f"'{name}' is an absolute path", where=where,
                         fix=f"name the file relative to its folder in {root}, and keep it inside the study folder")
    if ".." in PureWindowsPath(name).parts:
        raise InputError(source, f"'{name}' points outside its folder ('..')", where=where,
                         fix=f"copy the file into {root} and name it without '..'")
    return _resolved_inside(root, folder / name, source, where)


def _resolved_inside(root: Path, path: Path, source: Path, where: str) -> Path:
    """``path``, checked to resolve (following symbolic links) inside ``root``."""
    target = path.resolve()
    if not target.is_relative_to(root.resolve()):
        raise InputError(source, f"{path.relative_to(root) if path.is_relative_to(root) else path} resolves to "
                         f"{target}, outside the study folder", where=where,
                         fix=f"copy the file into {root} instead of linking to it")
    return path


def check_links(root: Path) -> None:
    """Every symbolic link below the study folder resolves inside it (a link to ``/home/x/secret.txt`` in
    ``interviews/`` would otherwise be read as a transcript)."""
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder) / name
            if path.is_symlink():
                _resolved_inside(root, path, path, "a symbolic link")


def _locate_transcript(interviews: Path, rec: dict, participants_path: Path) -> Path:
    row, pid = rec[ROW], rec["participant_id"]
    if rec["transcript"]:
        candidate = inside(interviews.parent, interviews, rec["transcript"], participants_path,
                           f"row {row}, column transcript")
        if not candidate.exists():
            raise InputError(participants_path, f"transcript '{rec['transcript']}' for {pid} is not in {interviews}",
                             where=f"row {row}", fix="check the file name in the transcript column")
        if candidate.suffix.lower() not in TRANSCRIPT_SUFFIXES:
            raise InputError(candidate, f"has an unsupported extension '{candidate.suffix}'",
                             fix=f"export it as one of {', '.join(TRANSCRIPT_SUFFIXES)}")
        return candidate
    found = [interviews / f"{pid}{s}" for s in TRANSCRIPT_SUFFIXES if (interviews / f"{pid}{s}").exists()]
    if not found:
        others = sorted(p.name for p in interviews.glob(f"{pid}.*")) if interviews.is_dir() else []
        if others:
            raise InputError(interviews / others[0], f"has an unsupported extension '{Path(others[0]).suffix}'",
                             fix=f"export it as one of {', '.join(TRANSCRIPT_SUFFIXES)}")
        raise InputError(participants_path, f"no transcript for participant {pid} in {interviews}",
                         where=f"row {row}",
                         fix=f"add {pid}.txt/.docx/.vtt/.srt or name the file in a 'transcript' column")
    if len(found) > 1:
        raise InputError(participants_path, f"participant {pid} has several transcripts: "
                         f"{', '.join(p.name for p in found)}", where=f"row {row}",
                         fix="keep one, or name the file in a 'transcript' column")
    return found[0]


def _check_orphans(interviews: Path, df: pd.DataFrame, participants_path: Path) -> None:
    """A transcript that no participant row points to is an error: it may be an unknown participant."""
    if not interviews.is_dir():
        return
    used = {Path(p).name for p in df["transcript_path"]}
    for file in sorted(interviews.iterdir()):
        if file.name.startswith(".") or file.is_dir() or file.name in used:
            continue
        raise InputError(file, "is not the transcript of any participant in " + participants_path.name,
                         fix="add its participant to the participants file, or move the file out of interviews/")


def load_pseudonyms(root: Path) -> pd.DataFrame:
    """Read ``pseudonyms.csv`` (optional): other names to hide, with their replacements."""
    path = find_table(root, "pseudonyms")
    if path is None:
        return pd.DataFrame(columns=["original", "replacement", ROW])
    df = read_table(path)
    require_columns(df, path, ("original", "replacement"))
    for rec in df.to_dict("records"):
        if not rec["original"] or not rec["replacement"]:
            raise InputError(path, "original and replacement must both be filled in", where=f"row {rec[ROW]}")
    return df


def load_study(data_dir: str | Path) -> Study:
    """Load and validate the study folder's metadata (participants, pseudonyms, study.yml)."""
    root = Path(data_dir).resolve()  # messages name files by full path, whatever the working directory
    if not root.is_dir():
        raise InputError(root, "is not a folder", fix="pass the study folder with --data-dir")
    check_links(root)
    config = load_config(root)
    participants, path = load_participants(root, config)
    return Study(root=root, config=config, participants=participants, participants_file=path,
                 pseudonyms=load_pseudonyms(root))
