"""Tests for helpers.maxqda: MAXQDA's code system and coded segments, exported as text.

Small synthetic exports built in tmp_path test the parser and its errors; the real pdpilot study in
../shared/realdata/pdpilot (seven interviews, coded in MAXQDA by its authors) tests it on real exports.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers.coding import CODING_COLUMNS
from helpers.errors import InputError
from helpers.maxqda import UNLOCATED_COLUMNS, read_code_system, read_coded_segments
from helpers.segments import CleaningRules, read_transcripts, segment_study
from helpers.transcripts import read_transcript

PDPILOT = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "pdpilot"

CODE_SYSTEM = """Code System
Code System Memo Frequency
Code System 9
Trust What makes people trust a model. 0
Checks 2
Plots Which plots people use. 0
PDP 1
Other 1
Gaps in tooling Where tools fall short 2
Other 1
Praise 2
Unused code A memo. 0
"""

# Document names with a participant id, and "Anna" (mapped to P2); print line breaks, a word broken at a
# hyphen, a code path glued to its segment where the print wrapped the code column (line 12).
CODED_SEGMENTS = """Coded Segments
Document name Code Segment
Interview P1 Trust > Checks we check every plot against what we 
expect from the business.
Anna Trust > Checks Dan: Do you check the plots?
Participant: Yes, um, always, before a model
goes live.
Interview P1 Trust > Plots > PDP Mostly one-
way plots
Anna Trust > Other before a model goes live.
Anna Gaps in tooling Nothing exports the plots, so we take screenshots.
Interview P1 Gaps in toolingParticipant: It is a great tool for cross-
checking a model.
Anna Gaps in tooling > Other so we take screenshots.
Interview P1 Praise Yes.
Interview P1 Praise We love the colours.
"""

TRANSCRIPTS = {
    "P1": """Dan: How do you use partial dependence plots?
Participant: Uh, we check every plot against what we expect from the business. Mostly one-way plots, to be honest.
Dan: And do you trust them?
Participant: Yes. We trust them when the trend is smooth.
Dan: Anything else?
Participant: Yes. It is a great tool for cross-checking a model.
""",
    "P2": """Dan: Do you check the plots?
Participant: Yes, always, before a model goes live.
Dan: What is missing?
Participant: Nothing exports the plots, so we take screenshots.
""",
}


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _participants(paths: dict[str, Path]) -> pd.DataFrame:
    """A participants table as stage 01 gets it, with dummy organisation and role."""
    return pd.DataFrame({
        "participant_id": list(paths), "organisation": "Org", "role": "Data scientist", "interview_date": "",
        "duration_min": None, "language": "en", "interviewer": "Dan",
        "transcript_path": [str(p) for p in paths.values()],
    })


def _segments(paths: dict[str, Path]) -> pd.DataFrame:
    """Stage 01's segments table for these transcripts (no pseudonymisation: the names are not real)."""
    participants = _participants(paths)
    interviews = segment_study(participants, read_transcripts(participants, read_transcript), lambda t: t,
                               CleaningRules.load())
    return interviews.segments


@pytest.fixture
def exports(tmp_path: Path) -> tuple[Path, Path]:
    return _write(tmp_path, "code-system.txt", CODE_SYSTEM), _write(tmp_path, "coded-segments.txt", CODED_SEGMENTS)


@pytest.fixture
def segments(tmp_path: Path) -> pd.DataFrame:
    return _segments({pid: _write(tmp_path, f"{pid}.txt", text) for pid, text in TRANSCRIPTS.items()})


# ---- code system ---------------------------------------------------------------------------------


def test_code_system_names_nesting_and_memos_come_from_the_coded_segments(exports):
    book = read_code_system(*exports)
    got = {c.id: (c.label, c.parent_id, c.definition) for c in book.codes.values()}
    assert got == {
        "trust": ("Trust", None, "What makes people trust a model."),
        "checks": ("Checks", "trust", ""),
        "plots": ("Plots", "trust", "Which plots people use."),
        "pdp": ("PDP", "plots", ""),
        "other": ("Other", "trust", ""),
        "gaps_in_tooling": ("Gaps in tooling", None, "Where tools fall short"),
        "gaps_in_tooling.other": ("Other", "gaps_in_tooling", ""),  # a second "Other": qualified by its parent
        "praise": ("Praise", None, ""),
        # No segment uses it: name and memo cannot be told apart, and it stays next to the code before it.
        "unused_code_a_memo": ("Unused code A memo.", None, ""),
    }
    assert list(book.codes) == list(got)  # the code system's order
    assert book.codes["pdp"].level == 2 and book.codes["pdp"].theme_id == "trust"


