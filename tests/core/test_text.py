"""Small text tools: counted nouns."""

import pytest

from helpers.core.text import counted, in_sentence


@pytest.mark.parametrize("n, noun, plural, expected", [
    (0, "interview", None, "0 interviews"), (1, "interview", None, "1 interview"),
    (2, "member", None, "2 members"), (1_250, "respondent word", None, "1,250 respondent words"),
    (1, "analysis", "analyses", "1 analysis"), (3, "analysis", "analyses", "3 analyses"),
])
def test_counted_puts_the_noun_in_the_right_number(n, noun, plural, expected):
    assert counted(n, noun, plural) == expected


@pytest.mark.parametrize("label, expected", [
    ("Trust between members", "trust between members"), ("IT versus digitalisation", "IT versus digitalisation"),
    ("Gemensamma IT-system", "gemensamma IT-system"), ("eHälsa i hemtjänsten", "eHälsa i hemtjänsten"),
    ("A", "a"), ("", ""),
])
def test_in_sentence_lowercases_the_first_letter_but_keeps_acronyms(label, expected):
    assert in_sentence(label) == expected
