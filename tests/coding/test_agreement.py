"""Inter-coder agreement on respondent segments: kappa, alpha, percent agreement and disagreements."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from helpers.coding.agreement import (
    AGREEMENT_COLUMNS,
    DISAGREEMENT_COLUMNS,
    agreement_table,
    disagreement_table,
    evidence_text,
    kappa_words,
    summarise_agreement,
)
from helpers.coding.codebook import read_codebook_yaml

from conftest import FIXTURES

FIXTURES = FIXTURES / "coding"
THEMES = {"mandate": "governance", "bodies": "governance", "allocation": "money", "trust": "trust"}


@pytest.fixture(scope="module")
def segments():
    return pd.read_csv(FIXTURES / "segments.csv", dtype={"char_start": int, "char_end": int}, keep_default_na=False)


@pytest.fixture(scope="module")
def book():
    return read_codebook_yaml(FIXTURES / "codebook.yml")


def codings(*rows: tuple[str, str, str]) -> pd.DataFrame:
    """Codings from (coder, segment_id, code_id)."""
    return pd.DataFrame([{"segment_id": seg, "participant_id": seg[:3], "code_id": code, "theme_id": THEMES[code],
                          "coder": coder, "source": "manual", "terms": "", "file": f"{coder}.csv",
                          "where": "row 2", "quote": f"{coder} saw it"}
                         for coder, seg, code in rows])


# T01 has three respondent segments (002, 004, 006); only T01 is coded by both a and b.
PAIR = codings(("a", "T01-002", "mandate"), ("b", "T01-002", "mandate"),
               ("a", "T01-004", "allocation"), ("b", "T01-006", "allocation"),
               ("a", "T02-002", "mandate"))


def test_scores_per_code_match_hand_computation(segments, book):
    table = agreement_table(PAIR, segments, book)
    assert list(table.columns) == AGREEMENT_COLUMNS
    rows = table.set_index(["level", "code_id"])
    mandate = rows.loc[("code", "mandate")]
    assert (mandate["n_units"], mandate["n_interviews"], mandate["n_a"], mandate["n_b"]) == (3, 1, 1, 1)
    assert (mandate["percent_agreement"], mandate["kappa"], mandate["alpha"]) == (1.0, 1.0, 1.0)
    allocation = rows.loc[("code", "allocation")]
    # a = [0,1,0], b = [0,0,1]: po = 1/3, pe = 5/9, kappa = -0.5; alpha (nominal) = 1 - (4/6)/(16/30) = -0.25
    assert allocation["percent_agreement"] == pytest.approx(1 / 3)
    assert allocation["kappa"] == pytest.approx(-0.5)
    assert allocation["alpha"] == pytest.approx(-0.25)
    assert allocation["label"] == "Fördelning"
    assert rows.loc[("theme", "money"), "kappa"] == pytest.approx(-0.5)
    pooled = rows.loc[("all", "(all codes)")]
    assert (pooled["n_units"], pooled["percent_agreement"]) == (3, pytest.approx(4 / 6))  # 3 segments x 2 codes


def test_interviews_coded_by_one_coder_only_are_not_units(segments, book):
    table = agreement_table(PAIR, segments, book)
    assert set(table["n_units"]) == {3}  # T02-002, coded by a alone, is not compared


def test_no_variation_leaves_kappa_and_alpha_undefined(segments, book):
    both_all = codings(*[(c, s, "trust") for c in "ab" for s in ("T01-002", "T01-004", "T01-006")])
    row = agreement_table(both_all, segments, book).set_index(["level", "code_id"]).loc[("code", "trust")]
    assert row["percent_agreement"] == 1.0
    assert math.isnan(row["kappa"]) and math.isnan(row["alpha"])


def test_every_pair_of_coders_is_compared(segments, book):
    three = pd.concat([PAIR, codings(("rules", "T01-002", "bodies"))])
    table = agreement_table(three, segments, book)
    pairs = set(zip(table["coder_a"], table["coder_b"]))
    assert pairs == {("a", "b"), ("a", "rules"), ("b", "rules")}


def test_disagreements_list_who_coded_and_who_did_not(segments, book):
    table = disagreement_table(PAIR, segments, book, excerpt_chars=30)
    assert list(table.columns) == DISAGREEMENT_COLUMNS
    rows = {(r["segment_id"], r["code_id"]): r for r in table.to_dict("records")}
    assert set(rows) == {("T01-004", "allocation"), ("T01-006", "allocation")}
    assert (rows[("T01-004", "allocation")]["coded_by"], rows[("T01-004", "allocation")]["not_coded_by"]) == ("a", "b")
    assert rows[("T01-006", "allocation")]["evidence"] == 'b: b.csv, row 2: "b saw it"'
    assert rows[("T01-004", "allocation")]["excerpt"] == "Fördelningsnyckeln bygger på…"  # ≤ 30 characters


def test_evidence_text_is_the_terms_of_a_rule_and_the_file_place_and_quote_of_a_manual_coding():
    rule = {"source": "rules", "terms": "mandat (mandatet)", "file": "", "where": "", "quote": ""}
    manual = {"source": "manual", "terms": "", "file": "x.csv", "where": "row 2", "quote": "Inget mandat."}
    assert evidence_text(rule) == "mandat (mandatet)"
    assert evidence_text(manual) == 'x.csv, row 2: "Inget mandat."'
    assert evidence_text({**manual, "quote": ""}) == "x.csv, row 2"  # a coding of a whole document: no quote


def test_no_shared_interviews_give_empty_tables(segments, book):
    apart = codings(("a", "T01-002", "mandate"), ("b", "T02-002", "mandate"))
    assert agreement_table(apart, segments, book).empty
    assert disagreement_table(apart, segments, book).empty


@pytest.mark.parametrize("kappa, words", [(-0.1, "poor"), (0.0, "slight"), (0.35, "fair"), (0.5, "moderate"),
                                          (0.7, "substantial"), (0.95, "almost perfect"), (math.nan, "undefined")])
def test_kappa_words(kappa, words):
    assert kappa_words(kappa) == words


def test_summary_sentence_per_pair(segments, book):
    # pooled a = [1,0,0,0,1,0], b = [1,0,0,0,0,1]: po = 4/6, pe = 5/9, kappa = 0.25; alpha = 1 - (4/12)/(64/132)
    sentences = summarise_agreement(agreement_table(PAIR, segments, book))
    assert sentences == ["a and b coded 1 interview(s) in common (3 respondent segments): they agreed on 67% of "
                         "segment-code decisions; Cohen's kappa 0.25 (fair), Krippendorff's alpha 0.31."]
