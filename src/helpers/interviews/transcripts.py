"""Reading interview transcripts (.txt, .docx, .vtt, .srt) into speaker turns.

Interface (stable; the cleaning stage codes against it):

- ``read_transcript(path) -> Transcript``: dispatch on the file extension.
- ``Transcript.turns``: the turns in file order, each a :class:`Turn` with the speaker label *as written*
  (``None`` when the file has no label for it), the text as written (timestamps and transcription marks
  still in it; NFC, ``\n``), start/end in seconds where the format knows them, and the line (or
  paragraph, or cue) number where it starts, for error messages and audit.
- Bad input raises :class:`helpers.core.errors.InputError` naming the file and line.

How each format is read:

- Text and Word files are read line by line (a Word paragraph or table row counts as a line; ``Turn.line``
  is the running number of body paragraphs and table rows). A line that starts with a speaker label
  starts a turn; lines without one continue the previous turn. Lines of one paragraph are joined with a
  space, paragraphs with ``\n``. The structure that was used to find the turn is removed from its
  text: the label, and a timestamp right before or after it, which becomes ``Turn.start``.
  Timestamps inside the text stay. The speech number of Swedish parliamentary records
  (``Anf. 115 Statsrådet MEHMET KAPLAN (MP):``) is dropped from the label, so that one speaker keeps
  one label across speeches.
- A label is what comes before ``:`` at the start of a line when it is short (at most four words, each
  capitalised, a number or a name particle like "van"; an optional parenthesis such as ``(MP)``), a
  known code (``I``, ``R``, ``IP``, ``Intervjuare`` ...), a bracketed id (``[id1]``, ``[P04]``), a label
  alone on its line followed by a timestamp (Otter.ai: ``Jonas Rosland  0:21``), or in Word a bold
  label without a colon that is alone in its paragraph, a known code, or repeated at the start of
  several paragraphs (one bold first word is emphasis). Metadata keys
  (``Datum:``, ``Note:``) and title words (``Intervju P04``) are never labels.
- Lines before the first label are a title or header block and are not turns. If that block holds more
  than a few sentences, it may be speech: it is kept as turns without a speaker, with a warning.
- A file without any label is read as one turn per paragraph (or per timestamped line), speaker ``None``.
- Subtitles (.vtt, .srt) give one turn per cue with the cue's start and end; consecutive cues of one
  speaker are *not* merged here (the cleaning stage does that). The speaker is the WebVTT voice tag
  (Teams: ``<v Anna Berg>``) or a label at the start of the cue text (Zoom: ``Anna Berg: ...``); a cue
  without either has speaker ``None`` (not the previous cue's speaker), and the count is a warning.
"""

from __future__ import annotations

import difflib
import html
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator

import docx
import srt
import webvtt
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml.etree import XMLSyntaxError
from webvtt.errors import MalformedCaptionError, MalformedFileError

from ..core.errors import InputError
from ..core.limits import check_zip
from ..core.textio import normalise_text, read_bytes, read_text, strip_invisible


@dataclass
class Turn:
    """One stretch of speech by one speaker, as found in the file."""

    speaker: str | None
    text: str
    start: float | None = None
    end: float | None = None
    line: int | None = None


@dataclass
class Transcript:
    """A transcript file read into turns, with what was noticed while reading it."""

    path: Path
    format: str  # "txt", "docx", "vtt" or "srt"
    encoding: str | None  # detected text encoding (None for .docx)
    turns: list[Turn]
    warnings: list[str] = field(default_factory=list)
    layout: str = ""  # how the turns were found: one of LAYOUTS


FORMATS_FIX = "save the transcript as .txt, .docx, .vtt or .srt"
NO_LABELS = "no speaker labels found: each paragraph is read as a turn without a speaker"
MAX_HEADER_WORDS = 40  # a header block longer than this may be speech, so it is kept
MIN_LAYOUT_SCORE = 0.25  # a label layout explaining less of a file than this (see _score) is not one
MIN_TURNS_FOR_TYPO = 3  # a label used once is read as a near spelling of a speaker with this many turns ...
LABEL_TYPO_RATIO = 0.85  # ... when the two are this similar (difflib ratio, case ignored)
LINE_PARAGRAPH_SHARE = 0.8  # lines ending a sentence: in a text without blank lines, each line is a paragraph
MAX_TITLE_LINES = 4  # title, date and header lines dropped from the top of an unlabelled transcript
# How the turns of a transcript were found (Transcript.layout; the quality table shows it, the report's
# method section names it in these words; docs/data.md describes each).
LAYOUTS = ("colon", "label-line", "bracket", "bold", "table", "cue-voice", "cue-label", "paragraphs", "cues")
"""How a transcript's turns were found; the report describes each in its language (``layout.<name>`` in the
message catalogue, :mod:`helpers.core.i18n`)."""

