"""Stage 02's codings: rule-based coding of respondent segments, and manual codings read from ``codings/``.

Rule-based coding uses :class:`helpers.coding.rules.RuleCoder`. Manual codings come from coding sheets
(``.csv``/``.xlsx``: a ``segment_id`` or a ``quote`` per row), Taguette highlight exports (CSV or xlsx),
MAXQDA's coded-segments text export (with its code system) and REFI-QDA projects (``.qdpx``). Every quote,
highlight, coded segment and selection is placed by one aligner (:mod:`helpers.coding.align`); what cannot be placed
is listed, not fatal (``codings_unplaced``), and each file's placement rate is counted (``codings_sources``).
Both kinds of coding end up in one ``codings`` table (columns in docs/architecture.md).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from ..core import catalog
from ..core.errors import InputError
from ..core.language import STEMMERS
from ..core.study import Study
from ..core.tables import RESPONDENT, ROW, read_table, require_columns, respondent_segments
from ..core.text import excerpt
from ..core.textio import read_text
from ..interviews.segments import CleaningRules
from .align import Aligner, Placement, outside_answers, plain
from .codebook import Codebook, load_codebook
from .qda import maxqda, refiqda
from .rules import RuleCoder

CODING_COLUMNS = catalog.columns("codings")
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
    respondent = respondent_segments(segments)
    rule_coder = RuleCoder(codebook)
    rows = []
    languages = _languages(respondent, codebook.language)
    for seg_id, pid, text, lang in zip(respondent["segment_id"], respondent["participant_id"],
                                       respondent["text"], languages):
        for code_id, evidence in rule_coder.code(str(text), lang).items():
            rows.append((seg_id, pid, code_id, codebook.codes[code_id].theme_id, coder, "rules", evidence, "", "", ""))
    return order_codings(pd.DataFrame(rows, columns=CODING_COLUMNS), codebook)


def empty_codings() -> pd.DataFrame:
    """A codings table without rows (a study without codebook or codings)."""
    return catalog.empty("codings")


def order_codings(codings: pd.DataFrame, codebook: Codebook | None) -> pd.DataFrame:
    """Sort by segment, then codebook order, then coder; one row per (segment, code, coder)."""
    if codings.empty:
        return empty_codings()
    order = {cid: i for i, cid in enumerate(codebook.codes)} if codebook else {}
    out = codings.drop_duplicates(["segment_id", "code_id", "coder"])
    out = out.assign(_order=out["code_id"].map(order).fillna(len(order)))
    out = out.sort_values(["segment_id", "_order", "coder"], kind="stable").drop(columns="_order")
    return out.reset_index(drop=True).astype("string")


# ---- manual codings: the files ------------------------------------------------------------------

SHEET, TAGUETTE, MAXQDA, QDPX = "sheet", "taguette", "maxqda", "qdpx"  # the kinds of coding file
SUFFIXES = (".csv", ".xlsx", ".qdpx", ".txt")
TAGUETTE_COLUMNS = ("document", "tag", "content")
UNPLACED_COLUMNS = catalog.columns("codings_unplaced")
SOURCES_COLUMNS = catalog.columns("codings_sources")
_TXT_FIX = "a text file in codings/ must be MAXQDA's code-system or coded-segments export; move other files out"


@dataclass
class Mark:
    """One manual coding before it is placed on segments: by segment id, by quote, or by a selection's span."""

    file: Path
    where: str
    participant_id: str
    code_id: str
    coder: str
    kind: str  # SHEET, TAGUETTE, MAXQDA or QDPX
    segment_id: str = ""
    quote: str = ""
    span: tuple[int, int] | None = None  # a REFI-QDA selection, in the normalised source text
    source_text: str | None = None

    @property
    def text(self) -> str:
        """What the coding quotes: its quote, or the selected part of its source's text."""
        return self.quote if self.span is None else self.source_text[self.span[0]:self.span[1]]


def coding_files(codings_dir: str | Path | None) -> list[Path]:
    """The coding files in ``codings/`` (hidden files and Excel lock files skipped); others are an error."""
    if codings_dir is None or not Path(codings_dir).is_dir():
        return []
    files = [f for f in sorted(Path(codings_dir).iterdir())
             if f.is_file() and not f.name.startswith((".", "~$"))]
    for file in files:
        if file.suffix.lower() not in SUFFIXES:
            raise InputError(file, f"is not a coding file (unsupported extension '{file.suffix}')",
                             fix="codings/ takes .csv/.xlsx coding sheets and Taguette exports, MAXQDA's text "
                                 "exports (.txt) and .qdpx projects; move other files out")
    return files


