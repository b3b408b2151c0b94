"""Rule-based coding of respondent segments, and manual codings from coding sheets and Taguette exports.

How quotes are aligned is tested in test_align.py; here: reading the files, the tables, and bad input.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers.coding.codebook import load_codebook
from helpers.coding.codings import (
    CODING_COLUMNS,
    SOURCES_COLUMNS,
    UNPLACED_COLUMNS,
    check_strict,
    code_segments,
    order_codings,
    read_manual_codings,
    validate_codings,
)
from helpers.coding.rules import RuleCoder
from helpers.core import records
from helpers.core.errors import InputError
from helpers.core.config import StudyConfig
from helpers.core.study import Study
from helpers.core.tables import write_table

from coding_fixtures import FIXTURES, book, documents, segments  # noqa: F401
from conftest import ROOT, SAMPLE, complete
from qda_fixtures import project_xml, write_qdpx


def codes_of(codings: pd.DataFrame) -> set[tuple[str, str]]:
    return set(zip(codings["segment_id"], codings["code_id"]))


def sheet(tmp_path: Path, text: str, name: str = "coder_x.csv", encoding: str = "utf-8-sig") -> Path:
    folder = tmp_path / "codings"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(text.encode(encoding))
    return folder


def test_fixture_offsets_index_the_documents(segments, documents):
    docs = dict(zip(documents["participant_id"], documents["text"]))
    for rec in segments.to_dict("records"):
        assert docs[rec["participant_id"]][rec["char_start"]:rec["char_end"]] == rec["text"]


def test_rules_code_respondent_segments_in_their_language(segments, book):
    codings = code_segments(segments, book)
    assert list(codings.columns) == CODING_COLUMNS
    assert codes_of(codings) == {
        ("T01-002", "mandate"), ("T01-002", "bodies"),  # mandat; styrgrupp* on "Styrgruppen"
        ("T01-004", "allocation"),
        ("T01-006", "trust"),  # the phrase "vi och dom"
        ("T02-002", "legacy"), ("T02-002", "integrations"),  # "gamla system"; integration* on "integrationerna"
        ("T02-004", "trust"),  # "Tilliten" stems to tillit
        ("T03-002", "bodies"), ("T03-002", "mandate"),  # English: "steering group", mandate/governing
        ("T03-004", "trust"),
    }
    # T02-004 says "governing" and T02-005 "steering group", but in Swedish segments: the Swedish stemmer
    # leaves "governing" whole, and keywords_en do not apply.
    assert set(codings["source"]) == {"rules"} and set(codings["coder"]) == {"rules"}
    assert dict(zip(codings["code_id"], codings["theme_id"]))["integrations"] == "systems"


def test_interviewer_segments_are_never_coded(segments, book):
    codings = code_segments(segments, book)
    roles = segments.set_index("segment_id")["speaker_role"]
    assert set(roles[codings["segment_id"]]) == {"respondent"}
    assert "T02-003" not in set(codings["segment_id"])  # the interviewer asks about "tilliten"


def test_evidence_names_the_rule_terms_and_the_words_seen(segments, book):
    table = code_segments(segments, book)
    assert (table[["file", "where", "quote"]] == "").all().all()  # a manual coding's columns
    codings = table.set_index(["segment_id", "code_id"])["terms"]
    assert codings[("T01-002", "bodies")] == "styrgrupp* (styrgruppen)"
    assert codings[("T01-002", "mandate")] == ("mandat; /oklart vem som (bestämmer|beslutar)/ "
                                               "(oklart vem som bestämmer)")
    assert codings[("T03-002", "mandate")] == "mandat (mandate); govern (governing)"
    assert RuleCoder(book).code("Gamla-systemen krånglar.", "sv") == {"legacy": "gamla system (gamla-systemen)"}


def test_keyword_matching_rules(book):
    coder = RuleCoder(book)
    assert "legacy" not in coder.code("Våra gamla fina system.", "sv")  # a phrase needs consecutive words
    assert "legacy" in coder.code("Gamla  system,", "sv")
    assert "mandate" in coder.code("Mandatet är oklart.", "sv")  # stem of the word equals the keyword
    assert "integrations" in coder.code("Integrationsplattformen", "sv")  # prefix wildcard
    assert "integrations" not in coder.code("Desintegration", "sv")  # a prefix must start the word
    assert coder.code("Ingenting här.", "sv") == {}


def test_combined_codings_are_deduplicated_and_ordered(segments, book):
    rules = code_segments(segments, book)
    both = order_codings(pd.concat([rules, rules]), book)  # duplicate index labels too
    assert len(both) == len(rules)
    first = both[both["segment_id"] == "T01-002"]["code_id"].tolist()
    assert first == ["mandate", "bodies"]  # codebook order, not alphabetical


def test_no_codebook_gives_no_codings(segments):
    codings = code_segments(segments, None)
    assert codings.empty and list(codings.columns) == CODING_COLUMNS


def test_unknown_language_is_an_input_error(segments, book):
    odd = segments.assign(language="de")
    with pytest.raises(InputError, match="language 'de'"):
        code_segments(odd, book)


def test_coding_sheet_quotes_segment_ids_and_labels(tmp_path, segments, documents, book):
    folder = sheet(tmp_path, "participant_id;quote;segment_id;code;coder\n"
                             "T01;\"  DET ÄR oklart\n vem \";;mandate;anna\n"
                             "T01;;T01-004;Fördelning;anna\n"
                             "T02;”tilliten mellan kommunerna”;;trust;\n")
    manual = read_manual_codings(folder, segments, documents, book)
    codings = manual.codings
    assert codes_of(codings) == {("T01-002", "mandate"), ("T01-004", "allocation"), ("T02-004", "trust")}
    assert dict(zip(codings["segment_id"], codings["coder"])) == {"T01-002": "anna", "T01-004": "anna",
                                                                  "T02-004": "coder_x"}  # empty coder: file name
    assert set(codings["source"]) == {"manual"}
    found = codings.set_index("segment_id")
    assert found.loc["T02-004", ["terms", "file", "where", "quote"]].tolist() == [
        "", "coder_x.csv", "row 4", "”tilliten mellan kommunerna”"]
    assert found.loc["T01-002", ["where", "quote"]].tolist() == ["row 2", "DET ÄR oklart vem"]  # spaces collapsed
    assert found.loc["T01-004", ["where", "quote"]].tolist() == ["row 3", ""]  # by segment id: no quote
    assert manual.unplaced.empty and list(manual.unplaced.columns) == UNPLACED_COLUMNS
    assert list(manual.sources.columns) == SOURCES_COLUMNS
    assert list(manual.sources.itertuples(index=False, name=None)) == [
        ("coder_x.csv", "sheet", "anna", 2, 2, 0, 1.0), ("coder_x.csv", "sheet", "coder_x", 1, 1, 0, 1.0)]


def test_a_quote_also_asked_about_by_the_interviewer_lands_on_the_answer(tmp_path, segments, documents, book):
    folder = sheet(tmp_path, "participant_id,quote,code\nT02,tilliten,trust\n")
    assert codes_of(read_manual_codings(folder, segments, documents, book).codings) == {("T02-004", "trust")}


def test_excel_coding_sheet(tmp_path, segments, documents, book):
    folder = tmp_path / "codings"
    folder.mkdir()
    pd.DataFrame({"participant_id": ["T03"], "quote": ["members is low"], "code": ["Trust"],
                  "coder": ["bo"]}).to_excel(folder / "bo.xlsx", index=False)
    codings = read_manual_codings(folder, segments, documents, book).codings
    assert codes_of(codings) == {("T03-004", "trust")}


def test_qdpx_evidence_names_the_participant_not_the_source(tmp_path, segments, documents, book):
    # QDA sources are often named after the interviewee; the case links this one to T01.
    start = documents["text"][0].index("bygger")
    xml = project_xml(None, "internal://T01.txt", start, start + 20).replace('name="Intervju 1"',
                                                                            'name="Intervju Kerstin Holmberg"')
    write_qdpx(tmp_path / "codings" / "project.qdpx", xml, {"sources/T01.txt": documents["text"][0].encode()})
    codings = read_manual_codings(tmp_path / "codings", segments, documents, book).codings
    [coding] = codings.to_dict("records")
    assert coding["file"] == "project.qdpx" and coding["where"].endswith("in the source of T01")
    for column in ("file", "where", "quote"):
        assert "Kerstin" not in coding[column] and "Holmberg" not in coding[column]


def test_taguette_highlights(tmp_path, segments, documents, book):
    """Older Taguette versions export the highlight's HTML; a highlight without a tag is no coding."""
    folder = sheet(tmp_path, "id,document,tag,content\n"
                             '1,T01 intervju.txt,Organ,"<p>Styrgruppen har <b>inget</b> mandat.</p>"\n'
                             "2,T03.docx,trust,Trust between the members\n"
                             "3,T03.docx,,Trust between the members\n", name="taguette_eva.csv")
    manual = read_manual_codings(folder, segments, documents, book)
    assert codes_of(manual.codings) == {("T01-002", "bodies"), ("T03-004", "trust")}
    assert set(manual.codings["coder"]) == {"taguette_eva"}
    found = manual.codings.set_index("segment_id")
    assert set(found["file"]) == {"taguette_eva.csv"}
    assert found.loc["T01-002", "where"] == "row 2"
    assert " ".join(found.loc["T01-002", "quote"].split()) == "Styrgruppen har inget mandat."  # the HTML's markup gone
    assert found.loc["T03-004", ["where", "quote"]].tolist() == ["row 3", "Trust between the members"]
    assert list(manual.sources[["kind", "quotes", "placed"]].itertuples(index=False, name=None)) == [("taguette", 2, 2)]