# Codes interviewers use for speakers; accepted as labels in any case.
KNOWN_CODES = frozenset({
    "i", "r", "ip", "int", "intervjuare", "intervjuaren", "respondent", "respondenten", "resp", "informant",
    "interviewer", "interviewee", "moderator", "mod", "facilitator", "q", "a", "f", "s", "fråga", "svar",
})
# Short replies a speaker gives alone on a line ("Okay", "Right", "Ja precis"): text, never a bare label.
REPLY_WORDS = frozenset({
    "okay", "ok", "okej", "right", "alright", "yes", "yeah", "yep", "no", "nope", "sure", "great", "good", "fine",
    "exactly", "absolutely", "indeed", "true", "thanks", "thank", "you", "mm", "mhm", "hmm", "uh", "um", "ah", "oh",
    "ja", "nej", "jo", "jaha", "aha", "precis", "exakt", "absolut", "visst", "javisst", "sant", "bra", "tack", "nä",
    "nja", "jättebra", "toppen", "kanon", "japp", "wow", "really", "interesting", "intressant", "mm-hmm",
    "mhmm", "uh-huh", "perfect", "lovely", "cool", "nice", "excellent", "wonderful", "brilliant", "okej.",
})
# Codes also written with a full stop instead of a colon ("Q. text", "A. text", "F. text", "S. text").
DOT_CODES = frozenset({"q", "a", "f", "s", "i", "r", "ip"})
# Keys of header lines and notes: "Datum: 2024-03-01" is metadata, not a speaker.
METADATA_KEYS = frozenset({
    "note", "notes", "obs", "nb", "ps", "tips", "example", "exempel", "datum", "date", "tid", "time",
    "plats", "place", "location", "längd", "duration", "ämne", "subject", "titel", "title", "fil", "file",
    "projekt", "project", "källa", "source", "url", "e-post", "email", "tel", "telefon", "phone",
    "transkriberad av", "transcribed by", "transkriberare", "transcriber", "participants",
})
# First words of title lines such as "Intervju P04".
TITLE_WORDS = frozenset({
    "intervju", "interview", "transkript", "transkription", "transcript", "transcription", "samtal",
    "fokusgrupp", "session", "del", "part",
})
NAME_PARTICLES = frozenset({"van", "von", "de", "der", "den", "af", "av", "la", "le", "da", "di", "du", "el", "al"})
# Header cells of a speaker | text table.
SPEAKER_HEADERS = frozenset({"talare", "speaker", "namn", "name", "vem", "who"})
TEXT_HEADERS = frozenset({"text", "utsaga", "yttrande", "transkription", "transcript", "tal", "speech", "innehåll"})

# A timestamp as transcripts write it: 12:31, 00:12:31, 00:12:31.500 (also used by the cleaning stage).
TIMESTAMP = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_TIME = re.compile(r"(?:(\d{1,2}):)?(\d{1,2}):(\d{2})(?:[.,](\d{1,3}))?")
_LEADING_TIME = re.compile(rf"[\[(]?({TIMESTAMP})[\])]?(?:\s+[-–])?(?:\s+|$)")
_BRACKETED_TIME = re.compile(rf"[\[(]({TIMESTAMP})[\])]\s*")
_COLON_LABEL = re.compile(rf"(?P<label>[^:\[\]]{{1,60}}?)\s*(?:[\[(]?(?P<time>{TIMESTAMP})[\])]?)?\s*:(?:\s+|$)")
_TIME_RANGE_END = rf"(?:\s*[-–]\s*{TIMESTAMP})?"  # "[00:00:10 - 00:00:32]": a label's time may be a range
_LABEL_THEN_TIME = re.compile(rf"(?P<label>[^:\[\]()]{{1,60}}?)\s+[\[(]?(?P<time>{TIMESTAMP}){_TIME_RANGE_END}[\])]?")
_BRACKET_LABEL = re.compile(r"\[(?P<label>[^\[\]]{1,30})\](?P<colon>\s*:)?(?:\s+|$)")
_BRACKET_ID = re.compile(r"[^\W\d_]{1,12} ?\d{1,4}")
SPEECH_NUMBER = re.compile(r"Anf\.\s*\d+\s+(?P<rest>.+)")  # "Anf. 115 NAME (MP)": a speech's number in a debate
_CODE_DOT = re.compile(r"(?P<label>[^\W\d_]{1,2})\.(?:\s+|$)")  # "Q. text", "A. text"
_TRAILING_PAREN = re.compile(r"\s*\([^()]{1,40}\)$")
_NAME_WORD = re.compile(r"[^\W_][\w'’\-]*|[^\W\d_]{1,4}\.")
_MARKDOWN_HEADER = re.compile(r"#{1,6}\s")
_MARKDOWN_BOLD = re.compile(r"^(\*\*|__)([^*_\n]{1,60}?)\1")
_TRAILING_TIME = re.compile(rf"\s+[\[(]?({TIMESTAMP}){_TIME_RANGE_END}[\])]?$")
_MONTHS = ("jan|feb|mar|apr|ma[jy]|jun|jul|aug|sep|okt|oct|nov|dec")
_DATE = re.compile(rf"\b(?:\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}[./]\d{{1,2}}[./]\d{{2,4}}"
                   rf"|\d{{1,2}}\.? (?:{_MONTHS})\w* \d{{4}}"
                   rf"|(?:{_MONTHS})\w* \d{{1,2}},? \d{{4}})\b", re.IGNORECASE)
