"""The researcher's workbench: searching, retrieving and comparing the coded interviews in JupyterLab.

Five questions a researcher asks while reading an interview study, each answered by one function that
returns a DataFrame (or a small result object holding DataFrames):

- :func:`retrieve`: the segments coded with a code or theme, with the turn before and after;
- :func:`kwic`: keyword in context for a word, stem, phrase, prefix (``digitali*``) or regular expression;
- :func:`preview_rule`: what a candidate codebook rule would code, and how that overlaps the existing codes;
- :func:`cooccurrence`: the codes or themes coded on the same segments as a code or theme, with the segments;
- :func:`compare`: two members or roles side by side (theme shares, distinctive words, example quotes).

The workbench reads only the pseudonymised tables in ``data/processed/`` (docs/architecture.md), never
the raw transcripts or the re-identification key. Selections by ``participant`` match whole values, by
``organisation`` the whole name or a unique beginning of it (``"Granvik"``), by ``role`` any part of the
role (``"IT-chef"`` finds ``"IT-chef"`` and ``"biträdande IT-chef"``); all ignore case, and a value that
matches nothing (or several members) is an error rather than an empty table.
:func:`show` (in :mod:`helpers.workbench.display`) draws any of the tables as a sortable, searchable table.

Example::

    wb = load_workbench("..")                      # the project's data/processed/
    retrieve(wb, theme="prioritisation", role=["IT-chef", "chef för IT"])
    kwic(wb, "mandat")                             # mandat, mandatet, mandaten ...
    preview_rule(wb, keywords=["mandat*"], regex=[r"vem (som )?bestämmer"])
    cooccurrence(wb, code="unclear_mandate")      # which codes are coded on the same segments
    compare(wb, "Sexan IT")                        # Sexan IT against everyone else
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd
from markupsafe import Markup

from ..coding.codebook import build_codebook
from ..coding.rules import RuleCoder, Word, parse_keyword, required_texts
from ..core.display import html, join, styled
from ..core.errors import InputError
from ..core.language import STEMMERS, stemmer, stop_words
from ..core.outputs import Outputs
from ..core.tables import RESPONDENT, read_processed, require_columns
from ..core.text import counted, trim_quote
from ..core.textio import caseless

Names = str | Sequence[str] | None
Span = tuple[int, int]

SEGMENT_COLUMNS = ("segment_id", "participant_id", "seq", "speaker", "speaker_role", "text", "organisation", "role")
PARTICIPANT_COLUMNS = ("participant_id", "organisation", "role")
CODEBOOK_COLUMNS = ("code_id", "label", "theme_id", "level")
CODING_COLUMNS = ("segment_id", "participant_id", "code_id", "theme_id", "coder")
WHO = ["segment_id", "participant_id", "organisation", "role"]
RETRIEVE_COLUMNS = WHO + ["codes", "coders", "before", "text", "after"]
KWIC_COLUMNS = WHO + ["speaker_role", "left", "match", "right"]
HIT_COLUMNS = WHO + ["matched", "codes", "new", "text"]
DEFAULT_LANGUAGE = "sv"
EXCERPT_WORDS = 40  # the length of the text excerpts of co-occurrence segments
SELECTORS = {"organisation": ("organisation", "prefix"), "role": ("role", "part"),
             "participant": ("participant_id", "whole")}  # selector -> (column, how values match it)
_CANDIDATE = "candidate"
_TOKEN = re.compile(r"\w+")


# ---- the tables ------------------------------------------------------------------------------------

@dataclass
class Workbench:
    """The tables the workbench reads: ``segments`` (required), ``participants``, ``codebook``, ``codings``.

    Build it with :func:`load_workbench`, or directly from DataFrames with the columns of
    docs/architecture.md (missing optional tables become empty ones). Queries keep what they work out from
    ``segments`` once (each segment's words, each turn's context) with the workbench: to change the segments,
    assign a new table rather than changing this one in place.
    """

    segments: pd.DataFrame
    participants: pd.DataFrame | None = None
    codebook: pd.DataFrame | None = None
    codings: pd.DataFrame | None = None
    source: Path = Path("data/processed")
    _derived: dict = field(default_factory=dict, init=False, repr=False, compare=False)  # see _derived

    def __post_init__(self) -> None:
        self.segments = _prepare_segments(self.segments, self.source / "segments.parquet")
        if self.participants is None:
            self.participants = self.segments.drop_duplicates("participant_id")[list(PARTICIPANT_COLUMNS)]
        require_columns(self.participants, self.source / "participants.parquet", PARTICIPANT_COLUMNS)
        self.codebook = _prepare(self.codebook, CODEBOOK_COLUMNS, self.source / "codebook.parquet")
        self.codings = _prepare(self.codings, CODING_COLUMNS, self.source / "codings.parquet")

    @property
    def respondent(self) -> pd.DataFrame:
        """The respondents' segments (what the interviewees said)."""
        return self.segments.loc[self.segments["speaker_role"] == RESPONDENT]


def _prepare(df: pd.DataFrame | None, columns: Sequence[str], path: Path) -> pd.DataFrame:
    """``df`` checked for ``columns`` (string-typed), or an empty table with them."""
    if df is None:
        return pd.DataFrame({c: pd.Series(dtype="string") for c in columns})
    require_columns(df, path, columns)
    return df.astype({c: "string" for c in columns if c != "level"}).reset_index(drop=True)


