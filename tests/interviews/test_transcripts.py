"""Reading transcripts (.txt, .docx, .vtt, .srt) into speaker turns."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import docx
import openpyxl
import pytest

from helpers.core.errors import InputError
from helpers.interviews.transcripts import Transcript, read_transcript

from conftest import SHARED

REALDATA = SHARED / "realdata"
SWEDISH = "Vi måste öka förmågan på förvaltningarna"


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def speakers_and_texts(transcript: Transcript) -> list[tuple[str | None, str]]:
    return [(turn.speaker, turn.text) for turn in transcript.turns]


# --- .txt ---------------------------------------------------------------------------------------------


def test_txt_name_labels_and_short_codes(tmp_path):
    text = ("Anna Berg: Hej och välkommen.\nIP: Tack.\nI: Vad gör du?\nR: Jag leder it.\n"
            "Intervjuare: Och sedan?\nRespondent: Sedan fika.\n")
    t = read_transcript(write(tmp_path, "p.txt", text))
    assert speakers_and_texts(t) == [("Anna Berg", "Hej och välkommen."), ("IP", "Tack."), ("I", "Vad gör du?"),
                                     ("R", "Jag leder it."), ("Intervjuare", "Och sedan?"),
                                     ("Respondent", "Sedan fika.")]
    assert [turn.line for turn in t.turns] == [1, 2, 3, 4, 5, 6]
    assert t.format == "txt" and t.encoding == "utf-8" and t.warnings == []


def test_txt_continuation_lines_join_and_keep_paragraph_breaks(tmp_path):
    text = "I: Berätta.\nR: Första raden\nfortsätter här.\n\nNytt stycke.\nI: Tack.\n"
    t = read_transcript(write(tmp_path, "p.txt", text))
    assert speakers_and_texts(t) == [("I", "Berätta."), ("R", "Första raden fortsätter här.\nNytt stycke."),
                                     ("I", "Tack.")]


def test_txt_sentences_with_a_colon_are_not_labels(tmp_path):
    text = ("I: Hur gick det?\nR: Så här var det.\nDet är så här: vi hade tre mål.\n"
            "Vi har två problem: tid och pengar.\n"
            "Klockan 12:30 kom de.\nSe https://example.se för mer.\nNote: detta är en anteckning.\nI: Tack.\n")
    t = read_transcript(write(tmp_path, "p.txt", text))
    assert [turn.speaker for turn in t.turns] == ["I", "R", "I"]
    assert t.turns[1].text.endswith("Note: detta är en anteckning.")
    assert "Det är så här: vi hade tre mål." in t.turns[1].text


def test_txt_otter_export_label_alone_with_time(tmp_path):
    text = ("# Transcript of an interview\n\n## Details\n\nInterview took place on March 2, 2022.\n\n## Transcript\n"
            "Jonas Rosland  0:21  \nHello everyone.\n\nCarolyn Lu  1:35  \num, I guess\nmy job.\n\n"
            "Jonas Rosland  1:02:03  \nThanks.\n")
    t = read_transcript(write(tmp_path, "otter.txt", text))
    assert speakers_and_texts(t) == [("Jonas Rosland", "Hello everyone."), ("Carolyn Lu", "um, I guess my job."),
                                     ("Jonas Rosland", "Thanks.")]
    assert [turn.start for turn in t.turns] == [21.0, 95.0, 3723.0]
    assert t.warnings == []


def test_txt_bracketed_ids_but_not_bracketed_marks(tmp_path):
    text = "[id1] hello, I like it.\n\n[laughs] yes really.\n\n[id2] I struggle.\n[P04]: Me too.\n"
    t = read_transcript(write(tmp_path, "q.txt", text))
    assert speakers_and_texts(t) == [("id1", "hello, I like it.\n[laughs] yes really."), ("id2", "I struggle."),
                                     ("P04", "Me too.")]


@pytest.mark.parametrize("line, start", [
    ("[00:12:31] Anna: Hej.", 751.0),
    ("(12:31) Anna: Hej.", 751.0),
    ("00:12:31 Anna: Hej.", 751.0),
    ("Anna (00:12:31): Hej.", 751.0),
    ("Anna [12:31]: Hej.", 751.0),
    ("Anna: [00:12:31.5] Hej.", 751.5),
])
def test_txt_timestamp_next_to_a_label_is_the_start(tmp_path, line, start):
    t = read_transcript(write(tmp_path, "p.txt", f"{line}\nBo: Ja [00:12:40] visst.\n"))
    assert speakers_and_texts(t) == [("Anna", "Hej."), ("Bo", "Ja [00:12:40] visst.")]
    assert t.turns[0].start == start and t.turns[1].start is None


def test_txt_timestamp_alone_on_its_line_starts_the_next_turn(tmp_path):
    text = "[00:00:05]\nI: Hej.\n[00:00:09]\nR: Hej hej.\n"
    t = read_transcript(write(tmp_path, "p.txt", text))
    assert [(turn.speaker, turn.text, turn.start) for turn in t.turns] == [("I", "Hej.", 5.0), ("R", "Hej hej.", 9.0)]


def test_txt_riksdag_labels_drop_the_speech_number(tmp_path):
    text = ("§ 11 Svar på interpellation 2015/16:112\n\n"
            "Anf. 115 Statsrådet MEHMET KAPLAN (MP):\nHerr talman! Först.\n\nSedan.\n\n"
            "Anf. 116 ANETTE ÅKESSON (M):\nHerr talman! Tack.\n\n"
            "Anf. 117 Statsrådet MEHMET KAPLAN (MP):\nSvar.\n")
    t = read_transcript(write(tmp_path, "riksdag.txt", text))
    assert speakers_and_texts(t) == [("Statsrådet MEHMET KAPLAN (MP)", "Herr talman! Först.\nSedan."),
                                     ("ANETTE ÅKESSON (M)", "Herr talman! Tack."),
                                     ("Statsrådet MEHMET KAPLAN (MP)", "Svar.")]
    assert t.turns[0].line == 3


def test_txt_title_lines_before_the_first_label_are_not_turns(tmp_path):
    text = "Intervju P04\nDatum: 2024-03-12, Stadshuset\n\nI: Hej.\nR: Hej.\nI: Hur mår du?\nR: Bra.\n"
    t = read_transcript(write(tmp_path, "p.txt", text))
    assert speakers_and_texts(t) == [("I", "Hej."), ("R", "Hej."), ("I", "Hur mår du?"), ("R", "Bra.")]
    assert t.turns[0].line == 4 and t.warnings == []


def test_txt_long_text_before_the_first_label_is_kept_with_a_warning(tmp_path):
    intro = " ".join(["Det här är en lång inledning som kanske är tal."] * 6)
    t = read_transcript(write(tmp_path, "p.txt", f"{intro}\n\nI: Hej.\nR: Hej.\n"))
    assert speakers_and_texts(t) == [(None, intro), ("I", "Hej."), ("R", "Hej.")]
    assert t.warnings == ["the 60 words before the first speaker label (line 1) are kept as turns without a speaker"]


def test_txt_without_labels_gives_unlabelled_paragraph_turns(tmp_path):
    text = "Första stycket,\nsom fortsätter.\n\nAndra stycket.\n"
    t = read_transcript(write(tmp_path, "p.txt", text))
    assert speakers_and_texts(t) == [(None, "Första stycket, som fortsätter."), (None, "Andra stycket.")]
    assert any("no speaker labels" in w for w in t.warnings)


def test_txt_without_labels_each_timestamped_line_is_a_turn(tmp_path):
    text = "[00:00:01] Hej.\n[00:00:04] Hej igen.\nfortsätter\n"
    t = read_transcript(write(tmp_path, "p.txt", text))
    assert [(turn.speaker, turn.text, turn.start) for turn in t.turns] == [
        (None, "Hej.", 1.0), (None, "Hej igen. fortsätter", 4.0)]


def test_txt_label_without_text_is_dropped_with_a_warning(tmp_path):
    t = read_transcript(write(tmp_path, "p.txt", "I: Hej.\nR:\nI: Är du där?\nR: Ja.\nI:\n"))
    assert [turn.speaker for turn in t.turns] == ["I", "I", "R"]
    assert t.warnings == ["2 speaker label(s) with no text after them (lines 2, 5)"]


# --- encodings ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1", "utf-8", "utf-8-sig", "utf-16"])
def test_txt_swedish_text_survives_every_encoding(tmp_path, encoding):
    path = write(tmp_path, "p.txt", f"I: Vad är viktigast?\r\nR: {SWEDISH}, och Åsa håller med.\r\n", encoding)
    t = read_transcript(path)
    assert t.turns[1].text == f"{SWEDISH}, och Åsa håller med."
    assert not any("\r" in turn.text or "\ufeff" in turn.text for turn in t.turns)
    assert t.turns[0].speaker == "I"


def test_txt_decomposed_letters_are_composed(tmp_path):
    decomposed = "R: förma\u030agan"  # å written as a + combining ring
    t = read_transcript(write(tmp_path, "p.txt", decomposed))
    assert t.turns[0].text == "förmågan"


# --- .docx --------------------------------------------------------------------------------------------


def make_docx(path: Path, build) -> Path:
    document = docx.Document()
    build(document)
    document.save(path)
    return path


def bold_paragraph(document, label: str, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(label).bold = True
    if text:
        paragraph.add_run(text)


def test_docx_plain_and_bold_labels_headings_headers_footers(tmp_path):
    def build(d):
        d.sections[0].header.paragraphs[0].text = "Konfidentiellt: sidhuvud"
        d.sections[0].footer.paragraphs[0].text = "Sida 1"
        d.add_heading("Intervju P04", level=1)
        d.add_paragraph("I: Hur började det?")
        bold_paragraph(d, "R:", " Med en e-tjänst.")
        bold_paragraph(d, "Intervjuare", " Och sedan?")
        bold_paragraph(d, "Respondent", " Sedan växte det.")
        bold_paragraph(d, "Intervjuare", " Tack.")
        d.add_paragraph("")
    t = read_transcript(make_docx(tmp_path / "p.docx", build))
    assert speakers_and_texts(t) == [("I", "Hur började det?"), ("R", "Med en e-tjänst."),
                                     ("Intervjuare", "Och sedan?"), ("Respondent", "Sedan växte det."),
                                     ("Intervjuare", "Tack.")]
    assert t.format == "docx" and t.encoding is None and t.warnings == []


def test_docx_a_single_bold_first_word_is_not_a_label(tmp_path):
    def build(d):
        d.add_paragraph("I: Var det bra?")
        d.add_paragraph("R: Ja.")
        bold_paragraph(d, "Absolut", " inte dåligt i alla fall.")
    t = read_transcript(make_docx(tmp_path / "p.docx", build))
    assert speakers_and_texts(t) == [("I", "Var det bra?"), ("R", "Ja.\nAbsolut inte dåligt i alla fall.")]


def test_docx_label_in_its_own_paragraph(tmp_path):
    def build(d):
        d.add_paragraph("Intervju med P04")  # title line in Normal style, before the first label
        d.add_paragraph("Intervjuare:")
        d.add_paragraph("Hur ser det ut?")
        bold_paragraph(d, "Respondent", "")
        d.add_paragraph("Det är svårt.")
        d.add_paragraph("Men det går.")
    t = read_transcript(make_docx(tmp_path / "p.docx", build))
    assert speakers_and_texts(t) == [("Intervjuare", "Hur ser det ut?"), ("Respondent", "Det är svårt.\nMen det går.")]
    assert [turn.line for turn in t.turns] == [2, 4]


@pytest.mark.parametrize("header", [True, False])
def test_docx_two_column_table(tmp_path, header):
    rows = [("Talare", "Text")] if header else []
    rows += [("Intervjuare", "Vad gör ni?"), ("Kerstin Holmberg:", SWEDISH), ("", "Och mer därtill.")]

    def build(d):
        d.add_table(rows=0, cols=2)  # an empty table
        table = d.add_table(rows=len(rows), cols=2)
        for row, (speaker, text) in zip(table.rows, rows):
            row.cells[0].text, row.cells[1].text = speaker, text
    t = read_transcript(make_docx(tmp_path / "p.docx", build))
    assert speakers_and_texts(t) == [("Intervjuare", "Vad gör ni?"),
                                     ("Kerstin Holmberg", f"{SWEDISH}\nOch mer därtill.")]


def test_docx_table_with_a_time_column(tmp_path):
    def build(d):
        table = d.add_table(rows=3, cols=3)
        rows = [("Tid", "Talare", "Text"), ("00:00:05", "I", "Hej."), ("00:01:10", "R", "Hej.")]
        for row, cells in zip(table.rows, rows):
            for cell, value in zip(row.cells, cells):
                cell.text = value
    t = read_transcript(make_docx(tmp_path / "p.docx", build))
    assert [(turn.speaker, turn.text, turn.start) for turn in t.turns] == [("I", "Hej.", 5.0), ("R", "Hej.", 70.0)]


def test_docx_without_labels_warns(tmp_path):
    t = read_transcript(make_docx(tmp_path / "p.docx", lambda d: [d.add_paragraph("Ett."), d.add_paragraph("Två.")]))
    assert speakers_and_texts(t) == [(None, "Ett."), (None, "Två.")]
    assert any("no speaker labels" in w for w in t.warnings)


def test_docx_with_only_a_heading_is_empty(tmp_path):
    path = make_docx(tmp_path / "p.docx", lambda d: d.add_heading("Intervju P04", level=1))
    with pytest.raises(InputError, match=r"p\.docx: contains no transcript text"):
        read_transcript(path)


@pytest.mark.parametrize("content, detail", [
    (b"I: Hej\nR: Hej\n", "is not a Word .docx file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "old .doc file"),
    (b"PK\x03\x04 not really a zip", "is not a Word .docx file"),
    ("xlsx", "is not a Word .docx file"),
])
def test_docx_that_is_not_a_word_file(tmp_path, content, detail):
    path = tmp_path / "renamed.docx"
    if content == "xlsx":  # an Excel workbook renamed .docx: a zip, but not a Word file
        openpyxl.Workbook().save(path)
    else:
        path.write_bytes(content)
    with pytest.raises(InputError, match=re.escape(detail)) as info:
        read_transcript(path)
    assert "renamed.docx" in str(info.value)


# --- WebVTT and SRT -------------------------------------------------------------------------------------

TEAMS = """WEBVTT

