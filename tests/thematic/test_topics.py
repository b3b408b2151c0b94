"""Inductive topic exploration (helpers.thematic.topics): tokenising, NMF topics, determinism, overlap with the
codebook."""

from __future__ import annotations

import random
import re

import pandas as pd
import pytest
from stop_words import get_stop_words

from helpers.thematic import topics

from conftest import SHARED

GROUPS = {
    "budget": "budget pengar kostnader finansiering fördelningsnyckel betalar investeringar",
    "skola": "skolan lärare elever rektorer undervisning klassrummet läroplan",
    "moln": "molnet molntjänster lagring servrar integrationer driftsättning leverantören",
}
FILLER = "alltså liksom eh typ jag tror att det är ju så att vi"


def corpus(per_group: int = 10, seed: int = 1) -> pd.DataFrame:
    """Respondent segments drawn from three separate vocabularies, with fillers and stop words mixed in."""
    rng = random.Random(seed)
    rows = []
    for g, (group, words) in enumerate(GROUPS.items()):
        for i in range(per_group):
            vocabulary = words.split()
            text = " ".join(rng.choices(vocabulary, k=12) + FILLER.split())
            pid = f"P{(i % 5) + 1:02d}"
            rows.append({"segment_id": f"{group}-{i:03d}", "participant_id": pid, "speaker_role": "respondent",
                         "text": text, "n_words": len(text.split()), "organisation": f"Org {pid}", "role": "chef",
                         "language": "sv", "group": group})
    return pd.DataFrame(rows)


def test_tokenize_removes_stop_words_and_fillers_and_stems():
    stop = topics.stop_words()
    docs, surface = topics.tokenize(
        ["Alltså, styrgruppen och styrgruppen har liksom ingen styrgrupp.", "The governance of shared platforms."],
        ["sv", "en"], stop)
    assert docs[0][0] == docs[0][2]  # styrgruppen and styrgrupp share a stem
    assert "alltså" not in docs[0] and "liksom" not in docs[0] and "och" not in docs[0]
    assert surface[docs[0][0]] == "styrgruppen"  # the most frequent form names the stem
    assert "the" not in docs[1] and "of" not in docs[1]
    assert surface[docs[1][-1]] == "platforms" and docs[1][-1] == "platform"  # English stemmer for English


def test_tokenize_skips_numbers_and_ids():
    docs, surface = topics.tokenize(["P03 sa 2015 att NIS2 kostar 300 kronor"], ["sv"], topics.stop_words())
    assert sorted(surface[stem] for stem in docs[0]) == ["kostar", "kronor", "nis"]


def test_topics_separate_distinct_vocabularies():
    segments = corpus()
    model = topics.explore_topics(segments, n_topics=3, seed=7)
    assigned = model.assignments.merge(segments[["segment_id", "group"]], on="segment_id")
    assert len(assigned) == len(segments)
    purity = assigned.groupby("topic")["group"].agg(lambda s: s.value_counts().iloc[0] / len(s))
    assert (purity == 1.0).all() and assigned["topic"].nunique() == 3
    for row in model.topics.itertuples():
        group = assigned.loc[assigned["topic"] == row.topic, "group"].iloc[0]
        top = row.top_terms.split(", ")[:3]
        assert all(term in GROUPS[group].split() for term in top), (top, group)
        assert row.example_1_segment_id.startswith(group) and row.example_2_segment_id.startswith(group)
        assert re.search(r"\(P\d\d, Org P\d\d, chef\)$", row.example_1)  # attributed by id, never by name


def test_two_runs_give_identical_output():
    segments = corpus(per_group=15)
    first = topics.explore_topics(segments, n_topics=4, seed=3)
    second = topics.explore_topics(segments.copy(), n_topics=4, seed=3)
    pd.testing.assert_frame_equal(first.topics, second.topics)
    pd.testing.assert_frame_equal(first.terms, second.terms)
    pd.testing.assert_frame_equal(first.assignments, second.assignments)


def test_interviewer_and_short_segments_are_left_out():
    segments = corpus()
    segments.loc[0, "speaker_role"] = "interviewer"
    segments.loc[1, "n_words"] = 3
    model = topics.explore_topics(segments, n_topics=3, min_words=10)
    assert not {segments.loc[0, "segment_id"], segments.loc[1, "segment_id"]} & set(model.assignments["segment_id"])


