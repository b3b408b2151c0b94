"""The rule engine: a codebook's keywords, phrases, prefix wildcards and regexes matched on segment texts.

Texts are tokenised into words and stemmed with the Snowball stemmer of their language (Swedish or
English). A keyword matches a word when their stems are equal or the word's stem equals the keyword
as written (the Swedish stemmer cuts ``mandat`` to ``mand`` but ``mandatet`` to ``mandat``);
``digitali*`` matches every word starting with ``digitali``; a phrase matches consecutive words.
Stems and first-word hits are cached per distinct word and regexes compiled once, so 100 000
segments take seconds.
"""

from __future__ import annotations

import re
from re import _parser  # type: ignore[attr-defined]
from dataclasses import dataclass
from functools import cached_property

import snowballstemmer

from .codebook import Codebook

STEMMERS = {"sv": "swedish", "en": "english"}
_TOKEN = re.compile(r"\w+")
_KEYWORD_WORD = re.compile(r"\w+\*?")


@dataclass(frozen=True)
class _Word:
    """One word of a keyword: accepted stems, or a prefix when it ends with ``*``."""

    stems: frozenset[str] = frozenset()
    prefix: str = ""

    def matches(self, token: str, stem: str) -> bool:
        return token.startswith(self.prefix) if self.prefix else stem in self.stems


@dataclass(frozen=True)
class _Regex:
    """A compiled regex rule, with the literal text every match starts with (lower case; may be empty)."""

    code_id: str
    pattern: str
    compiled: re.Pattern[str]
    prefix: str


def _literal_prefix(pattern: str) -> str:
    """The literal characters every match of ``pattern`` begins with, lower-cased ("" when unknown).

    A text that does not contain them cannot match, so the regex is skipped: a cheap substring test
    instead of a regex scan, which is what keeps coding 100 000 segments fast.
    """
    try:
        parsed = _parser.parse(pattern)
        literal, at = _parser.LITERAL, _parser.AT  # type: ignore[attr-defined]
    except (AttributeError, re.error):  # the parser is internal to Python: without it, never skip
        return ""
    chars: list[str] = []
    for op, value in parsed:
        if op is literal:
            chars.append(chr(value))
        elif not (op is at and not chars):  # a leading \b or ^ does not end the prefix
            break
    return "".join(chars).lower()


@dataclass(frozen=True)
class _Keyword:
    code_id: str
    text: str
    words: tuple[_Word, ...]


class _LanguageMatcher:
    """The keywords of every code, stemmed for one language, with per-word caches."""

    def __init__(self, codebook: Codebook, language: str) -> None:
        self._stemmer = snowballstemmer.stemmer(STEMMERS[language])
        self._stems: dict[str, str] = {}
        self._starts: dict[str, tuple[int, ...]] = {}
        self.keywords = [self._parse(code.id, text) for code in codebook.codes.values() if code.rules
                         for text in code.rules.keywords_for(language)]
        self._by_stem: dict[str, list[int]] = {}
        for i, kw in enumerate(self.keywords):
            for stem in kw.words[0].stems:
                self._by_stem.setdefault(stem, []).append(i)
        self._prefixed = [(kw.words[0].prefix, i) for i, kw in enumerate(self.keywords) if kw.words[0].prefix]

    def stem(self, token: str) -> str:
        stem = self._stems.get(token)
        if stem is None:
            stem = self._stems[token] = self._stemmer.stemWord(token)
        return stem

    def _parse(self, code_id: str, text: str) -> _Keyword:
        words = []
        for word in _KEYWORD_WORD.findall(text.lower()):
            if word.endswith("*"):
                words.append(_Word(prefix=word[:-1]))
            else:
                words.append(_Word(stems=frozenset({self.stem(word), word})))
        return _Keyword(code_id, text, tuple(words))

    def _starting_with(self, token: str) -> tuple[int, ...]:
        """Indices of the keywords whose first word matches ``token``; computed once per distinct word."""
        found = self._by_stem.get(self.stem(token), []) + [i for p, i in self._prefixed if token.startswith(p)]
        hits = self._starts[token] = tuple(sorted(set(found)))
        return hits

    def find(self, text: str) -> list[tuple[_Keyword, str]]:
        """Every keyword occurrence in ``text`` with the words it matched (the inner loop of coding)."""
        tokens = _TOKEN.findall(text.lower())
        starts, keywords, found = self._starts, self.keywords, []
        for i, token in enumerate(tokens):
            hits = starts.get(token)
            if hits is None:
                hits = self._starting_with(token)
            for k in hits:
                kw = keywords[k]
                n = len(kw.words)
                if n == 1 or self._rest_matches(kw.words, tokens, i):
                    found.append((kw, " ".join(tokens[i:i + n])))
        return found

    def _rest_matches(self, words: tuple[_Word, ...], tokens: list[str], i: int) -> bool:
        """Whether the words after the first of a phrase follow token ``i``."""
        if i + len(words) > len(tokens):
            return False
        return all(w.matches(tokens[i + j], self.stem(tokens[i + j])) for j, w in enumerate(words[1:], 1))


class RuleCoder:
    """Codes segment texts with a codebook's rules; build once, then call :meth:`code` per segment."""

    def __init__(self, codebook: Codebook) -> None:
        self.codebook = codebook
        self._matchers: dict[str, _LanguageMatcher] = {}

    @cached_property
    def _regexes(self) -> list[_Regex]:
        return [_Regex(code.id, pattern, re.compile(pattern, re.IGNORECASE), _literal_prefix(pattern))
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
            if rule.prefix not in lower:
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
