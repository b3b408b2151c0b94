"""The aligner that places the researchers' own codings (helpers.coding.align), and the coding files that go through it.

The fixtures are built here in the layouts the tools write: a study whose transcripts are WebVTT (Zoom's
``Name: text`` cues and Teams' ``<v Name>``), SRT and text, run through stage 01 (pseudonymised: the
segments hold participant ids, never names); Taguette 1.5.2's highlight exports of those transcripts (CSV
and xlsx), made as Taguette makes them (see :func:`taguette_document`); a coding sheet; REFI-QDA projects
with offsets into the original transcript.
"""

from __future__ import annotations

import csv
import html
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from helpers.coding.align import ACCEPT, Aligner, Normaliser
from helpers.coding.codebook import load_codebook
from helpers.coding.codings import read_manual_codings
from helpers.coding.qda import refiqda
from helpers.core.errors import InputError
from helpers.core.study import load_study
from helpers.interviews.pseudonymise import Pseudonymiser, build_key, extend_key, label_entries, write_key
from helpers.interviews.segments import (
    CleaningRules,
    attribute_study,
    read_transcripts,
    segment_study,
    speaker_replacements,
)
from helpers.interviews.transcripts import read_transcript
from helpers.runner.privacy import study_key

from conftest import FIXTURES
from qda_fixtures import write_qdpx

RULES = CleaningRules.load()

PARTICIPANTS = """participant_id;organisation;role;language;name;interviewer
P01;Älvby kommun;IT-chef;en;Kerstin Holmberg;Dan Berg
P02;Sjömåla kommun;kommundirektör;en;Olle Nyström;Dan Berg
P03;Sexan IT;architect;en;Maja Lind;Dan Berg
P04;Sexan IT;service manager;en;Lena Ek;Dan Berg
"""

TRANSCRIPTS = {
    "P01.vtt": """WEBVTT

1
00:00:01.000 --> 00:00:05.200
Dan Berg: Kerstin, how is the collaboration governed today?

2
00:00:05.400 --> 00:00:12.800
Kerstin Holmberg: Well, um, we have a steering group for the shared IT
service.

3
00:00:12.900 --> 00:00:19.500
Kerstin Holmberg: And that board meets every month, but uh it has no real
mandate over the budget.

4
00:00:19.600 --> 00:00:24.000
Dan Berg: Who decides, then?

5
00:00:24.100 --> 00:00:31.000
Kerstin Holmberg: In practice Bengt Axelsson does, together with the cross-
municipal council.
""",
    "P02.srt": """1
00:00:01,000 --> 00:00:04,000
Dan Berg: What about the old systems?

2
00:00:04,500 --> 00:00:11,000
Olle Nyström: The legacy systems are a real problem. We call it the “integration debt”.

3
00:00:11,500 --> 00:00:16,000
Dan Berg: And trust between the municipalities?

4
00:00:16,500 --> 00:00:24,000
Olle Nyström: Trust is low. Everyone thinks the others get a better deal.
""",
    "P03.txt": """Dan Berg: Maja, what would you change first?

Maja Lind: Honestly, um, the two-way communication. We only hear from the steering group when something has
already gone wrong.

Dan Berg: Anything else?

Maja Lind: The shared service desk. It is slow, like the steering group, and nobody knows who owns a ticket.
""",
    "P04.vtt": """WEBVTT

00:00:01.000 --> 00:00:03.000
<v Dan Berg>Lena, what works well?</v>

00:00:03.500 --> 00:00:08.000
<v Lena Ek>We share one service desk, and the queue is short now.</v>

00:00:08.500 --> 00:00:10.000
<v Dan Berg>Why is that?</v>

00:00:10.500 --> 00:00:16.000
<v Lena Ek>Because the municipalities finally agreed on one ticket system.</v>
""",
}


def taguette_document(path: Path) -> str:
    """The HTML Taguette 1.5.2 stores for an uploaded transcript (read from its source, taguette/convert.py).

    Subtitles go through subtitle_parser.render_html: one ``<p>`` per cue holding its start time
    (``HH:MM:SS.mmm``, for SRT too) and its text, HTML-escaped (so Teams' ``<v Name>`` stays as text), line
    breaks as ``<br>``. A text file goes through Calibre, which makes each paragraph a ``<p>``.
    """
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".txt":
        return "".join(f"<p>{html.escape(p.strip())}</p>\n" for p in text.split("\n\n") if p.strip())
    cues = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = block.split("\n")
        timing = next((i for i, line in enumerate(lines) if "-->" in line), None)
        if timing is None:  # the WEBVTT header
            continue
        start = lines[timing].split("-->")[0].strip().replace(",", ".")
        cues.append(f"<p>{start} {html.escape(chr(10).join(lines[timing + 1:])).replace(chr(10), '<br>')}</p>\n")
    return "".join(cues)


