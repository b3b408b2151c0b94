"""The workbench's co-occurrence query (helpers.workbench.explore.cooccurrence) on the fixture codings.

The fixture's respondent segments and their codes (explore_fixtures.CODINGS), all coders together:
P01-002 too_many_initiatives, unclear_mandate · P01-004 unclear_mandate, legacy_systems ·
P02-002 political_anchoring · P02-004 prioritisation (the theme itself), unclear_mandate ·
P03-002 legacy_systems · P03-004 portfolio_model.
"""

from __future__ import annotations

import pytest

from helpers.workbench import display as explore_display
from helpers.workbench.explore import cooccurrence

from explore_fixtures import wb  # noqa: F401


def rows(table, *columns):
    return list(zip(*(table[c] for c in columns)))


def test_the_codes_on_the_segments_of_a_code(wb):
    co = cooccurrence(wb, code="Otydligt mandat")
    assert (co.of, co.level, co.by, co.n_segments) == ("unclear_mandate", "code", "code", 3)
    assert rows(co.counts, "code_id", "label", "theme_id", "segments", "interviews", "share") == [
        ("legacy_systems", "Äldre system", "platforms_legacy", 1, 1, 0.333),
        ("prioritisation", "Prioritering av gemensamma initiativ", "prioritisation", 1, 1, 0.333),
        ("too_many_initiatives", "För många initiativ", "prioritisation", 1, 1, 0.333)]
    assert rows(co.segments, "segment_id", "participant_id", "codes") == [
        ("P01-002", "P01", "too_many_initiatives"), ("P01-004", "P01", "legacy_systems"),
        ("P02-004", "P02", "prioritisation")]
    assert list(co.segments.columns) == ["segment_id", "participant_id", "organisation", "role", "codes", "excerpt"]
    assert co.segments["excerpt"][0] == ("Vi har för många projekt och ingen prioriteringsmodell. "
                                         "Styrgruppen saknar mandat att säga nej.")


def test_the_themes_on_the_segments_of_a_code_leave_out_its_own_theme(wb):
    co = cooccurrence(wb, code="unclear_mandate", by="theme")
    assert rows(co.counts, "theme_id", "segments", "interviews", "share") == [
        ("prioritisation", 2, 2, 0.667), ("platforms_legacy", 1, 1, 0.333)]  # not governance_mandate
    assert rows(co.segments, "segment_id", "themes") == [
        ("P01-002", "prioritisation"), ("P01-004", "platforms_legacy"), ("P02-004", "prioritisation")]
    assert co.summary() == ("3 respondent segments are coded with the code unclear_mandate; 3 of them also carry "
                            "another theme. Most often: prioritisation (2 segments, 67%), platforms_legacy "
                            "(1 segment, 33%).")


def test_a_theme_counts_the_codes_of_other_themes(wb):
    co = cooccurrence(wb, theme="priorit")  # too_many_initiatives, portfolio_model and the theme itself
    assert co.n_segments == 3
    assert rows(co.counts, "code_id", "segments", "share") == [("unclear_mandate", 2, 0.667)]
    assert list(co.segments["segment_id"]) == ["P01-002", "P02-004"]  # P03-004 carries no other theme's code
    by_theme = cooccurrence(wb, theme="prioritisation", by="theme")
    assert rows(by_theme.counts, "theme_id", "label", "segments") == [("governance_mandate", "Styrning och mandat", 2)]


def test_selections_and_coders_narrow_the_segments(wb):
    mine = cooccurrence(wb, code="unclear_mandate", organisation="sjöm", role="kommundirektör")
    assert mine.n_segments == 1 and list(mine.segments["segment_id"]) == ["P02-004"]
    by_rules = cooccurrence(wb, code="too_many_initiatives", coder="rules")
    assert rows(by_rules.counts, "code_id", "segments") == [("unclear_mandate", 1)]
    assert cooccurrence(wb, code="too_many_initiatives", coder="AB").counts.empty  # AB coded nothing else there
    alone = cooccurrence(wb, code="political_anchoring")
    assert alone.n_segments == 1 and alone.counts.empty and alone.segments.empty
    assert alone.summary().endswith("0 of them also carry another code.")
    nobody = cooccurrence(wb, code="unclear_mandate", organisation="Sexan IT")
    assert nobody.n_segments == 0
    assert nobody.summary() == "No respondent segment in the selection is coded with the code unclear_mandate."


def test_excerpts_are_cut_to_whole_sentences_or_words(wb):
    co = cooccurrence(wb, code="unclear_mandate", excerpt_words=8)
    assert co.segments["excerpt"][0] == "Vi har för många projekt och ingen prioriteringsmodell. …"
    assert cooccurrence(wb, code="unclear_mandate", excerpt_words=5).segments["excerpt"][0] == (
        "Vi har för många projekt …")


def test_bad_questions_are_errors(wb):
    with pytest.raises(ValueError, match="either"):
        cooccurrence(wb)
    with pytest.raises(ValueError, match="either"):
        cooccurrence(wb, code="unclear_mandate", theme="prioritisation")
    with pytest.raises(ValueError, match="by must be"):
        cooccurrence(wb, code="unclear_mandate", by="member")
    with pytest.raises(ValueError, match="not a code"):
        cooccurrence(wb, code="tillit")
    with pytest.raises(ValueError, match="several organisations"):
        cooccurrence(wb, code="unclear_mandate", organisation="S")


def test_renders_a_summary_and_tables_with_room_for_the_excerpt(wb):
    co = cooccurrence(wb, code="unclear_mandate")
    html = co._repr_html_()
    assert "3 respondent segments are coded with the code unclear_mandate" in html
    assert "Co-occurring codes" in html and "Ingen vet riktigt" in html
    defs = explore_display._column_defs(co.segments)
    assert {"width": explore_display.QUOTE_COLUMNS["excerpt"], "targets": [5]} in defs
