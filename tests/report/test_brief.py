"""Member briefs: one member against the collaboration."""

import pandas as pd
import pytest

from helpers.core.errors import InputError
from helpers.core.study import load_study
from helpers.report import brief

from conftest import SAMPLE

BY_ORG = pd.DataFrame({
    "theme_id": ["t1", "t1", "t2", "t2"], "theme_label": ["Trust", "Trust", "Mandate", "Mandate"],
    "organisation": ["A", "B", "A", "B"], "n_participants": [1, 0, 1, 2], "participants_in_group": [1, 2, 1, 2],
    "pct_words": [50.0, 0.0, 10.0, 40.0], "coded_words": [50, 0, 10, 80], "respondent_words": [100, 200, 100, 200],
})


def test_theme_profile_compares_member_with_everyone():
    profile = brief.theme_profile(BY_ORG, "A").set_index("theme_id")
    assert profile.loc["t1", "member_pct"] == 50.0
    assert profile.loc["t1", "all_pct"] == pytest.approx(100 * 50 / 300)
    assert profile.loc["t2", "difference"] == pytest.approx(10.0 - 100 * 90 / 300)


def test_profile_sentences_name_more_less_and_silent_themes():
    text = " ".join(brief.profile_sentences(brief.theme_profile(BY_ORG, "B"), "B"))
    assert "more of the interview on mandate" in text and "less on trust" in text
    assert "No interviewee from B raised trust" in text


def test_vote_profile_and_sentences():
    members = pd.DataFrame({"organisation": ["A", "A", "B", "B"], "n_voters": [2, 2, 1, 1],
                            "challenge_id": ["C1", "C2", "C1", "C2"], "votes": [4, 0, 0, 3],
                            "votes_per_voter": [2.0, 0.0, 0.0, 3.0], "member_rank": [1.0, 2.0, 2.0, 1.0]})
    ranked = pd.DataFrame({"rank": [1, 2], "challenge_id": ["C1", "C2"], "challenge": ["Mandate", "Money"],
                           "votes": [4, 3]})
    votes = brief.vote_profile(members, ranked, "B")
    assert list(votes["member_votes_per_voter"]) == [0.0, 3.0]
    assert list(votes["all_votes_per_voter"]) == [4 / 3, 1.0]
    first, second = brief.vote_sentences(votes, "B")
    assert "“Money”" in first and "“Mandate”" not in first  # B gave Mandate no votes
    assert second == "This one is also among the collaboration's top three."


@pytest.mark.parametrize("ranks, sentence", [
    ([1, 5], "1 of these is also among the collaboration's top three."),
    ([1, 2], "2 of these are also among the collaboration's top three."),
    ([4, 5], "None of these is among the collaboration's top three."),
])
def test_vote_sentences_count_shared_top_choices_in_good_english(ranks, sentence):
    votes = pd.DataFrame({"challenge": ["Mandate", "Money"], "member_votes": [3, 2], "member_rank": [1.0, 2.0],
                          "rank": ranks})
    assert brief.vote_sentences(votes, "B")[1] == sentence


def test_unknown_member_is_an_input_error():
    with pytest.raises(InputError, match="'Nowhere' is not a member"):
        brief.check_member(load_study(SAMPLE), "Nowhere")


def test_brief_charts_are_titled_and_labelled():
    profile = brief.theme_profile(BY_ORG, "A")
    fig = brief.profile_chart(profile, "A")
    ax = fig.axes[0]
    title = ax.get_title() or ax.get_title(loc="left")  # where the house style (set_style) puts it, if it ran
    assert title == "Theme profile: A" and ax.get_xlabel() and ax.get_ylabel() == "Theme"
    assert [t.get_text() for t in ax.get_yticklabels()] == list(profile["theme_label"])