def taguette_content(document: str, first: str, last: str) -> str:
    """The ``content`` Taguette exports for a highlight from ``first`` to ``last`` (words of the document):
    ``convert.html_to_plaintext`` of the highlighted HTML, i.e. BeautifulSoup's ``get_text(' ', strip=True)``."""
    start = document.index(first)
    end = document.index(last, start) + len(last)
    return BeautifulSoup(document[start:end], "html.parser").get_text(" ", strip=True)


# Each highlight: document, tag, first and last words, and (participant, words of each segment it must code).
HIGHLIGHTS = [
    # Over two cues of one answer: the cue timestamp and the respondent's real name (Zoom's label) are in it,
    # and "uh", which stage 01 removed.
    ("P01.vtt", "Organ", "steering group for the shared IT", "no real", ("P01", ["steering group for the shared"])),
    # From the end of one answer over the interviewer's question into the next answer: both answers are coded,
    # the question is not. A name from pseudonyms.csv and a word split at a line break ("cross-" "municipal").
    ("P01.vtt", "mandate", "over the budget.", "municipal council.",
     ("P01", ["steering group for the shared", "together with the cross"])),
    ("P02.srt", "legacy", "The legacy systems", "debt”.", ("P02", ["legacy systems"])),  # curly quotes
    # Starts in the interviewer's question: only the answer is coded.
    ("P02.srt", "trust", "And trust between", "better deal.", ("P02", ["Trust is low"])),
    # Text transcript: label, filler, a line break inside the answer.
    ("P03.txt", "trust", "Maja Lind: Honestly", "already gone wrong.", ("P03", ["two-way communication"])),
    ("P03.txt", "Organ", "Anything else?", "owns a ticket.", ("P03", ["service desk"])),
    # Teams' voice tags, kept by Taguette as text, around the highlight.
    ("P04.vtt", "integrations", "Lena Ek&gt;We share", "system.&lt;/v&gt;",
     ("P04", ["We share one service desk", "one ticket system"])),
]


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    """The study run through stage 01 (as notebook 01 does), its key written to keys/ in the output folder."""
    root = tmp_path_factory.mktemp("align") / "study"
    (root / "interviews").mkdir(parents=True)
    (root / "participants.csv").write_text(PARTICIPANTS, encoding="utf-8")
    (root / "pseudonyms.csv").write_text("original;replacement\nBengt Axelsson;[KSO Älvby]\n", encoding="utf-8")
    (root / "codebook.yml").write_bytes((FIXTURES / "coding" / "codebook.yml").read_bytes())
    for name, text in TRANSCRIPTS.items():
        (root / "interviews" / name).write_text(text, encoding="utf-8")
    loaded = load_study(root)
    transcripts = read_transcripts(loaded.participants, read_transcript)
    labels = speaker_replacements(attribute_study(loaded.participants, transcripts, RULES))
    key = extend_key(build_key(loaded), label_entries(labels))
    interviews = segment_study(loaded.participants, transcripts, Pseudonymiser(key, loaded.organisations).apply, RULES)
    out = root.parent / "out"
    write_key(key, out)
    return loaded, interviews.segments, interviews.documents, out


def segment_with(segments: pd.DataFrame, pid: str, words: str) -> str:
    """The id of the participant's one respondent segment whose text holds ``words``."""
    hit = segments[(segments["participant_id"] == pid) & (segments["speaker_role"] == "respondent")
                   & segments["text"].str.contains(words, regex=False)]
    assert len(hit) == 1, (pid, words, list(hit["segment_id"]))
    return hit["segment_id"].iloc[0]


def taguette_export(study_root: Path, rows: list[tuple[str, str, str, str, tuple]]) -> list[list[str]]:
    """Taguette's highlight export rows: ``id, document, tag, content``."""
    documents = {name: taguette_document(study_root / "interviews" / name) for name in TRANSCRIPTS}
    return [[str(n), name, tag, taguette_content(documents[name], first, last)]
            for n, (name, tag, first, last, _) in enumerate(rows, start=1)]