def test_unplaced_quotes_are_listed_with_reason_and_closest_match_not_fatal(tmp_path, segments, documents, book):
    folder = sheet(tmp_path, "participant_id;quote;code\n"
                             "T01;oklart vem;Mandat\n"
                             "T01;inte i texten;mandate\n"  # short and not in the text
                             "T01;det är;trust\n"  # in two answers
                             "T01;Hur styrs samverkan i dag;mandate\n"  # the interviewer's question
                             "T02;Tilliten mellan kommunerna är hög, säger alla här;trust\n")  # too different
    manual = read_manual_codings(folder, segments, documents, book)
    assert codes_of(manual.codings) == {("T01-002", "mandate")}
    got = manual.unplaced.set_index("where")
    assert list(got.index) == ["row 3", "row 4", "row 5", "row 6"]
    assert "placed only where it occurs exactly" in got.at["row 3", "reason"]
    assert got.at["row 4", "reason"].startswith("ambiguous: matches equally well in 2 places in different answers "
                                                "(T01-002, T01-004)")
    assert got.at["row 5", "reason"] == "only in the interviewer's turns"
    assert (got.at["row 5", "closest_segment_id"], got.at["row 5", "closest_score"]) == ("T01-001", 100.0)
    assert got.at["row 6", "reason"].startswith("not found: the closest passage matches")
    assert got.at["row 6", "closest_segment_id"] == "T02-004" and got.at["row 6", "closest_score"] < 85
    assert got.at["row 6", "closest_excerpt"].startswith("Tilliten mellan kommunerna")
    assert list(got["file"].unique()) == ["coder_x.csv"] and list(got["code_id"]) == ["mandate", "trust", "mandate",
                                                                                       "trust"]
    assert manual.sources.iloc[0][["quotes", "placed", "unplaced", "placement_rate"]].tolist() == [5, 1, 4, 0.2]


