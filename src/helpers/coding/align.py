"""One aligner for the researchers' own codings: a quote is found in a participant's segments however it was copied.

Coding sheets, Taguette highlights, MAXQDA coded segments and REFI-QDA selections quote the transcript as the
QDA program showed it: with cue timestamps (``... service. 00:00:19.600 and that board ...``), speaker labels
where a highlight runs across turns (``Dan:``, ``Participant:``, ``Researcher`` alone on a line, Teams'
``<v Name>``), filler words and transcription marks that stage 01 removed, the line breaks and hyphen splits of
a PDF print (``cross-`` newline ``eyed``, ``two- way``), typographic quotes and dashes, upper or lower case.

:class:`Normaliser` turns a quote and a segment's text into the same form: those differences removed (fillers
and marks with stage 01's own lists, :class:`helpers.interviews.segments.CleaningRules`), hyphens joined, every word
lower
case, one space between words. :class:`Aligner` joins each participant's normalised segments into one text (so
a quote over several turns, or over the pieces of a split long turn, is one stretch of it), and finds the quote:

1. exactly (the fast path), at every place it occurs;
2. otherwise approximately with rapidfuzz: :func:`rapidfuzz.fuzz.partial_ratio_alignment` locates the best
   window, an LCS alignment of the quote onto that window and its surroundings finds the runs of at least
   :data:`MIN_RUN` characters they share, and the **score** is the share of the quote's characters in those runs,
   in order. A quote is placed when its score is at least :data:`ACCEPT` (a few words changed, dropped or added
   still place it; a quote from another interview does not reach it). A second search with the best place
   blanked out looks for another place that is as good (within :data:`TIE` points).

A placement codes every **respondent** segment the alignment covers (at least :data:`MIN_SEGMENT_CHARS` of its
characters, or half of a shorter segment; and the segment it covers most), never an interviewer's. A quote that
lies only in interviewer turns, matches equally well in places that land on different answers (unless a
position ``hint`` decides), scores below the threshold, or is empty once normalised is *unplaced*, with the
reason and the closest match.

Quotes must be pseudonymised by the caller first (QDA programs hold the un-pseudonymised transcripts; the
segments are pseudonymised), so that a name in a quote reads as the segment does.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate

import pandas as pd
from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from ..core.tables import RESPONDENT
from ..core.text import excerpt
from ..core.textio import normalise_text
from ..interviews.pseudonymise import ROLE_LABELS
from ..interviews.segments import TIMESTAMP_IN_TEXT, CleaningRules, clean_text

__all__ = ["ACCEPT", "MIN_RUN", "TIE", "Aligner", "Normaliser", "Placement", "outside_answers", "plain"]

ACCEPT = 85.0  # least score (% of the quote's normalised characters found, in order) to place a quote
MIN_RUN = 5  # an approximate match counts runs of at least this many shared characters
TIE = 2.0  # two places whose scores differ by less than this match equally well
MIN_FUZZY_CHARS = 20  # a quote shorter than this (normalised) is placed only where it occurs exactly
MIN_SEGMENT_CHARS = 12  # a segment is coded when the match covers this many of its characters (or half of it)
MIN_NUMBER_RUN = 5  # "1 2 3 4 5 ...": a run of consecutive numbers this long is a PDF's line numbers
EXCERPT_CHARS = 160  # the closest match's excerpt: at most this long,
CONTEXT_WORDS = 4  # with this many words before and after the matched words

_TAG = re.compile(r"</?[A-Za-z][^<>\n]{0,80}>")  # HTML of older Taguette exports; WebVTT's <v Name>, <c>
_FOLD = str.maketrans({"\u00ad": "", "\u2010": "-", "\u2011": "-", "\u00a0": " "})
_NAME_WORD = r"(?:[A-ZÀ-Þ0-9][\w.'’-]*|speaker|von|van|af|de|der|den|la|le|da|di|du|al|el)"
# A label before a colon, at the start of a line or after a sentence: 1 to 5 words that read as a name or id
# ("Dan", "Lina Björk (LB)", "Speaker 2", "P01 speaker 2", "Anf. 116 FIRSTNAME LASTNAME (M)").
_COLON_LABEL = re.compile(rf"(?:^|(?<=[.!?…\"”»]))[ \t]*[A-ZÀ-Þ0-9\[][\w.'’\]-]*(?:[ \t]+{_NAME_WORD}){{0,4}}"
                          r"(?:[ \t]*\([^()\n]{1,12}\))?[ \t]*:(?=\s|$)", re.MULTILINE)
# A word; "two-way", "two- way" and "cross-" newline "eyed" (a hyphen split by a print's line break) are one word.
_WORD = re.compile(r"[^\W_]+(?:-\s*[^\W_]+)*")
_HYPHEN = re.compile(r"-\s*")


def plain(text: str) -> str:
    """``text`` without markup: HTML entities decoded, tags (older Taguette exports, WebVTT's ``<v Name>``) removed."""
    return _TAG.sub(" ", html.unescape(text))


@dataclass(frozen=True)
class Normaliser:
    """Turns quotes and segment texts into one comparable form: lower-case words separated by single spaces.

    ``labels`` are speaker labels (any case) removed where they stand alone on a line or open a sentence
    without a colon (``Researcher`` newline text); labels with a colon are recognised by their shape.
    """

    rules: CleaningRules
    labels: frozenset[str] = frozenset()

    @cached_property
    def _bare_label(self) -> re.Pattern[str]:
        words = {w for w in ROLE_LABELS | self.rules.interviewer_labels | self.rules.respondent_labels if len(w) > 2}
        words |= {w.lower() for w in self.labels if w.strip()}
        names = "|".join(sorted(map(re.escape, words), key=len, reverse=True))
        return re.compile(rf"(?:^|(?<=[.!?…]))[ \t]*(?i:(?:unknown )?speaker(?: \d+)?|interviewer \d+|{names})"
                          r"(?=[ \t]*(?:\n|$)|[ \t]+[A-ZÀ-Þ])", re.MULTILINE)

    def readable(self, text: str) -> str:
        """``text`` without markup, timestamps and speaker labels, on one line: a quote as the outputs show it
        (a Zoom label's "(initials)" and a cue's time are no part of what was said)."""
        text = plain(normalise_text(text).translate(_FOLD))
        text = TIMESTAMP_IN_TEXT.sub("\n", text)  # a cue's label follows its timestamp: it then starts a line
        return self._bare_label.sub("\n", _COLON_LABEL.sub("\n", text))

    def clean(self, text: str, language: str = "") -> str:
        """``text`` without markup, timestamps, speaker labels, filler words and transcription marks."""
        return clean_text(self.readable(text), self.rules, language)

    def words(self, text: str, language: str = "") -> list[re.Match[str]]:
        """The words of the cleaned ``text`` (matches into it), without runs of a PDF's line numbers."""
        cleaned = self.clean(text, language)
        words = list(_WORD.finditer(cleaned))
        keep = [True] * len(words)
        start = 0
        for i in range(1, len(words) + 1):
            if i < len(words) and _follows(words[i - 1].group(), words[i].group()):
                continue
            if i - start >= MIN_NUMBER_RUN:
                keep[start:i] = [False] * (i - start)
            start = i
        return [w for w, k in zip(words, keep) if k]

    def __call__(self, text: str, language: str = "") -> str:
        """The normalised form of ``text``."""
        return " ".join(_word(w) for w in self.words(text, language))


def _word(match: re.Match[str]) -> str:
    """A word as it is compared: lower case, hyphens dropped."""
    return _HYPHEN.sub("", match.group()).casefold()


def _follows(previous: str, word: str) -> bool:
    """Whether ``word`` is the number after ``previous`` (a PDF's line numbers run 1 2 3 ...)."""
    return previous.isdecimal() and word.isdecimal() and int(word) == int(previous) + 1


@dataclass(frozen=True)
class Placement:
    """Where a quote landed: the respondent segments it codes, or why none (``reason``), and the closest match."""

    segment_ids: tuple[str, ...]
    score: float  # 100 for an exact match; else the share of the quote found (see the module's docstring)
    reason: str = ""  # empty when placed
    closest_segment_id: str = ""
    closest_excerpt: str = ""

    @property
    def placed(self) -> bool:
        return bool(self.segment_ids)


@dataclass
class _Candidate:
    """One place a quote may be: the runs of the participant's text it matches, and its score."""

    runs: list[tuple[int, int]]
    score: float
    segments: list[int] = field(default_factory=list)  # indexes of the segments it covers (see _covered)

    @property
    def start(self) -> int:
        return self.runs[0][0]


@dataclass
class _Speech:
    """One participant's segments, normalised and joined by spaces, with where each one lies in ``text``."""

    text: str
    starts: list[int]
    ends: list[int]
    ids: list[str]
    respondent: list[bool]
    roles: list[str]  # each segment's speaker_role
    texts: list[str]  # the segments' (pseudonymised) texts, for excerpts
    language: str


class Aligner:
    """Places quotes on the segments of stage 01 (its ``segments`` table): see the module's docstring."""

    def __init__(self, segments: pd.DataFrame, rules: CleaningRules) -> None:
        self.normalise = Normaliser(rules, frozenset(segments["speaker"].dropna().astype(str)))
        self._segments = segments.sort_values(["participant_id", "seq"], kind="stable")
        self._groups = {pid: g for pid, g in self._segments.groupby("participant_id", sort=False)}
        self._speech: dict[str, _Speech] = {}

    def speech(self, participant_id: str) -> _Speech:
        """The participant's normalised text, made on first use."""
        if participant_id not in self._speech:
            group = self._groups.get(participant_id, self._segments.iloc[0:0])
            language = str(group["language"].iloc[0] or "") if "language" in group and len(group) else ""
            parts, starts, ends, ids, respondent, roles, texts = [], [], [], [], [], [], []
            pos = 0
            for seg_id, role, text in zip(group["segment_id"], group["speaker_role"], group["text"]):
                norm = self.normalise(str(text), language)
                if not norm:
                    continue
                pos += 1 if parts else 0
                parts.append(norm)
                starts.append(pos)
                pos += len(norm)
                ends.append(pos)
                ids.append(seg_id)
                respondent.append(role == RESPONDENT)
                roles.append(str(role))
                texts.append(str(text))
            self._speech[participant_id] = _Speech(" ".join(parts), starts, ends, ids, respondent, roles, texts,
                                                   language)
        return self._speech[participant_id]

    def place(self, participant_id: str, quote: str, hint: float | None = None) -> Placement:
        """Place ``quote`` (pseudonymised) in the participant's segments.

        ``hint``: where the quote starts in its source, as a share of the source's length (a REFI-QDA
        selection's offset); it decides between places that match equally well.
        """
        speech = self.speech(participant_id)
        needle = self.normalise(quote, speech.language)
        if not needle:
            return Placement((), 0.0, "nothing is left of the quote once speaker labels, timestamps, filler words "
                                      "and transcription marks are removed")
        if not speech.text:
            return Placement((), 0.0, f"{participant_id} has no segments with text")
        exact = _exact(needle, speech.text)
        candidates = exact or _approximate(needle, speech.text)
        for candidate in candidates:
            candidate.segments = _covered(candidate.runs, speech)
        best = candidates[0]
        closest = max(best.segments or [bisect_right(speech.starts, best.start) - 1],
                      key=lambda i: (speech.respondent[i], _overlap(best.runs, speech, i)))
        placement = dict(score=round(best.score, 1), closest_segment_id=speech.ids[closest],
                         closest_excerpt=_excerpt(best.runs, speech, closest, self.normalise))
        if not exact and len(needle) < MIN_FUZZY_CHARS:
            return Placement((), reason="not found: a quote this short is placed only where it occurs exactly",
                             **placement)
        if best.score < ACCEPT:
            return Placement((), reason=f"not found: the closest passage matches {best.score:.0f} % of the quote "
                                        f"({ACCEPT:.0f} % needed)", **placement)
        answers = [c for c in candidates if any(speech.respondent[i] for i in c.segments)]
        if not answers:
            roles = {speech.roles[i] for c in candidates for i in c.segments}
            return Placement((), reason=outside_answers(roles), **placement)
        places = {tuple(_respondent(c, speech)): None for c in answers}
        if len(places) > 1:
            if hint is None:
                where = ", ".join(place[0] for place in places)
                return Placement((), reason=f"ambiguous: matches equally well in {len(places)} places in different "
                                            f"answers ({where}); make the quote longer or give the segment_id",
                                 **placement)
            answers.sort(key=lambda c: abs(c.start / len(speech.text) - hint))
        return Placement(tuple(_respondent(answers[0], speech)), **placement)


def outside_answers(roles: set[str]) -> str:
    """Why a quote found only in segments that are no answers (of these ``roles``) is not placed."""
    if "unknown" in roles:
        return ("in an interview whose speaker roles are uncertain: state its layout (or interviewer) in "
                "participants.csv")
    return "only in the interviewer's turns"


def _respondent(candidate: _Candidate, speech: _Speech) -> list[str]:
    """The ids of the respondent segments among those a candidate place covers."""
    return [speech.ids[i] for i in candidate.segments if speech.respondent[i]]


def _exact(needle: str, text: str) -> list[_Candidate]:
    """Every place ``needle`` occurs in ``text``."""
    found, pos = [], text.find(needle)
    while pos >= 0:
        found.append(_Candidate([(pos, pos + len(needle))], 100.0))
        pos = text.find(needle, pos + 1)
    return found


def _approximate(needle: str, text: str) -> list[_Candidate]:
    """The best approximate place of ``needle`` in ``text``, and a second one if it is as good (within TIE)."""
    best = _candidate(needle, text, *_window(needle, text))
    start, end = best.runs[0][0], best.runs[-1][1]
    if best.score < ACCEPT or end <= start:
        return [best]
    blanked = text[:start] + "\x00" * (end - start) + text[end:]
    second = _candidate(needle, blanked, *_window(needle, blanked))
    return [best, second] if second.runs and second.score >= best.score - TIE else [best]


def _window(needle: str, text: str) -> tuple[int, int]:
    """Where rapidfuzz's partial ratio puts ``needle`` in ``text`` (a window of about its length)."""
    found = fuzz.partial_ratio_alignment(needle, text)
    return found.dest_start, found.dest_end


def _candidate(needle: str, text: str, start: int, end: int) -> _Candidate:
    """The runs ``needle`` shares with ``text`` around the window ``start:end``, and the share of it they hold.

    Short runs at either end are dropped: text shared by chance around the place, which would widen it.
    """
    slack = len(needle) // 2 + MIN_FUZZY_CHARS
    lo, hi = max(0, start - slack), min(len(text), end + slack)
    runs = [(lo + op.dest_start, lo + op.dest_end) for op in Indel.opcodes(needle, text[lo:hi])
            if op.tag == "equal" and op.dest_end - op.dest_start >= MIN_RUN]
    while len(runs) > 1 and runs[-1][1] - runs[-1][0] < 2 * MIN_RUN:  # short runs at the ends may be chance
        runs.pop()
    while len(runs) > 1 and runs[0][1] - runs[0][0] < 2 * MIN_RUN:
        runs.pop(0)
    score = 100.0 * sum(b - a for a, b in runs) / len(needle)
    return _Candidate(runs or [(start, start)], score)


def _overlap(runs: list[tuple[int, int]], speech: _Speech, i: int) -> int:
    """How many characters of segment ``i`` the matched runs cover."""
    return sum(max(0, min(b, speech.ends[i]) - max(a, speech.starts[i])) for a, b in runs)


def _covered(runs: list[tuple[int, int]], speech: _Speech) -> list[int]:
    """The segments (indexes) that the span of the runs covers by MIN_SEGMENT_CHARS or by half of a shorter one,
    and the one it covers most (a short quote inside one long answer)."""
    span = [(runs[0][0], runs[-1][1])]
    inside = range(bisect_right(speech.ends, span[0][0]), bisect_left(speech.starts, span[0][1]))
    overlap = {i: _overlap(span, speech, i) for i in inside}
    most = max(overlap, key=overlap.get, default=None)
    return [i for i, n in overlap.items()
            if i == most or n >= min(MIN_SEGMENT_CHARS, (speech.ends[i] - speech.starts[i]) / 2)]


def _excerpt(runs: list[tuple[int, int]], speech: _Speech, i: int, normalise: Normaliser) -> str:
    """Segment ``i``'s text where the runs cover it, with CONTEXT_WORDS around (or its start), in EXCERPT_CHARS."""
    inside = [(max(a, speech.starts[i]) - speech.starts[i], min(b, speech.ends[i]) - speech.starts[i])
              for a, b in runs if a < speech.ends[i] and b > speech.starts[i]]
    words = normalise.words(speech.texts[i], speech.language)
    cleaned = words[0].string if words else speech.texts[i]
    if inside and words:  # where each word starts in the segment's normalised text
        offsets = list(accumulate((len(_word(w)) + 1 for w in words[:-1]), initial=0))
        first = max(0, bisect_right(offsets, inside[0][0]) - 1 - CONTEXT_WORDS)
        last = min(len(words) - 1, bisect_right(offsets, inside[-1][1] - 1) - 1 + CONTEXT_WORDS)
        cleaned = cleaned[words[first].start():words[last].end()]
    cleaned = " ".join(cleaned.split())
    return excerpt(cleaned, EXCERPT_CHARS)
