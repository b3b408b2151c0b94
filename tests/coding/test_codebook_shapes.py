"""Flat and deep codebooks tell one story: the codebook table, theme prevalence, and the report's text,
Appendix A and COREQ items agree.

Flat codebooks (Taguette, ATLAS.ti) make every code a theme; a deep tree (MAXQDA) has its top level as the
themes, and deeper codes count for their theme. Each case loads a ``codebook.qdc`` written the way the
program writes it (tests/codebook_fixtures.py) and codes segments with it by code name, as a coder does.
"""

from __future__ import annotations

import html
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd
import pytest

from helpers.coding.codebook import Codebook, load_codebook
from helpers.coding.codings import CODING_COLUMNS
from helpers.coding.qda.maxqda import read_code_system
from helpers.core.i18n import messages
from helpers.core.tables import read_table
from helpers.report import text
from helpers.runner.cli import main
from helpers.thematic.themes import theme_prevalence

from codebook_fixtures import write_atlasti_qdc, write_maxqda_qdc, write_taguette_qdc
from coding_fixtures import FIXTURES
from conftest import SHARED

MEMBERS = ["Älvby kommun", "Sjömåla kommun", "Sexan IT"]
PDPILOT = SHARED / "realdata" / "pdpilot"


@dataclass
class Case:
    """A study's codebook as a QDA program exports it, the codings made with it, and what must follow."""

    write: Callable[[Path], Path]
    codings: list[tuple[str, str]]  # (segment id, code name as the program shows it)
    themes: dict[str, int]  # theme id -> interviewees who raised it
    description: str  # what the report says about the codebook
    appendix: list[str]  # Appendix A's columns


CASES = {
    "taguette": Case(
        lambda folder: write_taguette_qdc(folder / "codebook.qdc", ["Mandate", "Trust", "Legacy systems", "Money"]),
        [("T01-002", "Mandate"), ("T03-002", "Mandate"), ("T02-004", "Trust"), ("T03-004", "Trust"),
         ("T02-002", "Legacy systems")],
        {"mandate": 2, "trust": 2, "legacy_systems": 1, "money": 0},
        "The codebook has 4 codes and no hierarchy, so every code is a theme.",
        ["code_id", "label"]),
    "atlasti": Case(
        lambda folder: write_atlasti_qdc(folder / "codebook.qdc", {
            "Unclear mandate": "Nobody can take decisions that bind every member.\nNot: political engagement.",
            "Low trust": "Members doubt each other's intentions.",
            "Old systems": "Legacy systems and their integrations."}, {"Governance": ["Unclear mandate"]}),
        [("T01-002", "Unclear mandate"), ("T02-004", "Low trust"), ("T03-004", "Low trust"),
         ("T02-002", "Old systems")],
        {"unclear_mandate": 1, "low_trust": 2, "old_systems": 1},
        "The codebook has 3 codes and no hierarchy, so every code is a theme.",
        ["code_id", "label", "definition"]),
    "maxqda": Case(
        lambda folder: write_maxqda_qdc(folder / "codebook.qdc", {
            "Governance": ("How the collaboration is steered.", {
                "Mandate": ("", {"Unclear mandate": ("Nobody can decide.", {})}), "Bodies": ("", {})}),
            "Relations": ("", {"Trust": ("", {"Low trust": ("", {})})}),
            "Systems": ("Platforms and legacy.", {})}),
        [("T01-002", "Unclear mandate"), ("T03-002", "Bodies"), ("T02-004", "Low trust")],
        {"governance": 2, "relations": 1, "systems": 0},
        "The codebook has 3 themes with 5 codes up to 2 levels below them; each code counts for the theme it is "
        "under.",
        ["code_id", "label", "theme_id", "level", "definition"]),
}


@pytest.fixture(scope="module")
def segments() -> pd.DataFrame:
    table = pd.read_csv(FIXTURES / "segments.csv", dtype={"char_start": int, "char_end": int}, keep_default_na=False)
    return table.assign(n_words=table["text"].str.split().str.len())