def _prepare_segments(segments: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Segments in interview order, with ``text`` never missing, ``n_words`` and ``language`` filled in."""
    require_columns(segments, path, SEGMENT_COLUMNS)
    out = segments.copy()
    out["text"] = out["text"].fillna("").astype(str)
    if "n_words" not in out.columns:
        out["n_words"] = out["text"].map(lambda t: len(_TOKEN.findall(t)))
    language = out["language"] if "language" in out.columns else pd.Series("", index=out.index)
    out["language"] = language.fillna("").astype(str).str.strip().str.lower().replace("", DEFAULT_LANGUAGE)
    unknown = sorted(set(out["language"]) - set(STEMMERS))
    if unknown:
        raise InputError(path, f"language '{unknown[0]}' has no stemmer",
                         fix=f"set the participants' language to one of {', '.join(STEMMERS)}")
    out["seq"] = pd.to_numeric(out["seq"])
    return out.sort_values(["participant_id", "seq"], kind="stable").reset_index(drop=True)


def load_workbench(output_dir: str | Path = "..") -> Workbench:
    """Read the tables of ``output_dir/data/processed/`` written by a pipeline run.

    Example::

        wb = load_workbench("..")          # from notebooks/: the project's own outputs
        wb.participants                    # who was interviewed (pseudonymised ids)
    """
    processed = Outputs.at(output_dir, create=False).processed
    tables = {name: read_processed(processed, name, optional=name != "segments")
              for name in ("segments", "participants", "codebook", "codings")}
    return Workbench(**tables, source=processed)


# ---- selecting -------------------------------------------------------------------------------------

def _names(values: Names) -> list[str]:
    if values is None:
        return []
    return [values] if isinstance(values, str) else [str(v) for v in values]


def _label(values: Names) -> str:
    return " / ".join(_names(values))


def matching(column: pd.Series, values: Names, what: str, how: str = "whole") -> pd.Series:
    """Rows whose ``column`` matches any of ``values``, ignoring case; all rows if there are no values.

    ``how`` is ``"whole"`` (the whole value), ``"part"`` (any part of it) or ``"prefix"`` (the whole
    value, else the one value that begins so: ``"granvik"`` for ``"Granvik kommun"``). A value that
    matches no row, or a prefix that fits several values, raises ValueError listing the values that
    exist, so a typo never passes for "nobody said that".
    """
    wanted = _names(values)
    if not wanted:
        return pd.Series(True, index=column.index)
    folded = column.fillna("").astype(str).str.casefold()
    known = ", ".join(sorted(set(column.dropna().astype(str)))) or "none"
    mask = pd.Series(False, index=column.index)
    for value in wanted:
        key = value.strip().casefold()
        hit = folded.str.contains(key, regex=False) if how == "part" else folded == key
        if how == "prefix" and not hit.any():
            hit = folded.str.startswith(key)
            if column[hit].nunique() > 1:
                raise ValueError(f"'{value}' is the beginning of several {what}s "
                                 f"({', '.join(sorted(set(column[hit])))}): give more of the name")
        if not hit.any():
            verb = {"whole": "is", "part": "contains", "prefix": "is or begins with"}[how]
            raise ValueError(f"no {what} {verb} '{value}' (the study has: {known})")
        mask |= hit
    return mask


def _selected(segments: pd.DataFrame, by: str, values: Names) -> pd.Series:
    """The rows of ``segments`` that the selector ``by`` (organisation, role, participant) with ``values`` picks."""
    column, how = SELECTORS[by]
    return matching(segments[column], values, by, how)


def select(wb: Workbench, organisation: Names = None, role: Names = None, participant: Names = None,
           include_interviewer: bool = False) -> pd.DataFrame:
    """The segments of the interviews that match every given selection (respondents' turns by default).

    Example::

        select(wb, organisation="Sexan IT")
        select(wb, organisation="granvik")                 # Granvik kommun, the only member beginning so
        select(wb, role=["IT-chef", "chef för IT"], include_interviewer=True)
    """
    segments = wb.segments if include_interviewer else wb.respondent
    mask = pd.Series(True, index=segments.index)
    for arg, value in (("organisation", organisation), ("role", role), ("participant", participant)):
        mask &= _selected(segments, arg, value)
    return segments.loc[mask]


def resolve_code(wb: Workbench, name: str, themes_only: bool = False) -> str:
    """The id of the code (or theme) whose id, label or English label is ``name``, or uniquely contains it.

    Example::

        resolve_code(wb, "Prioritering av gemensamma initiativ")   # -> "prioritisation"
        resolve_code(wb, "priorit", themes_only=True)              # -> "prioritisation"
    """
    book = wb.codebook
    if book.empty:  # codings without a codebook table: only ids to go by
        ids = wb.codings["theme_id"] if themes_only else pd.concat([wb.codings["theme_id"], wb.codings["code_id"]])
        book = pd.DataFrame({"code_id": ids.drop_duplicates(), "label": ids.drop_duplicates()})
    elif themes_only:
        book = book.loc[pd.to_numeric(book["level"]) == 0]
    fields = [book[c].fillna("").astype(str).str.casefold() for c in ("code_id", "label", "label_en") if c in book]
    key = name.strip().casefold()
    for found in (np.logical_or.reduce([f == key for f in fields]),
                  np.logical_or.reduce([f.str.contains(key, regex=False) for f in fields])):
        ids = list(dict.fromkeys(book.loc[found, "code_id"]))
        if len(ids) == 1:
            return str(ids[0])
        if ids:
            raise ValueError(f"'{name}' fits several {'themes' if themes_only else 'codes'} "
                             f"({', '.join(ids)}): give one of these ids")
    listing = ", ".join(f"{c} ({lab})" for c, lab in zip(book["code_id"], book["label"]))
    raise ValueError(f"'{name}' is not a {'theme' if themes_only else 'code'} of the codebook "
                     f"(there are: {listing or 'none, the study has no codings'})")


def people(table: pd.DataFrame) -> str:
    """The distinct participants of a result table, as ``P03 (Sjömåla kommun, IT-chef), P11 (...)``."""
    first = table.drop_duplicates("participant_id")
    return ", ".join(f"{p} ({o}, {r})" for p, o, r in zip(first["participant_id"], first["organisation"],
                                                          first["role"]))


def _join(values: pd.Series) -> str:
    return ", ".join(dict.fromkeys(str(v) for v in values))


def _labels(wb: Workbench) -> dict[str, str]:
    """Code (and theme) id -> label, from the codebook table."""
    return dict(zip(wb.codebook["code_id"], wb.codebook["label"]))


def _codes_per_segment(codings: pd.DataFrame) -> pd.DataFrame:
    """One row per coded segment (in order of appearance): its codes and coders, comma-separated in order of
    appearance, each once."""
    codes: dict[str, dict[str, None]] = {}
    coders: dict[str, dict[str, None]] = {}
    keyed = codings.loc[codings["segment_id"].notna()]  # as groupby drops a missing key
    for segment, code, coder in zip(*(keyed[c].tolist() for c in ("segment_id", "code_id", "coder"))):
        codes.setdefault(segment, {})[str(code)] = None
        coders.setdefault(segment, {})[str(coder)] = None
    index = pd.Index(list(codes), dtype=codings["segment_id"].dtype, name="segment_id")
    return pd.DataFrame({"codes": pd.array([", ".join(c) for c in codes.values()], dtype=codings["code_id"].dtype),
                         "coders": pd.array([", ".join(c) for c in coders.values()], dtype=codings["coder"].dtype)},
                        index=index)


def _derived(wb: Workbench, name: str, build: Callable[[pd.DataFrame], Any]) -> Any:
    """``build(wb.segments)``, made at its first use and kept with ``wb`` (made again when ``wb.segments`` is
    another table): what every query would otherwise work out again (each turn's context, the words)."""
    kept = wb._derived
    if kept.get("segments") is not wb.segments:
        kept.clear()
        kept["segments"] = wb.segments
    if name not in kept:
        kept[name] = build(wb.segments)
    return kept[name]


# ---- retrieval -------------------------------------------------------------------------------------

def with_context(segments: pd.DataFrame) -> pd.DataFrame:
    """``segments`` (in interview order) with ``before``/``after``: the neighbouring turns as ``speaker: text``."""
    turn = segments["speaker"].astype(str) + ": " + segments["text"]
    by_interview = turn.groupby(segments["participant_id"], sort=False)
    return segments.assign(before=by_interview.shift(1).fillna(""), after=by_interview.shift(-1).fillna(""))


def retrieve(wb: Workbench, code: str | None = None, theme: str | None = None, organisation: Names = None,
             role: Names = None, participant: Names = None, coder: Names = None) -> pd.DataFrame:
    """The segments coded with ``code`` or ``theme`` (id, label or unique part of one), with their context.

    One row per segment, in interview order: who said it, the codes and coders that put it under the
    code or theme, the turn before (usually the question), the segment's text and the turn after.

    Example::

        retrieve(wb, theme="prioritisation", role=["IT-chef", "chef för IT"])
        retrieve(wb, code="unclear_mandate", organisation="Sexan IT", coder="rules")
    """
    if (code is None) == (theme is None):
        raise ValueError("give either code= or theme=")
    if theme is not None:
        column, wanted = "theme_id", resolve_code(wb, theme, themes_only=True)
    else:
        column, wanted = "code_id", resolve_code(wb, code)
    codings = wb.codings.loc[matching(wb.codings["coder"], coder, "coder")]
    codings = codings.loc[codings[column] == wanted]
    chosen = select(wb, organisation, role, participant, include_interviewer=True)
    chosen = _derived(wb, "context", with_context).loc[chosen.index]
    found = chosen.merge(_codes_per_segment(codings), left_on="segment_id", right_index=True)
    return found[RETRIEVE_COLUMNS].reset_index(drop=True)


# ---- keyword in context ----------------------------------------------------------------------------

@lru_cache(maxsize=200_000)
def stem(word: str, language: str = DEFAULT_LANGUAGE) -> str:
    """The Snowball stem of a lower-case ``word`` (``language``: ``sv`` or ``en``)."""
    return stemmer(language).stemWord(word)


def _check_language(language: str | None) -> None:
    """``None`` (each segment's own language) or a language with a stemmer."""
    if language is not None and language not in STEMMERS:
        raise ValueError(f"language must be one of {', '.join(STEMMERS)}, not '{language}'")


def _reducer(language: str, stemmed: bool) -> Callable[[str], str]:
    """How a lower-case word is reduced before comparing: its stem in ``language``, or itself."""
    return (lambda word: stem(word, language)) if stemmed else str


@dataclass
class _Query:
    """A KWIC query: words (a phrase when several; stems or exact words) or a regular expression."""

    text: str
    how: str

    def __post_init__(self) -> None:
        if self.how not in ("stem", "word", "regex"):
            raise ValueError(f"match must be 'stem', 'word' or 'regex', not '{self.how}'")
        if self.how == "regex":
            try:
                self.regex = re.compile(self.text, re.IGNORECASE)
            except re.error as exc:
                raise ValueError(f"'{self.text}' is not a valid regular expression ({exc.msg})") from exc
            if self.regex.search(""):
                raise ValueError(f"the regular expression '{self.text}' matches empty text")
            # Literal texts a match must hold (one of each set), in caseless form; none that lowercase
            # changes in length ("İ" to "i" and a combining dot), as IGNORECASE compares them differently.
            forms = ({caseless(text) for text in options} for options in required_texts(self.text))
            self.required = tuple(frozenset(f) for f in forms if None not in f and not any("\u0307" in t for t in f))
            return
        if not parse_keyword(self.text, str):
            raise ValueError(f"'{self.text}' has no words to search for")
        self._words: dict[str, tuple[Word, ...]] = {}

    def regex_spans(self, text: str, folded: str | None = None) -> list[Span]:
        """Character spans of every non-empty match of the regular expression in ``text``; none without a
        search when ``folded`` (``text`` in :func:`caseless` form) lacks a literal text every match holds."""
        if folded is not None and not all(any(t in folded for t in options) for options in self.required):
            return []
        return [m.span() for m in self.regex.finditer(text) if m.end() > m.start()]

    def word_spans(self, words: _Words, rows: np.ndarray, language: str) -> list[tuple[int, int, int]]:
        """(row, start, end) of every occurrence among the words of ``rows`` (positions in ``words.segments``),
        compared in ``language``: phrases word by word, within one segment."""
        stemmed = self.how == "stem"
        if language not in self._words:
            self._words[language] = parse_keyword(self.text, _reducer(language, stemmed), stop_words(language))
        query, n = self._words[language], len(self._words[language])
        last = len(words.ids) - n + 1  # the number of places a phrase of n words can start
        if last <= 0 or not len(rows):
            return []
        wanted = np.zeros(len(words.first) - 1, dtype=bool)
        wanted[rows] = True
        found = wanted[words.rows[:last]]
        for j, word in enumerate(query):
            found &= words.matching(word, language, stemmed)[words.ids[j:last + j]]
            if j:
                found &= words.rows[j:last + j] == words.rows[:last]
        at = np.flatnonzero(found)
        return list(zip(words.rows[at].tolist(), words.starts[at].tolist(), words.ends[at + n - 1].tolist()))


@dataclass
class _Words:
    """Every word (``\\w+``) of a table of segments, found once: flat arrays in the table's row order.

    The words of row ``r`` are ``first[r]:first[r + 1]``; ``ids`` point into ``vocabulary`` (the distinct
    words as written), whose lower case and stems are worked out once per distinct word, not per occurrence.
    With each text in caseless form, where a regular expression's literal texts are looked for first.
    """

    segments: pd.DataFrame  # the table the words are of (a Workbench's segments)
    first: np.ndarray
    rows: np.ndarray  # the row of each word
    starts: np.ndarray
    ends: np.ndarray
    ids: np.ndarray
    vocabulary: list[str]
    folded: list[str | None]  # each text in caseless form (helpers.core.textio.caseless)
    _reduced: dict[tuple[str, bool], list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, segments: pd.DataFrame) -> _Words:
        """The words of ``segments["text"]``."""
        starts, ends, ids, counts = [], [], [], []
        vocabulary: dict[str, int] = {}
        for text in segments["text"]:
            before = len(starts)
            for m in _TOKEN.finditer(text):
                starts.append(m.start())
                ends.append(m.end())
                ids.append(vocabulary.setdefault(m.group(), len(vocabulary)))
            counts.append(len(starts) - before)
        first = np.concatenate([[0], np.cumsum(counts, dtype=np.int64)])
        return cls(segments, first, np.repeat(np.arange(len(counts)), counts), np.array(starts, dtype=np.int64),
                   np.array(ends, dtype=np.int64), np.array(ids, dtype=np.int64), list(vocabulary),
                   [caseless(text) for text in segments["text"]])

    def spans(self, row: int) -> tuple[list[int], list[int]]:
        """The starts and ends of the words of ``row``."""
        a, b = self.first[row], self.first[row + 1]
        return self.starts[a:b].tolist(), self.ends[a:b].tolist()

    def matching(self, word: Word, language: str, stemmed: bool) -> np.ndarray:
        """For each distinct word, whether it is ``word`` (compared on stems in ``language`` when ``stemmed``)."""
        key = (language, stemmed)
        if key not in self._reduced:
            reduce = _reducer(language, stemmed)
            self._reduced[key] = [reduce(w.lower()) for w in self.vocabulary]
        reduced = self._reduced[key]
        return np.fromiter((word.matches(w, r) for w, r in zip(self.vocabulary, reduced)), dtype=bool,
                           count=len(reduced))


def _context(text: str, starts: list[int], ends: list[int], span: Span, window: int) -> tuple[str, str]:
    """The ``window`` words left and right of ``span`` (of ``text``, whose words start at ``starts`` and end at
    ``ends``), with ``…`` where the segment goes on."""
    start, end = span
    before = bisect_right(ends, start)  # words wholly before the match
    after = bisect_left(starts, end)  # first word wholly after it
    cut_left, cut_right = before > window, after + window < len(starts)
    left = text[starts[before - window] if cut_left else 0:start].strip()
    right = text[end:ends[after + window - 1] if cut_right else len(text)].strip()
    return ("… " if cut_left else "") + left, right + (" …" if cut_right else "")


def kwic(wb: Workbench, query: str, match: str = "stem", window: int = 8, language: str | None = None,
         include_interviewer: bool = False, organisation: Names = None, role: Names = None,
         participant: Names = None) -> pd.DataFrame:
    """Keyword in context: every occurrence of ``query`` with ``window`` words either side.

    ``match`` is ``"stem"`` (Snowball stems: ``mandat`` finds mandatet, mandaten), ``"word"`` (exact
    words, ignoring case) or ``"regex"``. Several words make a phrase; a word ending in ``*`` is a
    prefix (``digitali*``); an acronym in capitals (``IT``, ``AI*``) matches only as written, as in the
    codebook's rules (``IT`` finds IT-chef, not "it"). Stems use each segment's language unless
    ``language`` (``sv``/``en``) is given. Only respondents' turns are searched unless ``include_interviewer``.

    Example::

        kwic(wb, "mandat")                                 # mandat, mandatet, mandaten ...
        kwic(wb, "gemensam* plattform*", window=5)         # a phrase of two prefixes
        kwic(wb, r"vem (som )?bestämmer", match="regex", include_interviewer=True)
    """
    if window < 1:
        raise ValueError("window must be at least 1 word")
    _check_language(language)
    finder = _Query(query, match)
    segments = select(wb, organisation, role, participant, include_interviewer)
    words = _derived(wb, "words", _Words.of)
    rows = words.segments.index.get_indexer(segments.index)
    texts, languages = words.segments["text"].tolist(), words.segments["language"].to_numpy()
    if finder.how == "regex":
        hits = [(row, *span) for row in rows.tolist() for span in finder.regex_spans(texts[row], words.folded[row])]
    else:  # each segment in its own language, unless one is given
        hits = sorted(hit for lang in ([language] if language else list(dict.fromkeys(languages[rows])))
                      for hit in finder.word_spans(words, rows if language else rows[languages[rows] == lang], lang))
    found = words.segments.iloc[[row for row, _, _ in hits]]
    table: dict[str, list] = {column: found[column].tolist() for column in WHO + ["speaker_role"]}
    contexts = [_context(texts[row], *words.spans(row), (start, end), window) for row, start, end in hits]
    table.update(left=[left for left, _ in contexts], match=[texts[row][start:end] for row, start, end in hits],
                 right=[right for _, right in contexts])
    return pd.DataFrame(table if hits else [], columns=KWIC_COLUMNS)


# ---- rule preview ----------------------------------------------------------------------------------

@dataclass
class RulePreview:
    """What a candidate rule codes: ``hits`` (one row per segment), ``by_participant``, ``by_member``, ``overlap``.

    ``hits.new`` is true for a segment not yet coded with ``code`` (or, without ``code``, with no code at all).
    """

    rule: str
    code: str | None
    hits: pd.DataFrame
    by_participant: pd.DataFrame
    by_member: pd.DataFrame
    overlap: pd.DataFrame
    n_segments: int
    n_coded: int  # segments already coded with ``code``
    n_coded_found: int  # ... of which the rule finds

    @property
    def n_new(self) -> int:
        return int(self.hits["new"].sum())

    def summary(self) -> str:
        """Two or three sentences: how much the rule matches, where, and how much of it is new."""
        bp, bm = self.by_participant, self.by_member
        text = (f"The rule ({self.rule}) matches {len(self.hits)} of {self.n_segments} segments, in "
                f"{int((bp['hits'] > 0).sum())} of {len(bp)} interviews and {int((bm['hits'] > 0).sum())} of "
                f"{len(bm)} members. ")
        if self.code:
            text += (f"{self.n_new} of the hits are not yet coded {self.code}; of the {self.n_coded} segments "
                     f"coded {self.code}, the rule finds {self.n_coded_found}.")
        else:
            text += f"{self.n_new} of the hits carry no code yet."
        return text

    def _repr_html_(self) -> str:
        return _html_report(self.summary(), [("Hits per member", self.by_member),
                                             ("Hits per interview", self.by_participant),
                                             ("Codes the hit segments already carry", self.overlap),
                                             ("First hits (all, with their text, in .hits)",
                                              self.hits.drop(columns="text").head(10))])


def _candidate_rule(keywords: Sequence[str], regex: Sequence[str]) -> RuleCoder:
    """The coding stage's rule engine for one candidate code (checked as codebook.yml rules are)."""
    rules = {"keywords": list(keywords), "regex": list(regex)}
    node = {"id": _CANDIDATE, "label": "candidate rule", "parent": None, "rules": rules}
    return RuleCoder(build_codebook([node], Path("candidate rule"), {}))


def _rule_text(keywords: Sequence[str], regex: Sequence[str]) -> str:
    parts = [f"keywords: {', '.join(keywords)}"] if keywords else []
    return "; ".join(parts + ([f"regex: {', '.join(regex)}"] if regex else []))


def preview_rule(wb: Workbench, keywords: Names = None, regex: Names = None, code: str | None = None,
                 include_interviewer: bool = False, language: str | None = None) -> RulePreview:
    """What a candidate codebook rule would match, matched exactly as stage 02 codes (helpers.coding.rules).

    ``keywords`` are words or phrases matched on stems, ``mandat*`` a prefix; ``regex`` regular
    expressions (as under ``rules:`` in codebook.yml). ``code`` (id or label) is the code the rule is
    meant for: hits already coded with it are not "new", and the summary says how many of its
    segments the rule finds.

    Example::

        p = preview_rule(wb, keywords=["mandat*", "befogenhet*"], regex=[r"vem (som )?bestämmer"])
        p                    # summary, hits per member, overlap with existing codes
        p.hits[p.hits.new]   # the hits that no code (or not ``code``) covers yet
    """
    keywords, regex = _names(keywords), _names(regex)
    if not keywords and not regex:
        raise ValueError("give keywords= or regex= (or both)")
    _check_language(language)
    target = resolve_code(wb, code) if code else None
    coder = _candidate_rule(keywords, regex)
    segments = select(wb, include_interviewer=include_interviewer)
    matched = [coder.code(text, language or lang).get(_CANDIDATE, "")
               for text, lang in zip(segments["text"], segments["language"])]
    coded = _codes_per_segment(wb.codings)["codes"]
    # The matches become a column before the rows are filtered: assigning a whole-table Series to the
    # zero rows of a rule that matches nothing would give them that Series' index, every segment.
    hits = segments.assign(matched=matched).loc[lambda s: s["matched"] != ""]
    hits = hits.assign(codes=hits["segment_id"].map(coded).astype("string").fillna(""))  # (float if no codings)
    carrying = set(wb.codings.loc[wb.codings["code_id"] == target, "segment_id"]) if target else set()
    hits["new"] = ~hits["segment_id"].isin(carrying) if target else hits["codes"] == ""
    return RulePreview(
        rule=_rule_text(keywords, regex), code=target, hits=hits[HIT_COLUMNS].reset_index(drop=True),
        by_participant=_hit_counts(segments, hits, ["participant_id", "organisation", "role"]),
        by_member=_hit_counts(segments, hits, ["organisation"]),
        overlap=_overlap(wb, hits), n_segments=len(segments),
        n_coded=int(segments["segment_id"].isin(carrying).sum()),
        n_coded_found=int(hits["segment_id"].isin(carrying).sum()))


def _hit_counts(segments: pd.DataFrame, hits: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per group: segments searched, segments hit, their share (and for members, interviews hit)."""
    out = segments.groupby(keys, sort=False).agg(segments=("segment_id", "size"))
    out["hits"] = hits.groupby(keys, sort=False).size().reindex(out.index, fill_value=0)
    out["share"] = (out["hits"] / out["segments"]).round(3)
    if "participant_id" not in keys:
        out.insert(0, "interviews", segments.groupby(keys, sort=False)["participant_id"].nunique())
        out.insert(1, "interviews_hit", hits.groupby(keys, sort=False)["participant_id"].nunique()
                   .reindex(out.index, fill_value=0))
    return out.reset_index()


def _overlap(wb: Workbench, hits: pd.DataFrame) -> pd.DataFrame:
    """The existing codes of the hit segments: how many hits carry each, and which share of the hits."""
    codings = wb.codings.loc[wb.codings["segment_id"].isin(hits["segment_id"])]
    out = codings.groupby("code_id", sort=False).agg(theme_id=("theme_id", "first"),
                                                     hits=("segment_id", "nunique")).reset_index()
    out.insert(1, "label", out["code_id"].map(_labels(wb)).fillna(""))
    out["share_of_hits"] = (out["hits"] / max(len(hits), 1)).round(3)
    return out.sort_values("hits", ascending=False, kind="stable").reset_index(drop=True)


# ---- co-occurrence ---------------------------------------------------------------------------------

@dataclass
class Cooccurrence:
    """The codes or themes coded on the same segments as a code or theme: ``counts`` and the ``segments``.

    ``counts`` has one row per co-occurring code (``by="code"``) or theme: on how many of the segments
    and interviews, and which ``share`` of the segments coded with ``of``; ``segments`` the segments on
    which anything co-occurs, with the co-occurring ids and a text excerpt.
    """

    of: str  # the id of the code or theme asked about
    level: str  # "code" or "theme": what ``of`` is
    by: str  # "code" or "theme": what is counted
    n_segments: int  # respondent segments coded with ``of``
    counts: pd.DataFrame
    segments: pd.DataFrame

    def summary(self) -> str:
        """One or two sentences: how many segments carry something else, and what most often."""
        asked = f"the {self.level} {self.of}"
        if not self.n_segments:
            return f"No respondent segment in the selection is coded with {asked}."
        text = (f"{_count(self.n_segments, 'respondent segment')} {'is' if self.n_segments == 1 else 'are'} coded "
                f"with {asked}; {len(self.segments)} of them also carry another {self.by}.")
        if len(self.counts):
            text += " Most often: " + ", ".join(
                f"{row[f'{self.by}_id']} ({_count(row['segments'], 'segment')}, {row['share']:.0%})"
                for row in self.counts.head(5).to_dict("records")) + "."
        return text

    def _repr_html_(self) -> str:
        return _html_report(self.summary(), [(f"Co-occurring {self.by}s", self.counts),
                                             ("The segments", self.segments)])


def _count(n: int, noun: str) -> str:
    """``1 segment``, ``3 segments``."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def cooccurrence(wb: Workbench, code: str | None = None, theme: str | None = None, by: str = "code",
                 organisation: Names = None, role: Names = None, participant: Names = None, coder: Names = None,
                 excerpt_words: int = EXCERPT_WORDS) -> Cooccurrence:
    """Which codes (``by="code"``) or themes (``by="theme"``) are coded on the same respondent segments as ``code``
    or ``theme`` (id, label or unique part of one), and on which segments.

    Two codes co-occur on a segment when both are coded on it, by any coders (``coder=`` keeps some);
    each segment counts once per code. The code or theme asked about is not counted, nor, when themes
    are counted or a theme is asked about, its own theme (every segment has it). The selections
    ``organisation=``, ``role=`` and ``participant=`` work as in :func:`select`. Stage 03's
    ``code_cooccurrence`` table holds the same counts for every pair of codes in the whole study.

    Example::

        co = cooccurrence(wb, code="unclear_mandate")            # the codes coded with it
        cooccurrence(wb, theme="prioritisation", by="theme", role="IT-chef")
        co.segments                                               # the segments, with excerpts
    """
    if (code is None) == (theme is None):
        raise ValueError("give either code= or theme=")
    if by not in ("code", "theme"):
        raise ValueError(f"by must be 'code' or 'theme', not '{by}'")
    level = "code" if theme is None else "theme"
    wanted = resolve_code(wb, theme, themes_only=True) if theme is not None else resolve_code(wb, code)
    chosen = select(wb, organisation, role, participant)
    codings = wb.codings.loc[matching(wb.codings["coder"], coder, "coder")]
    codings = codings.loc[codings["segment_id"].isin(chosen["segment_id"])]
    asked = codings[f"{level}_id"] == wanted
    on_asked = codings["segment_id"].isin(codings.loc[asked, "segment_id"])
    own = (codings["theme_id"].isin(codings.loc[asked, "theme_id"]) if "theme" in (level, by)
           else codings["code_id"] == wanted)
    key = f"{by}_id"
    others = codings.loc[on_asked & ~own].drop_duplicates(["segment_id", key])
    counts = others.groupby(key, sort=False).agg(
        **({"theme_id": ("theme_id", "first")} if by == "code" else {}),
        segments=("segment_id", "size"), interviews=("participant_id", "nunique")).reset_index()
    counts.insert(1, "label", counts[key].map(_labels(wb)).fillna(counts[key]))
    n_segments = int(codings.loc[asked, "segment_id"].nunique())
    counts["share"] = (counts["segments"] / max(n_segments, 1)).round(3)
    counts = counts.sort_values(["segments", key], ascending=[False, True], kind="stable").reset_index(drop=True)
    listed = others.groupby("segment_id", sort=False)[key].agg(_join).rename(f"{by}s")
    found = chosen.merge(listed, left_on="segment_id", right_index=True)
    found["excerpt"] = [trim_quote(text, excerpt_words) for text in found["text"]]
    return Cooccurrence(of=wanted, level=level, by=by, n_segments=n_segments, counts=counts,
                        segments=found[WHO + [f"{by}s", "excerpt"]].reset_index(drop=True))


# ---- comparison ------------------------------------------------------------------------------------

def content_words(text: str, language: str) -> list[tuple[str, str]]:
    """``(stem, word)`` for every word of ``text`` that is not a stop word, a number or a single letter."""
    stops = stop_words(language)
    words = (m.group(0).lower() for m in _TOKEN.finditer(text))
    return [(stem(w, language), w) for w in words if w.isalpha() and len(w) > 1 and w not in stops]


def log_odds_dirichlet(counts_a: pd.Series, counts_b: pd.Series, prior: pd.Series) -> pd.DataFrame:
    """Weighted log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, eq. 22).

    ``counts_a``/``counts_b``: word counts of the two groups; ``prior``: the pseudo-counts (here the
    counts in the whole corpus), which must cover every word of both groups. Returns per word the
    log-odds ratio ``delta`` and its z-score ``z`` (positive: typical of a; beyond ±1.96 a clear difference).
    """
    vocab = counts_a.index.union(counts_b.index)
    if not vocab.isin(prior.index).all() or (prior.reindex(vocab) <= 0).any():
        raise ValueError("the prior must give a positive count to every word of both groups")
    ya, yb = counts_a.reindex(vocab, fill_value=0), counts_b.reindex(vocab, fill_value=0)
    alpha, alpha0 = prior.reindex(vocab), prior.sum()
    na, nb = counts_a.sum(), counts_b.sum()
    delta = (np.log((ya + alpha) / (na + alpha0 - ya - alpha))
             - np.log((yb + alpha) / (nb + alpha0 - yb - alpha)))
    z = delta / np.sqrt(1 / (ya + alpha) + 1 / (yb + alpha))
    return pd.DataFrame({"delta": delta, "z": z})


@dataclass
class Comparison:
    """Two groups side by side: ``themes`` (shares), ``words`` (distinctive words) and ``quotes``."""

    a: str
    b: str
    sizes: pd.DataFrame  # per group: interviews, segments, words
    themes: pd.DataFrame
    words: pd.DataFrame
    quotes: pd.DataFrame

    def summary(self) -> str:
        """Who is compared, the themes that differ most, and each side's most distinctive words."""
        size = {r["group"]: r for r in self.sizes.to_dict("records")}
        text = " and ".join(f"{g} ({counted(size[g]['interviews'], 'interview')}, "
                            f"{counted(size[g]['words'], 'respondent word')})"
                            for g in (self.a, self.b)) + ". "
        if not self.themes.empty:
            top = self.themes.reindex(self.themes["difference"].abs().sort_values(ascending=False).index).head(3)
            text += "Largest differences in the share of words coded with a theme: " + "; ".join(
                f"{r.label} ({r.words_a:.0%} vs {r.words_b:.0%})" for r in top.itertuples()) + ". "
        for group in (self.a, self.b):
            top = self.words.loc[self.words["favours"] == group].head(5)
            if len(top):
                text += f"Most typical of {group}: " + ", ".join(
                    f"{r.word} (z {r.z:+.1f})" for r in top.itertuples()) + ". "
        return text + "A |z| of 1.96 or more is a clear difference; smaller ones are hints to read further."

    def labelled(self, table: pd.DataFrame) -> pd.DataFrame:
        """``table`` with the ``_a``/``_b`` columns named after the groups, for reading."""
        return table.rename(columns=lambda c: re.sub(r"_a$", f" · {self.a}", re.sub(r"_b$", f" · {self.b}", c)))

    def _repr_html_(self) -> str:
        return _html_report(self.summary(), [("Theme shares (of respondent words and segments)",
                                              self.labelled(self.themes)),
                                             ("Distinctive words (weighted log-odds, z-scores)",
                                              self.labelled(self.words)),
                                             ("Example quotes", self.quotes)])


def compare(wb: Workbench, a: Names, b: Names = None, by: str = "organisation", n_words: int = 15,
            n_quotes: int = 3) -> Comparison:
    """Compare two members (``by="organisation"``), roles (``by="role"``) or participants, from respondents' words.

    ``a`` and ``b`` are a value or a list of values (roles match on any part); ``b=None`` compares ``a``
    with everyone else. The result holds the share of each group's respondent words and segments coded
    with each theme, the ``n_words`` most distinctive words of each side (stemmed, stop words removed,
    shown in their most frequent form) and ``n_quotes`` segments per side that use most of them.

    Example::

        compare(wb, "Sexan IT")                                             # against everyone else
        compare(wb, ["IT-chef", "chef för IT"], "kommundirektör", by="role")
    """
    if by not in SELECTORS:
        raise ValueError(f"by must be one of {', '.join(SELECTORS)}, not '{by}'")
    respondent = wb.respondent
    in_a = _selected(respondent, by, a)
    in_b = _selected(respondent, by, b) if b is not None else ~in_a
    both = set(respondent.loc[in_a & in_b, "participant_id"])
    if both:
        raise ValueError(f"{', '.join(sorted(both))} would be in both groups: choose groups that do not overlap")
    label_a, label_b = _label(a), _label(b) if b is not None else "everyone else"
    if label_a == label_b:
        raise ValueError("the two groups have the same name: give different values for a and b")
    groups = {label_a: respondent.loc[in_a], label_b: respondent.loc[in_b]}
    if groups[label_b].empty:
        raise ValueError(f"there is no one to compare {label_a} with")
    counts = {g: _word_counts(s) for g, s in groups.items()}
    words = _distinctive(counts[label_a], counts[label_b], _word_counts(respondent), label_a, label_b, n_words)
    return Comparison(a=label_a, b=label_b, sizes=_sizes(groups), themes=_theme_table(wb, *groups.values()),
                      words=words, quotes=_quotes(groups, words, n_words, n_quotes))


def _sizes(groups: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return pd.DataFrame([{"group": g, "interviews": s["participant_id"].nunique(), "segments": len(s),
                          "words": int(s["n_words"].sum())} for g, s in groups.items()])


def _theme_shares(wb: Workbench, segments: pd.DataFrame) -> pd.DataFrame:
    """Per theme: the share of ``segments``' words and of the segments coded with it (any code, any coder)."""
    coded = wb.codings[["segment_id", "theme_id"]].drop_duplicates().merge(
        segments[["segment_id", "n_words"]], on="segment_id")
    per_theme = coded.groupby("theme_id").agg(words=("n_words", "sum"), segments=("segment_id", "size"))
    return per_theme / [max(int(segments["n_words"].sum()), 1), max(len(segments), 1)]


def _theme_table(wb: Workbench, group_a: pd.DataFrame, group_b: pd.DataFrame) -> pd.DataFrame:
    themes = wb.codebook.loc[pd.to_numeric(wb.codebook["level"]) == 0, ["code_id", "label"]]
    if themes.empty:
        ids = wb.codings["theme_id"].drop_duplicates()
        themes = pd.DataFrame({"code_id": ids, "label": ids})
    shares = _theme_shares(wb, group_a).join(_theme_shares(wb, group_b), suffixes=("_a", "_b"), how="outer")
    out = themes.rename(columns={"code_id": "theme_id"}).merge(shares, left_on="theme_id", right_index=True,
                                                               how="left").fillna(0.0)
    out = out[["theme_id", "label", "words_a", "words_b", "segments_a", "segments_b"]]
    out["difference"] = out["words_a"] - out["words_b"]
    return out.round(3).reset_index(drop=True)


def _word_counts(segments: pd.DataFrame) -> Counter:
    """Counts of ``(stem, word)`` pairs over ``segments``' texts, in each segment's language."""
    counts: Counter = Counter()
    for text, language in zip(segments["text"], segments["language"]):
        counts.update(content_words(text, language))
    return counts


def _by_stem(pairs: Counter) -> pd.Series:
    stems: Counter = Counter()
    for (s, _), n in pairs.items():
        stems[s] += n
    return pd.Series(stems, dtype="float64")


def _surface(pairs: Counter) -> dict[str, str]:
    """The most frequent written form of each stem (alphabetical on ties)."""
    best: dict[str, tuple[int, str]] = {}
    for (s, word), n in pairs.items():
        if s not in best or (-n, word) < (-best[s][0], best[s][1]):
            best[s] = (n, word)
    return {s: word for s, (_, word) in best.items()}


def _distinctive(pairs_a: Counter, pairs_b: Counter, background: Counter, label_a: str, label_b: str,
                 n_words: int) -> pd.DataFrame:
    """The ``n_words`` most distinctive stems of each side, with counts, log-odds and z-scores."""
    columns = ["favours", "word", "stem", "count_a", "count_b", "log_odds", "z"]
    ya, yb = _by_stem(pairs_a), _by_stem(pairs_b)
    if ya.empty and yb.empty:
        return pd.DataFrame(columns=columns)
    scores = log_odds_dirichlet(ya, yb, _by_stem(background))
    scores["count_a"] = ya.reindex(scores.index, fill_value=0).astype(int)
    scores["count_b"] = yb.reindex(scores.index, fill_value=0).astype(int)
    scores["word"] = scores.index.map(_surface(pairs_a + pairs_b))
    scores = scores.rename_axis("stem").reset_index().rename(columns={"delta": "log_odds"})
    scores = scores.sort_values(["z", "stem"], ascending=[False, True], kind="stable")
    top = pd.concat([scores.loc[scores["z"] > 0].head(n_words).assign(favours=label_a),
                     scores.loc[scores["z"] < 0].iloc[::-1].head(n_words).assign(favours=label_b)])
    return top[columns].round({"log_odds": 3, "z": 2}).reset_index(drop=True)


def _quotes(groups: dict[str, pd.DataFrame], words: pd.DataFrame, n_words: int, n_quotes: int) -> pd.DataFrame:
    """Per group, the ``n_quotes`` segments that use most of the group's distinctive words."""
    rows = []
    for group, segments in groups.items():
        mine = words.loc[words["favours"] == group]
        wanted = dict(zip(mine["stem"], mine["word"]))
        scored = []
        for rec in segments.to_dict("records"):
            used = list(dict.fromkeys(wanted[s] for s, _ in content_words(rec["text"], rec["language"])
                                      if s in wanted))
            if used:
                scored.append((-len(used), len(scored), rec, used))
        for _, _, rec, used in sorted(scored, key=lambda t: t[:2])[:n_quotes]:
            rows.append({"group": group, **{c: rec[c] for c in WHO}, "words": ", ".join(used), "text": rec["text"]})
    return pd.DataFrame(rows, columns=["group"] + WHO + ["words", "text"])


# ---- rendering -------------------------------------------------------------------------------------

def _html_report(summary: str, tables: list[tuple[str, pd.DataFrame]]) -> str:
    """A summary paragraph and titled, left-aligned tables (escaped), for a result object's display in JupyterLab."""
    parts = [html("<p>{}</p>", summary)]
    for title, table in tables:
        body = (Markup(styled(table, precision=3)
                       .set_table_styles([{"selector": "th, td", "props": "text-align: left; vertical-align: top"}])
                       .to_html()) if len(table) else Markup("<p><em>none</em></p>"))
        parts.append(html("<h4>{}</h4>{}", title, body))
    return str(join(parts, "\n"))
