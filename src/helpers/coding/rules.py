"""The rule engine: a codebook's keywords, phrases, prefix wildcards and regexes matched on segment texts.

Texts are tokenised into words and stemmed with the Snowball stemmer of their language (Swedish or
English). A keyword matches a word when their stems are equal or the word's stem equals the keyword
as written (the Swedish stemmer cuts ``mandat`` to ``mand`` but ``mandatet`` to ``mandat``);
``digitali*`` matches every word starting with ``digitali``; a phrase matches consecutive words.
An acronym written in capitals (``IT``, ``AI*``) is matched as written, case-sensitively: see :func:`is_acronym`.
Speed (100 000 segments in seconds): stems and keyword hits are cached per distinct word, phrases
are looked up by their longest word, and a regex runs only on texts holding its literal parts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from re import _parser  # type: ignore[attr-defined]
from typing import Callable

from ..core.language import stemmer, stop_words
from .codebook_model import Codebook

MIN_PREFIX = 3  # letters before a '*': a shorter wildcard would match a good part of the vocabulary
_TOKEN = re.compile(r"\w+")
_KEYWORD_WORD = re.compile(r"\w+\*?")
_WILDCARD = re.compile(r"(\w+)\*")


def is_acronym(word: str) -> bool:
    """Whether a keyword word is an acronym: two or three letters, all capitals (``IT``, ``AI``, ``HR``).

    Stemming means nothing for an acronym, so it is matched as a whole word as written; hyphens and colons
    separate words, so ``IT`` also finds *IT:s, IT-chef, kommun-IT*. Where its lower case is a common word
    of the text's language (English *it*; not Swedish, which writes *it-chef*), it matches only in
    capitals; an acronym with a wildcard (``AI*``: *AI-pilot*, never *aim*) always does.
    """
    return 2 <= len(word) <= 3 and word.isalpha() and word.isupper()


def wildcard_too_short(keyword: str) -> bool:
    """Whether a wildcard in ``keyword`` has fewer than ``MIN_PREFIX`` letters before its ``*`` (``AI*`` may)."""
    return any(len(word) < MIN_PREFIX and not is_acronym(word) for word in _WILDCARD.findall(keyword))


@dataclass(frozen=True)
class Word:
    """One word of a keyword as written (``text``): accepted stems, a prefix (``digitali*``), or an acronym (``cased``).

    A word of the text is given to :meth:`matches` as written, with the stem of its lower case.
    """

    text: str
    stems: frozenset[str] = frozenset()
    prefix: str = ""
    cased: bool = False  # an acronym: compared with the text's words in their own case, never stemmed

    @classmethod
    def parse(cls, word: str, stem: Callable[[str], str], common: frozenset[str] = frozenset()) -> Word:
        """``word`` (``mandat``, ``digitali*``, ``IT``, ``AI*``); ``stem`` reduces a lower-case word; ``common``
        are the text language's common words (its stop words), which an acronym must not be taken for."""
        bare = word.removesuffix("*")
        cased = is_acronym(bare) and (word.endswith("*") or bare.lower() in common)
        bare = bare if cased else bare.lower()
        if word.endswith("*"):
            return cls(word, prefix=bare, cased=cased)
        return cls(word, stems=frozenset({bare} if cased else {stem(bare), bare}), cased=cased)

    def matches(self, token: str, stem: str) -> bool:
        """Whether the text's word ``token`` (as written; ``stem``: the stem of its lower case) is this word."""
        form = token if self.cased else token.lower()
        if self.prefix:
            return form.startswith(self.prefix)
        return (form if self.cased else stem) in self.stems


def parse_keyword(text: str, stem: Callable[[str], str], common: frozenset[str] = frozenset()) -> tuple[Word, ...]:
    """The words of a keyword or phrase (``vem som bestämmer``, ``e-tjänst*``, ``IT-chef``), in order
    (``common``: see :meth:`Word.parse`)."""
    return tuple(Word.parse(word, stem, common) for word in _KEYWORD_WORD.findall(text))