def maxqda_export(file: Path) -> str:
    """Which MAXQDA export a ``.txt`` in codings/ is (:data:`helpers.coding.qda.maxqda.CODE_SYSTEM` or
    ``CODED_SEGMENTS``)."""
    kind = maxqda.export_kind(read_text(file)[0])
    if kind is None:
        raise InputError(file, "is not a MAXQDA export (its first lines are not 'Code System' or 'Coded Segments' "
                         "with MAXQDA's column header)", fix=_TXT_FIX)
    return kind


def _maxqda_files(files: list[Path], kind: str) -> list[Path]:
    return [f for f in files if f.suffix.lower() == ".txt" and maxqda_export(f) == kind]


def study_codebook(study: Study) -> Codebook | None:
    """The study's codebook: ``codebook.yml``/``.qdc``, else the MAXQDA code system in ``codings/``, else None.

    A MAXQDA code system is read with the coded-segments exports beside it, which give its codes' names and
    nesting (see :func:`helpers.coding.qda.maxqda.read_code_system`). With a codebook of its own the study ignores it.
    """
    codebook = load_codebook(study.root)
    files = coding_files(study.codings_dir)
    systems = _maxqda_files(files, maxqda.CODE_SYSTEM) if codebook is None else []
    if len(systems) > 1:
        raise InputError(systems[1], f"is a second MAXQDA code system next to {systems[0].name}",
                         fix="keep one code system in codings/, or add codebook.yml to the study folder")
    if systems:
        return maxqda.read_code_system(systems[0], *_maxqda_files(files, maxqda.CODED_SEGMENTS))
    return codebook


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


SHEET_OPTIONAL = ("participant_id", "segment_id", "quote", "coder")  # a sheet needs a segment_id or a quote


def _sheet_marks(file: Path, codebook: Codebook, participant_ids: list[str]) -> list[Mark]:
    """A coding sheet (participant_id; segment_id or quote; code; coder) or a Taguette highlight export.

    Taguette writes one row per highlight and tag (``id, document, tag, content``); a highlight without
    tag (an empty ``tag``) codes nothing and is skipped.
    """
    df = read_table(file, optional=SHEET_OPTIONAL)
    taguette = all(c in df.columns for c in TAGUETTE_COLUMNS)
    if not taguette:
        require_columns(df, file, ["code"] + ([] if "segment_id" in df.columns else ["participant_id", "quote"]))
    marks = []
    for rec in df.to_dict("records"):
        where = f"row {rec[ROW]}"
        coder = rec.get("coder", "") or file.stem
        if taguette:
            if not rec["tag"]:
                continue
            pid = participant_in(rec["document"], participant_ids)
            if pid is None:
                raise InputError(file, f"document '{rec['document']}' names no participant of the study",
                                 where=where, fix="name each Taguette document after its participant id, e.g. P01")
            marks.append(Mark(file, where, pid, _resolve_code(codebook, rec["tag"], file, where), coder, TAGUETTE,
                              quote=plain(rec["content"])))
            continue
        segment_id, quote = rec.get("segment_id", ""), rec.get("quote", "")
        pid = rec.get("participant_id", "") or segment_id.rsplit("-", 1)[0]
        if not segment_id and not quote:
            raise InputError(file, "neither segment_id nor quote is filled in", where=where,
                             fix="give the segment id, or copy a short quote from the segment")
        _check_participant(pid, participant_ids, file, where)
        marks.append(Mark(file, where, pid, _resolve_code(codebook, rec["code"], file, where), coder, SHEET,
                          segment_id=segment_id, quote=quote))
    return marks


def _maxqda_marks(file: Path, codebook: Codebook, participant_ids: list[str]) -> list[Mark]:
    """MAXQDA's coded segments; its code system is a codebook, not codings (see :func:`study_codebook`)."""
    if maxqda_export(file) == maxqda.CODE_SYSTEM:
        return []
    coded = maxqda.read_coded_segments(file, codebook, lambda name: participant_in(name, participant_ids))
    return [Mark(file, f"line {seg.line}", seg.participant_id, seg.code_id, file.stem, MAXQDA, quote=seg.text)
            for seg in coded]


