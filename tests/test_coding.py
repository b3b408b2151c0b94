"""Rule-based coding of respondent segments, and manual codings from coding sheets and Taguette exports."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers.codebook import load_codebook
from helpers.coding import CODING_COLUMNS, code_segments, order_codings, read_manual_codings, validate_codings
from helpers.errors import InputError
from helpers.rules import RuleCoder
from helpers.study import Study, StudyConfig

from coding_fixtures import FIXTURES, book, documents, segments  # noqa: F401
from test_refiqda import project_xml, write_qdpx
from conftest import SAMPLE


def codes_of(codings: pd.DataFrame) -> set[tuple[str, str]]:
    return set(zip(codings["segment_id"], codings["code_id"]))


def sheet(tmp_path: Path, text: str, name: str = "coder_x.csv", encoding: str = "utf-8-sig") -> Path:
    folder = tmp_path / "codings"
    folder.mkdir(exist_ok=True)
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
    codings = code_segments(segments, book).set_index(["segment_id", "code_id"])["evidence"]
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
    codings = read_manual_codings(folder, segments, documents, book)
    assert codes_of(codings) == {("T01-002", "mandate"), ("T01-004", "allocation"), ("T02-004", "trust")}
    assert dict(zip(codings["segment_id"], codings["coder"])) == {"T01-002": "anna", "T01-004": "anna",
                                                                  "T02-004": "coder_x"}  # empty coder: file name
    assert set(codings["source"]) == {"manual"}
    assert 'coder_x.csv: "”tilliten mellan kommunerna”"' in set(codings["evidence"])


def test_a_quote_also_asked_about_by_the_interviewer_lands_on_the_answer(tmp_path, segments, documents, book):
    folder = sheet(tmp_path, "participant_id,quote,code\nT02,tilliten,trust\n")
    assert codes_of(read_manual_codings(folder, segments, documents, book)) == {("T02-004", "trust")}


def test_excel_coding_sheet(tmp_path, segments, documents, book):
    folder = tmp_path / "codings"
    folder.mkdir()
    pd.DataFrame({"participant_id": ["T03"], "quote": ["members is low"], "code": ["Trust"],
                  "coder": ["bo"]}).to_excel(folder / "bo.xlsx", index=False)
    codings = read_manual_codings(folder, segments, documents, book)
    assert codes_of(codings) == {("T03-004", "trust")}


def test_qdpx_evidence_names_the_participant_not_the_source(tmp_path, segments, documents, book):
    # QDA sources are often named after the interviewee; the case links this one to T01.
    start = documents["text"][0].index("bygger")
    xml = project_xml(None, "internal://T01.txt", start, start + 20).replace('name="Intervju 1"',
                                                                            'name="Intervju Kerstin Holmberg"')
    write_qdpx(tmp_path / "codings" / "project.qdpx", xml, {"sources/T01.txt": documents["text"][0].encode()})
    codings = read_manual_codings(tmp_path / "codings", segments, documents, book)
    [evidence] = codings["evidence"]
    assert "T01" in evidence and "project.qdpx" in evidence
    assert "Kerstin" not in evidence and "Holmberg" not in evidence


def test_taguette_highlights(tmp_path, segments, documents, book):
    folder = sheet(tmp_path, "id,document,tag,content\n"
                             '1,T01 intervju.txt,Organ,"<p>Styrgruppen har <b>inget</b> mandat.</p>"\n'
                             "2,T03.docx,trust,Trust between the members\n", name="taguette_eva.csv")
    codings = read_manual_codings(folder, segments, documents, book)
    assert codes_of(codings) == {("T01-002", "bodies"), ("T03-004", "trust")}
    assert set(codings["coder"]) == {"taguette_eva"}


@pytest.mark.parametrize("body, problem, where", [
    ("participant_id;quote;code\nT01;oklart vem;budget\n", "'budget' is not a code id or label", "row 2"),
    ("participant_id;quote;code\nT01;oklart vem;Mandat\nT01;inte i texten;mandate\n",
     "is not in T01's pseudonymised text", "row 3"),
    ("participant_id;segment_id;code\nT01;T01-999;mandate\n", "segment_id 'T01-999' is not a segment", "row 2"),
    ("participant_id;segment_id;code\nT02;T01-002;mandate\n", "belongs to another participant", "row 2"),
    ("participant_id;quote;code\nT09;oklart vem;mandate\n", "unknown participant 'T09'", "row 2"),
    ("participant_id;quote;code\nT01;;mandate\n", "neither segment_id nor quote", "row 2"),
    ("participant_id;text;code\nT01;oklart vem;mandate\n", "lacks the required column(s) quote", "header row"),
    ("participant_id;quote;code\nT01;det är;trust\n", "occurs 2 times", "row 2"),
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
    assert len(read_manual_codings(folder, segments, documents, book)) == 1
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
    processed.mkdir(parents=True)
    segments.to_parquet(processed / "segments.parquet")
    documents.to_parquet(processed / "documents.parquet")
    pd.read_csv(FIXTURES / "participants.csv").to_parquet(processed / "participants.parquet")
    notebooks = Path(__file__).resolve().parents[1] / "notebooks"
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
