"""REFI-QDA exchange: .qdc codebooks and .qdpx projects, exported strictly and imported tolerantly."""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from helpers.coding.codebook import load_codebook
from helpers.coding.codings import code_segments, empty_codings, read_manual_codings
from helpers.coding.qda import refiqda, refiqda_export
from helpers.core.errors import InputError

from coding_fixtures import FIXTURES, book, documents, segments  # noqa: F401
from conftest import SHARED
from qda_fixtures import project_xml, write_qdpx

SCHEMAS = SHARED / "refi-qda"
NS = {"q": refiqda.PROJECT_NS}


@pytest.fixture(scope="module")
def participants():
    return pd.read_csv(FIXTURES / "participants.csv", keep_default_na=False)


def schema(name: str):
    xmlschema = pytest.importorskip("xmlschema")
    path = SCHEMAS / name
    if not path.exists():
        pytest.skip(f"{path} is absent (the shared REFI-QDA schemas live beside the project in ../shared)")
    return xmlschema.XMLSchema(str(path))


def manual_sheet(tmp_path: Path, segments, documents, book) -> pd.DataFrame:
    folder = tmp_path / "sheet"
    folder.mkdir(parents=True)
    (folder / "b.csv").write_text("participant_id;quote;code;coder\nT01;inget mandat;mandate;coder_b\n"
                                  "T01;vi och dom;Tillit;coder_b\nT03;steering group;bodies;coder_c\n",
                                  encoding="utf-8")
    return read_manual_codings(folder, segments, documents, book).codings


# ---- codebooks ---------------------------------------------------------------------------------

def test_exported_qdc_is_valid_and_reads_back_to_the_same_codebook(tmp_path, book):
    path = refiqda_export.write_qdc(book, tmp_path / "codebook.qdc")
    schema("Codebook.xsd").validate(str(path))
    again = load_codebook(tmp_path)
    assert again.version == book.version
    assert again.codes["integrations"].color == "#1b6e8f"
    assert again.codes["mandate"].rules.regex == ("oklart vem som (bestämmer|beslutar)",)


FOREIGN_QDC = """<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:0:4" origin="NVivo">
  <Codes>
    <Code guid="{6A1B7C1E-0000-4000-8000-000000000001}" name="Styrning" isCodable="false">
      <Description>Allt om styrning.
Example: Ingen bestämmer.</Description>
      <Code guid="{6A1B7C1E-0000-4000-8000-000000000002}" name="Övrigt" isCodable="true"/>
    </Code>
    <Code guid="6a1b7c1e-0000-4000-8000-000000000003" name="Tillit &amp; relationer" isCodable="true">
      <Code guid="6a1b7c1e-0000-4000-8000-000000000004" name="Övrigt" isCodable="true"/>
    </Code>
  </Codes>
  <Sets/>
</CodeBook>
"""


def test_foreign_qdc_is_read_tolerantly(tmp_path):
    (tmp_path / "codebook.qdc").write_text(FOREIGN_QDC, encoding="utf-8")
    book = load_codebook(tmp_path)
    # ids come from the names; a name used twice gets its parent's id in front
    assert list(book.codes) == ["styrning", "övrigt", "tillit_relationer", "tillit_relationer.övrigt"]
    assert book.codes["styrning"].definition == "Allt om styrning."
    assert book.codes["styrning"].examples == ("Ingen bestämmer.",)
    assert book.codes["tillit_relationer.övrigt"].theme_id == "tillit_relationer"


def test_malformed_qdc_names_the_line(tmp_path):
    (tmp_path / "codebook.qdc").write_text('<CodeBook>\n<Codes>\n<Code name="x"\n</Codes>', encoding="utf-8")
    with pytest.raises(InputError, match=r"codebook.qdc, line \d+.*not well-formed XML"):
        load_codebook(tmp_path)


# ---- project export -----------------------------------------------------------------------------

def export(tmp_path, segments, documents, participants, book) -> tuple[Path, pd.DataFrame]:
    codings = pd.concat([code_segments(segments, book), manual_sheet(tmp_path, segments, documents, book)])
    path = refiqda_export.write_qdpx(tmp_path / "out" / "study.qdpx", documents, participants, segments, codings, book,
                              name="Test study")
    return path, codings