def read(study, folder: Path):
    loaded, segments, documents, out = study
    pseudonymise = Pseudonymiser(study_key(loaded, out), keep=loaded.organisations).apply
    return read_manual_codings(folder, segments, documents, load_codebook(loaded.root), pseudonymise, RULES)


def test_the_fixture_is_pseudonymised_and_the_highlights_hold_what_taguette_keeps(study):
    loaded, segments, _, _ = study
    assert not segments["text"].str.contains("Kerstin|Holmberg|Bengt|Axelsson|Dan Berg").any()
    rows = taguette_export(loaded.root, HIGHLIGHTS)
    assert rows[0][3] == ("steering group for the shared IT service. 00:00:12.900 Kerstin Holmberg: And that board "
                          "meets every month, but uh it has no real")
    assert "together with the cross- municipal council." in rows[1][3] and "Bengt Axelsson" in rows[1][3]
    assert rows[6][3].startswith("Lena Ek>We share") and "00:00:10.500 <v Lena Ek>Because" in rows[6][3]


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_every_taguette_highlight_lands_on_its_participant_and_segments(study, tmp_path, suffix):
    loaded, segments, _, _ = study
    rows = taguette_export(loaded.root, HIGHLIGHTS)
    folder = tmp_path / "codings"
    folder.mkdir()
    if suffix == "csv":  # as Taguette writes it: csv.writer, comma-separated
        with open(folder / "taguette_eva.csv", "w", encoding="utf-8", newline="") as file:
            csv.writer(file).writerows([["id", "document", "tag", "content"], *rows])
    else:
        pd.DataFrame(rows, columns=["id", "document", "tag", "content"]).to_excel(
            folder / "taguette_eva.xlsx", sheet_name="highlights", index=False)
    manual = read(study, folder)
    assert manual.unplaced.empty, manual.unplaced.to_dict("records")
    book = load_codebook(loaded.root)
    got = {(row.participant_id, row.code_id, row.segment_id) for row in manual.codings.itertuples()}
    expected = {(pid, book.resolve(tag).id, segment_with(segments, pid, words))
                for _, tag, _, _, (pid, phrases) in HIGHLIGHTS for words in phrases}
    assert got == expected
    assert list(manual.sources.itertuples(index=False, name=None)) == [
        (f"taguette_eva.{suffix}", "taguette", "taguette_eva", 7, 7, 0, 1.0)]
    assert set(manual.codings["file"]) == {f"taguette_eva.{suffix}"}
    assert manual.codings["where"].str.match(r"row \d+$").all()
    assert manual.codings["quote"].str.len().gt(0).all()
    for column in ("terms", "file", "where", "quote"):  # pseudonymised
        assert not manual.codings[column].str.contains("Kerstin|Bengt|Axelsson|Holmberg").any(), column


def test_a_coding_sheet_with_straight_quotes_and_a_real_name(study, tmp_path):
    loaded, segments, _, _ = study
    folder = tmp_path / "codings"
    folder.mkdir()
    (folder / "coder_b.csv").write_text(
        "participant_id;quote;code;coder\n"
        'P02;We call it the "integration debt";legacy;coder_b\n'
        "P01;In practice Bengt Axelsson does;mandate;coder_b\n"
        "P03;nobody knows who owns a ticket;Organ;coder_b\n", encoding="utf-8")
    manual = read(study, folder)
    assert set(zip(manual.codings["segment_id"], manual.codings["code_id"])) == {
        (segment_with(segments, "P02", "legacy systems"), "legacy"),
        (segment_with(segments, "P01", "together with the cross"), "mandate"),
        (segment_with(segments, "P03", "service desk"), "bodies")}
    quotes = manual.codings.set_index("code_id")["quote"]
    assert quotes["mandate"] == "In practice [KSO Älvby] does"  # the real name pseudonymised
    assert quotes["legacy"] == 'We call it the "integration debt"'
    assert manual.codings.set_index("code_id").loc["mandate", ["file", "where"]].tolist() == ["coder_b.csv", "row 3"]


def test_unplaced_highlights_are_listed_with_their_reasons(study, tmp_path):
    loaded, segments, _, _ = study
    rows = taguette_export(loaded.root, [("P02.srt", "trust", "What about", "old systems?", None)])
    rows += [["9", "P03.txt", "trust", "We hear from the board every single week, and that is fine."]]
    folder = tmp_path / "codings"
    folder.mkdir()
    pd.DataFrame(rows, columns=["id", "document", "tag", "content"]).to_csv(folder / "t.csv", index=False)
    unplaced = read(study, folder).unplaced.set_index("where")
    assert unplaced.at["row 2", "reason"] == "only in the interviewer's turns"
    assert unplaced.at["row 2", "closest_segment_id"] == "P02-001"
    assert unplaced.at["row 3", "reason"].startswith("not found: the closest passage matches")
    assert unplaced.at["row 3", "closest_segment_id"] == segment_with(segments, "P03", "two-way communication")