def _codings(book: Codebook, coded: list[tuple[str, str]]) -> pd.DataFrame:
    """Manual codings as stage 02 records them: each code by its id, with its theme from the codebook."""
    codes = [book.resolve(name) for _, name in coded]
    return pd.DataFrame({"segment_id": [s for s, _ in coded], "participant_id": [s[:3] for s, _ in coded],
                         "code_id": [c.id for c in codes], "theme_id": [c.theme_id for c in codes], "coder": "coder_b",
                         "source": "manual", "evidence": ""}, columns=CODING_COLUMNS)


@pytest.mark.parametrize("name", CASES)
def test_table_prevalence_text_appendix_and_coreq_agree(name, tmp_path, segments):
    case = CASES[name]
    case.write(tmp_path)
    book = load_codebook(tmp_path)
    table = book.to_table()
    codings = _codings(book, case.codings)
    prevalence = theme_prevalence(segments, codings, table, MEMBERS)

    # The themes are the codebook's top level, every code when it is flat; codings count for their theme.
    assert [t.id for t in book.themes] == list(case.themes)
    assert dict(zip(prevalence["theme_id"], prevalence["n_participants"])) == case.themes
    assert set(codings["theme_id"]) <= set(case.themes)
    assert (table["theme_id"] == table["code_id"]).all() == (book.depth == 0)

    # The method, Appendix A and COREQ item 25 describe the same codebook.
    description = text.codebook_description(book)
    assert description == case.description
    appendix = text.codebook_appendix(table)
    assert list(appendix.columns) == case.appendix and len(appendix) == len(book.codes)
    coreq = _coreq(codings, book)
    assert coreq["25"] == description + " It is listed in Appendix A."
    assert coreq["26"].startswith("Themes are " + ("the codebook's top level" if book.depth
                                                    else "every code of the codebook (it has no hierarchy)"))
    assert coreq["24"] == "1: coder_b (no rule-based coding)."
    sentence = text.coding_sentence(book, codings)
    assert sentence.startswith(description)
    assert "its codes carry no rules, so there was no rule-based coding" in sentence

    # The summary names the themes the prevalence table holds.
    summary = " ".join(text.summary_sentences(prevalence, None, book, top=len(prevalence)))
    assert "No codebook exists yet" not in summary
    for label in prevalence.loc[prevalence["n_participants"] > 0, "theme_label"]:
        assert label.lower() in summary


def _coreq(codings: pd.DataFrame, book: Codebook | None) -> dict[str, str]:
    """The report's COREQ answers by item, for the fixture's three interviews."""
    participants = pd.read_csv(FIXTURES / "participants.csv", keep_default_na=False).assign(
        interview_date="", duration_min="", n_words=10)
    table = text.coreq_checklist(text.study_facts(participants), participants, codings, book, "-", 0)
    return dict(zip(table["coreq_item"], table["answer"]))


@pytest.mark.parametrize("name", CASES)
def test_a_codebook_nobody_has_applied_yet_is_still_a_codebook(name, tmp_path):
    """The reported bug: a Taguette codebook without codings gave "No codebook exists yet" in the report."""
    CASES[name].write(tmp_path)
    book = load_codebook(tmp_path)
    said = text.summary_sentences(None, None, book) + [text.codebook_description(book)]
    assert not any("No codebook exists yet" in s for s in said)
    assert said[0].startswith("No respondent segment is coded with the codebook yet (its codes carry no rules, and "
                              "there is no manual coding)")
    answers = _coreq(_codings(book, []), book)
    assert answers["25"] == CASES[name].description + " It is listed in Appendix A."
    assert answers["26"] == "Inductive topic model only: no respondent segment is coded with the codebook yet."
    assert answers["24"] == "No manual coding: nothing is coded yet."