@pytest.mark.parametrize("text, problem, where", [
    ("Code System\nCode System Memo Frequency\nTrust 0\n", "has no line 'Code System <number>'", None),
    ("Code System\nCode System 2\nTrust 0\nChecks\n", "does not end with the code's frequency", "line 4"),
    ("Code System\nCode System 3\nTrust 0\nChecks 2\n", "add up to 2, but the code system's total is 3", "line 2"),
    ("Code System\nCode System 0\n\n", "lists no codes", "line 2"),
])
def test_bad_code_system_names_file_and_line(tmp_path, exports, text, problem, where):
    path = _write(tmp_path, "broken.txt", text)
    with pytest.raises(InputError) as err:
        read_code_system(path, exports[1])
    assert err.value.path == path and problem in err.value.problem and err.value.where == where


# ---- coded segments ------------------------------------------------------------------------------


def test_coded_segments_land_on_the_answers_they_quote(exports, segments):
    book = read_code_system(*exports)
    result = read_coded_segments(exports[1], segments, book, documents={"Anna": "P2"})
    text = dict(zip(segments["segment_id"], segments["text"]))
    got = {(row.code_id, row.segment_id) for row in result.codings.itertuples()}
    assert got == {
        ("checks", "P1-002"),  # case, a filler word and a line break of the print ignored
        ("checks", "P2-002"),  # Dan's question and the answer: only the answer is coded; "um" is not in it
        ("pdp", "P1-002"),  # "one-" + "way": a word broken at the end of a line
        ("other", "P2-002"),
        ("gaps_in_tooling", "P2-004"),
        ("gaps_in_tooling", "P1-006"),  # the code path glued to the segment
        ("gaps_in_tooling.other", "P2-004"),
    }
    assert text["P1-006"] == "Yes. It is a great tool for cross-checking a model."
    assert list(result.codings.columns) == CODING_COLUMNS and result.total == 9
    row = result.codings.set_index(["segment_id", "code_id"]).loc[("P1-002", "pdp")]
    assert (row["theme_id"], row["coder"], row["source"], row["evidence"]) == (
        "trust", "maxqda", "manual", "coded-segments.txt, line 8")


def test_segments_that_cannot_be_placed_are_listed_with_their_line(exports, segments):
    book = read_code_system(*exports)
    unlocated = read_coded_segments(exports[1], segments, book, documents={"Anna": "P2"}).unlocated
    assert list(unlocated.columns) == UNLOCATED_COLUMNS
    assert list(unlocated[["line", "document", "participant_id", "code_id"]].itertuples(index=False, name=None)) == [
        (15, "Interview P1", "P1", "praise"), (16, "Interview P1", "P1", "praise")]
    assert "occurs 2 times" in unlocated.loc[0, "problem"]  # "Yes." begins two answers
    assert "is not in P1's" in unlocated.loc[1, "problem"]


def test_an_unmapped_document_is_not_a_segment_start(exports, segments):
    """Without the mapping "Anna" names no participant: the export's first segments still read, Anna's lines
    are taken as text of the segment before them, which then cannot be placed (and is listed)."""
    book = read_code_system(*exports)
    result = read_coded_segments(exports[1], segments, book)
    assert "P2" not in set(result.codings["participant_id"])
    assert 3 in set(result.unlocated["line"])


