"""The rule engine (helpers.coding.rules) on a study's own vocabulary: acronyms in capitals next to stemmed words.

Codebooks are built here from the codebook's data model, one code per keyword, so each test sees exactly
which keyword fired on which words. (Rules read from codebook.yml are tested in test_coding.py.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.coding.codebook_model import Code, Codebook, Rules
from helpers.coding.rules import RuleCoder, is_acronym, wildcard_too_short


def coder(*keywords: str) -> RuleCoder:
    """A rule coder with one code per keyword, each code named after its keyword."""
    codes = {kw: Code(id=kw, label=kw, rules=Rules(keywords=(kw,)), theme_id=kw, path=kw) for kw in keywords}
    return RuleCoder(Codebook(path=Path("test codebook"), codes=codes))


SWEDISH = "IT-avdelningen kör en AI-pilot. Det går itu ibland, men IT:s stöd är bra och AI-strategin klar."
ENGLISH = "It is early. The IT unit says it will take AI slowly; ai is not a word here."


@pytest.mark.parametrize("word, acronym", [("IT", True), ("AI", True), ("HR", True), ("ÅÄÖ", True),
                                           ("It", False), ("it", False), ("I", False), ("GDPR", False),
                                           ("5G", False), ("A1", False)])
def test_an_acronym_is_two_or_three_capital_letters(word, acronym):
    assert is_acronym(word) is acronym


def test_an_acronym_matches_whole_words_and_in_capitals_where_its_lower_case_is_a_word():
    rules = coder("IT", "AI")
    assert rules.code(SWEDISH, "sv") == {"IT": "IT", "AI": "AI"}  # IT-avdelningen, IT:s; AI-pilot, AI-strategin
    assert rules.code(ENGLISH, "en") == {"IT": "IT", "AI": "AI"}  # not "It", "it" or "ai"
    assert rules.code("Det går itu.", "sv") == {}
    assert rules.code("Vi pratar om it och ai.", "sv") == {"IT": "IT", "AI": "AI"}  # Swedish writes "it"
    assert rules.code("It is it. We talk of ai.", "en") == {}  # English "it" (and "ai") are common words
    assert rules.code("ITIL och AIDS", "sv") == {}  # whole words: no prefix unless written AI*
    assert rules.code("Kommun-IT tar över.", "sv") == {"IT": "IT"}  # the second part of a hyphen compound


def test_an_acronym_wildcard_matches_its_hyphen_compounds_in_capitals():
    rules = coder("AI*", "IT*")
    found = rules.code("Vår AI-pilot och AI-strategin. ITavdelningen och ai-frågor, itu och Italien.", "sv")
    assert found == {"AI*": "AI* (ai)", "IT*": "IT* (itavdelningen)"}
    assert rules.code("ai-frågor, itu och Italien, Aida.", "sv") == {}


def test_acronyms_inside_phrases():
    rules = coder("IT-chef", "IT är")
    assert rules.code("Vår IT-chefen slutar.", "sv") == {"IT-chef": "IT-chef (it-chefen)"}
    assert rules.code("Vår it-chef slutar.", "sv") == {"IT-chef": "IT-chef"}  # Swedish writes it-chef
    assert rules.code("Our it manager.", "en") == {}
    assert rules.code("Mitt IT är bra, men det it är ...", "sv") == {"IT är": "IT är"}  # the acronym is the anchor


def test_ordinary_words_keep_stems_and_ignore_case():
    rules = coder("it", "it-pedagog*", "mandat", "Styrgrupp", "GDPR", "digitali*")
    assert rules.code("IT är viktigt.", "sv") == {"it": "it"}  # written in lower case: any case
    assert rules.code("Våra IT-pedagoger hjälper.", "sv") == {"it-pedagog*": "it-pedagog* (it-pedagoger)",
                                                               "it": "it"}
    assert rules.code("Mandatet och styrgruppen.", "sv") == {"mandat": "mandat (mandatet)",
                                                            "Styrgrupp": "Styrgrupp (styrgruppen)"}
    assert rules.code("Gdpr och DIGITALISERING.", "sv") == {"GDPR": "GDPR", "digitali*": "digitali* (digitalisering)"}


@pytest.mark.parametrize("keyword, too_short", [("AI*", False), ("IT*", False), ("digitali*", False),
                                                ("dig*", False), ("e-tjänst*", False), ("GDPR*", False),
                                                ("ai*", True), ("Ai*", True), ("A*", True), ("di*", True),
                                                ("AI* di*", True), ("mandat", False)])
def test_a_wildcard_needs_three_letters_or_an_acronym(keyword, too_short):
    assert wildcard_too_short(keyword) is too_short
