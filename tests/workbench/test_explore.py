"""The researcher's workbench (helpers.workbench.explore): retrieval, KWIC, rule preview, comparison, display, privacy.

Co-occurrence queries are tested in test_explore_cooccurrence.py.
"""

from __future__ import annotations

import ast
import math
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from helpers.core.errors import InputError
from helpers.core.tables import write_table
from helpers.workbench import display as explore_display
from helpers.workbench.explore import (
    Workbench,
    compare,
    kwic,
    load_workbench,
    log_odds_dirichlet,
    matching,
    people,
    preview_rule,
    resolve_code,
    retrieve,
    select,
    with_context,
)

from conftest import ROOT, complete
from explore_fixtures import CODINGS, TURNS, build_tables, segments_table, wb, write_processed  # noqa: F401


def _words(text: str) -> int:
    return len(text.split())


# ---- loading and selecting -------------------------------------------------------------------------

def test_load_workbench_reads_the_processed_tables(tmp_path):
    wb = load_workbench(write_processed(tmp_path / "out"))
    assert list(wb.participants["participant_id"]) == ["P01", "P02", "P03"]
    assert len(wb.segments) == 13 and len(wb.respondent) == 6
    assert len(wb.codings) == len(CODINGS)


def test_missing_segments_table_names_the_file(tmp_path):
    (tmp_path / "data" / "processed").mkdir(parents=True)
    with pytest.raises(InputError) as err:
        load_workbench(tmp_path)
    assert "segments.parquet" in str(err.value) and "is missing" in str(err.value)
    assert "pipeline" in str(err.value)


def test_segments_without_a_required_column_is_an_input_error():
    tables = build_tables()
    with pytest.raises(InputError) as err:
        Workbench(segments=tables["segments"].drop(columns="text"))
    assert "segments.parquet" in str(err.value) and "text" in str(err.value)


def test_codebook_and_codings_are_optional(tmp_path):
    out = tmp_path / "out"
    write_table(complete(build_tables()["segments"], "segments"), out / "data" / "processed", "segments")
    wb = load_workbench(out)
    assert len(kwic(wb, "mandat")) == 4
    with pytest.raises(ValueError, match="no codings"):
        retrieve(wb, theme="prioritisation")


def test_select_matches_organisation_by_name_or_unique_beginning_and_role_in_part(wb):
    assert set(select(wb, organisation="sjömåla kommun")["participant_id"]) == {"P01", "P02"}
    assert set(select(wb, organisation="Sjömåla")["participant_id"]) == {"P01", "P02"}
    assert set(select(wb, organisation="SEXAN")["participant_id"]) == {"P03"}
    assert set(select(wb, role=["IT-chef", "chef för IT"])["participant_id"]) == {"P01", "P03"}
    assert set(select(wb, role="chef")["participant_id"]) == {"P01", "P03"}  # not the kommundirektör
    with pytest.raises(ValueError, match="no organisation is or begins with 'kommun'"):
        select(wb, organisation="kommun")  # a later part of a member's name is not a member


def test_an_ambiguous_or_unknown_organisation_lists_the_members(wb):
    with pytest.raises(ValueError) as err:
        select(wb, organisation="s")
    assert str(err.value) == ("'s' is the beginning of several organisations (Sexan IT, Sjömåla kommun): "
                              "give more of the name")
    with pytest.raises(ValueError) as err:
        select(wb, organisation="Granvik")
    assert str(err.value) == "no organisation is or begins with 'Granvik' (the study has: Sexan IT, Sjömåla kommun)"


def test_a_whole_organisation_name_wins_over_longer_names_it_begins():
    names = pd.Series(["Granvik kommun", "Granvik kommun IT", "Bäckeby kommun"])
    assert matching(names, "granvik kommun", "organisation", how="prefix").tolist() == [True, False, False]
    assert matching(names, "bäck", "organisation", how="prefix").tolist() == [False, False, True]
    with pytest.raises(ValueError, match="several organisations"):
        matching(names, "Granvik", "organisation", how="prefix")


def test_kwic_and_compare_select_an_organisation_by_its_beginning(wb):
    assert set(kwic(wb, "mandat", organisation="sjöm")["participant_id"]) == {"P01", "P02"}
    result = compare(wb, "Sexan")
    assert result.sizes.set_index("group")["interviews"].to_dict() == {"Sexan": 1, "everyone else": 2}


