"""The languages the interviews may be in (Swedish, English): one Snowball stemmer and one stop-word list each.

Shared by the rule engine (:mod:`helpers.coding.rules`), the topic exploration (:mod:`helpers.thematic.topics`) and the
workbench (:mod:`helpers.workbench.explore`), so all three reduce and skip words the same way.
"""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer
from stop_words import get_stop_words

STEMMERS = {"sv": "swedish", "en": "english"}  # language code -> Snowball (and stop-words) language name


@lru_cache(maxsize=None)
def stemmer(language: str) -> snowballstemmer.stemmer:
    """The Snowball stemmer of ``language`` (``sv`` or ``en``), built once and shared."""
    return snowballstemmer.stemmer(STEMMERS[language])


@lru_cache(maxsize=None)
def stop_words(language: str | None = None) -> frozenset[str]:
    """The stop-words package's list for ``language`` (``sv`` or ``en``), lower-cased; both when ``None``."""
    languages = STEMMERS if language is None else [language]
    return frozenset(w.lower() for lang in languages for w in get_stop_words(STEMMERS[lang]))


@lru_cache(maxsize=100_000)
def content_stems(text: str, language: str) -> frozenset[str]:
    """The Snowball stems of ``text``'s words of three letters or more that are not stop words."""
    words = [w for w in re.findall(r"\w{3,}", text.lower()) if w not in stop_words(language)]
    return frozenset(stemmer(language).stemWords(words))