1a2b3c4d-0
00:00:03.120 --> 00:00:07.530
<v Anna Berg &amp; Co>Hej och välkommen,</v>

1a2b3c4d-1
00:00:07.530 --> 00:00:09.000
<v Anna Berg &amp; Co>vi börjar.</v>

5e6f7a8b-0
00:00:10.000 --> 00:01:02.250
<v Kerstin Holmberg>Tack &amp; hej.
Andra raden.</v>
"""

ZOOM = """WEBVTT

1
00:00:04.160 --> 00:00:15.370
Caleob King: Hello, everybody.

2
00:00:15.560 --> 00:00:18.550
These next weeks, so watch.

3
00:00:18.900 --> 00:00:22.630
Ana María Pérez: We are continuing.
"""

WHISPER = """WEBVTT

00:43.810 --> 00:47.850
Hello everyone and welcome.

00:48.350 --> 00:54.570
I'm here with Rick.

01:03:10.000 --> 01:03:12.500
Bye.
"""


def test_vtt_teams_voice_tags_entities_and_split_utterances(tmp_path):
    t = read_transcript(write(tmp_path, "teams.vtt", TEAMS))
    assert [(turn.speaker, turn.text, turn.start, turn.end, turn.line) for turn in t.turns] == [
        ("Anna Berg & Co", "Hej och välkommen,", 3.12, 7.53, 4),
        ("Anna Berg & Co", "vi börjar.", 7.53, 9.0, 8),
        ("Kerstin Holmberg", "Tack & hej. Andra raden.", 10.0, 62.25, 12)]
    assert t.format == "vtt" and t.warnings == []


def test_vtt_zoom_labels_in_cue_text_and_a_cue_without_one(tmp_path):
    t = read_transcript(write(tmp_path, "zoom.vtt", ZOOM))
    assert [(turn.speaker, turn.text) for turn in t.turns] == [
        ("Caleob King", "Hello, everybody."), (None, "These next weeks, so watch."),
        ("Ana María Pérez", "We are continuing.")]
    assert t.warnings == []  # the unlabelled cue follows a labelled one: it continues that speaker


def test_vtt_cues_before_the_first_label_are_warned_about(tmp_path):
    text = "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nrecording starts\n\n" \
           "2\n00:00:02.000 --> 00:00:04.000\nAnna Berg: Hello.\n"
    t = read_transcript(write(tmp_path, "zoom.vtt", text))
    assert t.warnings == ["1 cue(s) before the first speaker label cannot be attributed to a speaker"]


def test_vtt_cue_tags_are_removed_and_blank_looking_lines_separate_cues(tmp_path):
    text = ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<c.yellow>Anna:</c> Det var <i>viktigt</i>\n   \n"
            "00:00:03.000 --> 00:00:04.000\nBo: Ja <00:00:03.500>verkligen.\n")
    t = read_transcript(write(tmp_path, "tags.vtt", text))
    assert [(turn.speaker, turn.text, turn.line) for turn in t.turns] == [
        ("Anna", "Det var viktigt", 3), ("Bo", "Ja verkligen.", 6)]


def test_vtt_whisper_without_hours_and_labels(tmp_path):
    t = read_transcript(write(tmp_path, "whisper.vtt", WHISPER))
    assert [(turn.speaker, turn.start, turn.end) for turn in t.turns] == [
        (None, 43.81, 47.85), (None, 48.35, 54.57), (None, 3790.0, 3792.5)]
    assert any("no speaker labels" in w for w in t.warnings)


def test_srt_times_labels_and_tags(tmp_path):
    text = ("1\r\n00:00:43,810 --> 00:00:47,850\r\nAnna: Hej <i>alla</i>.\r\n\r\n"
            "2\r\n01:00:48,350 --> 01:00:54,570\r\nBo: Hej\r\npå dig.\r\n")
    t = read_transcript(write(tmp_path, "p.srt", text, "cp1252"))
    assert [(turn.speaker, turn.text, turn.start, turn.end, turn.line) for turn in t.turns] == [
        ("Anna", "Hej alla.", 43.81, 47.85, 2), ("Bo", "Hej på dig.", 3648.35, 3654.57, 6)]
    assert t.format == "srt" and t.encoding == "cp1252"


@pytest.mark.parametrize("name, text, where", [
    ("bad.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHej\n\n00:00:0x.000 --> 00:00:04.000\nHopp\n", "line 6"),
    ("bad.vtt", "WEBVTT\n\n00:00:01,000 --> 00:00:02,000\nHej\n", "line 3"),
    ("bad.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:62.000\nHej\n", "line 3"),
    ("bad.srt", "1\n00:00:01,000 --> 00:00:02,000\nHej\n\n2\n00:00:03 --> 00:00:04,000\nHopp\n", "line 6"),
    ("bad.srt", "1\n0:43,810 --> 0:47,850\nHej\n", "line 2"),
    ("bad.srt", "Rubrik\n\n1\n00:00:01,000 --> 00:00:02,000\nHej\n", "line 1"),
    ("bad.vtt", "1\n00:00:01.000 --> 00:00:02.000\nHej\n", "line 1"),
    ("bad.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHej\n00:00:03.000 --> 00:00:04.000\nHopp\n", "line 5"),
])
def test_malformed_subtitles_name_file_and_line(tmp_path, name, text, where):
    with pytest.raises(InputError) as info:
        read_transcript(write(tmp_path, name, text))
    assert str(info.value).startswith(str(tmp_path / name) + f", {where}:")


@pytest.mark.parametrize("name, text, problem", [
    ("header.vtt", "WEBVTT\n\n", "has no cues"),
    ("notes.vtt", "WEBVTT\n\nNOTE exported by Teams\n", "has no cues"),
    ("empty.srt", "", "is empty"),
    ("empty.vtt", "  \n", "is empty"),
    ("empty.txt", "", "is empty"),
    ("blank.txt", " \n\n\t\n", "is empty"),
    ("headers.txt", "# Transkript\n\n## Intervju P04\n", "contains no transcript text"),
])
def test_empty_transcripts(tmp_path, name, text, problem):
    with pytest.raises(InputError, match=re.escape(f"{name}: {problem}")):
        read_transcript(write(tmp_path, name, text))


# --- other bad input ------------------------------------------------------------------------------------


def test_missing_file_and_unsupported_type(tmp_path):
    with pytest.raises(InputError, match=r"missing\.txt: does not exist"):
        read_transcript(tmp_path / "missing.txt")
    with pytest.raises(InputError, match=r"missing\.docx: does not exist"):
        read_transcript(tmp_path / "missing.docx")
    with pytest.raises(InputError, match=r"p\.pdf: has an unsupported file type '\.pdf'.*\.docx"):
        read_transcript(write(tmp_path, "p.pdf", "I: hej"))


def test_binary_file_renamed_txt(tmp_path):
    path = tmp_path / "picture.txt"
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00\x5c\x72\xa8"
    path.write_bytes(png + bytes(range(256)) * 4)
    with pytest.raises(InputError, match=r"picture\.txt: .*binary|picture\.txt: .*not readable text"):
        read_transcript(path)


def test_extension_is_case_insensitive(tmp_path):
    assert read_transcript(write(tmp_path, "P01.TXT", "I: Hej.\nR: Hej.\n")).format == "txt"


# --- real transcripts (../shared/realdata) ---------------------------------------------------------------


def real(relative: str) -> Path:
    path = REALDATA / relative
    if not path.exists():
        pytest.skip(f"real transcripts not available: {path} is absent (see ../shared/README.md)")
    return path


LEADING_LABEL = re.compile(r"^(\[?[\w .'-]{1,40}\]?|Anf\. \d+ .{1,60}):\s")
LEADING_TIME = re.compile(r"^[\[(]?\d{1,2}:\d{2}")


def check_sensible(t: Transcript, n_speakers: int) -> None:
    """Distinct speakers, no label or timestamp left at the start of a text, times that increase."""
    assert len({turn.speaker for turn in t.turns}) == n_speakers
    for turn in t.turns:
        assert turn.text.strip() and not LEADING_LABEL.match(turn.text) and not LEADING_TIME.match(turn.text), turn
    starts = [turn.start for turn in t.turns if turn.start is not None]
    assert starts == sorted(starts)
    lines = [turn.line for turn in t.turns]
    assert lines == sorted(lines) and len(set(lines)) == len(lines)


def alternation(t: Transcript) -> float:
    """Share of turns whose speaker differs from the previous turn's."""
    changes = sum(a.speaker != b.speaker for a, b in zip(t.turns, t.turns[1:]))
    return changes / (len(t.turns) - 1)


