"""Stage 01: cleaning transcripts into one row per speaker turn, with roles, times and offsets.

A transcript's turns (as read by :mod:`helpers.interviews.transcripts`) are merged when consecutive turns have
the same speaker, assigned a role (interviewer or respondent), pseudonymised, cleaned of timestamps,
transcription marks and filler words (``text``; ``raw_text`` keeps them), and split at paragraph or
sentence boundaries when longer than a word limit. Each segment gets a stable id and character
offsets into the participant's *document*: the cleaned interview as ``SPEAKER: text`` lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import pandas as pd
import yaml

from .cache import InterviewCache, SegmentCache
from .pseudonymise import PLACEHOLDERS, Pseudonymiser, build_key, extend_key, label_entries, label_name
from .roles import INTERVIEWER_ROLE, RESPONDENT_ROLE, UNKNOWN_ROLE, Attribution, attribute, count_words
from .transcripts import TIMESTAMP, Transcript, read_transcript

if TYPE_CHECKING:
    from ..core.study import Study

INTERVIEWER = "Interviewer"
UNLABELLED = "Unlabelled"  # speaker label of text before the first speaker label
UNATTRIBUTED = "Unattributed"  # speaker label of turns whose role could not be established

TIMESTAMP_IN_TEXT = re.compile(rf"[\[(]?\b{TIMESTAMP}\b[\])]?")  # "[00:12:31]", "(12:31)", "00:00:19.600"
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[A-ZÅÄÖÉ0-9\"'”»])")
_SPACES = re.compile(r"[ \t]+")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.!?;:…])")
_REPEATED_PUNCT = re.compile(r"([,;])(?:\s*[,;])+")
_LEADING_PUNCT = re.compile(r"^[\s,;:.…-]+")
_REMOVED = "\x00"  # marks where a filler word was removed, until the text is tidied
_AFTER_REMOVED_START = re.compile(r"((?:^|[.!?…]|\n)[ \t]*)(?:\x00[\s,.…]*)+(\w)", re.MULTILINE)


@dataclass(frozen=True)
class CleaningRules:
    """Filler words per language, transcription-mark words, and role labels (see cleaning.yml beside this module)."""

    fillers: dict[str, tuple[str, ...]]
    marks: tuple[str, ...]
    interviewer_labels: frozenset[str]
    respondent_labels: frozenset[str]

    @classmethod
    def load(cls, path: str | Path | None = None) -> "CleaningRules":
        """Read the cleaning lists from ``path`` or the package default."""
        if path is None:
            text = resources.files("helpers").joinpath("interviews/cleaning.yml").read_text(encoding="utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        raw = yaml.safe_load(text)
        return cls(
            fillers={lang: tuple(words) for lang, words in raw.get("fillers", {}).items()},
            marks=tuple(raw.get("marks", [])),
            interviewer_labels=frozenset(w.lower() for w in raw.get("interviewer_labels", [])),
            respondent_labels=frozenset(w.lower() for w in raw.get("respondent_labels", [])),
        )


@lru_cache(maxsize=32)
def _mark_pattern(marks: tuple[str, ...]) -> re.Pattern[str]:
    """Bracketed transcription marks ("[skratt]", "(ohörbart 2 s)"); the pseudonymiser's placeholders
    ("[namn]", "[e-post]") stand for words of the sentence and are not marks."""
    words = "|".join(sorted((re.escape(m) for m in marks), key=len, reverse=True))
    keep = "|".join(re.escape(p) for p in sorted(PLACEHOLDERS))
    return re.compile(rf"(?!{keep})[\[(](?:[^\[\]()]*?\b(?:{words})\b[^\[\]()]*)[\])]", re.IGNORECASE)


@lru_cache(maxsize=32)
def _filler_pattern(fillers: tuple[str, ...]) -> re.Pattern[str]:
    words = "|".join(sorted((re.escape(f) for f in fillers), key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{words})(?![\w-])[,.…]*", re.IGNORECASE)


def clean_text(text: str, rules: CleaningRules, language: str = "sv") -> str:
    """Remove timestamps, transcription marks and filler words; tidy the spaces and punctuation left."""
    text = _mark_pattern(rules.marks).sub(" ", text)
    text = TIMESTAMP_IN_TEXT.sub(" ", text)
    fillers = rules.fillers.get(language, ()) or tuple(w for ws in rules.fillers.values() for w in ws)
    text = _filler_pattern(fillers).sub(_REMOVED, text)
    # A sentence that began with a filler ("Ja. Eh, jag är") begins with its next word, capitalised.
    text = _AFTER_REMOVED_START.sub(lambda m: m.group(1) + m.group(2).upper(), text).replace(_REMOVED, " ")
    lines = []
    for line in text.split("\n"):
        line = _SPACES.sub(" ", line)
        line = _REPEATED_PUNCT.sub(r"\1", _SPACE_BEFORE_PUNCT.sub(r"\1", line))
        line = _LEADING_PUNCT.sub("", line).strip()
        if line:
            lines.append(line[0].upper() + line[1:] if line[0].islower() and not lines else line)
    return "\n".join(lines)


def split_long(text: str, max_words: int) -> list[str]:
    """Split ``text`` into pieces of at most ``max_words`` words, at paragraphs first, then sentences.

    A single sentence longer than the limit stays whole: a quote is never cut mid-sentence.
    """
    if max_words <= 0 or count_words(text) <= max_words:
        return [text]
    units = [s for para in text.split("\n") for s in _SENTENCE_END.split(para) if s.strip()]
    pieces: list[str] = []
    current: list[str] = []
    for unit in units:
        if current and count_words(" ".join(current + [unit])) > max_words:
            pieces.append(" ".join(current))
            current = []
        current.append(unit)
    if current:
        pieces.append(" ".join(current))
    return pieces


def build_segments(transcript: Transcript, participant: dict, pseudonymise: Callable[[str], str],
                   rules: CleaningRules, max_words: int = 150,
                   attribution: Attribution | None = None) -> tuple[pd.DataFrame, str, dict]:
    """Turn one participant's transcript into segments.

    Returns ``(segments, document text, quality record)``. ``participant`` is a row of the participants
    table (participant_id, interviewer, name, language, layout, ...). Roles come from ``attribution``, or
    :func:`helpers.interviews.roles.attribute` when it is not given; a long turn is split into several segments, but
    stays one ``LABEL: text`` paragraph of the document.
    """
    if attribution is None:
        attribution = attribute(transcript, participant, rules.interviewer_labels, rules.respondent_labels)
    _, segments, document, quality = _built(transcript, participant, pseudonymise, rules, max_words, attribution)
    return segments, document, quality


def _built(transcript: Transcript, participant: dict, pseudonymise: Callable[[str], str], rules: CleaningRules,
           max_words: int, attribution: Attribution) -> tuple[list[dict], pd.DataFrame, str, dict]:
    """:func:`build_segments`, with the segments also as rows."""
    rows, document = _segment_rows(participant, pseudonymise, rules, max_words, attribution)
    segments = segments_frame(rows)
    return rows, segments, document, _quality(transcript, participant, segments, attribution, pseudonymise)


def _segment_rows(participant: dict, pseudonymise: Callable[[str], str], rules: CleaningRules, max_words: int,
                  attribution: Attribution) -> tuple[list[dict], str]:
    """The segments of :func:`build_segments` as rows of plain values (what stage 01's cache keeps), and the
    document."""
    pid = participant["participant_id"]
    language = participant.get("language") or "sv"
    labels = turn_labels(attribution, pid)
    rows: list[dict] = []
    doc_parts: list[str] = []
    offset = 0
    for turn, role, label in zip(attribution.turns, attribution.roles, labels):
        raw = pseudonymise(turn.text)
        cleaned = clean_text(raw, rules, language)
        if not cleaned:
            continue
        pieces = split_long(cleaned, max_words)
        prefix = f"{label}: "
        start = offset + len(prefix)
        for n, piece in enumerate(pieces):
            seq = len(rows) + 1
            rows.append({
                "segment_id": f"{pid}-{seq:03d}", "participant_id": pid, "seq": seq,
                "speaker": label, "speaker_role": role, "role_source": attribution.how,
                "role_confidence": attribution.confidence,
                # A split turn's times are known at its start and its end only.
                "start_s": turn.start if n == 0 else None, "end_s": turn.end if n == len(pieces) - 1 else None,
                "char_start": start, "char_end": start + len(piece),
                "text": piece, "raw_text": raw if n == 0 else "", "n_words": count_words(piece),
                "source_line": turn.line,
            })
            start += len(piece) + 1
        doc_parts.append(prefix + " ".join(pieces))
        offset += len(doc_parts[-1]) + 2
    return rows, "\n\n".join(doc_parts)


def segments_frame(rows: list[dict]) -> pd.DataFrame:
    """One interview's segments table from its rows (built now or found in stage 01's cache)."""
    return pd.DataFrame(rows, columns=SEGMENT_COLUMNS)


SEGMENT_COLUMNS = ["segment_id", "participant_id", "seq", "speaker", "speaker_role", "role_source",
                   "role_confidence", "start_s", "end_s", "char_start", "char_end", "text", "raw_text", "n_words",
                   "source_line"]  # a turn's own columns; the participant's are added after (the catalogue's order)


def turn_labels(attribution: Attribution, pid: str) -> list[str]:
    """Each turn's pseudonymous speaker label: the participant id for the respondent who speaks most
    (``P01 speaker 2`` for others), ``Interviewer`` (``Interviewer 2`` ...), ``Unlabelled`` for text before
    the first label, ``Unattributed`` (``Unattributed 2`` ...) for speakers whose role is unknown."""
    words: dict[tuple[str | None, str], int] = {}
    for turn, role in zip(attribution.turns, attribution.roles):
        words[(turn.speaker, role)] = words.get((turn.speaker, role), 0) + count_words(turn.text)
    names: dict[tuple[str | None, str], str] = {}
    for role, base in ((RESPONDENT_ROLE, None), (INTERVIEWER_ROLE, INTERVIEWER), (UNKNOWN_ROLE, UNATTRIBUTED)):
        speakers = [key for key in words if key[1] == role]
        if role == RESPONDENT_ROLE:
            speakers.sort(key=lambda key: -words[key])
        for i, key in enumerate(speakers):
            if base is None:
                names[key] = pid if i == 0 else f"{pid} speaker {i + 1}"
            else:
                names[key] = base if i == 0 else f"{base} {i + 1}"
    return [names.get((turn.speaker, role), UNLABELLED) for turn, role in zip(attribution.turns, attribution.roles)]


def _quality(transcript: Transcript, participant: dict, segments: pd.DataFrame, attribution: Attribution,
             pseudonymise: Callable[[str], str]) -> dict:
    """The transcript's row of the quality table. Its warnings quote labels and the interviewer column, and
    it shows the label the interviewer column matched (as a name: its "(tag)" may be initials): as every
    output, they are pseudonymised."""
    words = int(segments["n_words"].sum())
    respondent = int(segments.loc[segments["speaker_role"] == RESPONDENT_ROLE, "n_words"].sum())
    warnings = list(transcript.warnings) + attribution.notes
    if attribution.how.startswith("inferred") and attribution.confident:
        given = str(participant.get("interviewer") or "").strip()
        warnings.append("speaker roles inferred" + ("" if given else " (no interviewer column)"))
    share = respondent / words if words else 0.0
    if words and share < 0.5 and attribution.confident:
        warnings.append(f"respondent speaks only {share:.0%} of the words")
    if segments["speaker"].nunique() < 2 and attribution.confident:
        warnings.append("only one speaker found")
    duration = participant.get("duration_min")
    if (duration is None or pd.isna(duration)) and segments["end_s"].notna().any():
        duration = round(float(segments["end_s"].max()) / 60, 1)
    # The file is named by participant id: a transcript's own file name may carry a real name.
    return {"participant_id": participant["participant_id"],
            "file": f"{participant['participant_id']}{transcript.path.suffix.lower()}",
            "format": transcript.format, "encoding": transcript.encoding or "", "layout": transcript.layout,
            "turns": len(attribution.turns), "segments": len(segments), "words": words,
            "respondent_share": round(share, 3), "duration_min": duration,
            "roles": attribution.how, "role_confidence": attribution.confidence,
            "roles_confident": attribution.confident,
            "interviewer_match": "; ".join(pseudonymise(label_name(label)) for label in attribution.matched),
            "warnings": pseudonymise(WARNING_SEPARATOR.join(warnings))}


WARNING_SEPARATOR = "; "  # between the warnings of one transcript in the quality table


def quality_warnings(quality: pd.DataFrame) -> pd.DataFrame:
    """The quality table's warnings one per row (participant_id, warning), for reading them as a list."""
    rows = [(pid, warning) for pid, text in zip(quality["participant_id"], quality["warnings"])
            for warning in str(text).split(WARNING_SEPARATOR) if warning.strip()]
    return pd.DataFrame(rows, columns=["participant_id", "warning"])