_END_LINE = re.compile(r"[\W_]*(?:(?:the )?end(?: of (?:the )?(?:transcript|interview|recording))?|transcript ends"
                       r"|slut(?: på (?:intervjun|transkriptionen|inspelningen))?|intervjun (?:är )?slut)[\W_]*",
                       re.IGNORECASE)
_SRT_TAG = re.compile(r"</?[A-Za-z][^<>]*>")  # <i>, <b>, <font color=...>
_VTT_TIMING = re.compile(r"\s*(?:\d+:)?[0-5]?\d:[0-5]\d\.\d{1,3}\s+-->\s+(?:\d+:)?[0-5]?\d:[0-5]\d\.\d{1,3}(?:\s|$)")
_SRT_TIMING = re.compile(r"\s*\d+:[0-5]?\d:[0-5]?\d[,.]\d{1,3}\s*-->\s*\d+:[0-5]?\d:[0-5]?\d[,.]\d{1,3}(?:\s|$)")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old binary .doc


@dataclass(frozen=True)
class _Line:
    """One line of a text or Word transcript, with the label and timestamp found at its start."""

    number: int
    raw: str  # the line as written (stripped)
    text: str  # the line without its label and leading timestamp
    speaker: str | None = None
    start: float | None = None
    new_paragraph: bool = True
    kind: str | None = None  # the layout its label has (a key of LAYOUTS), None without a label

    @property
    def only_time(self) -> bool:
        """A line holding nothing but a timestamp: the start of whatever follows."""
        return self.speaker is None and self.start is not None and not self.text


@dataclass(frozen=True)
class _Cue:
    """One subtitle cue."""

    line: int
    start: float
    end: float
    text: str
    voice: str | None = None


# --- labels and timestamps ------------------------------------------------------------------------


def _seconds(stamp: str) -> float:
    """``1:02:03.5`` or ``12:31`` -> seconds."""
    hours, minutes, secs, fraction = _TIME.fullmatch(stamp).groups()
    value = int(hours or 0) * 3600 + int(minutes) * 60 + int(secs)
    return value + (int(fraction) / 10 ** len(fraction) if fraction else 0.0)


def _clean_label(candidate: str) -> str | None:
    """Return ``candidate`` as a speaker label if it looks like one, else ``None``.

    Short capitalised names, known codes and names with a title or party in parentheses pass;
    the start of an ordinary sentence ("Det är så här:") does not. Soft hyphens and zero-width
    characters are dropped from it.
    """
    candidate = " ".join(strip_invisible(candidate).split())
    if speech := SPEECH_NUMBER.fullmatch(candidate):
        return speech["rest"] if len(speech["rest"].split()) <= 10 else None
    if candidate.lower() in KNOWN_CODES:
        return candidate
    # Two forms of one label: "Intervjuare/Interviewer" (bilingual) and "Lund, Eva" (a register's order).
    for separator in ("/", ", "):
        parts = candidate.split(separator)
        if len(parts) == 2 and all(part.strip() for part in parts) \
                and all(_clean_label(part) for part in parts) and len(candidate.split()) <= 4:
            return candidate
    core = _TRAILING_PAREN.sub("", candidate)
    words = core.split()
    if not 1 <= len(words) <= 4 or not words[0][0].isupper():
        return None
    if core.lower() in METADATA_KEYS or words[0].lower() in TITLE_WORDS:
        return None
    for word in words:
        if not _NAME_WORD.fullmatch(word):
            return None
        if not (word[0].isupper() or word[0].isdigit() or word.lower() in NAME_PARTICLES):
            return None
    return candidate


def _bracket_label(inner: str, with_colon: bool) -> str | None:
    """``[id1]``/``[P04]``/``[I]`` are labels; ``[laughs]`` is not, ``[Anna]:`` is."""
    if _BRACKET_ID.fullmatch(inner) or inner.lower() in KNOWN_CODES:
        return inner
    return _clean_label(inner) if with_colon else None


def _split_label(text: str) -> tuple[str, str | None, str, str] | None:
    """Find a label at the start of ``text``: ``(label, timestamp in it or None, rest, layout kind)``."""
    if match := _BRACKET_LABEL.match(text):
        if not _TIME.fullmatch(match["label"]):
            label = _bracket_label(match["label"], bool(match["colon"]))
            return (label, None, text[match.end():], "bracket") if label else None
    if (match := _CODE_DOT.match(text)) and match["label"].lower() in DOT_CODES:
        rest = text[match.end():]
        return match["label"], None, rest, "colon" if rest.strip() else "label-line"
    if match := _COLON_LABEL.match(text):
        label = _clean_label(match["label"])
        rest = text[match.end():]
        return (label, match["time"], rest, "colon" if rest.strip() else "label-line") if label else None
    if match := _LABEL_THEN_TIME.fullmatch(text):
        label = _clean_label(match["label"])
        return (label, match["time"], "", "label-line") if label else None
    return None


def split_label(text: str) -> tuple[str, str | None, str] | None:
    """Find a label at the start of ``text``: ``(label, timestamp in it or None, rest)``."""
    found = _split_label(text)
    return found[:3] if found else None