@pytest.mark.parametrize("name, interviewer, guest", [
    ("hitsave_gigasword_otter.txt", "Jonas Rosland", "Jack Breen"),
    ("hitsave_qcubed_otter.txt", "Jonas Rosland", "Carolyn Lu"),
])
def test_real_otter_exports(name, interviewer, guest):
    t = read_transcript(real(f"hitsave/{name}"))
    counts = Counter(turn.speaker for turn in t.turns)
    assert counts[interviewer] > 20 and counts[guest] > 20
    assert set(counts) <= {interviewer, guest, "Unknown Speaker"}
    check_sensible(t, len(counts))
    assert alternation(t) > 0.9
    assert t.turns[0].speaker == interviewer and t.turns[0].start == 21.0 and t.turns[0].text.startswith("Hello")
    assert all(turn.start is not None for turn in t.turns)
    assert not any("otter.ai" in turn.text or "Interview took place" in turn.text for turn in t.turns)


@pytest.mark.parametrize("name", ["hitsave_goodboy_whisper.vtt", "hitsave_goodboy_whisper.srt"])
def test_real_whisper_subtitles(name):
    t = read_transcript(real(f"hitsave/{name}"))
    check_sensible(t, 1)
    assert t.turns[0].speaker is None and t.turns[0].start == pytest.approx(43.81)
    assert all(turn.end >= turn.start for turn in t.turns)
    assert any("no speaker labels" in w for w in t.warnings)