def test_a_typo_is_an_error_not_an_empty_table(wb):
    with pytest.raises(ValueError) as err:
        select(wb, role="IT-chfe")
    assert "IT-chfe" in str(err.value) and "kommundirektör" in str(err.value)


def test_resolve_code_by_id_label_english_label_or_unique_part(wb):
    for name in ("prioritisation", "Prioritering av gemensamma initiativ", "prioritising shared initiatives",
                 "priorit"):
        assert resolve_code(wb, name, themes_only=True) == "prioritisation"
    assert resolve_code(wb, "Otydligt mandat") == "unclear_mandate"
    with pytest.raises(ValueError, match="several"):
        resolve_code(wb, "mandat")  # Styrning och mandat, Otydligt mandat
    with pytest.raises(ValueError, match="not a theme"):
        resolve_code(wb, "Otydligt mandat", themes_only=True)


# ---- retrieval -------------------------------------------------------------------------------------

def test_context_is_the_turn_before_and_after_within_the_interview(wb):
    ctx = with_context(wb.segments).set_index("segment_id")
    assert ctx.loc["P01-002", "before"] == "Interviewer: Hur prioriterar ni mellan de gemensamma projekten?"
    assert ctx.loc["P01-002", "after"] == "Interviewer: Vem bestämmer då?"
    assert ctx.loc["P02-001", "before"] == ""  # not P01's last turn
    assert ctx.loc["P01-005", "after"] == ""
    assert ctx.loc["P02-003", "before"].startswith("P02: Mandatet måste")


def test_retrieve_what_it_heads_said_about_prioritisation(wb):
    found = retrieve(wb, theme="prioritisation", role=["IT-chef", "chef för IT"])
    assert list(found["segment_id"]) == ["P01-002", "P03-004"]  # P02-004 is the kommundirektör's
    first = found.iloc[0]
    assert first["codes"] == "too_many_initiatives" and set(first["coders"].split(", ")) == {"rules", "AB"}
    assert first["before"] == "Interviewer: Hur prioriterar ni mellan de gemensamma projekten?"
    assert first["text"].startswith("Vi har för många projekt")
    assert found.iloc[1]["after"] == ""  # P03-004 ends the interview
    assert list(found.columns) == ["segment_id", "participant_id", "organisation", "role", "codes", "coders",
                                   "before", "text", "after"]


def test_people_names_each_participant_once_with_organisation_and_role(wb):
    found = retrieve(wb, code="unclear_mandate")  # P01 twice, P02 once
    assert people(found) == "P01 (Sjömåla kommun, IT-chef), P02 (Sjömåla kommun, kommundirektör)"
    assert people(found.iloc[:0]) == ""


def test_retrieve_a_theme_includes_codings_of_the_theme_itself(wb):
    assert list(retrieve(wb, theme="priorit", participant="P02")["codes"]) == ["prioritisation"]


def test_retrieve_by_code_and_coder(wb):
    by_rules = retrieve(wb, code="Otydligt mandat", coder="rules")
    assert list(by_rules["segment_id"]) == ["P01-002", "P01-004", "P02-004"]
    assert retrieve(wb, code="unclear_mandate", coder="AB").empty
    assert list(retrieve(wb, code="unclear_mandate", organisation="Sexan IT")["segment_id"]) == []
    with pytest.raises(ValueError, match="coder"):
        retrieve(wb, code="unclear_mandate", coder="XY")


def test_retrieve_needs_exactly_one_of_code_and_theme(wb):
    with pytest.raises(ValueError, match="either"):
        retrieve(wb)
    with pytest.raises(ValueError, match="either"):
        retrieve(wb, code="unclear_mandate", theme="prioritisation")


# ---- keyword in context ----------------------------------------------------------------------------

def test_kwic_on_stems_finds_every_form_of_mandat(wb):
    hits = kwic(wb, "mandat")
    assert list(zip(hits["segment_id"], hits["match"])) == [
        ("P01-002", "mandat"), ("P02-002", "Mandatet"), ("P02-004", "Mandaten"), ("P03-004", "mandat")]
    assert set(hits["speaker_role"]) == {"respondent"}
    assert list(hits.columns) == ["segment_id", "participant_id", "organisation", "role", "speaker_role",
                                  "left", "match", "right"]
    with_questions = kwic(wb, "mandat", include_interviewer=True)
    assert ("P02-001", "interviewer") in set(zip(with_questions["segment_id"], with_questions["speaker_role"]))
    assert len(with_questions) == 5