@dataclass
class Interviews:
    """Stage 01's result: the tables it writes to ``data/processed/``."""

    segments: pd.DataFrame
    documents: pd.DataFrame
    participants: pd.DataFrame
    quality: pd.DataFrame


PARTICIPANT_COLUMNS = ["participant_id", "organisation", "role", "interview_date", "duration_min", "language"]


def read_transcripts(participants: pd.DataFrame, read: Callable[[str], Transcript]) -> dict[str, Transcript]:
    """Every participant's transcript, read with ``read`` (normally
    :func:`helpers.interviews.transcripts.read_transcript`)."""
    return {pid: read(path) for pid, path in zip(participants["participant_id"], participants["transcript_path"])}


def attribute_study(participants: pd.DataFrame, transcripts: dict[str, Transcript],
                    rules: CleaningRules) -> dict[str, Attribution]:
    """Every participant's turns with their roles (:func:`helpers.interviews.roles.attribute`), decided once per run:
    the key needs the speaker labels (:func:`speaker_replacements`) before :func:`segment_study` uses them."""
    return {rec["participant_id"]: attribute(transcripts[rec["participant_id"]], rec, rules.interviewer_labels,
                                             rules.respondent_labels)
            for rec in participants.to_dict("records")}


def speaker_replacements(attributions: dict[str, Attribution]) -> list[tuple[str, str]]:
    """(speaker label as written, its pseudonymous label) for every labelled speaker in every transcript.

    A label is often a name ("Lina Björk", "Fatima Hassan  0:21"); the same name may occur in the text, so
    these pairs extend the pseudonymisation key before any text is replaced.
    """
    pairs = []
    for pid, attribution in attributions.items():
        labels = turn_labels(attribution, pid)
        pairs += list(dict.fromkeys((turn.speaker, label) for turn, label in zip(attribution.turns, labels)
                                    if turn.speaker))
    return pairs