def test_strict_stops_at_an_unplaced_quote_naming_file_where_and_count(tmp_path, segments, documents, book):
    folder = sheet(tmp_path, "participant_id;quote;code\nT01;oklart vem;mandate\nT01;inte i texten;mandate\n")
    manual = read_manual_codings(folder, segments, documents, book)
    placed = sheet(tmp_path / "ok", "participant_id;quote;code\nT01;oklart vem;mandate\n")
    check_strict(read_manual_codings(placed, segments, documents, book), placed)  # all placed: nothing to say
    with pytest.raises(InputError) as err:
        check_strict(manual, folder)
    assert str(err.value).startswith(f"{folder / 'coder_x.csv'}, row 3: 1 of 2 manual codings could not be placed")
    assert "--strict" in str(err.value)


@pytest.mark.parametrize("body, problem, where", [
    ("participant_id;quote;code\nT01;oklart vem;budget\n", "'budget' is not a code id or label", "row 2"),
    ("participant_id;segment_id;code\nT01;T01-999;mandate\n", "segment_id 'T01-999' is not a segment", "row 2"),
    ("participant_id;segment_id;code\nT02;T01-002;mandate\n", "belongs to another participant", "row 2"),
    ("participant_id;quote;code\nT09;oklart vem;mandate\n", "unknown participant 'T09'", "row 2"),
    ("participant_id;quote;code\nT01;oklart vem;mandate\nT01;;mandate\n", "neither segment_id nor quote", "row 3"),
    ("participant_id;quote;code\nT01;;mandate\n", "lacks the required column(s) quote", "header row"),  # empty = absent
    ("participant_id;text;code\nT01;oklart vem;mandate\n", "lacks the required column(s) quote", "header row"),
])
def test_bad_coding_sheets_name_file_and_row(tmp_path, segments, documents, book, body, problem, where):
    folder = sheet(tmp_path, body)
    with pytest.raises(InputError) as err:
        read_manual_codings(folder, segments, documents, book)
    message = str(err.value)
    assert str(folder / "coder_x.csv") in message and problem in message and where in message