@pytest.mark.parametrize("text, documents, problem, where", [
    ("Coded Segments\nDocument name Code Segment\nAnna Trust > Checks Yes.\n", {},
     "does not start with a document of the study and a code path", "line 3"),
    ("Coded Segments\nDocument name Code Segment\nP1 Trust > Checks Yes.\nBob Praise Yes.\n", {"Bob": "P9"},
     "document 'Bob' is mapped to 'P9', which is not a participant", "line 4"),
    ("Coded Segments\nDocument name Code Segment\n", {}, "holds no coded segment", None),
])
def test_bad_coded_segments_name_file_and_line(tmp_path, exports, segments, text, documents, problem, where):
    book = read_code_system(*exports)
    path = _write(tmp_path, "broken.txt", text)
    with pytest.raises(InputError) as err:
        read_coded_segments(path, segments, book, documents=documents)
    assert err.value.path == path and problem in err.value.problem and err.value.where == where


# ---- the real pdpilot study (../shared/realdata/pdpilot) ----------------------------------------------


@pytest.fixture(scope="module")
def pdpilot() -> Path:
    if not PDPILOT.is_dir():
        pytest.skip(f"real MAXQDA exports not available: {PDPILOT} is absent (see ../shared/README.md)")
    return PDPILOT


@pytest.fixture(scope="module")
def pdpilot_book(pdpilot):
    return read_code_system(pdpilot / "pdpilot_maxqda_code-system.txt", pdpilot / "pdpilot_maxqda_coded-segments.txt")


def test_real_code_system_has_its_codes_and_nesting(pdpilot_book):
    codes = pdpilot_book.codes.values()
    # 91 code lines under "Code System 293"; the nesting below is the one the coded segments' paths show.
    assert len(pdpilot_book.codes) == 91
    assert [c.label for c in pdpilot_book.themes] == [
        "Explainability purposes", "Explainability techniques", "PDPilot General Usage", "PDPilot Techniques Usage",
        "PDPilot improvements", "Study limitations", "Benefits of PDPilot", "Interaction",
        "Anonymize Code to anonymize segments."]  # no segment uses Anonymize: its memo stays in its label
    assert [sum(c.level == n for c in codes) for n in range(4)] == [9, 46, 36, 0]
    by_label = {c.label: c for c in codes}
    assert [c.label for c in pdpilot_book.children(by_label["PDP/ICE"].id)] == [
        "Don't primarily look at two-way plots", "Uses ICE plots, but not PDPs", "Does not use PDPs or ICE plots",
        "Uses PDPs and ICE plots", "Uses PDPs but not ICE plots"]
    assert len(pdpilot_book.children(by_label["Ranking"].id)) == 9
    assert by_label["Ranking"].parent_id == by_label["PDPilot Techniques Usage"].id
    # Listed after the six outlier codes but coded as a child of "PDPilot improvements", not of "Outliers, ...".
    assert by_label["Concerned about correlated variables"].parent_id == by_label["PDPilot improvements"].id
    assert by_label["Iterative approach to handling overfitting"].parent_id == by_label[
        "Outliers, overfitting, and skewed distributions"].id  # its code path is glued to the segment text
    assert by_label["Understanding feature-outcome relationships"].definition == (
        "Trends between features and the model’s output. Are the feature-outcome relationships intuitive?")
    assert by_label["PDP/ICE"].id == "pdp_ice"


def test_real_coded_segments_are_found_in_the_real_transcripts(pdpilot, pdpilot_book):
    paths = {f"P{n}": pdpilot / f"pdpilot_P{n}.txt" for n in range(1, 8)}
    export = pdpilot / "pdpilot_maxqda_coded-segments.txt"
    result = read_coded_segments(export, _segments(paths), pdpilot_book)
    # 262 segments: the code system's 293 minus Anonymize's 32 (not exported), plus one first line the print
    # repeated at a page break (line 827; a prefix of the segment on line 828, it lands on the same answer).
    assert result.total == 262
    # Measured: 230 of 262 (87.8 %) placed. The 32 others quote text the transcripts lost in their conversion
    # from PDF: in each transcript one answer holds runs of the PDF's line numbers ("1 2 3 ... 122") and then
    # repeats part of itself (28 segments), and P5 and P7 have "two- way" and "non- monotonic" (4).
    share = 1 - len(result.unlocated) / result.total
    listed = "\n".join(f"line {r.line} ({r.participant_id}, {r.code_id}): {r.problem}"
                       for r in result.unlocated.itertuples())
    assert share >= 0.85, f"only {share:.1%} of the coded segments placed; not placed:\n{listed}"
    assert set(result.codings["participant_id"]) == set(paths)