def test_kwic_exact_words_do_not_stem(wb):
    assert list(kwic(wb, "mandat", match="word")["segment_id"]) == ["P01-002", "P03-004"]


def test_kwic_window_counts_words_and_marks_cuts(wb):
    hit = kwic(wb, "mandat", window=2).iloc[0]
    assert hit["left"] == "… Styrgruppen saknar"
    assert hit["right"] == "att säga …"
    whole = kwic(wb, "mandat", window=20).iloc[0]
    assert whole["left"] == "Vi har för många projekt och ingen prioriteringsmodell. Styrgruppen saknar"
    assert whole["right"] == "att säga nej."


def test_kwic_phrases_prefixes_and_regex(wb):
    assert list(kwic(wb, "säga nej")["match"]) == ["säga nej"]
    assert list(kwic(wb, "prioriter*", match="word")["match"]) == ["prioriteringsmodell", "prioriterar",
                                                                   "prioriterar"]
    regex = kwic(wb, r"vem (som )?bestämmer", match="regex")
    assert list(regex["match"]) == ["vem som bestämmer"]
    assert len(kwic(wb, r"vem (som )?bestämmer", match="regex", include_interviewer=True)) == 2


def test_kwic_selection_and_bad_queries(wb):
    assert set(kwic(wb, "mandat", organisation="Sexan IT")["participant_id"]) == {"P03"}
    for query, match in (("(", "regex"), ("x*", "regex"), ("...", "stem"), ("mandat", "fuzzy")):
        with pytest.raises(ValueError):
            kwic(wb, query, match=match)
    with pytest.raises(ValueError, match="language"):
        kwic(wb, "mandat", language="de")


ACRONYM_TURNS = {
    "P01": ["Vad gör IT?",
            "IT-avdelningen kör en AI-pilot. Det går itu ibland, men IT:s stöd är bra och AI-strategin klar."],
    "P02": ["And AI?", "It is early. The IT unit says it will take AI slowly; ai is not a word here."],
}
ACRONYM_PEOPLE = [("P01", "Granvik kommun", "IT-chef"), ("P02", "Bäckeby kommun", "CIO")]


@pytest.fixture
def acronyms() -> Workbench:
    """A Swedish and an English interview that use IT and AI, and the words *it*, *itu* and *ai*."""
    return Workbench(segments=segments_table(ACRONYM_TURNS, ACRONYM_PEOPLE, {"P02": "en"}))


def test_kwic_matches_acronyms_in_capitals_only(acronyms):
    hits = kwic(acronyms, "IT")
    assert list(zip(hits["segment_id"], hits["match"], hits["right"].str[:10])) == [
        ("P01-002", "IT", "-avdelning"), ("P01-002", "IT", ":s stöd är"), ("P02-002", "IT", "unit says ")]
    assert list(kwic(acronyms, "AI*")["match"]) == ["AI", "AI", "AI"]  # AI-pilot, AI-strategin, AI
    assert list(kwic(acronyms, "AI*")["right"].str[:8]) == ["-pilot. ", "-strateg", "slowly; "]
    assert list(kwic(acronyms, "IT", match="word")["segment_id"]) == ["P01-002", "P01-002", "P02-002"]
    assert len(kwic(acronyms, "it")) == 5  # written in lower case: any case, IT as well as it
    assert list(kwic(acronyms, "IT", organisation="granvik")["segment_id"]) == ["P01-002", "P01-002"]


def test_preview_rule_matches_acronyms_as_whole_words_in_capitals(acronyms):
    preview = preview_rule(acronyms, keywords=["IT"])
    assert list(zip(preview.hits["segment_id"], preview.hits["matched"])) == [("P01-002", "IT"), ("P02-002", "IT")]
    english = preview_rule(acronyms, keywords=["it"], language="en")
    assert list(english.hits["segment_id"]) == ["P01-002", "P02-002"]
    assert preview_rule(acronyms, keywords=["AI"]).hits["segment_id"].tolist() == ["P01-002", "P02-002"]
    # Swedish writes acronyms in lower case too ("it-chef"), so ITU finds the word "itu"; English "it" is no IT.
    assert preview_rule(acronyms, keywords=["ITU"]).hits["segment_id"].tolist() == ["P01-002"]
    assert preview_rule(acronyms, keywords=["IT"], language="en").hits["segment_id"].tolist() == ["P01-002", "P02-002"]