# ---- REFI-QDA projects: offsets in the original transcript ----------------------------------------------

def qdpx_project(source_name: str, source_file: str, selections: list[tuple[int, int]],
                 codes: tuple[str, ...] = ("Tillit",)) -> str:
    """A project with one source and a coded selection per (start, end), the i-th coded with ``codes[i]``
    (the last code for the rest)."""
    book = "".join(f'<Code guid="{{0F000000-0000-4000-8000-00000000000{n}}}" name="{name}" isCodable="true"/>'
                   for n, name in enumerate(codes))
    coded = "".join(f"""
      <PlainTextSelection guid="{{0F000000-0000-4000-8000-0000000000E{n}}}" startPosition="{a}" endPosition="{b}">
        <Coding guid="{{0F000000-0000-4000-8000-0000000000C{n}}}">
          <CodeRef targetGUID="0f000000-0000-4000-8000-00000000000{min(n, len(codes) - 1)}"/></Coding>
      </PlainTextSelection>""" for n, (a, b) in enumerate(selections))
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project name="NVivo export" xmlns="urn:QDA-XML:project:1.0">
  <CodeBook><Codes>{book}</Codes></CodeBook>
  <Sources>
    <TextSource guid="{{0F000000-0000-4000-8000-0000000000F1}}" name="{source_name}"
        plainTextPath="internal://{source_file}">{coded}
    </TextSource>
  </Sources>