def test_real_whisper_vtt_and_srt_agree():
    vtt = read_transcript(real("hitsave/hitsave_goodboy_whisper.vtt"))
    srt = read_transcript(real("hitsave/hitsave_goodboy_whisper.srt"))
    assert [(a.text, a.start, a.end) for a in vtt.turns] == [(b.text, b.start, b.end) for b in srt.turns]


def test_real_zoom_vtt():
    t = read_transcript(real("plc_fishbowl/zoom_class_single_speaker.vtt"))
    check_sensible(t, 1)
    assert t.turns[0].speaker == "Caleob King" and t.turns[0].text.startswith("Hello, everybody")
    assert t.warnings == []


@pytest.mark.parametrize("number", range(1, 8))
def test_real_pdpilot_interviews(number):
    t = read_transcript(real(f"pdpilot/pdpilot_P{number}.txt"))
    counts = Counter(turn.speaker for turn in t.turns)
    assert counts["Dan"] > 40 and counts["Participant"] > 40
    assert set(counts) == {"Dan", "Participant"}
    check_sensible(t, len(counts))
    # P5 has the label misspelt once: read as the speaker it nearly spells, with a warning naming the line.
    assert alternation(t) > 0.9
    assert t.warnings == (["a label used once (line 201) is read as 'Participant', the speaker it nearly spells"]
                          if number == 5 else [])