def _qdpx_marks(file: Path, codebook: Codebook, participant_ids: list[str]) -> list[Mark]:
    """The coded selections of a REFI-QDA project; codings by this pipeline's rule coder are skipped.

    Every source with coded selections must name a participant (by its name, file name or case); the
    sources that do not are listed in one error. A project without any coded text selection is an error too:
    its sources are PDFs or pictures, or it holds no codings.
    """
    selections = refiqda.read_qdpx(file)
    if not selections:
        raise InputError(file, "holds no coded text passage (PlainTextSelection): there is nothing to import",
                         fix="code the interviews as text sources (not PDF or pictures) and export the project with "
                             "its sources")
    marks, unknown = [], []
    for sel in selections:
        if sel.automatic:
            continue
        names = (sel.source_name, Path(sel.source_path.replace("\\", "/")).name) + sel.case_names
        pid = next((p for p in (participant_in(n, participant_ids) for n in names) if p), None)
        if pid is None:
            unknown.append(sel.source_name or sel.source_path)
            continue
        # The participant id, not the source's name: sources are often named after the interviewee, and
        # ``where`` ends up in the evidence column.
        where = f"PlainTextSelection {sel.guid} in the source of {pid}"
        if sel.source_text is None:  # positions in a text we cannot see cannot be checked
            raise InputError(file, f"the text of source '{sel.source_name}' is not in the archive", where=where,
                             fix="export the project again with its sources included")
        code_id = sel.code_id if sel.code_id in codebook.codes else _resolve_code(codebook, sel.code_name, file, where)
        marks.append(Mark(file, where, pid, code_id, sel.coder, QDPX, span=(sel.start, sel.end),
                          source_text=sel.source_text))
    if unknown:
        names = ", ".join(f"'{n}'" for n in dict.fromkeys(unknown))
        share = "none of its sources" if not marks else "some of its sources"
        raise InputError(file, f"{share} name a participant of the study: {names}",
                         fix="name each source (or its case) after its participant id, e.g. P01")
    return marks


_READERS = {".csv": _sheet_marks, ".xlsx": _sheet_marks, ".txt": _maxqda_marks, ".qdpx": _qdpx_marks}


def read_marks(codings_dir: str | Path | None, codebook: Codebook | None, participant_ids: list[str]) -> list[Mark]:
    """Every manual coding in ``codings/``, with codes and participants checked (no segments needed)."""
    files = coding_files(codings_dir)
    if files and codebook is None:
        raise InputError(files[0], "is a coding file, but the study has no codebook",
                         fix="add codebook.yml (see docs/codebook.md) or codebook.qdc to the study folder, or "
                             "MAXQDA's code-system export to codings/")
    return [mark for file in files for mark in _READERS[file.suffix.lower()](file, codebook, participant_ids)]


def validate_codings(study: Study, codebook: Codebook | None) -> None:
    """Check the coding files before any notebook runs: readable, known codes and participants.

    Whether quotes and segment ids are in the interviews is checked in stage 02, which has the segments.
    """
    read_marks(study.codings_dir, codebook, list(study.participants["participant_id"]))


# ---- manual codings: placing them -----------------------------------------------------------------


class ManualCodings(NamedTuple):
    """Stage 02's manual codings: the ``codings`` rows, the codings not placed, and the placement per file."""

    codings: pd.DataFrame  # CODING_COLUMNS, source "manual"
    unplaced: pd.DataFrame  # UNPLACED_COLUMNS
    sources: pd.DataFrame  # SOURCES_COLUMNS


def _by_offsets(mark: Mark, segments: pd.DataFrame) -> Placement:
    """A selection in the very text stage 01 wrote (``documents``): the segments its positions overlap."""
    segs = segments[segments["participant_id"] == mark.participant_id]
    hit = segs[(segs["char_start"].astype(int) < mark.span[1]) & (segs["char_end"].astype(int) > mark.span[0])]
    answers = hit[hit["speaker_role"] == RESPONDENT]
    if len(answers):
        return Placement(tuple(answers["segment_id"]), 100.0)
    if len(hit):
        return Placement((), 100.0, outside_answers(set(hit["speaker_role"])), hit["segment_id"].iloc[0],
                         excerpt(hit["text"].iloc[0], 160))
    return Placement((), 0.0, "the selection covers no segment's text (only a speaker label or blank lines)")


def _check_segment(mark: Mark, segments: pd.DataFrame) -> None:
    if mark.segment_id not in segments.index:
        raise InputError(mark.file, f"segment_id '{mark.segment_id}' is not a segment of the study",
                         where=mark.where, fix="segment ids look like P01-007; see data/processed/segments.csv")
    if segments.at[mark.segment_id, "participant_id"] != mark.participant_id:
        raise InputError(mark.file, f"segment '{mark.segment_id}' belongs to another participant than "
                         f"'{mark.participant_id}'", where=mark.where, fix="check participant_id or segment_id")


