"""Specification tests: transcripts in the layouts real tools and people produce, read turn by turn.

For every fixture in :mod:`layout_fixtures` (fictional interviews in English and Swedish) the reader must
give the expected speakers in order (checked by the first three words of each turn) and name the layout it
detected; the cleaning stage must give each turn the expected role, say how it decided and how sure it is,
and write a document in which every segment can be found at its offsets. A second line of defence reads the
real public transcripts in ``../shared/realdata`` (skipped when that folder is absent).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from helpers.interviews.pseudonymise import label_name
from helpers.interviews.segments import CleaningRules, build_segments
from helpers.interviews.transcripts import Transcript, read_transcript

from conftest import SHARED
from layout_fixtures import BY_ID, CASES, LAYOUT_COLUMN_CASES, PID, Case, I, R, U, colon_pair, role_runs


def without_tag(label: str) -> str:
    """The matched label as the quality table shows it: its name, without a "(tag)" (maybe initials) or title."""
    return label_name(label)

RULES = CleaningRules.load()
REALDATA = SHARED / "realdata"
ROLE_CASES = CASES + LAYOUT_COLUMN_CASES


def params(cases) -> list:
    return [pytest.param(case, id=case.id) for case in cases]


def first_words(text: str, n: int = 3) -> str:
    return " ".join(text.split()[:n])


def segment(transcript: Transcript, participant: dict, max_words: int = 150):
    return build_segments(transcript, participant, lambda s: s, RULES, max_words)


def segment_case(case: Case, folder: Path, max_words: int = 150):
    return segment(read_transcript(case.build(folder)), case.participant(), max_words)


# --- reading: speakers turn by turn, and the layout ------------------------------------------------------


@pytest.mark.parametrize("case", params(CASES))
def test_turns_speaker_and_first_words(case, tmp_path):
    transcript = read_transcript(case.build(tmp_path))
    assert [(turn.speaker, first_words(turn.text)) for turn in transcript.turns] == [
        (speaker, words) for speaker, words, _ in case.turns]


@pytest.mark.parametrize("case", params(CASES))
def test_layout_is_detected(case, tmp_path):
    assert read_transcript(case.build(tmp_path)).layout == case.layout


@pytest.mark.parametrize("case", params([c for c in CASES if c.starts or c.inside or c.nowhere]))
def test_turn_times_text_kept_and_titles_dropped(case, tmp_path):
    """Times next to a label start the turn; marks, sentence colons and inline times stay in the text;
    title, date, heading and end lines are in no turn."""
    turns = read_transcript(case.build(tmp_path)).turns
    assert len(turns) == len(case.turns)
    if case.starts:
        assert [turn.start for turn in turns] == pytest.approx(list(case.starts))
    for index, text in case.inside:
        assert text in turns[index].text
    for text in case.nowhere:
        assert [turn.text for turn in turns if text in turn.text] == []


# --- roles: turn by turn, how they were decided, how sure ---------------------------------------------------


@pytest.mark.parametrize("case", params(ROLE_CASES))
def test_roles_turn_by_turn(case, tmp_path):
    """The roles in turn order, and every turn's text in the segments in the file's order."""
    segments, _, _ = segment_case(case, tmp_path)
    texts = list(segments["text"])
    assert role_runs([(role, first_words(text)) for role, text in zip(segments["speaker_role"], texts)]) == \
        case.expected_runs()
    joined, position = " ".join(" ".join(texts).split()).lower(), 0
    for _, words, _ in case.turns:
        position = joined.find(words.lower(), position)
        assert position >= 0, f"{words!r} is missing from the segments or out of order"


@pytest.mark.parametrize("case", params(ROLE_CASES))
def test_role_source_and_pseudonymous_speaker(case, tmp_path):
    segments, _, _ = segment_case(case, tmp_path)
    assert {source for source in segments["role_source"] if not str(source).startswith(case.role_source)} == set()
    assert set(segments.loc[segments["speaker_role"] == I, "speaker"]) <= {"Interviewer"}
    assert set(segments.loc[segments["speaker_role"] == R, "speaker"]) <= {PID}


@pytest.mark.parametrize("case", params(ROLE_CASES))
def test_role_confidence(case, tmp_path):
    confidence = segment_case(case, tmp_path)[0]["role_confidence"]
    assert confidence.between(0.0, 1.0).all()
    if case.role_source == ("layout column",):
        assert (confidence == 1.0).all()
    elif not case.confident:  # docs/data.md: below 0.6 the roles are uncertain
        assert (confidence < 0.6).all()
    elif not case.labelled:  # confidently inferred from questions, length and alternation
        assert (confidence >= 0.6).all()


@pytest.mark.parametrize("case", params(ROLE_CASES))
def test_quality_names_layout_interviewer_match_and_confidence(case, tmp_path):
    _, _, quality = segment_case(case, tmp_path)
    keys = ("layout", "interviewer_match", "roles_confident")
    assert {key: quality.get(key) for key in keys} == {
        "layout": case.layout, "interviewer_match": without_tag(case.interviewer_match),
        "roles_confident": case.confident}
    assert ("roles uncertain" in quality["warnings"]) == (not case.confident)


@pytest.mark.parametrize("case", params([c for c in ROLE_CASES if not c.confident]))
def test_uncertain_roles_make_nobody_the_respondent(case, tmp_path):
    segments, _, quality = segment_case(case, tmp_path)
    assert set(segments["speaker_role"]) == {U}
    assert quality["respondent_share"] == 0


@pytest.mark.parametrize("case", params([c for c in CASES if c.labelled]))
def test_layout_column_labelled_changes_nothing_in_a_labelled_file(case, tmp_path):
    columns = ["speaker", "speaker_role", "text"]
    plain = segment_case(case, tmp_path)[0][columns]
    assert segment_case(replace(case, participant_layout="labelled"), tmp_path)[0][columns].equals(plain)


@pytest.mark.parametrize("label, column, matched", [
    ("Åsa Öhman", "Asa Ohman", "Åsa Öhman"),
    ("ÅSA ÖHMAN", "åsa öhman", "ÅSA ÖHMAN"),
    ("Lina Berg", "  lina   Berg ", "Lina Berg"),
    ("Elin Strand (HK)", "Elin Strand", "Elin Strand (HK)"),
    ("Anf. 116 KARIN ÖSTLUND (M)", "Karin Östlund", "KARIN ÖSTLUND (M)"),
    ("Statsrådet PER ALMGREN (S)", "Per Almgren", "Statsrådet PER ALMGREN (S)"),
    ("Dr. Maja Lind", "Maja Lind", "Dr. Maja Lind"),
    ("Anna Berg", "Anna Bergström", ""),
    ("Hanna Berg", "Anna Berg", ""),
    ("Anna-Karin Öberg", "Karin Öberg", ""),
])
def test_interviewer_column_matches_labels_by_normalised_name(tmp_path, label, column, matched):
    path = tmp_path / "p.txt"
    colon_pair(path, label, "Omar Haddad")
    participant = {"participant_id": PID, "interviewer": column, "name": "", "language": "en", "layout": ""}
    segments, _, quality = segment(read_transcript(path), participant)
    assert quality["interviewer_match"] == without_tag(matched)
    if matched:
        assert list(segments["speaker_role"]) == [I, R, I, R]
        assert all(source.startswith("interviewer column") for source in segments["role_source"])


# --- the document: one label per turn, every segment at its offsets ----------------------------------------


@pytest.mark.parametrize("case", params(ROLE_CASES))
def test_document_has_one_label_per_turn_and_segments_at_their_offsets(case, tmp_path):
    segments, document, _ = segment_case(case, tmp_path, max_words=12)
    assert [document[a:b] for a, b in zip(segments["char_start"], segments["char_end"])] == list(segments["text"])
    speakers = segments["speaker"].astype(str)
    new_turn = (speakers != speakers.shift()) | (segments["source_line"] != segments["source_line"].shift())
    labels = "|".join(re.escape(label) for label in set(speakers))
    assert len(re.findall(rf"(?m)^(?:{labels}): ", document)) == int(new_turn.sum())
    labelled_here = [document[:start].endswith(f"{speaker}: ")
                     for speaker, start in zip(speakers, segments["char_start"])]
    assert labelled_here == list(new_turn)


def test_a_long_answer_split_in_pieces_keeps_one_label(tmp_path):
    case = BY_ID["label_line_docx_plain_paragraphs"]
    segments, document, _ = segment_case(case, tmp_path, max_words=12)
    assert (segments["speaker_role"] == R).sum() > 3  # the answers were split
    assert len(re.findall(rf"(?m)^{PID}: ", document)) == 3


# --- real transcripts (../shared/realdata), second line of defence ------------------------------------------


def real(relative: str) -> Path:
    path = REALDATA / relative
    if not path.exists():
        pytest.skip(f"real transcripts not available: {path} is absent (see ../shared/README.md)")
    return path


RIKSDAG = "riksdag_sv/riksdag_interpellationsdebatt_2015-16_112_digitalisering.txt"
QUALCODER_DOCX = "qualcoder_examples/qualcoder_example_ID1.docx"
PDPILOT_FIRST_WORDS = ["Okay. So now", "Okay. So now", "Okay. Now I'll", "Um, so the", "So the first", "Okay, so now",
                       "Okay. So now"]
REAL_FILES = [
    ("hitsave/hitsave_gigasword_otter.txt", "label-line", ("Jonas Rosland", "Jack Breen"), "Hello everyone and"),
    ("hitsave/hitsave_qcubed_otter.txt", "label-line", ("Jonas Rosland", "Carolyn Lu"), "Hello everyone and"),
    ("hitsave/hitsave_goodboy_whisper.vtt", "cues", (None, None), "Hello everyone and"),
    ("hitsave/hitsave_goodboy_whisper.srt", "cues", (None, None), "Hello everyone and"),
    *((f"pdpilot/pdpilot_P{n}.txt", "colon", ("Dan", "Participant"), words)
      for n, words in enumerate(PDPILOT_FIRST_WORDS, start=1)),
    ("plc_fishbowl/zoom_class_single_speaker.vtt", "cue-label", ("Caleob King", "Caleob King"), "Hello, everybody, I"),
    ("qualcoder_examples/qualcoder_example_transcript_bracketids.txt", "bracket", ("id1", "id2"), "hello, I like"),
    (QUALCODER_DOCX, "paragraphs", (None, None), "I really like"),
    (RIKSDAG, "label-line", ("Statsrådet MEHMET KAPLAN (MP)", "ANETTE ÅKESSON (M)"), "Herr talman! Anette"),
]


REAL_IDS = [relative.split("/")[1] for relative, *_ in REAL_FILES]


@pytest.mark.parametrize("relative, layout, speakers, words", REAL_FILES, ids=REAL_IDS)
def test_real_first_two_speakers(relative, layout, speakers, words):
    turns = read_transcript(real(relative)).turns
    assert (tuple(turn.speaker for turn in turns[:2]), first_words(turns[0].text)) == (speakers, words)


@pytest.mark.parametrize("relative, layout, speakers, words", REAL_FILES, ids=REAL_IDS)
def test_real_layout(relative, layout, speakers, words):
    assert read_transcript(real(relative)).layout == layout


def test_real_otter_keeps_unknown_speaker_as_its_own_label():
    turns = read_transcript(real("hitsave/hitsave_gigasword_otter.txt")).turns
    assert {turn.speaker for turn in turns} == {"Jonas Rosland", "Jack Breen", "Unknown Speaker"}
    assert [first_words(turn.text) for turn in turns if turn.speaker == "Unknown Speaker"] == ["I know, I"]


# (file, interviewer column, layout column, interviewer_match, runs of roles (... : and more), confident)
REAL_ROLES = [
    ("hitsave/hitsave_gigasword_otter.txt", "Jonas Rosland", "", "Jonas Rosland", [I, R, I, R, ...], True),
    ("pdpilot/pdpilot_P1.txt", "Dan", "", "Dan", [I, R, I, R, I, R, ...], True),
    (RIKSDAG, "Anette Åkesson", "", "ANETTE ÅKESSON (M)", [R, I, R, I, R, I, R], True),
    ("hitsave/hitsave_goodboy_whisper.vtt", "", "", "", [U], False),
    ("hitsave/hitsave_goodboy_whisper.srt", "", "", "", [U], False),
    (QUALCODER_DOCX, "", "", "", [U], False),
    (QUALCODER_DOCX, "", "respondent-only", "", [R], True),
]


@pytest.mark.parametrize("relative, interviewer, layout, match, roles, confident", REAL_ROLES,
                         ids=[f"{f[0].split('/')[1]}-{f[2] or 'no layout column'}" for f in REAL_ROLES])
def test_real_roles(relative, interviewer, layout, match, roles, confident):
    participant = {"participant_id": PID, "interviewer": interviewer, "name": "", "layout": layout,
                   "language": "sv" if relative == RIKSDAG else "en"}
    segments, _, quality = segment(read_transcript(real(relative)), participant)
    runs = [role for role, _ in role_runs([(role, "") for role in segments["speaker_role"]])]
    assert (runs[:len(roles) - 1] + [...] if roles[-1] is ... else runs) == roles
    assert (quality.get("interviewer_match"), quality.get("roles_confident")) == (without_tag(match), confident)
    if not confident:
        assert R not in set(segments["speaker_role"]) and "roles uncertain" in quality["warnings"]