def test_unknown_code_suggests_close_ids(tmp_path, segments, documents, book):
    folder = sheet(tmp_path, "participant_id;quote;code\nT01;oklart vem;mandates\n")
    with pytest.raises(InputError, match="did you mean 'mandate'"):
        read_manual_codings(folder, segments, documents, book)


def test_coding_files_need_a_codebook(tmp_path, segments, documents):
    folder = sheet(tmp_path, "participant_id;quote;code\nT01;oklart vem;mandate\n")
    with pytest.raises(InputError, match="no codebook"):
        read_manual_codings(folder, segments, documents, None)


def test_other_files_in_codings_are_an_error_but_lock_files_are_not(tmp_path, segments, documents, book):
    folder = sheet(tmp_path, "participant_id;quote;code\nT01;oklart vem;mandate\n")
    (folder / "~$coder_x.xlsx").write_bytes(b"lock")
    assert len(read_manual_codings(folder, segments, documents, book).codings) == 1
    (folder / "notes.docx").write_bytes(b"x")
    with pytest.raises(InputError, match="notes.docx: is not a coding file"):
        read_manual_codings(folder, segments, documents, book)


def test_validate_codings_checks_codes_and_participants_without_segments(tmp_path, book):
    participants = pd.read_csv(FIXTURES / "participants.csv", keep_default_na=False)
    study = Study(root=tmp_path, config=StudyConfig(), participants=participants,
                  participants_file=tmp_path / "participants.csv")
    validate_codings(study, book)  # no codings folder: nothing to check
    sheet(tmp_path, "participant_id;quote;code\nT01;not checked here;mandate\n")
    validate_codings(study, book)  # quotes need the segments: checked in stage 02
    sheet(tmp_path, "participant_id;quote;code\nT01;x;mandate\nT07;x;mandate\n", name="coder_y.csv")
    with pytest.raises(InputError, match=r"coder_y.csv, row 3: unknown participant 'T07'"):
        validate_codings(study, book)