def test_without_a_codebook_the_report_says_so_everywhere():
    assert text.summary_sentences(None, None, None)[0].startswith("No codebook exists yet")
    assert text.codebook_description(None) == "No codebook exists yet."
    assert _coreq(pd.DataFrame(columns=CODING_COLUMNS), None)["25"] == "No codebook exists yet."


@pytest.mark.skipif(not PDPILOT.is_dir(), reason="needs the real MAXQDA exports in ../shared/realdata/pdpilot")
def test_real_maxqda_code_system_rolls_every_code_up_to_its_top_level_theme():
    book = read_code_system(PDPILOT / "pdpilot_maxqda_code-system.txt", PDPILOT / "pdpilot_maxqda_coded-segments.txt")
    table = book.to_table()
    assert text.codebook_description(book) == ("The codebook has 9 themes with 82 codes up to 2 levels below them; "
                                               "each code counts for the theme it is under.")
    assert list(text.codebook_appendix(table).columns) == ["code_id", "label", "theme_id", "level", "definition"]
    # One respondent segment per code, coded with it: each theme counts the segments of its whole subtree.
    segments = pd.DataFrame({"segment_id": [f"P1-{i:03d}" for i in range(len(table))], "participant_id": "P1",
                             "speaker_role": "respondent", "n_words": 5, "organisation": "Lab", "role": "analyst"})
    codings = pd.DataFrame({"segment_id": segments["segment_id"], "participant_id": "P1",
                            "code_id": table["code_id"], "theme_id": table["theme_id"], "coder": "maxqda",
                            "source": "manual", "evidence": ""})
    prevalence = theme_prevalence(segments, codings, table, ["Lab"])
    assert list(prevalence["theme_id"]) == [t.id for t in book.themes]
    subtree = table.groupby("theme_id").size()
    assert dict(zip(prevalence["theme_id"], prevalence["n_segments"])) == subtree.to_dict()


@pytest.mark.slow
def test_report_on_a_study_whose_codebook_is_a_taguette_export(sample_copy, tmp_path, capsys):
    """The sample study with a flat Taguette codebook nobody has applied yet, and workshop files whose optional
    theme_id and participant_id columns a spreadsheet left empty: the report describes one codebook throughout."""
    tags = [t.label_en for t in load_codebook(sample_copy).themes]
    (sample_copy / "codebook.yml").unlink()
    shutil.rmtree(sample_copy / "findings")  # named by the codebook.yml theme ids, which a Taguette export lacks
    shutil.rmtree(sample_copy / "codings")
    write_taguette_qdc(sample_copy / "codebook.qdc", tags)
    for name, column in (("challenges.csv", "theme_id"), ("votes.csv", "participant_id")):
        path = sample_copy / "workshop" / name
        read_table(path).drop(columns="_row").assign(**{column: ""}).to_csv(path, sep=";", index=False)
    out = tmp_path / "out"
    code = main(["--data-dir", str(sample_copy), "--output-dir", str(out), "--jobs", "2", "--no-pdf"])
    assert code == 0, capsys.readouterr().out
    page = html.unescape(re.sub(r"<[^>]+>", " ", (out / "reports" / "findings.html").read_text(encoding="utf-8")))
    page = " ".join(page.split())
    sv = messages("sv")  # the sample's report language
    assert sv("method.codebook_none") not in page
    assert text.no_themes_sentence(load_codebook(sample_copy), sv) in page  # the summary says why there are no themes
    description = sv("method.codebook_flat", codes=sv.n("count.code", 10))
    assert page.count(description) == 3  # method, Appendix A, COREQ item 25
    assert sv("coreq.derivation_topics_not_coded") in page
    codebook_heading = sv("headings.appendix_codebook")
    heading = page.index(codebook_heading, page.index(codebook_heading) + 1)  # not the contents list
    appendix = page[heading:page.index(sv("headings.appendix_coreq"), heading)]
    assert all(tag in appendix for tag in tags)
    assert sv("headings.needs") in page
