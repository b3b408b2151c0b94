"""The shared stemmers and stop-word lists of helpers.core.language."""

import pytest

from helpers.core import language


def test_stemmer_is_built_once_per_language_and_stems_in_that_language() -> None:
    assert language.stemmer("sv") is language.stemmer("sv")
    assert language.stemmer("sv") is not language.stemmer("en")
    assert language.stemmer("sv").stemWord("mandatet") == "mandat"
    assert language.stemmer("en").stemWord("meetings") == "meet"


def test_stop_words_of_one_language_or_both() -> None:
    swedish, english, both = language.stop_words("sv"), language.stop_words("en"), language.stop_words()
    assert "och" in swedish and "och" not in english
    assert "the" in english and "the" not in swedish
    assert both == swedish | english
    assert all(w == w.lower() for w in both)


def test_unknown_language_is_refused() -> None:
    with pytest.raises(KeyError):
        language.stemmer("fi")
    with pytest.raises(KeyError):
        language.stop_words("fi")
