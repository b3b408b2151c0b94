"""Stage 02's codings: rule-based coding of respondent segments, and manual codings read from ``codings/``.

Rule-based coding uses :class:`helpers.rules.RuleCoder`. Manual codings come from coding sheets
(``.csv``/``.xlsx``: a ``segment_id`` or a ``quote`` per row), Taguette highlight exports and REFI-QDA
projects (``.qdpx``). Both end up in one ``codings`` table (columns in docs/architecture.md).
"""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import refiqda
from .codebook import Codebook
from .errors import InputError
from .language import STEMMERS
from .rules import RuleCoder
from .study import Study
from .tables import ROW, read_table, require_columns
from .textio import normalise_text

CODING_COLUMNS = ["segment_id", "participant_id", "code_id", "theme_id", "coder", "source", "evidence"]
RULES_CODER = "rules"


def _languages(segments: pd.DataFrame, default: str) -> pd.Series:
    """Each segment's language (the codebook's language where empty); an unknown one is an error."""
    if "language" not in segments.columns:
        return pd.Series(default, index=segments.index)
    language = segments["language"].fillna("").astype(str).str.strip().str.lower().replace("", default)
    unknown = sorted(set(language) - set(STEMMERS))
    if unknown:
        raise InputError("segments", f"language '{unknown[0]}' has no stemmer",
                         fix=f"set the participants' language to one of {', '.join(STEMMERS)}")
    return language


def code_segments(segments: pd.DataFrame, codebook: Codebook | None, coder: str = RULES_CODER) -> pd.DataFrame:
    """Code every respondent segment with the codebook's rules: the ``rules`` rows of the codings table."""
    if codebook is None:
        return empty_codings()
    respondent = segments.loc[segments["speaker_role"] == "respondent"]
    rule_coder = RuleCoder(codebook)
    rows = []
    languages = _languages(respondent, codebook.language)
    for seg_id, pid, text, lang in zip(respondent["segment_id"], respondent["participant_id"],
                                       respondent["text"], languages):
        for code_id, evidence in rule_coder.code(str(text), lang).items():
            rows.append((seg_id, pid, code_id, codebook.codes[code_id].theme_id, coder, "rules", evidence))
    return order_codings(pd.DataFrame(rows, columns=CODING_COLUMNS), codebook)


def empty_codings() -> pd.DataFrame:
    """A codings table without rows (a study without codebook or codings)."""
    return pd.DataFrame({col: pd.Series(dtype="string") for col in CODING_COLUMNS})


def order_codings(codings: pd.DataFrame, codebook: Codebook | None) -> pd.DataFrame:
    """Sort by segment, then codebook order, then coder; one row per (segment, code, coder)."""
    if codings.empty:
        return empty_codings()
    order = {cid: i for i, cid in enumerate(codebook.codes)} if codebook else {}
    out = codings.drop_duplicates(["segment_id", "code_id", "coder"])
    out = out.assign(_order=out["code_id"].map(order).fillna(len(order)))
    out = out.sort_values(["segment_id", "_order", "coder"], kind="stable").drop(columns="_order")
    return out.reset_index(drop=True).astype("string")


# ---- manual codings ------------------------------------------------------------------------------

SHEET_SUFFIXES = (".csv", ".xlsx")
TAGUETTE_COLUMNS = ("document", "tag", "content")
_PUNCT_FOLD = str.maketrans({"’": "'", "‘": "'", "´": "'", "“": '"', "”": '"', "„": '"', "»": '"',
                             "«": '"', "–": "-", "—": "-", "\u00a0": " "})


@dataclass
class Mark:
    """One manual coding before it is placed on segments: by segment id, by quote, or by text span."""

    file: Path
    where: str
    participant_id: str
    code_id: str
    coder: str
    segment_id: str = ""
    quote: str = ""
    span: tuple[int, int] | None = None  # a REFI-QDA selection, in the normalised source text
    source_text: str | None = None


def coding_files(codings_dir: str | Path | None) -> list[Path]:
    """The coding files in ``codings/`` (hidden files and Excel lock files skipped); others are an error."""
    if codings_dir is None or not Path(codings_dir).is_dir():
        return []
    files = [f for f in sorted(Path(codings_dir).iterdir())
             if f.is_file() and not f.name.startswith((".", "~$"))]
    for file in files:
        if file.suffix.lower() not in SHEET_SUFFIXES + (".qdpx",):
            raise InputError(file, f"is not a coding file (unsupported extension '{file.suffix}')",
                             fix="codings/ takes .csv/.xlsx coding sheets, Taguette CSV exports and .qdpx projects; "
                                 "move other files out")
    return files


def _resolve_code(codebook: Codebook, name: str, file: Path, where: str) -> str:
    if not name:
        raise InputError(file, "the code is empty", where=where, fix="write a code id or label")
    try:
        return codebook.resolve(name).id
    except LookupError as exc:
        close = difflib.get_close_matches(name, list(codebook.codes) + [c.label for c in codebook.codes.values()], 3)
        hint = (f"did you mean {' or '.join(repr(c) for c in close)}?" if close
                else "see the codebook for ids and labels")
        raise InputError(file, str(exc), where=where, fix=hint) from exc


