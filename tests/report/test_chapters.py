"""Notebooks 05 and 06 as chapters: the blocks they display, the one "skipped, and why" idiom, the captions."""

import json

import pandas as pd
import pytest

from helpers.core.i18n import ENGLISH
from helpers.report import brief
from helpers.report import page as rp
from helpers.report import text
from helpers.report.analysis import Analysis, References

from conftest import ROOT


def test_skipped_names_the_part_and_the_reason_escaped():
    assert rp.skipped("Workshop outcomes", ENGLISH("reasons.no_workshop")).html == (
        '<p class="skipped"><strong>Skipped:</strong> Workshop outcomes because there is no workshop data in this '
        "study folder.</p>")
    html = rp.skipped("Votes <all>", "nobody from A & B voted.")  # a full stop is not doubled
    assert html.html.endswith("Votes &lt;all&gt; because nobody from A &amp; B voted.</p>")


def test_paragraphs_leave_out_sentences_that_do_not_apply():
    blocks = rp.paragraphs(["One.", "", None, "Two & three."])
    assert [b.html for b in blocks] == ["<p>One.</p>", "<p>Two &amp; three.</p>"]


def test_title_block_marks_a_report_page():
    assert rp.title_block("A <b> study").html.endswith('<h1 class="page-title" lang="en">A &lt;b&gt; study</h1>')
    assert rp.title_block("X: member brief", "Study").html.endswith("</h1><p><i>Study</i></p>")


def test_report_css_styles_skipped_notes_and_report_pages():
    css = (ROOT / "src" / "helpers" / "report" / "templates" / "report" / "report.css").read_text(encoding="utf-8")
    assert ".skipped {" in css and "body:has(.page-title) .jp-Cell" in css


BY_ORG = pd.DataFrame({
    "theme_id": ["t1", "t1", "t2", "t2"], "theme_label": ["Trust", "Trust", "Mandate", "Mandate"],
    "organisation": ["A", "B", "A", "B"], "n_participants": [1, 0, 1, 2], "participants_in_group": [1, 2, 1, 2],
    "pct_words": [50.0, 0.0, 10.0, 40.0], "coded_words": [50, 0, 10, 80], "respondent_words": [100, 200, 100, 200],
})
PREVALENCE = pd.DataFrame({"theme_id": ["t1", "t2"], "theme_label": ["Trust", "Mandate"], "n_participants": [1, 3],
                           "of_participants": 3, "n_organisations": [1, 2], "of_organisations": 2,
                           "organisations": ["A", "A, B"], "n_segments": [4, 9]})
CODEBOOK = pd.DataFrame({"code_id": ["t1", "t2"], "definition": ["", "Who decides <what>."]})
QUOTES = pd.DataFrame({"theme_id": ["t2", "t2", "t2", "t1"], "quote": ["q1", "q2", "q3", "q4"],
                       "segment_id": ["P1-001", "P2-001", "P3-001", "P1-002"],
                       "participant_id": ["P1", "P2", "P3", "P1"], "role": "chef",
                       "organisation": ["A", "B", "B", "A"]})


def test_theme_sections_widest_theme_first_numbered_with_definition_and_quotes(tmp_path):
    rep = rp.Report(figures=2)  # the two overview figures come first
    analysis = Analysis(tmp_path, ["t1", "t2"])  # a study folder without findings/
    refs = References.build(pd.DataFrame(columns=["segment_id"]), {}, "id+organisation+role")
    blocks, n_quotes = rp.theme_sections(rep, PREVALENCE, BY_ORG, CODEBOOK, QUOTES, 2, analysis, refs)
    html = [b.html for b in blocks]
    assert html[0] == '<h3 id="mandate">Mandate</h3>'
    assert "analysis for this section is not written yet (findings/t2.md)" in html[1]
    assert html[2] == "<p><i>Codebook definition:</i> Who decides &lt;what&gt;.</p>"
    assert html[3] == "<p>Raised by 3 of 3 interviewees in 2 of 2 member organisations (A, B); 9 segments.</p>"
    assert "<b>Figure 3.</b> Mandate: share of each member" in html[4]
    assert html[5].startswith("<blockquote>q1<br/><small>— P1, A, chef</small>") and "q2" in html[6]
    assert html[7] == '<h3 id="trust">Trust</h3>' and html[9].startswith("<p>Raised by")  # no definition
    assert "<b>Figure 4.</b>" in html[10] and "q4" in html[11] and len(html) == 12
    assert n_quotes == 3 and rep.sections == [(3, "Mandate", "mandate"), (3, "Trust", "trust")]