def test_real_qualcoder_bracket_ids():
    t = read_transcript(real("qualcoder_examples/qualcoder_example_transcript_bracketids.txt"))
    assert [turn.speaker for turn in t.turns] == ["id1", "id2", "id3", "id1", "id3", "id1", "id2"]
    check_sensible(t, 3)


def test_real_qualcoder_single_speaker_docx():
    t = read_transcript(real("qualcoder_examples/qualcoder_example_ID1.docx"))
    assert len(t.turns) == 3 and {turn.speaker for turn in t.turns} == {None}
    assert t.turns[-1].text.endswith("€200.")
    assert any("no speaker labels" in w for w in t.warnings)


def test_real_riksdag_debate():
    t = read_transcript(real("riksdag_sv/riksdag_interpellationsdebatt_2015-16_112_digitalisering.txt"))
    assert [turn.speaker for turn in t.turns] == ["Statsrådet MEHMET KAPLAN (MP)", "ANETTE ÅKESSON (M)"] * 3 + [
        "Statsrådet MEHMET KAPLAN (MP)"]
    assert [turn.line for turn in t.turns] == [3, 24, 39, 64, 83, 96, 107]
    check_sensible(t, 2)
    assert t.turns[0].text.startswith("Herr talman! Anette Åkesson har ställt fyra frågor")
    assert "\n" in t.turns[0].text and not any("§ 11" in turn.text for turn in t.turns)