def test_kwic_stems_in_each_segments_language_unless_told():
    segments = pd.DataFrame([
        {"segment_id": "E01-001", "participant_id": "E01", "seq": 1, "speaker": "E01", "speaker_role": "respondent",
         "text": "The priorities are clear, but every priority competes.", "organisation": "Org",
         "role": "CIO", "language": "en"}])
    wb = Workbench(segments=segments)
    assert list(kwic(wb, "priority")["match"]) == ["priorities", "priority"]
    assert list(kwic(wb, "priority", language="sv")["match"]) == ["priority"]  # Swedish stems leave "priority"


# ---- rule preview ----------------------------------------------------------------------------------

def test_preview_rule_counts_hits_per_interview_and_member(wb):
    preview = preview_rule(wb, keywords=["mandat"])
    assert list(preview.hits["segment_id"]) == ["P01-002", "P02-002", "P02-004", "P03-004"]
    assert "mandatet" in preview.hits.set_index("segment_id").loc["P02-002", "matched"]
    by_p = preview.by_participant.set_index("participant_id")
    assert by_p["hits"].to_dict() == {"P01": 1, "P02": 2, "P03": 1}
    assert by_p["segments"].to_dict() == {"P01": 2, "P02": 2, "P03": 2}
    by_m = preview.by_member.set_index("organisation")
    assert by_m.loc["Sjömåla kommun", ["interviews", "interviews_hit", "segments", "hits"]].tolist() == [2, 2, 4, 3]
    assert by_m.loc["Sexan IT", "share"] == 0.5


def test_preview_rule_overlap_with_existing_codes(wb):
    preview = preview_rule(wb, keywords=["mandat"])
    overlap = preview.overlap.set_index("code_id")
    assert overlap.loc["unclear_mandate", "hits"] == 2 and overlap.loc["unclear_mandate", "share_of_hits"] == 0.5
    assert overlap.loc["unclear_mandate", "label"] == "Otydligt mandat"
    assert "legacy_systems" not in overlap.index  # P01-004 and P03-002 are not hits
    assert preview.n_new == 0  # every hit already carries some code
    aimed = preview_rule(wb, keywords=["mandat"], code="unclear_mandate")
    assert list(aimed.hits.loc[aimed.hits["new"], "segment_id"]) == ["P02-002", "P03-004"]
    assert (aimed.n_coded, aimed.n_coded_found) == (3, 2)
    assert "of the 3 segments coded unclear_mandate, the rule finds 2" in aimed.summary()


def test_preview_rule_prefixes_regex_and_new_hits(wb):
    preview = preview_rule(wb, regex=[r"vem (som )?bestämmer"], include_interviewer=True)
    assert list(preview.hits["segment_id"]) == ["P01-003", "P01-004"]
    assert list(preview.hits["new"]) == [True, False]
    assert preview_rule(wb, keywords=["beställning*"]).hits["segment_id"].tolist() == ["P03-004"]


def test_preview_rule_with_a_phrase_finds_exactly_its_segments(wb):
    preview = preview_rule(wb, keywords=["vem som bestämmer"])
    assert list(zip(preview.hits["segment_id"], preview.hits["matched"])) == [("P01-004", "vem som bestämmer")]
    assert preview.by_participant.set_index("participant_id")["hits"].to_dict() == {"P01": 1, "P02": 0, "P03": 0}
    assert "matches 1 of 6 segments, in 1 of 3 interviews and 1 of 2 members" in preview.summary()
    asked = preview_rule(wb, keywords=["vem bestämmer"])  # only the interviewer says it: "Vem bestämmer då?"
    assert asked.hits.empty
    assert list(preview_rule(wb, keywords=["vem bestämmer"], include_interviewer=True).hits["segment_id"]) == [
        "P01-003"]


@pytest.mark.parametrize("keyword", ["ingen sådan fras", "xyzzy", "bestämmer då"])
def test_preview_rule_that_matches_nothing_reports_no_hits(wb, keyword):
    preview = preview_rule(wb, keywords=[keyword], code="unclear_mandate")
    assert preview.hits.empty and list(preview.hits.columns) == ["segment_id", "participant_id", "organisation",
                                                                 "role", "matched", "codes", "new", "text"]
    assert preview.summary() == (f"The rule (keywords: {keyword}) matches 0 of 6 segments, in 0 of 3 interviews "
                                 "and 0 of 2 members. 0 of the hits are not yet coded unclear_mandate; of the 3 "
                                 "segments coded unclear_mandate, the rule finds 0.")
    assert preview.by_participant["hits"].tolist() == [0, 0, 0] and preview.by_member["hits"].tolist() == [0, 0]
    assert preview.overlap.empty and preview.n_new == 0
    assert "<em>none</em>" in preview._repr_html_()


