"""Small text tools: counted nouns."""

import pytest

from helpers.core.text import counted


@pytest.mark.parametrize("n, noun, plural, expected", [
    (0, "interview", None, "0 interviews"), (1, "interview", None, "1 interview"),
    (2, "member", None, "2 members"), (1_250, "respondent word", None, "1,250 respondent words"),
    (1, "analysis", "analyses", "1 analysis"), (3, "analysis", "analyses", "3 analyses"),
])
def test_counted_puts_the_noun_in_the_right_number(n, noun, plural, expected):
    assert counted(n, noun, plural) == expected