def test_txt_a_label_misspelt_once_is_the_speaker_it_nearly_spells(tmp_path):
    pairs = "".join(f"Intervjuare: Fråga {n}?\nRespondent: Svar {n}.\n" for n in range(5))
    t = read_transcript(write(tmp_path, "p.txt", pairs + "Repsondent: Ett sista svar.\nIntervjuare: Tack.\n"))
    assert [turn.speaker for turn in t.turns][-2:] == ["Respondent", "Intervjuare"]
    assert t.warnings == ["a label used once (line 11) is read as 'Respondent', the speaker it nearly spells"]


def test_txt_a_third_speaker_with_another_name_is_kept(tmp_path):
    pairs = "".join(f"Intervjuare: Fråga {n}?\nRespondent: Svar {n}.\n" for n in range(5))
    t = read_transcript(write(tmp_path, "p.txt", pairs + "Kollega: Får jag lägga till något?\n"))
    assert t.turns[-1].speaker == "Kollega" and t.warnings == []


def test_txt_short_replies_alone_on_a_line_are_not_speakers(tmp_path):
    text = ("How did you start?\n\nI started in 2015, when the municipality hired me to build the first services.\n\n"
            "Okay\n\nWhat was hardest?\n\nTrust. Many colleagues preferred paper for a long time.\n\nRight\n\n"
            "And today?\n\nToday most services are digital and people ask for more.\n\nOkay\n")
    t = read_transcript(write(tmp_path, "p.txt", text))
    assert t.layout == "paragraphs" and {turn.speaker for turn in t.turns} == {None}


