"""Reading the study's spreadsheets (CSV as Swedish Excel writes them, or .xlsx) and writing result tables."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Iterable

import pandas as pd

from . import catalog
from .errors import InputError
from .records import note_written
from .limits import check_size, check_zip
from .textio import normalise_text, read_text

RESPONDENT = "respondent"  # the speaker_role of the segments that are coded and quoted (never an interviewer's)
ROW = "_row"  # column holding the 1-based line/row number of each record in its file, for error messages


def find_table(folder: Path, stem: str) -> Path | None:
    """Return ``folder/stem.csv`` or ``folder/stem.xlsx`` (whichever exists), else None."""
    for suffix in (".csv", ".xlsx"):
        candidate = folder / f"{stem}{suffix}"
        if candidate.exists():
            return candidate
    return None


def read_table(path: str | Path, optional: Iterable[str] = ()) -> pd.DataFrame:
    """Read a CSV (comma or semicolon, UTF-8 with/without BOM or Windows-1252) or the first sheet of an .xlsx.

    Every cell comes back as a stripped string ("" when empty); column names are lower-cased and
    stripped; column ``_row`` holds the row number a spreadsheet program shows (header = 1). Of the
    ``optional`` columns of the file's contract, one that is present but wholly empty is dropped
    (see :func:`drop_empty_columns`), so that readers treat it exactly as an absent column.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(path, "is missing", fix="add the file or check the study folder path")
    if path.suffix.lower() == ".xlsx":
        check_size(path)
        check_zip(path, path)
        try:
            df = pd.read_excel(path, sheet_name=0, dtype=object, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many types for a broken workbook
            raise InputError(path, f"is not a readable Excel workbook ({type(exc).__name__})",
                             fix="save it again from Excel as .xlsx, or as CSV") from exc
        df = df.apply(lambda col: col.map(_excel_cell))
    elif path.suffix.lower() == ".csv":
        text, _ = read_text(path)
        if not text.strip():
            raise InputError(path, "is empty", fix="add a header row and data, or remove the file")
        first_line = text.split("\n", 1)[0]
        try:
            sep = csv.Sniffer().sniff(first_line, delimiters=";,\t").delimiter
        except csv.Error:
            sep = ","
        try:
            # Blank lines are kept (and dropped below) so that row numbers stay those a spreadsheet shows.
            df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                             skip_blank_lines=False)
        except pd.errors.ParserError as exc:
            raise InputError(path, f"is not a well-formed CSV ({exc})",
                             fix="check that every row has as many separators as the header") from exc
    else:
        raise InputError(path, f"has an unsupported extension '{path.suffix}'", fix="use .csv or .xlsx")
    df.columns = [str(c).strip().lower() for c in df.columns]
    df = df.fillna("").astype(str).apply(lambda col: col.str.strip())
    df = df.loc[~(df == "").all(axis=1)].copy()
    df[ROW] = df.index + 2
    return drop_empty_columns(df.reset_index(drop=True), optional)


def drop_empty_columns(df: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """``df`` without those of ``columns`` that are present but have no filled cell.

    A spreadsheet keeps a header whose cells nobody filled in; for an optional column that means the same
    as no column (docs/data.md). A table without rows keeps its columns: no row says they are empty.
    """
    if df.empty:
        return df
    empty = [c for c in columns if c in df.columns and df[c].fillna("").astype(str).str.strip().eq("").all()]
    return df.drop(columns=empty)


def _excel_cell(value: object) -> str:
    """An Excel cell as the text a researcher typed: dates as YYYY-MM-DD, whole numbers without '.0'."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return normalise_text(str(value))  # NFC, as every text the pipeline reads


def require_columns(df: pd.DataFrame, path: Path, required: Iterable[str]) -> None:
    """Raise InputError naming the missing required columns."""
    missing = [c for c in required if c not in df.columns]
    if missing:
        found = ", ".join(c for c in df.columns if c != ROW) or "none"
        raise InputError(path, f"lacks the required column(s) {', '.join(missing)} (found: {found})",
                         where="header row", fix="rename or add the column(s) in the header")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a cell starting so is a formula to a spreadsheet program
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?(?:[eE][+-]?\d+)?")


def excel_safe(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with every text cell that a spreadsheet would run as a formula ("=HYPERLINK(...)", "@SUM")
    prefixed with an apostrophe, which Excel and LibreOffice show as text; numbers written as text stay."""
    def safe(value: object) -> object:
        if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
            return "'" + value
        return value
    text = [c for c in df.columns if df[c].dtype == object or pd.api.types.is_string_dtype(df[c])]
    return df.assign(**{c: df[c].map(safe) for c in text}) if text else df


def write_table(df: pd.DataFrame, folder: str | Path, name: str) -> Path:
    """Write table ``name`` of the catalogue as ``name.parquet`` and ``name.csv`` (UTF-8 with BOM) in ``folder``.

    The table is first made to match its catalogue entry (:func:`helpers.core.catalog.conform`: declared
    columns in order, declared types). The Parquet file holds the table as it is (the stages read it); the CSV,
    which researchers open in a spreadsheet program, holds no cell that the program would run as a formula
    (:func:`excel_safe`).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    df = catalog.conform(df.drop(columns=[ROW], errors="ignore"), name)
    df.to_parquet(folder / f"{name}.parquet", index=False)
    excel_safe(df).to_csv(folder / f"{name}.csv", index=False, encoding="utf-8-sig")
    for suffix in (".parquet", ".csv"):
        note_written(folder / f"{name}{suffix}")
    return folder / f"{name}.parquet"


def read_processed(processed_dir: str | Path, name: str, optional: bool = False) -> pd.DataFrame | None:
    """Table ``name`` as an earlier stage wrote it (``name.parquet`` in ``processed_dir``), its columns checked.

    A missing table is None when ``optional`` (a stage that writes it only sometimes, see its ``when`` in the
    catalogue); a missing required one is an InputError naming the stage that writes it.
    """
    path = Path(processed_dir) / f"{name}.parquet"
    entry = catalog.table(name)
    if not path.exists():
        if optional:
            return None
        raise InputError(path, f"is missing: stage {entry.stage} has not written it into this output folder",
                         fix="run the notebooks before this one first; make report (python -m helpers.pipeline) "
                             "runs them all in order")
    try:
        df = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for a broken file
        raise InputError(path, f"is not a readable Parquet table ({type(exc).__name__})",
                         fix=f"run stage {entry.stage} again to rewrite it") from exc
    require_columns(df, path, entry.columns)
    return df


def respondent_segments(segments: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """The segments in which a participant (not the interviewer) speaks; only ``columns`` when given
    (selecting them first avoids copying the text columns of a large table)."""
    rows = segments["speaker_role"].eq(RESPONDENT).to_numpy()
    return segments.loc[rows, columns or list(segments.columns)].reset_index(drop=True)