</Project>"""


def test_a_selection_in_the_original_transcript_is_aligned_and_its_offset_breaks_a_tie(study, tmp_path):
    """The project holds the un-pseudonymised transcript (labels, names, fillers: not the study's text), and
    "the steering group" is in both of P03's answers: only each selection's offset says which one it is."""
    loaded, segments, _, _ = study
    original = (loaded.root / "interviews" / "P03.txt").read_text(encoding="utf-8")
    first = original.index("the steering group")
    second = original.index("the steering group", first + 1)
    answer = original.index("Maja Lind: Honestly")
    write_qdpx(tmp_path / "codings" / "nvivo.qdpx",
               qdpx_project("Intervju P03 (Maja Lind)", "P03.txt",
                            [(first, first + 18), (second, second + 18), (answer, original.index("wrong.") + 6)],
                            codes=("Tillit", "Tillit", "Organ")),
               {"sources/P03.txt": original.encode("utf-8")})
    manual = read(study, tmp_path / "codings")
    assert manual.unplaced.empty, manual.unplaced.to_dict("records")
    assert set(manual.codings["file"]) == {"nvivo.qdpx"}
    coded = set(zip(manual.codings["where"].str.extract(r"0000000000(e\d) in", expand=False),
                    manual.codings["segment_id"]))
    one, two = segment_with(segments, "P03", "two-way communication"), segment_with(segments, "P03", "service desk")
    assert coded == {("e0", one), ("e1", two), ("e2", one)}
    for column in ("file", "where", "quote"):
        assert not manual.codings[column].str.contains("Maja|Lind").any(), column


def test_a_selection_in_the_study_s_own_text_is_placed_by_its_offsets(study, tmp_path):
    """A project exported by notebook 02 holds the documents stage 01 wrote: the offsets are used as they are,
    and a selection over a question and its answer codes the answer only."""
    _, segments, documents, _ = study
    text = documents.set_index("participant_id").at["P02", "text"]
    start, end = text.index("And trust between"), text.index("better deal.") + 12
    write_qdpx(tmp_path / "codings" / "back.qdpx", qdpx_project("P02", "P02.txt", [(start, end)]),
               {"sources/P02.txt": text.encode("utf-8")})
    manual = read(study, tmp_path / "codings")
    assert list(manual.codings["segment_id"]) == [segment_with(segments, "P02", "Trust is low")]


def test_the_offset_decides_between_two_equally_good_places():
    segments = pd.DataFrame({
        "segment_id": ["X1-001", "X1-002", "X1-003", "X1-004"], "participant_id": "X1", "seq": [1, 2, 3, 4],
        "speaker": ["Interviewer", "X1", "Interviewer", "X1"],
        "speaker_role": ["interviewer", "respondent", "interviewer", "respondent"],
        "text": ["First?", "We meet the steering group monthly.", "Then?", "We meet the steering group monthly."],
        "language": "en"})
    aligner = Aligner(segments, RULES)
    assert aligner.place("X1", "meet the steering group").reason.startswith(
        "ambiguous: matches equally well in 2 places in different answers (X1-002, X1-004)")
    assert aligner.place("X1", "meet the steering group", hint=0.1).segment_ids == ("X1-002",)
    assert aligner.place("X1", "meet the steering group", hint=0.9).segment_ids == ("X1-004",)


def test_a_qdpx_whose_sources_name_no_participant_lists_them(study, tmp_path):
    path = write_qdpx(tmp_path / "codings" / "atlas.qdpx", qdpx_project("Interview Maja", "maja.txt", [(0, 10)]),
                      {"sources/maja.txt": b"Maja Lind: Honestly, the two-way communication."})
    with pytest.raises(InputError) as err:
        read(study, path.parent)
    assert str(err.value).startswith(f"{path}: none of its sources name a participant of the study: "
                                     "'Interview Maja'")


def test_a_qdpx_without_coded_text_says_so(study, tmp_path):
    xml = qdpx_project("P03", "P03.txt", [])
    path = write_qdpx(tmp_path / "codings" / "empty.qdpx", xml, {"sources/P03.txt": b"text"})
    with pytest.raises(InputError, match="holds no coded text passage"):
        read(study, path.parent)


def test_a_project_saved_as_codebook_qdc_is_named_for_what_it_is(tmp_path):
    path = write_qdpx(tmp_path / "codebook.qdc", qdpx_project("P03", "P03.txt", []), {"sources/P03.txt": b"x"})
    with pytest.raises(InputError) as err:
        refiqda.read_qdc(path)
    assert "is a REFI-QDA project file (a .qdpx zip archive), not a codebook" in str(err.value)
    assert "codings/" in str(err.value) and zipfile.is_zipfile(path)


# ---- the normaliser and the aligner ----------------------------------------------------------------------


@pytest.mark.parametrize("quote, segment", [
    ("service. 00:00:19.600 and that board", "Service. And that board"),  # a cue's timestamp
    ("at [00:01:02] noon (12:31) we met", "At noon we met"),
    ("the end.\nDan: So what?\nParticipant: Well, um, yes", "The end. So what? Well, yes"),  # labels over turns
    ("the end.\nResearcher  \nSo what?", "The end. So what?"),  # a label alone on its line, trailing spaces
    ("the end. Unknown Speaker So what?", "The end. So what?"),  # Taguette joined the lines
    ("a two- way plot for cross-\nchecking", "A two-way plot for crosschecking"),  # hyphens split by a print
    ("it’s the “debt” – really", "It's the \"debt\" - really"),  # typographic quotes and dashes
    ("Uh, [skratt] I THINK (paus) so", "I think so"),  # fillers and transcription marks, case
    ("<p>Styrgruppen har <b>inget</b> mandat.</p>", "Styrgruppen har inget mandat."),  # older Taguette's HTML
    ("We said 1 2 3 4 5 6 7 8 hello", "We said hello"),  # a PDF's line numbers
])
def test_quote_and_segment_normalise_alike(quote, segment):
    normalise = Normaliser(RULES, frozenset({"Interviewer", "P01"}))
    assert normalise(quote, "en") == normalise(segment, "en") != ""


def test_an_approximate_quote_is_placed_above_the_threshold_and_not_below():
    text = ("So we primarily use gradient boosting for our models and I guess I do not really look at the "
            "interactions for interpretability, but we do have an analysis of weak spots.")
    segments = pd.DataFrame({"segment_id": ["X1-001", "X1-002"], "participant_id": "X1", "seq": [1, 2],
                             "speaker": ["Interviewer", "X1"], "speaker_role": ["interviewer", "respondent"],
                             "text": ["Do you look at interactions?", text], "language": "en"})
    aligner = Aligner(segments, RULES)
    close = text.replace("gradient boosting", "GBMs").replace("do not", "don't")
    placed = aligner.place("X1", close)
    assert placed.segment_ids == ("X1-002",) and ACCEPT <= placed.score < 100
    far = "We never use any boosting; the interactions are what we look at first, always, in every model."
    missed = aligner.place("X1", far)
    assert not missed.placed and missed.score < ACCEPT and missed.closest_segment_id == "X1-002"
    assert aligner.place("X1", "Um, uh.").reason.startswith("nothing is left of the quote")