def test_exported_project_is_valid_and_holds_texts_cases_users_and_codings(tmp_path, segments, documents,
                                                                           participants, book):
    path, codings = export(tmp_path, segments, documents, participants, book)
    with zipfile.ZipFile(path) as archive:
        qde = archive.read("project.qde")
        assert archive.read("sources/T01.txt").decode("utf-8") == documents["text"][0]
    (tmp_path / "project.qde").write_bytes(qde)
    schema("Project.xsd").validate(str(tmp_path / "project.qde"))
    root = ET.fromstring(qde)
    assert {u.get("name") for u in root.iterfind("q:Users/q:User", NS)} == {"rules", "coder_b", "coder_c"}
    case = root.find("q:Cases/q:Case[@name='T03']", NS)
    assert [v.text for v in case.iterfind("q:VariableValue/q:TextValue", NS)] == ["Sexan IT", "IT architect"]
    selection = root.find(".//q:PlainTextSelection[@name='T01-002']", NS)
    assert (selection.get("startPosition"), selection.get("endPosition")) == ("46", "108")
    assert len(selection.findall("q:Coding", NS)) == len(codings[codings["segment_id"] == "T01-002"])


def test_export_is_reproducible(tmp_path, segments, documents, participants, book):
    first, _ = export(tmp_path / "a", segments, documents, participants, book)
    second, _ = export(tmp_path / "b", segments, documents, participants, book)
    assert first.read_bytes() == second.read_bytes()


def test_exported_project_imports_back_with_the_same_manual_codings(tmp_path, segments, documents,
                                                                   participants, book):
    path, codings = export(tmp_path, segments, documents, participants, book)
    folder = tmp_path / "codings"
    folder.mkdir()
    path.rename(folder / "study.qdpx")
    again = read_manual_codings(folder, segments, documents, book).codings
    manual = codings[codings["source"] == "manual"]
    key = ["segment_id", "participant_id", "code_id", "theme_id", "coder", "source"]
    assert sorted(map(tuple, again[key].to_numpy())) == sorted(map(tuple, manual[key].to_numpy()))
    automatic = [s for s in refiqda.read_qdpx(folder / "study.qdpx") if s.automatic]
    assert {s.coder for s in automatic} == {"rules"}  # the rule coder's codings are recomputed, not imported


# ---- project import: dialects --------------------------------------------------------------------

@pytest.mark.parametrize("namespace", [None, "urn:QDA-XML:project:1.0", "urn:QDA-XML:project:0:4"])
def test_windows_line_endings_and_decomposed_unicode_are_mapped_onto_segments(tmp_path, segments, documents,
                                                                              book, namespace):
    raw = unicodedata.normalize("NFD", documents["text"][0]).replace("\n", "\r\n")
    start = raw.index("bygger")  # positions count the \r\n and combining marks of the stored text
    write_qdpx(tmp_path / "codings" / "karin.qdpx",
               project_xml(namespace, "internal://0F000000-0000-4000-8000-0000000000F1.txt", start, start + 20),
               {"sources/0F000000-0000-4000-8000-0000000000F1.txt": raw.encode("utf-8")})
    codings = read_manual_codings(tmp_path / "codings", segments, documents, book).codings
    found = list(zip(codings["segment_id"], codings["code_id"], codings["coder"]))
    assert found == [("T01-004", "allocation", "K")]  # the user "Karin", by initial


def test_source_referenced_by_path_is_found_in_the_archive_by_file_name(tmp_path, segments, documents, book):
    start = documents["text"][0].index("Nej. Det finns")
    write_qdpx(tmp_path / "codings" / "k.qdpx",
               project_xml(None, r"C:\Users\karin\T01.txt", start, start + 10, code_name="Tillit"),
               {"sources/T01.txt": documents["text"][0].encode("utf-8")})
    codings = read_manual_codings(tmp_path / "codings", segments, documents, book).codings
    assert list(zip(codings["segment_id"], codings["code_id"])) == [("T01-006", "trust")]


def test_a_differing_source_text_is_matched_by_the_selected_words(tmp_path, segments, documents, book):
    uncleaned = documents["text"][0].replace("Fördelningsnyckeln", "Eh, fördelningsnyckeln")
    original = "Intervju med T01, 3 mars.\n\n" + uncleaned
    start = original.index("nyckeln bygger")
    write_qdpx(tmp_path / "codings" / "k.qdpx", project_xml(None, "internal://T01.txt", start, start + 14),
               {"sources/T01.txt": original.encode("utf-8")})
    codings = read_manual_codings(tmp_path / "codings", segments, documents, book).codings
    assert list(codings["segment_id"]) == ["T01-004"]


SOURCE = {"sources/x.txt": b"Hej hej"}


USER_A, USER_B = "0f000000-0000-4000-8000-00000000000a", "0f000000-0000-4000-8000-00000000000b"


def two_coder_project(user_a: str, user_b: str, start: int, end: int) -> str:
    """A project whose one selection is coded by user A (its attributes ``user_a``) and again by user B."""
    xml = project_xml(None, "internal://T01.txt", start, end)
    users = f'<Users><User guid="{USER_A}" {user_a}/><User guid="{USER_B}" {user_b}/></Users>'
    xml = re.sub(r"<Users>.*</Users>", users, xml)
    coding = re.search(r"\s*<Coding .*?</Coding>", xml, re.DOTALL).group(0)
    second = coding.replace("-0000000000C1", "-0000000000C2").replace("<Coding ", f'<Coding creatingUser="{USER_B}" ')
    return xml.replace(coding, coding + second)