def test_preview_rule_renders_a_summary_and_tables(wb):
    html = preview_rule(wb, keywords=["mandat"])._repr_html_()
    assert "matches 4 of 6 segments, in 3 of 3 interviews and 2 of 2 members" in html
    assert "<table" in html and "Otydligt mandat" not in html.split("<h4>")[0]
    assert "Hits per member" in html and "Hits per interview" in html


def test_preview_rule_checks_the_rule_as_the_codebook_does(wb):
    with pytest.raises(InputError, match="keyword"):
        preview_rule(wb, keywords=["mandat!"])
    with pytest.raises(InputError, match="regular expression"):
        preview_rule(wb, regex=["(oklart"])
    with pytest.raises(ValueError, match="keywords"):
        preview_rule(wb)


# ---- comparison ------------------------------------------------------------------------------------

def test_log_odds_dirichlet_by_hand():
    # x: 10 vs 0, y: 0 vs 10, prior 1 each (alpha0 = 2): delta_x = log(11/1) - log(1/11), var = 1/11 + 1/1
    scores = log_odds_dirichlet(pd.Series({"x": 10.0}), pd.Series({"y": 10.0}), pd.Series({"x": 1.0, "y": 1.0}))
    assert math.isclose(scores.loc["x", "delta"], 2 * math.log(11))
    assert math.isclose(scores.loc["x", "z"], 2 * math.log(11) / math.sqrt(1 / 11 + 1))
    assert math.isclose(scores.loc["y", "z"], -scores.loc["x", "z"])
    with pytest.raises(ValueError, match="prior"):
        log_odds_dirichlet(pd.Series({"x": 1.0}), pd.Series({"z": 1.0}), pd.Series({"x": 1.0}))


def test_compare_a_member_with_everyone_else(wb):
    result = compare(wb, "Sexan IT")
    assert (result.a, result.b) == ("Sexan IT", "everyone else")
    sizes = result.sizes.set_index("group")
    assert sizes.loc["Sexan IT", "interviews"] == 1 and sizes.loc["everyone else", "interviews"] == 2
    themes = result.themes.set_index("theme_id")
    assert themes.loc["prioritisation", "segments_a"] == 0.5  # P03-004 of P03's two turns
    assert themes.loc["prioritisation", "segments_b"] == 0.5  # P01-002 and P02-004 of four
    p03_words = _words(TURNS["P03"][1]) + _words(TURNS["P03"][3])
    assert math.isclose(themes.loc["prioritisation", "words_a"], round(_words(TURNS["P03"][3]) / p03_words, 3))
    assert themes.loc["political_anchoring", "words_a"] == 0
    assert set(themes.index) == {"governance_mandate", "prioritisation", "platforms_legacy", "political_anchoring"}


def test_compare_distinctive_words_are_stemmed_without_stop_words(wb):
    words = compare(wb, "Sexan IT").words
    mine = words.loc[words["favours"] == "Sexan IT"]
    theirs = words.loc[words["favours"] == "everyone else"]
    assert mine.iloc[0]["word"] == "leverantör" and mine.iloc[0]["count_a"] == 2 and mine.iloc[0]["z"] > 0
    assert "kommunstyrelsen" in set(theirs["word"]) and (theirs["z"] < 0).all()
    assert not {"vi", "är", "som", "inte", "för"} & set(words["word"])  # Swedish stop words
    assert list(mine["z"]) == sorted(mine["z"], reverse=True)


def test_compare_quotes_come_from_each_group_and_use_its_words(wb):
    quotes = compare(wb, "Sexan IT", n_quotes=1).quotes
    assert list(quotes["group"]) == ["Sexan IT", "everyone else"]
    assert quotes.iloc[0]["participant_id"] == "P03" and "leverantör" in quotes.iloc[0]["words"]
    assert quotes.iloc[1]["participant_id"] in {"P01", "P02"}


