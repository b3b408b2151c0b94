"""Report helpers: numbering, table of contents, banner, generated sentences."""

import re

import pandas as pd

from helpers.coding.codebook import load_codebook
from helpers.report import page as rp
from helpers.report import provenance as pv
from helpers.core.i18n import messages
from helpers.report import text

from conftest import SAMPLE


def test_figures_and_tables_are_numbered_in_order():
    rep = rp.Report()
    first = rep.table(pd.DataFrame({"a": [1]}), "First.")
    second = rep.table(pd.DataFrame({"a": [2]}), "Second.")
    assert "Table 1." in first.html and "Table 2." in second.html


def test_banner_only_for_fictional_studies_and_in_every_printed_page_margin():
    assert rp.banner(False, "Real study").html == ""
    html = rp.banner(True, 'A "quoted" title').html
    assert "@top-center" in html and '\\22 quoted\\22 ' in html and "fictional-banner" in html
    # A title cannot end the CSS string, the rule or the style element.
    hostile = str(rp.banner(True, '"; } </style><script>x()</script>{ \\').html)
    css = hostile[hostile.index('content: "') + 10:hostile.index('"; } }</style>')]
    assert not set(css) & set('"<>{}\\;') - {"\\"} and "\\3c " in css and "<script>" not in hostile


def test_summary_names_the_widest_themes_and_top_priorities():
    themes = pd.DataFrame({"theme_label": ["Trust", "Mandate", "Money"], "n_participants": [3, 9, 0],
                           "of_participants": 12, "n_organisations": [2, 7, 0], "of_organisations": 7})
    priorities = pd.DataFrame({"challenge": ["Unclear mandate"], "votes": [22], "share_of_voters": [0.7]})
    summary = " ".join(text.summary_sentences(themes, priorities, None, top=1))
    assert "mandate (9 of 12 interviewees, 7 of 7 members)" in summary
    assert "No interviewee raised money" in summary
    assert "“Unclear mandate” (22 votes from 70% of the voters)" in summary
    assert "no workshop data" in " ".join(text.summary_sentences(themes, None, None))


def test_study_facts_from_the_participants_table():
    participants = pd.DataFrame({"organisation": ["A", "A", "B"], "role": ["x", "y", "x"],
                                 "interview_date": ["2026-02-03", "", "2026-03-12"], "duration_min": [60, 30, None],
                                 "n_words": [100, 200, 300]})
    facts = text.study_facts(participants)
    assert facts == {"interviews": 3, "members": 2, "roles": 2, "dates": "3 Feb 2026 – 12 Mar 2026",
                     "first": pd.Timestamp("2026-02-03"), "last": pd.Timestamp("2026-03-12"), "words": 600, "hours": 1.5}
    assert text.study_facts(participants, messages("sv"))["dates"] == "3 feb. 2026 – 12 mars 2026"
    assert text.study_facts(participants.assign(interview_date=""))["dates"] is None


def test_file_hashes_name_every_input(tmp_path):
    (tmp_path / "interviews").mkdir()
    (tmp_path / "interviews" / "P01.txt").write_text("I: Hej", encoding="utf-8")
    (tmp_path / "participants.csv").write_text("participant_id\nP01\n", encoding="utf-8")
    table = pv.file_hashes(tmp_path)
    assert list(table["file"]) == ["interviews/P01.txt", "participants.csv"]
    assert table["sha256"].str.len().eq(16).all()


def test_input_files_are_shown_without_their_own_names(tmp_path):
    (tmp_path / "interviews").mkdir()
    (tmp_path / "codings").mkdir()
    (tmp_path / "interviews" / "Kerstin_Holmberg.docx").write_bytes(b"docx")
    (tmp_path / "codings" / "lina_bjork.csv").write_text("x", encoding="utf-8")
    participants = pd.DataFrame({"participant_id": ["P01"],
                                 "transcript_path": [str(tmp_path / "interviews" / "Kerstin_Holmberg.docx")]})
    table = pv.file_hashes(tmp_path, pv.shown_input_names(tmp_path, participants))
    assert list(table["file"]) == ["codings/1.csv", "interviews/P01.docx"]


def test_agreement_summary_names_each_pair_and_says_when_kappa_is_undefined():
    agreement = pd.DataFrame([
        {"coder_a": "rules", "coder_b": "AB", "level": "all", "theme_id": "", "label": "(all codes)",
         "n_interviews": 4, "n_units": 60, "n_both": 20, "percent_agreement": 0.9, "kappa": 0.55, "alpha": 0.54},
        {"coder_a": "rules", "coder_b": "AB", "level": "theme", "theme_id": "trust", "label": "Tillit",
         "n_interviews": 4, "n_units": 60, "n_both": 0, "percent_agreement": 1.0, "kappa": float("nan"),
         "alpha": float("nan")},
        {"coder_a": "CD", "coder_b": "AB", "level": "all", "theme_id": "", "label": "(all codes)",
         "n_interviews": 2, "n_units": 30, "n_both": 10, "percent_agreement": 0.8, "kappa": float("nan"),
         "alpha": 0.4},
    ])
    sentences, table = text.agreement_summary(agreement, {"trust": "Trust"})
    assert len(sentences) == 2
    assert "AB and the rule-based coding both coded 4 interviews (60 respondent segments): overall Cohen's kappa 0.55" in sentences[0]
    assert "kappa undefined" in sentences[1]
    assert list(table["theme"]) == ["Trust"] and list(table["coders"]) == ["AB / the rule-based coding"]


def test_coding_sentence_counts_people_not_the_rules():
    codings = pd.DataFrame({"segment_id": ["s1", "s2", "s2", "s3"], "source": ["rules", "rules", "manual", "manual"],
                            "coder": ["rules", "rules", "AB", "CD"]})
    sentence = text.coding_sentence(load_codebook(SAMPLE), codings)
    assert sentence.startswith("The codebook has 10 themes with 31 codes one level below them")
    assert "marked 2 segments; manual coding by 2 coders (AB, CD) marked 2" in sentence


def test_placement_sentence_states_the_rate_per_coding_file():
    from helpers.report.text import placement_sentence

    sources = pd.DataFrame([("coded-segments.txt", "maxqda", "m", 262, 261, 1, 0.996),
                            ("b.csv", "sheet", "coder_b", 40, 40, 0, 1.0), ("b.csv", "sheet", "coder_c", 3, 2, 1, 0.667)],
                           columns=["file", "kind", "coder", "quotes", "placed", "unplaced", "placement_rate"])
    sentence = placement_sentence(sources)
    assert sentence.startswith("Of the researchers' own codings, 261 of 262 from coded-segments.txt (MAXQDA export, "
                               "99.6%) and 42 of 43 from b.csv (coding sheet, 97.7%) were placed")
    assert "the 2 codings not placed" in sentence and "codings_unplaced" in sentence
    assert placement_sentence(sources.iloc[0:0]) == ""


def test_tables_show_headers_in_words_and_no_index():
    rep = rp.Report()
    block = rep.table(pd.DataFrame({"participant_id": ["P01"], "duration_min": [12], "mean_importance": [4.5]},
                                   index=[7]), "Interviews.").html
    headers = re.findall(r"<th[^>]*>([^<]*)</th>", block)
    assert headers == ["participant", "minutes", "mean importance"]  # no snake_case, no index column
    assert ">7<" not in block
