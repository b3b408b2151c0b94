"""Uncertain speaker roles are said out loud: at the end of the run and in the report's method section."""

from __future__ import annotations

import pandas as pd

from helpers.core.tables import write_table
from helpers.report.run_summary import run_warnings
from helpers.report.text import speaker_roles_text

from conftest import complete


def _quality(confident: list[bool], layouts: list[str], roles: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"participant_id": [f"P0{i + 1}" for i in range(len(confident))], "layout": layouts,
                         "roles": roles, "roles_confident": confident})


def test_the_end_of_the_run_names_interviews_with_uncertain_roles(tmp_path):
    write_table(complete(_quality([True, False, False], ["colon", "cues", "paragraphs"],
                                  ["interviewer column", "inferred: no speaker labels, roles uncertain",
                                   "inferred: alternating questions and answers, roles uncertain"]), "quality"),
                tmp_path, "quality")
    (line,) = run_warnings(tmp_path)
    assert line.startswith("Warning: speaker roles uncertain in 2 interview(s) (P02, P03)")


def test_no_warning_when_every_role_is_settled_or_no_tables(tmp_path):
    assert run_warnings(tmp_path) == []
    write_table(complete(_quality([True], ["colon"], ["interviewer column"]), "quality"), tmp_path, "quality")
    assert run_warnings(tmp_path) == []


def test_method_section_states_layouts_inferred_and_uncertain_interviews():
    quality = _quality([True, True, False], ["colon", "paragraphs", "cues"],
                       ["interviewer column", "inferred: alternating questions and answers",
                        "inferred: no speaker labels, roles uncertain"])
    paragraph, uncertain = speaker_roles_text(quality)
    assert "labels with a colon (1), no labels (paragraphs as turns) (1) and subtitles without labels (1)." in paragraph
    assert paragraph.endswith("in 1 interview (P02).")
    assert speaker_roles_text(quality.iloc[:2])[1] == ""
    assert uncertain.startswith("In 1 interview (P03) the speakers' roles could not be established")
    assert "nothing from it is quoted" in uncertain
