"""Attribution levels: what is shown under a quote and beside an id, in the report and the briefs."""

import pandas as pd
import pytest

from helpers.core.errors import InputError
from helpers.core.i18n import messages
from helpers.core.config import load_config
from helpers.report import brief
from helpers.report.attribution import LEVELS, attribute, attribution_sentence, shown_columns


@pytest.mark.parametrize("level, expected, columns", [
    ("id", "P09", ["participant_id"]),
    ("id+organisation", "P09, Granvik kommun", ["participant_id", "organisation"]),
    ("id+role", "P09, kommundirektör", ["participant_id", "role"]),
    ("id+organisation+role", "P09, Granvik kommun, kommundirektör", ["participant_id", "organisation", "role"]),
])
def test_each_level_shows_what_it_names(level, expected, columns):
    assert attribute("P09", "Granvik kommun", "kommundirektör", level) == expected
    assert shown_columns(level) == columns
    assert f"'{level}'" in attribution_sentence(level)


def test_the_default_keeps_the_role_out_and_an_unknown_level_is_an_input_error(tmp_path):
    assert load_config(tmp_path).attribution == "id+organisation" and len(LEVELS) == 4
    (tmp_path / "study.yml").write_text("attribution: name\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"study\.yml: field 'attribution'"):
        load_config(tmp_path)


PEOPLE = pd.DataFrame({"participant_id": ["P09", "P10", "P11"], "organisation": ["Granvik", "Bäckeby", "Bäckeby"],
                       "role": ["kommundirektör", "IT-chef", "strateg"]})


def test_a_brief_pairs_roles_with_ids_only_where_quotes_show_roles():
    hidden = " ".join(brief.intro_sentences(PEOPLE, "Bäckeby", "id+organisation"))
    assert "IT-chef and strateg" in hidden and "(P10)" not in hidden
    shown = " ".join(brief.intro_sentences(PEOPLE, "Bäckeby", "id+organisation+role"))
    assert "IT-chef (P10) and strateg (P11)" in shown


def test_a_brief_for_one_interviewee_says_its_profile_is_one_persons():
    first, second = brief.intro_sentences(PEOPLE, "Granvik", "id")
    assert first == "1 of the study's 3 interviewees works in Granvik: kommundirektör."
    assert brief.intro_sentences(PEOPLE, "Granvik", "id", messages("sv"))[0] == (
        "1 av studiens 3 intervjupersoner arbetar i Granvik: kommundirektör.")
    assert "one person's view" in second
    assert len(brief.intro_sentences(PEOPLE, "Bäckeby")) == 1


def test_brief_quotes_follow_the_level():
    quotes = pd.DataFrame({"quote": ["Ja."], "participant_id": ["P09"], "organisation": ["Granvik"],
                           "role": ["kommundirektör"], "theme_label": ["IT versus digitalisation"]})
    block = brief.quote_blocks(quotes, "id").pop().html
    assert "— P09 — on IT versus digitalisation" in block and "kommundirektör" not in block