def test_too_many_topics_are_reduced_with_a_note():
    segments = corpus(per_group=2)
    model = topics.explore_topics(segments, n_topics=50)
    assert len(model.topics) == len(segments) and "Only 6 topics" in model.notes[0]


def test_no_usable_segments_give_an_empty_model_with_a_note():
    segments = corpus().assign(n_words=2)
    model = topics.explore_topics(segments, min_words=10)
    assert model.empty and "10 words" in model.notes[0]
    only_stop = corpus().assign(text="och det är ju så att vi liksom eh alltså typ jag tror")
    assert topics.explore_topics(only_stop).empty


def test_extra_stop_words_drop_organisation_names():
    segments = corpus()
    budget = segments["group"] == "budget"  # named in one group only, so it is typical of that topic
    segments.loc[budget, "text"] = segments.loc[budget, "text"] + " Granvik Granvik kommun"
    with_names = topics.explore_topics(segments, n_topics=3)
    without = topics.explore_topics(segments, n_topics=3, extra_stop_words=["Granvik kommun"])
    assert "granvik" in set(with_names.terms["term"]) and "granvik" not in set(without.terms["term"])


def test_overlap_flags_the_topic_the_codebook_misses():
    segments = corpus()
    model = topics.explore_topics(segments, n_topics=3, seed=7)
    coded = segments.loc[segments["group"] != "moln"]
    codings = pd.DataFrame({"segment_id": coded["segment_id"], "theme_id": coded["group"].map(
        {"budget": "T_budget", "skola": "T_skola"})})
    codings.loc[codings.index[0], "theme_id"] = "T_skola"  # one budget segment also carries the school theme
    codings = pd.concat([codings, coded.iloc[[0]][["segment_id"]].assign(theme_id="T_budget")])
    themes = pd.DataFrame({"theme_id": ["T_budget", "T_skola", "T_unused"], "theme_label": ["Budget", "School", "X"]})
    overlap = topics.topic_theme_overlap(model, codings, themes)
    assert len(overlap) == 3 * 4  # topics × (three themes + no theme)
    table = topics.flag_coverage(model.topics, overlap, threshold=50)
    by_group = model.assignments.merge(segments[["segment_id", "group"]]).groupby("topic")["group"].first()
    flagged = table.set_index("topic")["coverage"]
    for topic, group in by_group.items():
        row = table.set_index("topic").loc[topic]
        if group == "moln":
            assert flagged[topic] == topics.NOT_COVERED and row["pct_no_theme"] == 100.0
            assert pd.isna(row["closest_theme"])
        else:
            assert flagged[topic] == "covered" and row["pct_no_theme"] == 0.0
            assert row["closest_theme"] == {"budget": "Budget", "skola": "School"}[group]
            assert row["pct_closest_theme"] == 100.0
    budget_topic = by_group[by_group == "budget"].index[0]
    school_share = overlap.set_index(["topic", "theme_id"]).loc[(budget_topic, "T_skola"), "pct_segments"]
    assert school_share == pytest.approx(10.0)  # 1 of the 10 budget segments


def _pdpilot_segments() -> pd.DataFrame:
    folder = SHARED / "realdata" / "pdpilot"
    if not folder.is_dir():
        pytest.skip(f"shared real data not found at {folder}")
    rows = []
    for path in sorted(folder.glob("pdpilot_P?.txt")):
        pid = path.stem.split("_")[1]
        for i, turn in enumerate(path.read_text(encoding="utf-8").split("\n\n")):
            speaker, _, text = turn.partition(": ")
            rows.append({"segment_id": f"{pid}-{i:03d}", "participant_id": pid, "text": text,
                         "speaker_role": "respondent" if speaker.strip() == "Participant" else "interviewer",
                         "n_words": len(text.split()), "organisation": "lab", "role": "data scientist",
                         "language": "en"})
    return pd.DataFrame(rows)


def test_real_english_interviews_give_readable_topics():
    segments = _pdpilot_segments()
    model = topics.explore_topics(segments, n_topics=5)
    assert len(model.topics) == 5 and not model.notes
    english_stop = set(get_stop_words("en")) | topics.FILLER_WORDS
    words = set(re.findall(r"[^\W\d_]+", " ".join(segments["text"]).lower()))
    for term in model.terms["term"]:
        assert term not in english_stop
        assert term in words  # shown as a word the participants said, not as a stem
    assert topics.explore_topics(segments, n_topics=5).terms.equals(model.terms)