@pytest.mark.parametrize("names, ids", [
    (["Lina Björk", "coder_b", "AB", "kodare2"], ["LB", "coder_b", "AB", "kodare2"]),
    (["Lina Björk", "Lars Berg", "lina.bjork"], ["LB", "LB2", "LB3"]),
    (["LB", "Lina Björk"], ["LB", "LB2"]),  # an id kept as it is is never taken by initials
    (["Karin", "Åsa Öberg", "Per-Olof Nyström"], ["K", "ÅÖ", "PON"]),
])
def test_coder_ids_are_initials_for_names_and_ids_as_they_are(names, ids):
    assert [refiqda.coder_ids(names)[name] for name in names] == ids


def test_qdpx_user_names_become_unique_initials(tmp_path, segments, documents, book):
    start = documents["text"][0].index("bygger")
    write_qdpx(tmp_path / "codings" / "project.qdpx",
               two_coder_project('name="Lina Björk"', 'name="Lars Berg"', start, start + 20),
               {"sources/T01.txt": documents["text"][0].encode("utf-8")})
    assert sorted(s.coder for s in refiqda.read_qdpx(tmp_path / "codings" / "project.qdpx")) == ["LB", "LB2"]
    codings = read_manual_codings(tmp_path / "codings", segments, documents, book).codings
    assert sorted(codings["coder"]) == ["LB", "LB2"]
    assert not codings.apply(lambda row: row.str.contains("Lina|Lars|Björk|Berg")).any().any()


def test_a_user_without_name_is_known_by_its_id(tmp_path, documents):
    start = documents["text"][0].index("bygger")
    path = write_qdpx(tmp_path / "p.qdpx", two_coder_project('id="coder_b"', 'name="Karin Ek" id="kek"',
                                                             start, start + 20),
                      {"sources/T01.txt": documents["text"][0].encode("utf-8")})
    assert sorted(s.coder for s in refiqda.read_qdpx(path)) == ["KE", "coder_b"]


@pytest.mark.parametrize("make, problem", [
    (lambda p: p.write_bytes(b"not a zip"), "is not a zip archive"),
    (lambda p: write_qdpx(p, "", {}) and None, "not well-formed XML"),
    (lambda p: zipfile.ZipFile(p, "w").writestr("readme.txt", "x"), "holds no project.qde"),
    (lambda p: write_qdpx(p, project_xml(None, "internal://x.txt", 0, 5, code_name="Okänd kod"), SOURCE),
     "'Okänd kod' is not a code"),
    (lambda p: write_qdpx(p, project_xml(None, "internal://x.txt", 0, 5).replace('name="T01"', 'name="Okänd"'),
                          SOURCE), "none of its sources name a participant of the study: 'Intervju 1'"),
    (lambda p: write_qdpx(p, project_xml(None, "internal://s.txt", 5, 500), {"sources/s.txt": b"short"}),
     "outside the source text"),
    (lambda p: write_qdpx(p, project_xml(None, "absolute:///home/k/T01.txt", 0, 5), {}), "is not in the archive"),
])
def test_malformed_projects_name_the_file(tmp_path, segments, documents, book, make, problem):
    path = tmp_path / "codings" / "bad.qdpx"
    path.parent.mkdir(parents=True, exist_ok=True)
    make(path)
    with pytest.raises(InputError) as err:
        read_manual_codings(path.parent, segments, documents, book)
    assert str(path) in str(err.value) and problem in str(err.value)


def test_xml_errors_in_a_project_name_the_line(tmp_path):
    path = write_qdpx(tmp_path / "bad.qdpx", "<Project>\n  <Users>\n</Project>", {})
    with pytest.raises(InputError, match=r"project.qde line 3"):
        refiqda.read_qdpx(path)


def test_normalise_with_offsets_maps_raw_positions():
    raw = "a\r\nfo\u0308r"  # a CRLF and a decomposed ö
    text, offsets = refiqda.normalise_with_offsets(raw)
    assert text == "a\nför"
    assert text[offsets[raw.index("f")]:offsets[len(raw)]] == "för"
    assert offsets[raw.index("\n")] == 1  # the \n of \r\n belongs to the one normalised \n


def test_a_study_without_codebook_or_codings_exports_a_valid_project(tmp_path, segments, documents, participants):
    path = refiqda_export.write_qdpx(tmp_path / "study.qdpx", documents, participants, segments, empty_codings(), None)
    with zipfile.ZipFile(path) as archive:
        (tmp_path / "project.qde").write_bytes(archive.read("project.qde"))
    schema("Project.xsd").validate(str(tmp_path / "project.qde"))
    assert refiqda.read_qdpx(path) == []