def test_txt_words_that_open_two_answers_are_not_a_label_layout(tmp_path):
    text = ("Interview 9\n\nHow did you start?\n\nIn 2015.\n\nWhat were the main problems?\n\n"
            "Budget: we never had enough money for the projects we were asked to run.\n\nAnd the other problem?\n\n"
            "Staff: two people. Nobody applied.\n")
    t = read_transcript(write(tmp_path, "p.txt", text))
    assert t.layout == "paragraphs"  # the title "Interview 9" is no turn; "Budget:" opens an answer
    assert [turn.text.split(":")[0] for turn in t.turns] == ["How did you start?", "In 2015.",
                                                             "What were the main problems?", "Budget",
                                                             "And the other problem?", "Staff"]


def test_txt_q_and_a_codes_with_a_full_stop(tmp_path):
    t = read_transcript(write(tmp_path, "p.txt", "Q. What is your role?\nA. I plan roads.\nQ. Since when?\nA. 2012.\n"))
    assert t.layout == "colon"
    assert speakers_and_texts(t) == [("Q", "What is your role?"), ("A", "I plan roads."), ("Q", "Since when?"),
                                     ("A", "2012.")]


def test_txt_without_blank_lines_reads_each_whole_line_as_a_paragraph(tmp_path):
    text = "How did you start?\nIn 2015, with a shared procurement.\nWho decided?\nThe directors did, in their network.\n"
    t = read_transcript(write(tmp_path, "p.txt", text))
    assert [turn.text for turn in t.turns] == text.strip().split("\n")