def test_compare_two_roles_and_overlapping_groups(wb):
    result = compare(wb, ["IT-chef", "chef för IT"], "kommundirektör", by="role")
    assert result.sizes.set_index("group").loc["IT-chef / chef för IT", "interviews"] == 2
    assert "IT-chef / chef för IT" in result._repr_html_()
    labelled = result.labelled(result.themes)
    assert {"words · IT-chef / chef för IT", "segments · kommundirektör", "difference"} <= set(labelled.columns)
    with pytest.raises(ValueError, match="both groups"):
        compare(wb, "chef", "IT", by="role")
    with pytest.raises(ValueError, match="by must be"):
        compare(wb, "Sexan IT", by="kommun")


# ---- display ---------------------------------------------------------------------------------------

@pytest.fixture
def plain_tables():
    yield
    explore_display.use_interactive_tables(False)


def test_show_returns_the_dataframe_when_not_interactive(plain_tables):
    df = pd.DataFrame({"a": [1]})
    assert explore_display.use_interactive_tables(False) is False
    assert explore_display.show(df) is df


def test_show_falls_back_when_itables_is_missing(plain_tables, monkeypatch):
    monkeypatch.setitem(sys.modules, "itables", None)  # makes `import itables` fail
    assert explore_display.use_interactive_tables(True) is False
    df = pd.DataFrame({"a": [1]})
    assert explore_display.show(df) is df


def test_show_uses_itables_when_interactive(plain_tables, capsys):
    assert explore_display.use_interactive_tables(True) is True
    assert explore_display.show(pd.DataFrame({"ord": ["mandatet"]})) is None
    assert "mandatet" in capsys.readouterr().out  # outside Jupyter itables prints a text table


def test_interactive_tables_align_text_left_and_the_left_context_right(wb):
    defs = explore_display._column_defs(kwic(wb, "mandat"))
    assert {"className": "dt-left", "targets": [0, 1, 2, 3, 4, 6, 7]} in defs
    assert {"className": "dt-right", "targets": [5]} in defs
    defs = explore_display._column_defs(retrieve(wb, theme="prioritisation"))
    widths = {d["targets"][0]: float(d["width"].rstrip("%")) for d in defs if "width" in d}
    assert set(widths) == {6, 7, 8} and widths[7] > widths[6]  # before, text (the widest), after
    assert sum(widths.values()) < 100
    assert explore_display._column_defs(pd.DataFrame({"n": [1]})) == []


def test_retrieved_quotes_set_the_segment_between_its_neighbours(wb):
    found = retrieve(wb, theme="prioritisation", role="IT-chef")
    text = str(explore_display.retrieved_quotes(found).html)
    assert text.startswith("<p><strong>P01-002</strong> · Sjömåla kommun, IT-chef · too_many_initiatives</p>")
    before, quote, after = (text.index(s) for s in ("<em>Interviewer: Hur prioriterar", "<blockquote>\n<p>Vi har för många",
                                                     "<em>Interviewer: Vem bestämmer då?</em>"))
    assert before < quote < after
    many = retrieve(wb, code="unclear_mandate")
    assert "… and 2 more" in str(explore_display.retrieved_quotes(many, limit=1).html)


def test_retrieved_quotes_show_markup_in_a_quote_as_text(wb):
    found = retrieve(wb, theme="prioritisation", role="IT-chef").head(1).assign(
        text="see [x](javascript:alert(1)) and <img src=x onerror=alert(1)> *now*")
    text = str(explore_display.retrieved_quotes(found).html)
    assert "<img" not in text and "href" not in text and "<em>now" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text and "[x](javascript:alert(1))" in text


# ---- privacy ---------------------------------------------------------------------------------------

FORBIDDEN = ("transcripts", "pseudonymise")


def _imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = ("." * node.level) + (node.module or "")
            names |= {base} | {f"{base}.{alias.name}".replace("..", ".") for alias in node.names}
    return names


@pytest.mark.parametrize("module", ["workbench/explore.py", "workbench/display.py"])
def test_workbench_modules_do_not_import_raw_transcripts_or_the_key(module):
    imported = _imported_modules(ROOT / "src" / "helpers" / module)
    assert imported, "no imports found: the check would be vacuous"
    bad = {name for name in imported for part in name.split(".") if part in FORBIDDEN}
    assert not bad, f"{module} imports {bad}"


def test_importing_the_workbench_loads_neither_module_indirectly():
    code = ("import sys, helpers.workbench.explore, helpers.workbench.display; "
            "print(sorted(m for m in sys.modules if m.startswith('helpers.')))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "helpers.workbench.explore" in loaded
    assert "helpers.interviews.transcripts" not in loaded and "helpers.interviews.pseudonymise" not in loaded