def _parse_line(raw: str, number: int, new_paragraph: bool) -> _Line:
    """Read the label and the timestamp at the start of one (stripped, non-empty) line.

    A label in Markdown bold (Descript's ``**Ben Adeyemi:** text``) is read without the asterisks.
    """
    start, rest = None, _MARKDOWN_BOLD.sub(r"\2", raw, count=1)
    if leading := _LEADING_TIME.match(raw):
        start, rest = _seconds(leading[1]), raw[leading.end():]
    found = _split_label(rest)
    if found is None:
        return _Line(number, raw, rest, None, start, new_paragraph)
    label, stamp, rest, kind = found
    if start is None and stamp:
        start = _seconds(stamp)
    if start is None and (after := _BRACKETED_TIME.match(rest)):
        start, rest = _seconds(after[1]), rest[after.end():]
    return _Line(number, raw, rest.strip(), label, start, new_paragraph, kind)


# --- assembling lines into turns -------------------------------------------------------------------


def _append(turn: Turn, text: str, new_paragraph: bool) -> None:
    """Add a line to a turn: a space within a paragraph, ``\n`` between paragraphs."""
    if not turn.text:
        turn.text = text
    else:
        turn.text += ("\n" if new_paragraph else " ") + text


def _assemble(lines: Iterable[_Line], labelled: bool) -> list[Turn]:
    """Group lines into turns: a label starts a turn, or (without labels) a paragraph or timestamp."""
    turns: list[Turn] = []
    pending: _Line | None = None  # a timestamp alone on its line, waiting for what follows
    for line in lines:
        if line.only_time:
            if pending is not None and turns:
                _append(turns[-1], pending.raw, pending.new_paragraph)
            pending = line
            continue
        if labelled:
            starts = line.speaker is not None
        else:
            starts = not turns or line.new_paragraph or line.start is not None or pending is not None
        if starts:
            start = line.start if line.start is not None else pending.start if pending else None
            turns.append(Turn(line.speaker, line.text, start=start, line=line.number))
        else:
            if pending is not None:
                _append(turns[-1], pending.raw, pending.new_paragraph)
            _append(turns[-1], line.raw, line.new_paragraph)
        pending = None
    if pending is not None and turns:
        _append(turns[-1], pending.raw, pending.new_paragraph)
    return turns


# --- choosing the layout ------------------------------------------------------------------------------


def _bare_label(line: _Line) -> str | None:
    """A label alone on its line without a colon ("Researcher", "Unknown Speaker  0:21"), or None.

    Short (1 to 4 words, see :func:`_clean_label`), capitalised, no sentence punctuation. Whether it is a
    label is decided with the rest of the file: it must recur and alternate (:func:`_choose_labels`).
    """
    if line.speaker is not None or line.only_time:
        return None
    text = _TRAILING_TIME.sub("", line.text).strip()
    if not text or len(text) > 40 or text[-1] in ".,;:!?…\"'”»)":
        return None
    if all(word in REPLY_WORDS for word in text.lower().split()):  # "Okay", "Right": a reply, not a speaker
        return None
    return _clean_label(text)


def _units(lines: list[_Line], labels: dict[int, str], start: int) -> int:
    """Paragraphs from line ``start`` on; a label alone on its line and the text below it are one."""
    units, after_label = 0, False
    for i in range(start, len(lines)):
        units += lines[i].new_paragraph and not after_label
        after_label = i in labels and not (lines[i].text if lines[i].speaker else "")
    return max(units, 1)