def test_a_quote_the_analysis_already_shows_is_not_repeated_under_its_theme(tmp_path):
    (tmp_path / "findings").mkdir()
    (tmp_path / "findings" / "t2.md").write_text("Så här:\n\n[[P1-001]]\n", encoding="utf-8")
    segments = pd.DataFrame({"segment_id": ["P1-001"], "participant_id": ["P1"], "organisation": ["A"],
                             "role": ["chef"], "speaker_role": ["respondent"], "text": ["q1"]})
    refs = References.build(segments, {}, "id")
    blocks, n_quotes = rp.theme_sections(rp.Report(), PREVALENCE, BY_ORG, CODEBOOK, QUOTES, 2,
                                         Analysis(tmp_path, ["t1", "t2"]), refs)
    quotes = [b.html for b in blocks if b.html.startswith("<blockquote>")]
    assert [q.split("<br/>")[0] for q in quotes] == ["<blockquote>q2", "<blockquote>q3", "<blockquote>q4"]
    assert n_quotes == 3  # two generated quotes for t2 besides the analysis's own, one for t1


def test_captions_fill_their_blanks():
    assert text.caption("codebook", version="abc") == "The codebook (version abc)."
    assert text.saturation_caption({"dates": None}).endswith("accumulate in participant-id order.")
    assert text.saturation_caption({"dates": "03 Feb 2026 – 12 Mar 2026"}).endswith("in the order they were held.")
    assert text.theme_chart_caption("Trust").startswith("Trust: share of each member's interview words")
    with pytest.raises(KeyError):
        text.caption("no such figure")


def test_the_reasons_for_no_themes_are_those_of_the_summary():
    assert text.no_themes_reason(None) == "no codebook exists yet"
    assert text.no_themes_sentence(None).startswith("No codebook exists yet, so the interviews have not been coded")
    assert text.summary_sentences(None, None, None)[-1] == "There is no workshop data in this study folder."
    assert text.topics_only_sentence(None) == ("No codebook exists yet. The interviews were explored with an "
                                               "inductive topic model only.")
    assert text.segments_sentence(1234) == "The interviews gave 1,234 segments."


def test_member_brief_says_why_a_part_is_left_out():
    profile = brief.theme_profile(BY_ORG, "A")
    assert brief.no_profile_reason(profile, "A") == ""
    assert brief.no_profile_reason(None, "A") == "the interviews have not been coded into themes yet"
    assert brief.no_profile_reason(profile.assign(member_pct=float("nan")), "C") == "nobody from C was interviewed"
    votes = pd.DataFrame({"member_votes": [0.0, float("nan")]})
    assert brief.no_votes_reason(None, "A") == ENGLISH("reasons.no_workshop")
    assert brief.no_votes_reason(votes, "A") == "nobody from A voted at the workshop"
    assert brief.no_votes_reason(votes.assign(member_votes=[2, 0]), "A") == ""
    assert brief.profile_caption("A").startswith("Share of interview words on each theme: A (bars)")
    assert brief.vote_caption("A").startswith("Votes per voter for each challenge: A against all participants.")


def test_member_quotes_are_attributed_to_interviewee_and_theme():
    quotes = pd.DataFrame({"quote": ["Vi & de"], "participant_id": ["P1"], "organisation": ["A"], "role": "chef",
                           "theme_label": ["Trust"]})
    assert [b.html for b in brief.quote_blocks(quotes)] == [
        "<blockquote>Vi &amp; de<br/><small>— P1, A — on trust</small></blockquote>"]


@pytest.mark.parametrize("name", ["05_findings_report.ipynb", "06_member_brief.ipynb"])
def test_report_notebooks_say_skipped_one_way(name):
    """Every part a report notebook leaves out for want of data says so with rp.skipped, never a sentence of its own."""
    nb = json.loads((ROOT / "notebooks" / name).read_text(encoding="utf-8"))
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert "rp.skipped(" in code
    for old in ("There is no workshop data", "have not been coded into themes", "No coded quotes from",
                "no themes to report"):
        assert old not in code