def test_sample_second_coder_sheet_uses_known_codes_and_participants():
    book = load_codebook(SAMPLE)
    sheet_rows = pd.read_csv(SAMPLE / "codings" / "second_coder.csv", sep=";", encoding="utf-8-sig", dtype=str)
    assert list(sheet_rows.columns) == ["participant_id", "quote", "code", "coder"]
    assert (SAMPLE / "codings" / "second_coder.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert 40 <= len(sheet_rows) <= 80
    assert {"P01", "P03", "P06", "P11"} <= set(sheet_rows["participant_id"])
    assert set(sheet_rows["code"]) <= set(book.codes)
    assert not sheet_rows["quote"].str.contains(r"\[|\(|\beh\b", regex=True).any()


@pytest.mark.slow
def test_notebook_02_runs_on_a_small_study(tmp_path, segments, documents):
    papermill = pytest.importorskip("papermill")
    study = tmp_path / "study"
    (study / "interviews").mkdir(parents=True)
    (study / "participants.csv").write_text("participant_id;organisation;role;language\nT01;Älvby kommun;chef;sv\n"
                                            "T02;Sjömåla kommun;IT-chef;sv\nT03;Sexan IT;architect;en\n",
                                            encoding="utf-8")
    for pid in ("T01", "T02", "T03"):
        (study / "interviews" / f"{pid}.txt").write_text("I: Hej.\n\nR: Hej.\n", encoding="utf-8")
    (study / "codebook.yml").write_bytes((FIXTURES / "codebook.yml").read_bytes())
    sheet(study, "participant_id;quote;code;coder\nT01;inget mandat;mandate;coder_b\nT01;vi och dom;trust;coder_b\n")
    processed = tmp_path / "out" / "data" / "processed"
    run = records.begin("clean_interviews", study, tmp_path / "out")  # stage 01's tables, recorded as its run
    for name, table in (("segments", segments), ("documents", documents),
                        ("participants", pd.read_csv(FIXTURES / "participants.csv")), ("quality", None)):
        write_table(complete(pd.DataFrame(table), name), processed, name)
    records.finish(run)
    notebooks = ROOT / "notebooks"
    papermill.execute_notebook(str(notebooks / "02_code_segments.ipynb"), str(tmp_path / "02.ipynb"),
                               parameters={"data_dir": str(study), "output_dir": str(tmp_path / "out")},
                               cwd=str(notebooks), kernel_name="python3", progress_bar=False)
    codings = pd.read_parquet(processed / "codings.parquet")
    assert set(codings["source"]) == {"rules", "manual"}
    assert ("T01-002", "mandate", "coder_b") in set(zip(codings["segment_id"], codings["code_id"], codings["coder"]))
    agreement = pd.read_parquet(processed / "agreement.parquet")
    assert set(zip(agreement["coder_a"], agreement["coder_b"])) == {("coder_b", "rules")}
    assert (processed / "study.qdpx").exists() and (processed / "disagreements.parquet").exists()
    assert (tmp_path / "out" / "figures" / "coding_agreement.png").exists()
    sources = pd.read_parquet(processed / "codings_sources.parquet")
    assert list(sources.itertuples(index=False, name=None)) == [("coder_x.csv", "sheet", "coder_b", 2, 2, 0, 1.0)]
    assert pd.read_parquet(processed / "codings_unplaced.parquet").empty

    # With strict, a quote that is not in the interview stops the notebook with an InputError (the runner's exit 2).
    sheet(study, "participant_id;quote;code;coder\nT01;inget mandat;mandate;coder_b\nT01;inte alls där;trust;coder_b\n")
    with pytest.raises(papermill.PapermillExecutionError) as err:
        papermill.execute_notebook(str(notebooks / "02_code_segments.ipynb"), str(tmp_path / "02s.ipynb"),
                                   parameters={"data_dir": str(study), "output_dir": str(tmp_path / "out"),
                                               "strict": True},
                                   cwd=str(notebooks), kernel_name="python3", progress_bar=False)
    assert err.value.ename == "InputError"
    assert "coder_x.csv, row 3: 1 of 2 manual codings could not be placed" in err.value.evalue
    unplaced = pd.read_parquet(processed / "codings_unplaced.parquet")  # written before the run stopped
    assert list(unplaced["where"]) == ["row 3"]


def test_a_segment_id_of_an_interviewer_or_unsure_turn_is_unplaced(tmp_path, segments, documents, book):
    unsure = segments.assign(speaker_role=segments["speaker_role"].where(segments["participant_id"] != "T02",
                                                                         "unknown"))
    folder = sheet(tmp_path, "participant_id;segment_id;code\nT01;T01-001;mandate\nT02;T02-004;trust\n")
    manual = read_manual_codings(folder, unsure, documents, book)
    assert manual.codings.empty
    reasons = dict(zip(manual.unplaced["where"], manual.unplaced["reason"]))
    assert reasons == {"row 2": "only in the interviewer's turns",
                       "row 3": "in an interview whose speaker roles are uncertain: state its layout (or interviewer) "
                                "in participants.csv"}


def test_a_quote_from_an_interview_with_unsure_roles_says_why(tmp_path, segments, documents, book):
    unsure = segments.assign(speaker_role="unknown")
    folder = sheet(tmp_path, "participant_id;quote;code\nT01;Styrgruppen har inget mandat;mandate\n")
    (reason,) = read_manual_codings(folder, unsure, documents, book).unplaced["reason"]
    assert reason.startswith("in an interview whose speaker roles are uncertain")


def test_evidence_shows_the_quote_without_cue_times_and_label_initials(tmp_path, segments, documents, book):
    folder = sheet(tmp_path, "participant_id;quote;code\n"
                             "T01;00:00:45.200 T01 (PR): Styrgruppen har inget mandat;mandate\n")
    (coding,) = read_manual_codings(folder, segments, documents, book).codings.to_dict("records")
    assert (coding["terms"], coding["file"], coding["where"]) == ("", "coder_x.csv", "row 2")
    assert coding["quote"] == "Styrgruppen har inget mandat"


def test_a_long_quote_is_shortened_to_200_characters_with_an_ellipsis(tmp_path, segments, documents, book):
    note = " ".join(["styrgruppen saknar mandat"] * 12)  # a coder's note beside the segment id: 311 characters
    folder = sheet(tmp_path, f"participant_id;segment_id;quote;code\nT01;T01-002;{note};mandate\n")
    (coding,) = read_manual_codings(folder, segments, documents, book).codings.to_dict("records")
    assert coding["segment_id"] == "T01-002"
    assert len(coding["quote"]) <= 200 and coding["quote"].endswith("…")
    assert note.startswith(coding["quote"].rstrip("…").rstrip())