def _score(labels: dict[int, str], lines: list[_Line], strong: bool) -> float:
    """How well a set of label lines (line index -> label) explains a file, from 0 to 1.

    A layout that explains the file starts most of its paragraphs with a label (from the first label
    on: text above it is a header), its labels recur (a speaker speaks more than once) and alternate
    (speakers take turns). A label counts as *supported* when it recurs or is a known code (``I``,
    ``Intervjuare``); weak candidates (bare label lines) must recur, strong ones (``Name:``, ``[id1]``,
    bold, table) without support must start every paragraph: two words that happen to open answers
    ("Budget: ...", "Staff: ...") are not a layout.
    """
    if not labels:
        return 0.0
    order = [labels[i] for i in sorted(labels)]
    counts = Counter(order)
    supported = sum(c for label, c in counts.items() if c > 1 or (strong and label.lower() in KNOWN_CODES))
    supported /= len(order)
    if len(order) == 1:
        # One label explains a file only when the file starts with it (a one-speaker statement).
        return 0.5 if strong and min(labels) == 0 else 0.0
    changes = sum(a != b for a, b in zip(order, order[1:])) / (len(order) - 1)
    # Half the paragraphs from the first label on is plenty for supported labels; labels that neither recur
    # nor are codes must start every paragraph of the file ("Anna: ... Bo: ..."), or they are words that
    # happen to open a sentence.
    units = _units(lines, labels, min(labels) if supported else 0)
    density = min(1.0, (1 + (supported > 0)) * len(order) / units)
    credit = 0.5 + 0.5 * supported if strong else supported
    many = 1.0 if len(counts) <= max(8, len(order) // 3) else 0.3  # every "label" different: not labels
    return density * credit * (0.5 + 0.5 * changes) * many


def _candidates(lines: list[_Line]) -> dict[str, dict[int, str]]:
    """The label lines of each candidate layout: ``marked`` (every ``Name:``, ``[id1]``, bold and table
    label, as the line parser found them) and ``bare`` (labels alone on their line without a colon)."""
    groups: dict[str, dict[int, str]] = {"marked": {}, "bare": {}}
    for i, line in enumerate(lines):
        if line.speaker is not None:
            groups["marked"][i] = line.speaker
        elif (label := _bare_label(line)) is not None and i + 1 < len(lines) \
                and lines[i + 1].speaker is None and _bare_label(lines[i + 1]) is None:
            groups["bare"][i] = label
    counts = Counter(groups["bare"].values())  # a bare label line counts only for a speaker who speaks again
    groups["bare"] = {i: label for i, label in groups["bare"].items() if counts[label] > 1}
    if len(set(groups["bare"].values())) < 2:  # one recurring short line ("Mm-hmm") is no speaker: labels alternate
        groups["bare"] = {}
    return groups


def _without_label(line: _Line) -> _Line:
    """A line whose label was not taken: its whole text is speech."""
    return replace(line, text=line.raw, speaker=None, start=None if line.speaker else line.start, kind=None)


def _choose_labels(lines: list[_Line]) -> tuple[list[_Line], str | None]:
    """The lines with the labels of the layout that explains the file best, and that layout's name.

    The candidates (:func:`_candidates`) are scored by :func:`_score`; the best one wins if it explains
    the file at all (score at least :data:`MIN_LAYOUT_SCORE`), else the file has no labels (None). The
    labels of the losing candidate are read as text.
    """
    groups = _candidates(lines)
    scores = {group: _score(labels, lines, strong=group == "marked") for group, labels in groups.items()}
    best = max(scores, key=scores.get)
    if scores[best] < MIN_LAYOUT_SCORE:
        return [_without_label(line) if line.speaker else line for line in lines], None
    chosen = groups[best]
    if best == "marked":
        kinds = Counter(lines[i].kind for i in chosen)
        layout = kinds.most_common(1)[0][0]
        if layout in ("colon", "label-line"):
            layout = "label-line" if kinds["label-line"] > len(chosen) / 2 else "colon"
        return lines, layout
    out = []
    for i, line in enumerate(lines):
        if i in chosen:
            stamp = _TRAILING_TIME.search(line.text)
            start = _seconds(stamp[1]) if stamp else line.start
            out.append(replace(line, text="", speaker=chosen[i], start=start, kind="label-line"))
        else:
            out.append(_without_label(line) if line.speaker else line)
    return out, "label-line"


def _fix_misspelt_labels(lines: list[_Line]) -> tuple[list[_Line], list[str]]:
    """A label used once that is a near spelling of a speaker who speaks often is that speaker (with a warning).

    Transcribers mistype labels ("Particpant:" among 60 "Participant:"); read as written, the typo would be
    a speaker of its own (a second respondent). The warning names the line so it can be checked.
    """
    counts = Counter(line.speaker for line in lines if line.speaker is not None)
    frequent = [label for label, n in counts.items() if n >= MIN_TURNS_FOR_TYPO]
    fixed: dict[str, str] = {}
    for label, n in counts.items():
        if n == 1 and label not in frequent and not any(ch.isdigit() for ch in label):  # Speaker 3 is no typo
            close = difflib.get_close_matches(label.casefold(), [f.casefold() for f in frequent], 1, LABEL_TYPO_RATIO)
            if close:
                fixed[label] = next(f for f in frequent if f.casefold() == close[0])
    if not fixed:
        return lines, []
    # The misspelt label is not quoted: it may be a misspelt name, which the pseudonymisation key does not hold.
    notes = [f"a label used once ({_span([line for line in lines if line.speaker == old])}) is read as '{new}', "
             "the speaker it nearly spells" for old, new in fixed.items()]
    return [replace(line, speaker=fixed.get(line.speaker, line.speaker)) for line in lines], notes


def _is_title(text: str) -> bool:
    """A title, date or header line at the top of an unlabelled transcript ("Interview 3", "2024-03-05").

    Only lines before the first sentence are tested (see :func:`_drop_title_and_end`), and what is dropped
    is listed in the warnings.
    """
    words = text.split()
    if not words or len(words) > 12 or "?" in text:
        return False
    if _DATE.search(text) and len(words) <= 8:
        return True
    if words[0].lower() in TITLE_WORDS:
        return True
    key = text.split(":", 1)[0].strip().lower() if ":" in text else ""
    if key in METADATA_KEYS:
        return True
    return len(words) <= 10 and text[-1] not in ".!…:,;\"'”»"  # a heading: short, not a sentence


def _drop_title_and_end(turns: list[Turn]) -> tuple[list[Turn], list[str]]:
    """Title, date and "end of transcript" lines of an unlabelled transcript are not turns."""
    first = 0
    while first < min(len(turns) - 1, MAX_TITLE_LINES) and _is_title(turns[first].text):
        first += 1
    last = len(turns)
    while last > first + 1 and _END_LINE.fullmatch(turns[last - 1].text.strip()):
        last -= 1
    dropped = [turn.line for turn in turns[:first] + turns[last:]]
    # Line numbers, not the lines: a title may hold a name ("Transcribed by ...") that the key does not know.
    notes = [f"{len(dropped)} title, date or end line(s) are not turns (line {_numbers(dropped)})"] if dropped else []
    return turns[first:last], notes


def _line_paragraphs(lines: list[_Line]) -> bool:
    """True for a text without blank lines whose lines are whole paragraphs (Word's "Save as plain text"):
    nearly every line ends a sentence. Lines broken inside sentences (a PDF's print) are one paragraph."""
    if len(lines) < 3 or any(line.new_paragraph for line in lines[1:]):
        return False
    ends = sum(line.raw.rstrip("\"'”»)").endswith((".", "?", "!", "…")) for line in lines)
    return ends >= LINE_PARAGRAPH_SHARE * len(lines)


def _turns_from_lines(lines: list[_Line], path: Path) -> tuple[list[Turn], list[str], str]:
    """Turns, warnings and the layout (see :data:`LAYOUTS`) from the parsed lines of a text or Word transcript."""
    lines, layout = _choose_labels(lines)
    lines, warnings = _fix_misspelt_labels(lines)
    if layout is None:
        layout = "paragraphs"
        if _line_paragraphs(lines):
            lines = [replace(line, new_paragraph=True) for line in lines]
        turns, notes = _drop_title_and_end(_assemble(lines, labelled=False))
        warnings += [NO_LABELS] + notes if turns else notes
    else:
        first = next(i for i, line in enumerate(lines) if line.speaker is not None)
        first -= 1 if first and lines[first - 1].only_time else 0  # the first turn's timestamp, on the line above
        header = lines[:first]
        turns = _assemble(lines[first:], labelled=True)
        words = sum(len(line.raw.split()) for line in header)
        if words > MAX_HEADER_WORDS:
            plain = [replace(line, text=line.raw, speaker=None, start=None) for line in header]
            turns = _assemble(plain, labelled=False) + turns
            warnings.append(f"the {words} words before the first speaker label ({_span(header)}) "
                            "are kept as turns without a speaker")
        elif speech := [line for line in header if not line.only_time and not _is_title(line.raw)]:
            warnings.append(f"{len(speech)} line(s) before the first speaker label ({_span(speech)}) read like speech "
                            "but are taken as a header, not as a turn; check them")
    empty = [turn.line for turn in turns if not turn.text.strip()]
    if empty:
        where = f"line {empty[0]}" if len(empty) == 1 else f"lines {_numbers(empty)}"
        warnings.append(f"{len(empty)} speaker label(s) with no text after them ({where})")
    turns = [turn for turn in turns if turn.text.strip()]
    if not turns:
        raise InputError(path, "contains no transcript text", fix="check that the right file was exported")
    return turns, warnings, layout


def _span(lines: list[_Line]) -> str:
    """``line 3`` or ``lines 1-9``."""
    first, last = lines[0].number, lines[-1].number
    return f"line {first}" if first == last else f"lines {first}-{last}"


def _numbers(values: list[int], limit: int = 5) -> str:
    """``3, 17, 20`` (and ``...`` after ``limit`` of them)."""
    text = ", ".join(str(v) for v in values[:limit])
    return text + (", ..." if len(values) > limit else "")


def _read_nonempty(path: Path) -> tuple[str, str]:
    """The decoded text of a text-based transcript; a file with no text at all is an error."""
    text, encoding = read_text(path)
    if not text.strip():
        raise InputError(path, "is empty", fix="check that the right file was exported")
    return text, encoding


# --- plain text --------------------------------------------------------------------------------------


def _text_lines(text: str) -> Iterator[_Line]:
    """Parse the non-empty lines of a text file; Markdown headers (``# ...``) are skipped."""
    new_paragraph = True
    for number, raw in enumerate(text.split("\n"), start=1):
        stripped = raw.strip()
        if not stripped or _MARKDOWN_HEADER.match(stripped):
            new_paragraph = True
            continue
        yield _parse_line(stripped, number, new_paragraph)
        new_paragraph = False


def _read_txt(path: Path) -> Transcript:
    text, encoding = _read_nonempty(path)
    turns, warnings, layout = _turns_from_lines(list(_text_lines(text)), path)
    return Transcript(path, "txt", encoding, turns, warnings, layout)


# --- Word --------------------------------------------------------------------------------------------


def _open_docx(path: Path) -> docx.document.Document:
    """Open a .docx, or say clearly that the file is not one."""
    data = read_bytes(path)
    problem = "is not a Word .docx file"
    if data.startswith(_OLE_MAGIC):
        problem += " (it is an old .doc file)"
    if data.startswith(b"PK"):
        check_zip(io.BytesIO(data), path)
        try:
            return docx.Document(io.BytesIO(data))
        except (zipfile.BadZipFile, KeyError, ValueError, PackageNotFoundError, XMLSyntaxError):
            pass
    raise InputError(path, problem, fix="open it in Word and save it again as .docx (Word document)")


def _title_styles(document: docx.document.Document) -> frozenset[str]:
    """Ids of the heading, title and subtitle styles, whose paragraphs are not speech.

    Looked up once: python-docx's ``paragraph.style`` searches the style sheet on every call.
    """
    return frozenset(style.style_id for style in document.styles
                     if (style.name or "").lower().startswith(("heading", "title", "subtitle")))


def _bold_prefix(paragraph: Paragraph) -> str:
    """The text of the bold runs at the start of a paragraph ("" when it does not start bold)."""
    prefix = ""
    for run in paragraph.runs:
        if not run.bold:
            break
        prefix += run.text
    return normalise_text(prefix)


def _bold_label(paragraph: Paragraph, text: str) -> tuple[str, str] | None:
    """``(label, rest of the text)`` when a paragraph (whose text is ``text``) starts with a bold label."""
    prefix = _bold_prefix(paragraph)
    candidate = prefix.strip().rstrip(":").strip()
    if not candidate or "\n" in candidate or (label := _clean_label(candidate)) is None:
        return None
    return label, text[len(prefix):].lstrip(" \t:")


@dataclass(frozen=True)
class _Paragraph:
    """A body paragraph of a Word file, read once (python-docx re-reads the XML on every access)."""

    number: int
    text: str
    bold: tuple[str, str] | None  # a bold label at its start and the text after it


def _paragraph_lines(paragraph: _Paragraph, bold_labels: Counter) -> Iterator[_Line]:
    """Lines of one paragraph; its first line may start with a bold label without a colon.

    Such a label counts when alone in its paragraph, a known code, or used in several paragraphs
    (a single bold first word is more likely emphasis).
    """
    bold = paragraph.bold
    for i, part in enumerate(part.strip() for part in paragraph.text.split("\n")):
        if not part:
            continue
        line = _parse_line(part, paragraph.number, new_paragraph=i == 0)
        if i == 0 and line.speaker is None and bold is not None and (
                not bold[1] or bold[0].lower() in KNOWN_CODES or bold_labels[bold[0]] > 1):
            line = _Line(paragraph.number, part, bold[1].split("\n")[0].strip(), bold[0], line.start, True, "bold")
        yield line


def _row_line(cells: list[str], number: int, first_row: bool) -> _Line | None:
    """A table row as a line: speaker | text, optionally with a timestamp column."""
    start = None
    for i, cell in enumerate(cells):
        if stamp := _LEADING_TIME.fullmatch(cell):
            start, cells = _seconds(stamp[1]), cells[:i] + cells[i + 1:]
            break
    if first_row and (cells[0].lower() in SPEAKER_HEADERS or cells[-1].lower() in TEXT_HEADERS):
        return None
    if len(cells) == 1:
        return _parse_line(cells[0], number, True) if cells[0] else None
    speaker = cells[0].rstrip(":").strip()
    text = " ".join(cell for cell in cells[1:] if cell)
    if not speaker or speaker.lower() in METADATA_KEYS or len(speaker.split()) > 6:
        joined = " ".join(cell for cell in cells if cell)
        return _Line(number, joined, joined, None, start, True) if joined else None
    return _Line(number, text, text, speaker, start, True, "table")


def _row_cells(row) -> list[str]:
    """The distinct cells of a table row (merged cells repeat in python-docx), as stripped text."""
    seen, cells = set(), []
    for cell in row.cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            cells.append(normalise_text(cell.text).strip())
    return cells


def _docx_blocks(document: docx.document.Document) -> Iterator[_Paragraph | _Line]:
    """Body paragraphs (not titles) and table rows in document order, numbered together.

    Headers and footers are not part of the body.
    """
    titles = _title_styles(document)
    number = 0
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for i, row in enumerate(block.rows):
                number += 1
                cells = _row_cells(row)
                if any(cells) and (line := _row_line(cells, number, first_row=i == 0)) is not None:
                    yield line
            continue
        number += 1
        if block._p.style not in titles:
            text = normalise_text(block.text)  # Word keeps letters as typed or pasted, decomposed too
            first = text.split("\n", 1)[0].strip()
            labelled = bool(first) and _parse_line(first, number, True).speaker is not None
            yield _Paragraph(number, text, None if labelled else _bold_label(block, text))


def _docx_lines(document: docx.document.Document) -> Iterator[_Line]:
    """The lines of a Word transcript: paragraphs split at line breaks, and table rows."""
    blocks = list(_docx_blocks(document))
    bold_labels = Counter(block.bold[0] for block in blocks if isinstance(block, _Paragraph) and block.bold)
    for block in blocks:
        if isinstance(block, _Paragraph):
            yield from _paragraph_lines(block, bold_labels)
        else:
            yield block


def _read_docx(path: Path) -> Transcript:
    lines = list(_docx_lines(_open_docx(path)))
    turns, warnings, layout = _turns_from_lines(lines, path)
    return Transcript(path, "docx", None, turns, warnings, layout)


# --- subtitles ---------------------------------------------------------------------------------------


def _timing_lines(lines: list[str], path: Path, pattern: re.Pattern, example: str) -> list[int]:
    """Line numbers of the cue timing lines (``-->``), each checked so a bad one is named."""
    numbers = []
    for number, line in enumerate(lines, start=1):
        if "-->" in line:
            if not pattern.match(line):
                raise InputError(path, f"has a malformed cue time '{line.strip()}'", where=f"line {number}",
                                 fix=f"times must look like {example}")
            numbers.append(number)
    return numbers


def _check_cue_starts(lines: list[str], numbers: list[int], path: Path) -> None:
    """Each WebVTT cue starts after a blank line (its timing line, or the cue id above it)."""
    for number in numbers:
        above = lines[max(number - 3, 0):number - 1]  # the two lines above the timing line
        if above and above[-1] and (len(above) < 2 or above[0]):
            raise InputError(path, "a cue starts without a blank line before it", where=f"line {number}",
                             fix="separate the cues with an empty line")


def _cue_turns(cues: list[_Cue], path: Path, fmt: str, encoding: str) -> Transcript:
    """One turn per non-empty cue; the speaker from the voice tag or a label in the text."""
    turns = []
    for cue in cues:
        speaker, text = cue.voice, cue.text
        if speaker is None and (found := split_label(text)) is not None:
            speaker, text = found[0], found[2].strip()
        if text:
            turns.append(Turn(speaker, text, cue.start, cue.end, cue.line))
    if not turns:
        raise InputError(path, "has cues but no text in them", fix="check that the right file was exported")
    # A cue without a label after a labelled one continues that speaker (as subtitle files split turns);
    # only cues before the first label cannot be attributed.
    leading = next((i for i, turn in enumerate(turns) if turn.speaker is not None), len(turns))
    warnings = []
    if leading == len(turns):
        warnings.append("no speaker labels found in the cues: nothing in the file tells who speaks")
    elif leading:
        warnings.append(f"{leading} cue(s) before the first speaker label cannot be attributed to a speaker")
    layout = "cues" if leading == len(turns) else "cue-voice" if any(c.voice for c in cues) else "cue-label"
    return Transcript(path, fmt, encoding, turns, warnings, layout)


def _one_line(text: str) -> str:
    """Cue text: line breaks in a cue are layout, so its lines are joined with spaces."""
    return " ".join(normalise_text(html.unescape(text)).split())


def _read_vtt(path: Path) -> Transcript:
    text, encoding = _read_nonempty(path)
    lines = text.split("\n")
    if not lines[0].startswith("WEBVTT"):
        raise InputError(path, "does not start with the line WEBVTT", where="line 1",
                         fix="export it again as WebVTT, or rename it .srt if it is a SubRip file")
    lines = [line if line.strip() else "" for line in lines]  # webvtt-py reads "  " as part of a cue
    numbers = _timing_lines(lines, path, _VTT_TIMING, "00:01:02.500 --> 00:01:05.000")
    _check_cue_starts(lines, numbers, path)
    try:
        captions = webvtt.WebVTT.from_string("\n".join(lines), strict=True).captions
    except (MalformedCaptionError, MalformedFileError) as exc:
        raise InputError(path, f"is not valid WebVTT ({exc})", fix="export it again from the recording tool") from exc
    if not captions:
        raise InputError(path, "has no cues (nothing after the WEBVTT header)", fix="export the transcript again")
    if len(captions) != len(numbers):
        raise InputError(path, "has cue blocks that cannot be read (a cue without a blank line before it?)",
                         fix="export it again from the recording tool")
    cues = [_Cue(number, c.start_time.in_milliseconds() / 1000, c.end_time.in_milliseconds() / 1000,
                 _one_line(c.text), html.unescape(c.voice).strip() if c.voice else None)
            for number, c in zip(numbers, captions)]
    return _cue_turns(cues, path, "vtt", encoding)


def _read_srt(path: Path) -> Transcript:
    text, encoding = _read_nonempty(path)
    numbers = _timing_lines(text.split("\n"), path, _SRT_TIMING, "00:01:02,500 --> 00:01:05,000")
    try:
        subtitles = list(srt.parse(text))
    except srt.SRTParseError as exc:
        unmatched = exc.unmatched_content
        line = text.count("\n", 0, exc.expected_start + len(unmatched) - len(unmatched.lstrip())) + 1
        raise InputError(path, "is not valid SRT: expected a cue number and a time line", where=f"line {line}",
                         fix="each cue is a number, a line like 00:01:02,500 --> 00:01:05,000, and text") from exc
    if not subtitles:
        raise InputError(path, "has no subtitles", fix="export the transcript again")
    if len(subtitles) != len(numbers):
        raise InputError(path, "has cue blocks that cannot be read", fix="export it again from the recording tool")
    cues = [_Cue(number, s.start.total_seconds(), s.end.total_seconds(), _one_line(_SRT_TAG.sub("", s.content)))
            for number, s in zip(numbers, subtitles)]
    return _cue_turns(cues, path, "srt", encoding)


# --- dispatch ----------------------------------------------------------------------------------------

_READERS: dict[str, Callable[[Path], Transcript]] = {
    ".txt": _read_txt, ".docx": _read_docx, ".vtt": _read_vtt, ".srt": _read_srt,
}


def read_transcript(path: str | Path) -> Transcript:
    """Read any supported transcript file into turns."""
    path = Path(path)
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        raise InputError(path, f"has an unsupported file type '{path.suffix or '(none)'}'", fix=FORMATS_FIX)
    if not path.is_file():
        raise InputError(path, "does not exist or is not a file", fix="check the file name in participants.csv")
    return reader(path)