@dataclass(frozen=True)
class _Regex:
    """A compiled regex rule, with the literal texts that any text it matches must contain."""

    code_id: str
    pattern: str
    compiled: re.Pattern[str]
    required: tuple[frozenset[str], ...]  # the lower-cased text contains a member of each set

    def may_match(self, lower: str) -> bool:
        """False when the regex cannot match: a cheap substring test that spares most regex scans."""
        return all(any(text in lower for text in options) for options in self.required)


def required_texts(pattern: str) -> tuple[frozenset[str], ...]:
    """Literal texts a match of ``pattern`` must contain, as sets of alternatives (lower case).

    ``\\b(den )?tiden (finns|räcker)`` needs "tiden " and one of "finns", "räcker". This is what
    keeps coding 100 000 segments with dozens of regexes fast. Unknown constructs add nothing.
    """
    try:
        items = list(_parser.parse(pattern))
    except re.error:  # an invalid pattern: nothing is known about it, so never skip
        return ()
    required: list[frozenset[str]] = []
    run: list[str] = []
    for op, value in items + [(None, None)]:
        if op is _parser.LITERAL:
            run.append(chr(value))
            continue
        if "".join(run).strip():
            required.append(frozenset({"".join(run).lower()}))
        run = []
        if op is _parser.SUBPATTERN or op is _parser.BRANCH:
            starts = _starts_of([(op, value)])
            if "" not in starts:
                required.append(frozenset(starts))
    return tuple(required)


def _starts_of(items) -> set[str]:  # noqa: ANN001 (a sequence of re._parser items)
    """Literal texts one of which begins every match of ``items`` ({""} when unknown)."""
    chars: list[str] = []
    for op, value in items:
        if op is _parser.LITERAL:
            chars.append(chr(value))
        elif chars:
            break
        elif op is _parser.AT:  # a leading \b or ^ does not end the start
            continue
        elif op is _parser.SUBPATTERN:
            return _starts_of(value[-1])
        elif op is _parser.BRANCH:
            starts = set().union(*(_starts_of(branch) for branch in value[1]))
            return {""} if "" in starts else starts
        else:
            break
    return {"".join(chars).lower()}


@dataclass(frozen=True)
class _Keyword:
    """A keyword or phrase of a code; ``anchor`` is the word looked up first (the longest, so the rarest)."""

    code_id: str
    text: str
    words: tuple[Word, ...]
    anchor: int


