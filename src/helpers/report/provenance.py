"""Provenance of a report: which code, parameters, inputs and packages made it."""

from __future__ import annotations

import datetime as dt
import hashlib
import platform
import subprocess
from importlib import metadata
from pathlib import Path

import pandas as pd

from ..core.i18n import ENGLISH, Messages

REPORTED_PACKAGES = ("pandas", "matplotlib", "seaborn", "papermill", "nbconvert", "scikit-learn", "scipy",
                     "krippendorff", "snowballstemmer", "python-docx", "webvtt-py", "mistune", "weasyprint", "helpers")


def file_hashes(folder: str | Path, names: dict[str, str] | None = None) -> pd.DataFrame:
    """SHA-256 (first 16 hex digits) of every input file, so a reader can tell which data made the report.

    ``names`` maps a file's path (relative to ``folder``) to the name shown: transcripts are shown by
    participant id, since a file name may carry a real name.
    """
    folder, names = Path(folder), names or {}
    rows = []
    for p in sorted(folder.rglob("*")):
        if p.is_file() and not p.name.startswith("."):
            rel = p.relative_to(folder).as_posix()
            rows.append({"file": names.get(rel, rel), "bytes": p.stat().st_size,
                         "sha256": hashlib.sha256(p.read_bytes()).hexdigest()[:16]})
    return pd.DataFrame(rows, columns=["file", "bytes", "sha256"])


def shown_input_names(study_root: Path, participants: pd.DataFrame) -> dict[str, str]:
    """Names under which input files appear in the report: transcripts by participant id, coding files numbered."""
    names = {Path(p).relative_to(study_root).as_posix(): f"interviews/{pid}{Path(p).suffix.lower()}"
             for pid, p in zip(participants["participant_id"], participants["transcript_path"])}
    codings = sorted(p for p in (study_root / "codings").glob("*") if p.is_file()) if (study_root / "codings").is_dir() else []
    names.update({p.relative_to(study_root).as_posix(): f"codings/{i}{p.suffix.lower()}"
                  for i, p in enumerate(codings, start=1)})
    return names


def git_commit(project: Path, m: Messages = ENGLISH) -> str:
    """The project's git commit (with '+changes' when the work tree differs), or 'unknown'."""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=project, capture_output=True,
                                text=True, timeout=120, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=project,
                               capture_output=True, text=True, timeout=120).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return m("provenance.unknown")
    return commit + (m("provenance.dirty") if dirty else "")


def package_versions(m: Messages = ENGLISH) -> pd.DataFrame:
    """Versions of the packages that shape the results."""
    rows = []
    for name in REPORTED_PACKAGES:
        try:
            rows.append({"package": name, "version": metadata.version(name)})
        except metadata.PackageNotFoundError:
            rows.append({"package": name, "version": m("provenance.not_installed")})
    rows.append({"package": "python", "version": platform.python_version()})
    return pd.DataFrame(rows)


def provenance(project: Path, parameters: dict, m: Messages = ENGLISH) -> pd.DataFrame:
    """Commit, run date and parameters as a two-column table."""
    rows = [(m("provenance.commit"), git_commit(project, m)),
            (m("provenance.run_date"), dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"))]
    rows += [(m("provenance.parameter", name=k), str(v)) for k, v in parameters.items()]
    return pd.DataFrame(rows, columns=["item", "value"])