def participant_in(name: str, participant_ids: list[str]) -> str | None:
    """The participant whose id occurs in ``name`` as a whole token (``P1`` is not found in ``P10``)."""
    hits = [pid for pid in participant_ids
            if re.search(rf"(?<![A-Za-z0-9]){re.escape(pid)}(?![0-9])", name, re.IGNORECASE)]
    return max(hits, key=len) if hits else None


def _check_participant(pid: str, participant_ids: list[str], file: Path, where: str) -> None:
    if pid not in participant_ids:
        raise InputError(file, f"unknown participant '{pid}'", where=where,
                         fix=f"use one of the study's participant ids ({', '.join(participant_ids[:6])} ...)")


def _sheet_marks(file: Path, codebook: Codebook, participant_ids: list[str]) -> list[Mark]:
    """A coding sheet (participant_id; segment_id or quote; code; coder) or a Taguette highlight export."""
    df = read_table(file)
    taguette = all(c in df.columns for c in TAGUETTE_COLUMNS)
    if not taguette:
        require_columns(df, file, ["code"] + ([] if "segment_id" in df.columns else ["participant_id", "quote"]))
    marks = []
    for rec in df.to_dict("records"):
        where = f"row {rec[ROW]}"
        coder = rec.get("coder", "") or file.stem
        if taguette:
            pid = participant_in(rec["document"], participant_ids)
            if pid is None:
                raise InputError(file, f"document '{rec['document']}' names no participant of the study",
                                 where=where, fix="name each Taguette document after its participant id, e.g. P01")
            quote = html.unescape(re.sub(r"<[^>]+>", " ", rec["content"]))
            marks.append(Mark(file, where, pid, _resolve_code(codebook, rec["tag"], file, where), coder, quote=quote))
            continue
        segment_id, quote = rec.get("segment_id", ""), rec.get("quote", "")
        pid = rec.get("participant_id", "") or segment_id.rsplit("-", 1)[0]
        if not segment_id and not quote:
            raise InputError(file, "neither segment_id nor quote is filled in", where=where,
                             fix="give the segment id, or copy a short quote from the segment")
        _check_participant(pid, participant_ids, file, where)
        marks.append(Mark(file, where, pid, _resolve_code(codebook, rec["code"], file, where), coder,
                          segment_id=segment_id, quote=quote))
    return marks


def _qdpx_marks(file: Path, codebook: Codebook, participant_ids: list[str]) -> list[Mark]:
    """The coded selections of a REFI-QDA project; codings by this pipeline's rule coder are skipped."""
    marks = []
    for sel in refiqda.read_qdpx(file):
        if sel.automatic:
            continue
        names = (sel.source_name, Path(sel.source_path.replace("\\", "/")).name) + sel.case_names
        pid = next((p for p in (participant_in(n, participant_ids) for n in names) if p), None)
        if pid is None:
            raise InputError(file, f"source '{sel.source_name}' names no participant of the study",
                             where=f"PlainTextSelection {sel.guid}",
                             fix="name each source (or its case) after its participant id, e.g. P01")
        # The participant id, not the source's name: sources are often named after the interviewee, and
        # ``where`` ends up in the evidence column.
        where = f"PlainTextSelection {sel.guid} in the source of {pid}"
        if sel.source_text is None:  # positions in a text we cannot see cannot be checked
            raise InputError(file, f"the text of source '{sel.source_name}' is not in the archive", where=where,
                             fix="export the project again with its sources included")
        code_id = sel.code_id if sel.code_id in codebook.codes else _resolve_code(codebook, sel.code_name, file, where)
        marks.append(Mark(file, where, pid, code_id, sel.coder, span=(sel.start, sel.end), source_text=sel.source_text))
    return marks


def read_marks(codings_dir: str | Path | None, codebook: Codebook | None, participant_ids: list[str]) -> list[Mark]:
    """Every manual coding in ``codings/``, with codes and participants checked (no segments needed)."""
    files = coding_files(codings_dir)
    if files and codebook is None:
        raise InputError(files[0], "is a coding file, but the study has no codebook",
                         fix="add codebook.yml (see docs/codebook.md) or codebook.qdc to the study folder")
    marks: list[Mark] = []
    for file in files:
        read = _qdpx_marks if file.suffix.lower() == ".qdpx" else _sheet_marks
        marks += read(file, codebook, participant_ids)
    return marks


def validate_codings(study: Study, codebook: Codebook | None) -> None:
    """Check the coding files before any notebook runs: readable, known codes and participants.

    Whether quotes and segment ids exist is checked in stage 02, which has the segments.
    """
    read_marks(study.codings_dir, codebook, list(study.participants["participant_id"]))