class _LanguageMatcher:
    """The keywords of every code, stemmed for one language, with per-word caches."""

    def __init__(self, codebook: Codebook, language: str) -> None:
        self._stemmer = stemmer(language)
        self._common = stop_words(language)
        self._stems: dict[str, str] = {}
        self._anchors: dict[str, tuple[int, ...]] = {}
        self.keywords = [self._parse(code.id, text) for code in codebook.codes.values() if code.rules
                         for text in code.rules.keywords_for(language)]
        # Anchor words by what a word of the text is compared with: its stem, or (acronyms) itself as written.
        self._by_stem: dict[str, list[int]] = {}
        self._by_acronym: dict[str, list[int]] = {}
        self._prefixed: list[tuple[str, int]] = []
        self._acronym_prefixed: list[tuple[str, int]] = []
        for i, kw in enumerate(self.keywords):
            anchor = kw.words[kw.anchor]
            if anchor.prefix:
                (self._acronym_prefixed if anchor.cased else self._prefixed).append((anchor.prefix, i))
            for form in anchor.stems:
                (self._by_acronym if anchor.cased else self._by_stem).setdefault(form, []).append(i)

    def stem(self, token: str) -> str:
        """The stem of ``token``'s lower case, cached per word as written."""
        stem = self._stems.get(token)
        if stem is None:
            stem = self._stems[token] = self._stemmer.stemWord(token.lower())
        return stem

    def _parse(self, code_id: str, text: str) -> _Keyword:
        words = parse_keyword(text, self._stemmer.stemWord, self._common)
        lengths = [len(word.text) for word in words]
        return _Keyword(code_id, text, words, anchor=lengths.index(max(lengths)))

    def _anchored_at(self, token: str) -> tuple[int, ...]:
        """Indices of the keywords whose anchor word matches ``token``; computed once per distinct word."""
        lower = token.lower()
        found = (self._by_stem.get(self.stem(token), []) + self._by_acronym.get(token, [])
                 + [i for prefix, i in self._prefixed if lower.startswith(prefix)]
                 + [i for prefix, i in self._acronym_prefixed if token.startswith(prefix)])
        hits = self._anchors[token] = tuple(sorted(set(found)))
        return hits

    def find(self, text: str) -> list[tuple[_Keyword, str]]:
        """Every keyword occurrence in ``text`` with the text it matched, in lower case (the inner loop of coding)."""
        tokens = _TOKEN.findall(text)
        anchors, keywords, hits_at = self._anchors, self.keywords, []
        for i, token in enumerate(tokens):
            hits = anchors.get(token)
            if hits is None:
                hits = self._anchored_at(token)
            for k in hits:
                kw = keywords[k]
                start = i - kw.anchor
                if len(kw.words) == 1 or self._phrase_at(kw, tokens, start):
                    hits_at.append((kw, start))
        if not hits_at:
            return []
        spans = [m.span() for m in _TOKEN.finditer(text)]  # only for texts with hits: keeps the loop lean
        return [(kw, text[spans[start][0]:spans[start + len(kw.words) - 1][1]].lower()) for kw, start in hits_at]

    def _phrase_at(self, kw: _Keyword, tokens: list[str], start: int) -> bool:
        """Whether all words of the phrase ``kw`` match the tokens from ``start`` on."""
        if start < 0 or start + len(kw.words) > len(tokens):
            return False
        return all(w.matches(tokens[start + j], self.stem(tokens[start + j]))
                   for j, w in enumerate(kw.words) if j != kw.anchor)


class RuleCoder:
    """Codes segment texts with a codebook's rules; build once, then call :meth:`code` per segment."""

    def __init__(self, codebook: Codebook) -> None:
        self.codebook = codebook
        self._matchers: dict[str, _LanguageMatcher] = {}

    @cached_property
    def _regexes(self) -> list[_Regex]:
        return [_Regex(code.id, pattern, re.compile(pattern, re.IGNORECASE), required_texts(pattern))
                for code in self.codebook.codes.values() if code.rules for pattern in code.rules.regex]

    def _matcher(self, language: str) -> _LanguageMatcher:
        if language not in self._matchers:
            self._matchers[language] = _LanguageMatcher(self.codebook, language)
        return self._matchers[language]

    def code(self, text: str, language: str) -> dict[str, str]:
        """The codes whose rules fire on ``text``, each with its evidence (``keyword (forms seen)``)."""
        hits: dict[str, dict[str, set[str]]] = {}
        for kw, form in self._matcher(language).find(text):
            hits.setdefault(kw.code_id, {}).setdefault(kw.text, set()).add(form)
        lower = text.lower()
        for rule in self._regexes:
            if not rule.may_match(lower):
                continue
            forms = {m.group(0).lower() for m in rule.compiled.finditer(text) if m.group(0)}
            if forms:
                hits.setdefault(rule.code_id, {})[f"/{rule.pattern}/"] = forms
        return {code_id: _evidence(terms) for code_id, terms in hits.items()}


def _evidence(terms: dict[str, set[str]]) -> str:
    """``styrgrupp (styrgruppen); mandat*`` : each rule term, with the forms seen when they differ."""
    parts = []
    for term, forms in terms.items():
        shown = sorted(forms - {term.lower()})
        parts.append(f"{term} ({', '.join(shown)})" if shown else term)
    return "; ".join(parts)