def segment_study(participants: pd.DataFrame, transcripts: dict[str, Transcript],
                  pseudonymise: Callable[[str], str], rules: CleaningRules, max_words: int = 150,
                  attributions: dict[str, Attribution] | None = None,
                  cache: SegmentCache | None = None) -> Interviews:
    """Pseudonymise, clean and segment every participant's transcript (see :func:`read_transcripts`).

    ``participants`` is the validated participants table (with ``transcript_path``); ``attributions`` are
    the roles :func:`attribute_study` decided (decided here when not given). With ``cache``
    (:meth:`helpers.interviews.cache.InterviewCache.segments`, made for the pseudonymiser whose ``apply`` is
    ``pseudonymise``), an interview whose transcript, participant row and settings are unchanged is taken from it.
    """
    if cache is not None and cache.pseudonymise != pseudonymise:
        raise ValueError("segment_study: the cache was made for another pseudonymiser")
    attributions = attributions or attribute_study(participants, transcripts, rules)
    all_segments, documents, quality = [], [], []
    for rec in participants.to_dict("records"):
        pid = rec["participant_id"]
        segs, doc, qual = _interview_segments(transcripts[pid], rec, pseudonymise, rules, max_words,
                                              attributions[pid], cache)
        all_segments.append(segs)
        documents.append({"participant_id": rec["participant_id"], "text": doc})
        quality.append(qual)
    meta = participants[PARTICIPANT_COLUMNS]
    segments = pd.concat(all_segments, ignore_index=True).merge(meta, on="participant_id", how="left")
    segments["start_s"] = pd.to_numeric(segments["start_s"], errors="coerce")
    segments["end_s"] = pd.to_numeric(segments["end_s"], errors="coerce")
    words = segments.groupby("participant_id")["n_words"].sum()
    resp = segments[segments["speaker_role"] == RESPONDENT_ROLE].groupby("participant_id")["n_words"].sum()
    out = meta.copy()
    out["n_segments"] = out["participant_id"].map(segments.groupby("participant_id").size()).fillna(0).astype(int)
    out["n_words"] = out["participant_id"].map(words).fillna(0).astype(int)
    out["respondent_words"] = out["participant_id"].map(resp).fillna(0).astype(int)
    return Interviews(segments=segments, documents=pd.DataFrame(documents), participants=out,
                      quality=pd.DataFrame(quality))