class ParticipantTexts:
    """The participants' pseudonymised documents and their segments, for placing manual codings."""

    def __init__(self, segments: pd.DataFrame, documents: pd.DataFrame) -> None:
        self.segments = segments.set_index("segment_id", drop=False)
        self.docs = dict(zip(documents["participant_id"], documents["text"]))
        self.by_participant = {pid: g for pid, g in segments.groupby("participant_id", sort=False)}
        self._folded: dict[str, tuple[str, list[int]]] = {}

    def folded(self, pid: str) -> tuple[str, list[int]]:
        if pid not in self._folded:
            self._folded[pid] = fold(self.docs.get(pid, ""))
        return self._folded[pid]

    def overlapping(self, pid: str, start: int, end: int, respondent_only: bool = False) -> list[str]:
        segs = self.by_participant.get(pid, self.segments.iloc[0:0])
        hit = (segs["char_start"].astype(int) < end) & (segs["char_end"].astype(int) > start)
        if respondent_only:
            hit &= segs["speaker_role"] == "respondent"
        return list(segs.loc[hit, "segment_id"])

    def occurrences(self, pid: str, quote: str) -> list[tuple[int, int]]:
        """Where ``quote`` occurs in the participant's document (whitespace, case and typographic quotes ignored)."""
        text, index = self.folded(pid)
        needle = fold(quote)[0].strip().strip("\"'").strip()  # quote marks around a pasted quote
        spans, pos = [], text.find(needle) if needle else -1
        while pos >= 0:
            spans.append((index[pos], index[pos + len(needle) - 1] + 1))
            pos = text.find(needle, pos + 1)
        return spans


def fold(text: str) -> tuple[str, list[int]]:
    """``text`` NFC, lower case, with one space for any whitespace run; and each folded char's position."""
    chars, index = [], []
    for i, ch in enumerate(normalise_text(text).translate(_PUNCT_FOLD)):
        if ch.isspace():
            if chars and chars[-1] == " ":
                continue
            ch = " "
        low = ch.lower()
        chars.append(low if len(low) == 1 else ch)
        index.append(i)
    return "".join(chars), index


def place_quote(mark: Mark, texts: ParticipantTexts) -> list[str]:
    """The segments a manual coding lands on; InputError when its segment or quote is not there."""
    if mark.segment_id:
        if mark.segment_id not in texts.segments.index:
            raise InputError(mark.file, f"segment_id '{mark.segment_id}' is not a segment of the study",
                             where=mark.where, fix="segment ids look like P01-007; see data/processed/segments.csv")
        if texts.segments.at[mark.segment_id, "participant_id"] != mark.participant_id:
            raise InputError(mark.file, f"segment '{mark.segment_id}' belongs to another participant than "
                             f"'{mark.participant_id}'", where=mark.where, fix="check participant_id or segment_id")
        return [mark.segment_id]
    if mark.span is not None and mark.source_text == texts.docs.get(mark.participant_id):
        return texts.overlapping(mark.participant_id, *mark.span)
    quote = mark.quote or mark.source_text[mark.span[0]:mark.span[1]]
    if not quote.strip():
        return []
    spans = texts.occurrences(mark.participant_id, quote)
    if mark.span is not None and spans:  # a selection in a differing source text: the nearest occurrence
        spans = [min(spans, key=lambda s: abs(s[0] - mark.span[0]))]
    if not spans:
        raise InputError(mark.file, f"quote \"{_excerpt(quote)}\" is not in {mark.participant_id}'s pseudonymised "
                         "text", where=mark.where,
                         fix="copy the quote from data/processed/segments.csv, where names are replaced")
    placed = {tuple(texts.overlapping(mark.participant_id, *s, respondent_only=True)) for s in spans} - {()}
    if len(placed) > 1:
        raise InputError(mark.file, f"quote \"{_excerpt(quote)}\" occurs {len(spans)} times in "
                         f"{mark.participant_id}'s answers", where=mark.where,
                         fix="make the quote longer so it occurs once, or give the segment_id")
    return list(placed.pop()) if placed else texts.overlapping(mark.participant_id, *spans[0])


def _excerpt(text: str, length: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[:length - 1] + "…"


def read_manual_codings(codings_dir: str | Path | None, segments: pd.DataFrame, documents: pd.DataFrame,
                        codebook: Codebook | None) -> pd.DataFrame:
    """The manual rows of the codings table: every coding file in ``codings/`` placed on segments."""
    marks = read_marks(codings_dir, codebook, list(dict.fromkeys(segments["participant_id"])))
    texts = ParticipantTexts(segments, documents)
    rows = []
    for mark in marks:
        evidence = (f"{mark.file.name}: \"{_excerpt(mark.quote, 120)}\"" if mark.quote
                    else f"{mark.file.name}, {mark.where}")
        for segment_id in place_quote(mark, texts):
            rows.append((segment_id, mark.participant_id, mark.code_id, codebook.codes[mark.code_id].theme_id,
                         mark.coder, "manual", evidence))
    return order_codings(pd.DataFrame(rows, columns=CODING_COLUMNS), codebook)