def test_txt_a_header_that_reads_like_speech_is_warned_about(tmp_path):
    text = "Thanks for coming in today, I will record this.\nI: How did it start?\nR: With a procurement.\n"
    t = read_transcript(write(tmp_path, "p.txt", text))
    assert t.warnings == ["1 line(s) before the first speaker label (line 1) read like speech but are taken as a "
                          "header, not as a turn; check them"]


def test_txt_a_numbered_diarisation_label_used_once_is_a_speaker_of_its_own(tmp_path):
    pairs = "".join(f"Speaker 1: Fråga {n}?\nSpeaker 2: Svar {n}.\n" for n in range(4))
    t = read_transcript(write(tmp_path, "p.txt", pairs + "Speaker 3: Jag vill bara lägga till en sak.\n"))
    assert t.turns[-1].speaker == "Speaker 3" and t.warnings == []


@pytest.mark.parametrize("reply", ["Mm-hmm", "Uh-huh", "Perfect"])
def test_txt_one_recurring_reply_is_no_speaker_label(tmp_path, reply):
    text = (f"How did you start?\n\nWith a shared procurement of the platform in 2019.\n\n{reply}\n\n"
            f"What did you learn?\n\nThat the politicians must decide it, not only the directors.\n\n{reply}\n\n"
            "Would you do it again?\n\nYes, but with a decision in every council first.\n")
    t = read_transcript(write(tmp_path, "p.txt", text))
    assert t.layout == "paragraphs" and {turn.speaker for turn in t.turns} == {None}


def test_txt_descript_markdown_bold_labels(tmp_path):
    text = "**Ben Adeyemi:** How did it start?\n\n**Sara Holm:** With a procurement.\n\n**Ben Adeyemi:** And then?\n"
    t = read_transcript(write(tmp_path, "p.txt", text))
    assert [turn.speaker for turn in t.turns] == ["Ben Adeyemi", "Sara Holm", "Ben Adeyemi"]
    assert t.turns[1].text == "With a procurement."


def test_txt_teams_register_names_bilingual_codes_and_time_ranges(tmp_path):
    teams = "Lund, Eva   0:03\nHur började det?\n\nHolm, Kerstin   0:09\nMed en upphandling.\n\nLund, Eva   0:15\nOch sen?\n"
    t = read_transcript(write(tmp_path, "teams.txt", teams))
    assert [(turn.speaker, turn.start) for turn in t.turns] == [("Lund, Eva", 3.0), ("Holm, Kerstin", 9.0),
                                                                ("Lund, Eva", 15.0)]
    bilingual = "Intervjuare/Interviewer: Hur började det?\nRespondent: Med en upphandling.\n"
    assert [turn.speaker for turn in read_transcript(write(tmp_path, "b.txt", bilingual)).turns] == [
        "Intervjuare/Interviewer", "Respondent"]
    ranges = ("ANNA KOWALSKI [00:00:10 - 00:00:32]\nHow did it start?\n\nBO EK [00:00:33 - 00:01:02]\nWith a plan.\n\n"
              "ANNA KOWALSKI [00:01:03 - 00:01:10]\nAnd then?\n")
    t = read_transcript(write(tmp_path, "r.txt", ranges))
    assert t.layout == "label-line" and [(turn.speaker, turn.text, turn.start) for turn in t.turns][:2] == [
        ("ANNA KOWALSKI", "How did it start?", 10.0), ("BO EK", "With a plan.", 33.0)]