def _interview_segments(transcript: Transcript, participant: dict, pseudonymise: Callable[[str], str],
                        rules: CleaningRules, max_words: int, attribution: Attribution,
                        cache: SegmentCache | None) -> tuple[pd.DataFrame, str, dict]:
    """:func:`build_segments` of one interview, through ``cache`` when there is one."""
    if cache is None:
        return build_segments(transcript, participant, pseudonymise, rules, max_words, attribution)
    key = cache.key(transcript, participant, rules, max_words)
    if (found := cache.load(key)) is not None:
        rows, document, quality = found
        return segments_frame(rows), document, quality
    rows, segments, document, quality = _built(transcript, participant, pseudonymise, rules, max_words, attribution)
    cache.store(key, rows, document, quality)
    return segments, document, quality


def clean_study(study: Study, rules: CleaningRules, max_words: int = 150,
                cache: InterviewCache | None = None) -> tuple[Interviews, pd.DataFrame]:
    """Stage 01 on a whole study: its tables and the pseudonymisation key.

    Reads every transcript, decides who speaks (once), builds the key from participants.csv, pseudonyms.csv and
    the speaker labels that are names ("Firstname Lastname:"), then pseudonymises, cleans and segments. With
    ``cache`` (:class:`helpers.interviews.cache.InterviewCache`) a transcript read before is not parsed again, an
    interview whose inputs and settings are unchanged is not segmented again, and the entries the study no longer
    uses are removed; the tables are the same either way.
    """
    transcripts = read_transcripts(study.participants, cache.read if cache is not None else read_transcript)
    attributions = attribute_study(study.participants, transcripts, rules)
    key = extend_key(build_key(study), label_entries(speaker_replacements(attributions)))
    pseudonymiser = Pseudonymiser(key, keep=study.organisations)
    interviews = segment_study(study.participants, transcripts, pseudonymiser.apply, rules, max_words, attributions,
                               cache=cache.segments(pseudonymiser) if cache is not None else None)
    if cache is not None:
        cache.prune()
    return interviews, key