def _by_segment_id(mark: Mark, segments: pd.DataFrame) -> Placement:
    """A coding by segment id: that segment, if it is an answer (no coding lands on an interviewer's turn)."""
    _check_segment(mark, segments)
    role = segments.at[mark.segment_id, "speaker_role"]
    if role == RESPONDENT:
        return Placement((mark.segment_id,), 100.0)
    return Placement((), 100.0, outside_answers({role}), mark.segment_id,
                     excerpt(str(segments.at[mark.segment_id, "text"]), 160))


def read_manual_codings(codings_dir: str | Path | None, segments: pd.DataFrame, documents: pd.DataFrame,
                        codebook: Codebook | None, pseudonymise: Callable[[str], str] = str,
                        rules: CleaningRules | None = None) -> ManualCodings:
    """Place every coding in ``codings/`` on stage 01's ``segments``.

    ``pseudonymise`` (stage 01's key, see :func:`helpers.runner.privacy.study_key`) is applied to every quote first:
    QDA programs quote the transcripts with their real names. ``rules`` are stage 01's cleaning rules (default:
    the package's). A selection in a text that is the participant's ``documents`` text (a project exported by
    notebook 02) is placed by its positions; everything else through :class:`helpers.coding.align.Aligner`. A wrong
    segment id is an InputError; a quote that cannot be placed is a row of ``unplaced``.
    """
    marks = read_marks(codings_dir, codebook, list(dict.fromkeys(segments["participant_id"])))
    aligner = Aligner(segments, rules or CleaningRules.load())
    by_id = segments.set_index("segment_id", drop=False)
    docs = dict(zip(documents["participant_id"], documents["text"]))
    rows, unplaced, tally = [], [], []
    for mark in marks:
        quote = pseudonymise(mark.text)
        if mark.segment_id:
            placement = _by_segment_id(mark, by_id)
        elif mark.span is not None and mark.source_text == docs.get(mark.participant_id):
            placement = _by_offsets(mark, segments)
        else:
            hint = mark.span[0] / max(1, len(mark.source_text)) if mark.span else None
            placement = aligner.place(mark.participant_id, quote, hint)
        tally.append((mark.file.name, mark.kind, mark.coder, placement.placed))
        shown = excerpt(aligner.normalise.readable(quote), 200)  # without cue times and labels (Zoom's initials)
        rows += [(segment_id, mark.participant_id, mark.code_id, codebook.codes[mark.code_id].theme_id, mark.coder,
                  "manual", "", mark.file.name, mark.where, shown)
                 for segment_id in placement.segment_ids]
        if not placement.placed:
            unplaced.append((mark.file.name, mark.where, mark.participant_id, mark.code_id, mark.coder,
                             shown, placement.reason, placement.closest_segment_id, placement.score,
                             placement.closest_excerpt))
    codings = order_codings(pd.DataFrame(rows, columns=CODING_COLUMNS), codebook)
    return ManualCodings(codings, pd.DataFrame(unplaced, columns=UNPLACED_COLUMNS), _sources(tally))


def _sources(tally: list[tuple[str, str, str, bool]]) -> pd.DataFrame:
    """One row per coding file and coder: how many of its codings were placed."""
    df = pd.DataFrame(tally, columns=["file", "kind", "coder", "placed"])
    out = (df.groupby(["file", "kind", "coder"], sort=False)["placed"].agg(quotes="size", placed="sum")
           .reset_index())
    out["unplaced"] = out["quotes"] - out["placed"]
    out["placement_rate"] = (out["placed"] / out["quotes"]).round(3)
    return out[SOURCES_COLUMNS].astype({"quotes": int, "placed": int, "unplaced": int})


def check_strict(manual: ManualCodings, codings_dir: str | Path) -> None:
    """With ``strict``: an InputError naming the first unplaced coding (its file and where) and how many there are."""
    if manual.unplaced.empty:
        return
    first = manual.unplaced.iloc[0]
    total = int(manual.sources["quotes"].sum())
    raise InputError(Path(codings_dir) / first["file"], f"{len(manual.unplaced)} of {total} manual codings could not "
                     f"be placed (this one: {first['reason']})", where=first["where"],
                     fix="see data/processed/codings_unplaced.csv in the folder .pipeline-failed of the output "
                         "folder for every one and why, or run without --strict")
