"""Speaker roles (stage 01): interviewer matching, inference with a confidence, the layout column."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.core.errors import InputError
from helpers.interviews.roles import CONFIDENT, attribute, infer_alternation, matching_labels, name_key
from helpers.interviews.segments import CleaningRules
from helpers.interviews.transcripts import Transcript, Turn

RULES = CleaningRules.load()
QUESTIONS = ["How did the collaboration start?", "And who decided that?", "What happened then?",
             "How is it organised today?"]
ANSWERS = ["It started with a shared procurement of an e-service platform, because none of us could afford the "
           "licences alone and the IT function was already shared between the six of us.",
           "The municipal directors did, in their own network, but it was never anchored politically and we paid "
           "for that later when the budget discussions came round.",
           "The politicians asked why they were paying for something they had never decided on, and it took two "
           "years of meetings to repair that trust between the councils.",
           "There is a steering group now, with one director from each member and the head of the IT function, "
           "and it reports to the councils twice a year."]


def _attribute(turns: list[Turn], read_as: str = "paragraphs", **participant) -> object:
    """Roles of ``turns`` read in layout ``read_as``; ``participant`` holds the participants-file columns."""
    transcript = Transcript(Path("P01.docx"), "docx", None, turns, layout=read_as)
    return attribute(transcript, {"participant_id": "P01", **participant}, RULES.interviewer_labels,
                     RULES.respondent_labels)


@pytest.mark.parametrize("label, given", [
    ("Lina Björk (HIS)", "Lina Björk"),  # Zoom adds the organisation in parentheses
    ("FIRSTNAME LASTNAME (M)", "Firstname Lastname"),  # Riksdag: capitals and party
    ("Statsrådet MEHMET KAPLAN (MP)", "Mehmet Kaplan"),  # a title in front
    ("Åsa Öhman", "Asa Ohman"),  # accents stripped in the participants file
    ("A\u030asa \u00d6hman", "Åsa Öhman"),  # decomposed letters from Word
    ("Mi\u00adkael Sand\u00adström", "Mikael Sandström"),  # soft hyphens
    ("  Lina   Björk  ", "lina björk"),
    ("Anf. 116 LINA BJÖRK (S)", "Lina Björk"),
])
def test_interviewer_names_match_labels_by_normalised_name(label, given):
    assert matching_labels([label, "Kerstin Holm"], [given]) == [label]


def test_one_word_names_match_the_one_label_holding_them():
    assert matching_labels(["Lina Björk", "Kerstin Holm"], ["Lina"]) == ["Lina Björk"]
    assert matching_labels(["Lina Björk", "Kerstin Holm"], ["björk"]) == ["Lina Björk"]
    assert matching_labels(["Lina Björk", "Lina Berg"], ["Lina"]) == []  # two Linas: no guess
    assert matching_labels(["Lina Björk", "I"], ["i"]) == ["I"]
    assert matching_labels(["Lina Björk", "Kerstin Holm"], ["Björk, Lina"]) == ["Lina Björk"]
    assert matching_labels(["Anna Bergström"], ["Anna Berg"]) == []
    assert name_key("Unknown Speaker") == "unknown speaker"


def test_subtitle_cues_cannot_be_stated_to_alternate():
    transcript = Transcript(Path("P01.vtt"), "vtt", "utf-8", [Turn(None, "Hello.", 0.0, 1.0)] * 3, layout="cues")
    with pytest.raises(InputError, match="cues break sentences"):
        attribute(transcript, {"participant_id": "P01", "layout": "alternating-interviewer-first"},
                  RULES.interviewer_labels, RULES.respondent_labels)


def test_interviewer_column_match_is_recorded_and_a_miss_is_a_warning():
    turns = [Turn("Lina Björk (HIS)", "Hur började det?"), Turn("Kerstin Holm", "Med en upphandling.")]
    result = _attribute(turns, "cue-label", interviewer="Lina Björk")
    assert result.roles == ["interviewer", "respondent"] and result.matched == ["Lina Björk (HIS)"]
    result = _attribute(turns, "cue-label", interviewer="Erik Dahl")
    assert "matches no speaker label" in result.notes[0] and result.matched == []


def test_alternating_questions_and_answers_are_inferred_with_confidence():
    turns = [Turn(None, t) for pair in zip(QUESTIONS, ANSWERS) for t in pair]
    roles, confidence = infer_alternation(turns)
    assert roles == ["interviewer", "respondent"] * 4 and confidence >= 0.8


def test_an_answer_over_two_paragraphs_is_one_turn():
    turns = [Turn(None, QUESTIONS[0]), Turn(None, ANSWERS[0]), Turn(None, ANSWERS[1]), Turn(None, QUESTIONS[1]),
             Turn(None, ANSWERS[2]), Turn(None, QUESTIONS[2]), Turn(None, ANSWERS[3])]
    result = _attribute(turns)
    assert result.roles == ["interviewer", "respondent", "interviewer", "respondent", "interviewer", "respondent"]
    assert result.turns[1].text == ANSWERS[0] + "\n" + ANSWERS[1] and result.confident


def test_paragraphs_without_questions_are_nobodys():
    turns = [Turn(None, answer) for answer in ANSWERS]
    result = _attribute(turns)
    assert set(result.roles) == {"unknown"} and result.confidence < CONFIDENT
    assert "roles uncertain" in result.notes[-1]


@pytest.mark.parametrize("layout, first", [("alternating-interviewer-first", "interviewer"),
                                           ("alternating-respondent-first", "respondent")])
def test_the_layout_column_settles_the_roles(layout, first):
    turns = [Turn(None, answer) for answer in ANSWERS]
    result = _attribute(turns, layout=layout)  # the participants file's layout column
    other = "respondent" if first == "interviewer" else "interviewer"
    assert result.roles == [first, other, first, other] and result.confidence == 1.0
    assert result.how == f"layout column: {layout}"


def test_labelled_layout_without_labels_is_an_error():
    with pytest.raises(InputError, match="no speaker labels were found"):
        _attribute([Turn(None, ANSWERS[0])], layout="labelled")


def test_a_header_before_the_first_label_stays_unlabelled_when_roles_are_uncertain():
    turns = [Turn(None, "Intervju i februari."), Turn("A B", "Vad tänker du om det här och hur ser det ut hos er?"),
             Turn("C D", "Bra."), Turn("A B", "Och hur har ni organiserat arbetet med digitaliseringen?"),
             Turn("C D", "Vet inte.")]
    result = _attribute(turns, "colon")
    assert result.roles == ["unlabelled", "unknown", "unknown", "unknown", "unknown"]


def test_rhetorical_questions_in_answers_and_prompts_without_question_marks():
    turns = [Turn(None, "Tell me about how you started."), Turn(None, ANSWERS[0] + " Who would have thought it?"),
             Turn(None, "Please describe the hardest part."), Turn(None, ANSWERS[1] + " Why change what works?"),
             Turn(None, "What about today?"), Turn(None, ANSWERS[2]), Turn(None, "And the future?"),
             Turn(None, "Honestly? " + ANSWERS[3])]
    roles, confidence = infer_alternation(turns)
    assert roles == ["interviewer", "respondent"] * 4 and confidence >= CONFIDENT


def test_a_short_answer_and_a_bare_okay_do_not_break_the_alternation():
    turns = [Turn(None, QUESTIONS[0]), Turn(None, "In 2015."), Turn(None, QUESTIONS[1]), Turn(None, ANSWERS[1]),
             Turn(None, "Okay"), Turn(None, QUESTIONS[2]), Turn(None, ANSWERS[2])]
    roles, confidence = infer_alternation(turns)
    assert roles[:4] == ["interviewer", "respondent", "interviewer", "respondent"] and roles[5:] == [
        "interviewer", "respondent"]
    assert confidence >= CONFIDENT


def test_a_paragraph_whose_speaker_is_unclear_is_left_out_and_said():
    turns = [Turn(None, QUESTIONS[0], line=1), Turn(None, ANSWERS[0], line=2),
             Turn(None, "The second year we basically ran it on goodwill. A colleague in revenues tested "
                        "everything herself.", line=3),
             Turn(None, "Tell me about the relationship with the shared service.", line=4),
             Turn(None, ANSWERS[1], line=5), Turn(None, QUESTIONS[1], line=6), Turn(None, ANSWERS[2], line=7)]
    result = _attribute(turns)
    assert result.confident and result.roles[2] == "unknown" and "respondent" in result.roles
    assert result.notes == ["1 paragraph(s) whose speaker is unclear (line 3) are left out of coding and quotes"]


def test_a_stated_alternation_that_contradicts_the_text_is_not_trusted():
    # An answer over two paragraphs: strict alternation flips every turn after it.
    turns = [Turn(None, QUESTIONS[0], line=1), Turn(None, ANSWERS[0], line=2), Turn(None, ANSWERS[1], line=3),
             Turn(None, QUESTIONS[1], line=4), Turn(None, ANSWERS[2], line=5), Turn(None, QUESTIONS[2], line=6),
             Turn(None, ANSWERS[3], line=7)]
    result = _attribute(turns, layout="alternating-interviewer-first")
    assert not result.confident and set(result.roles) == {"unknown"}
    assert "contradicts the text at line 4, 5, 6, 7" in result.notes[0]  # from the question read as an answer


def test_check_finds_a_stated_alternation_on_unlabelled_cues_before_any_notebook_runs(sample_copy):
    from helpers.runner.validate import check_study

    (sample_copy / "interviews" / "P02.vtt").write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nHur började det?\n\n00:00:03.500 --> 00:00:09.000\n"
        "Med en gemensam upphandling.\n", encoding="utf-8")
    participants = sample_copy / "participants.csv"
    rows = participants.read_text(encoding="utf-8-sig").splitlines()
    rows[0] += ";layout"
    rows = [rows[0]] + [row + (";alternating-interviewer-first" if row.startswith("P02;") else ";") for row in rows[1:]]
    participants.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="cues break sentences") as error:
        check_study(sample_copy)
    assert error.value.path.name == "P02.vtt" and "respondent-only" in str(error.value)


def _labelled(pairs: list[tuple[str, str]], **participant) -> object:
    return _attribute([Turn(label, text) for label, text in pairs], "colon", **participant)


def test_a_moderator_code_makes_every_other_speaker_a_respondent():
    pairs = [("Moderator", "What is hardest?"), ("P1", ANSWERS[0]), ("P2", ANSWERS[1]), ("P3", "I agree."),
             ("Moderator", "And today?"), ("P4", ANSWERS[2])]
    result = _labelled(pairs)
    assert result.roles == ["interviewer"] + ["respondent"] * 3 + ["interviewer", "respondent"] and result.confident


def test_a_focus_group_of_names_without_an_interviewer_column_is_uncertain():
    pairs = [("Anna Berg", "What is hardest?"), ("Bo Ek", ANSWERS[0]), ("Cecilia Ström", ANSWERS[1]),
             ("Anna Berg", "And today?"), ("Bo Ek", ANSWERS[2]), ("Cecilia Ström", ANSWERS[3])]
    assert not _labelled(pairs).confident
    assert _labelled(pairs, interviewer="Anna Berg").roles == ["interviewer", "respondent", "respondent"] * 2


def test_codes_that_the_questions_contradict_are_not_trusted():
    # R written for "Researcher", P for "Participant": by the codes R would be the respondent.
    pairs = [("R", QUESTIONS[0]), ("P", ANSWERS[0]), ("R", QUESTIONS[1]), ("P", ANSWERS[1])]
    result = _labelled(pairs)
    assert not result.confident and "but the respondent asks 100% questions" in result.notes[0]


def test_numbered_codes_keep_their_role():
    pairs = [("Q1", QUESTIONS[0]), ("A1", ANSWERS[0]), ("Q2", QUESTIONS[1]), ("A2", ANSWERS[1])]
    assert _labelled(pairs).roles == ["interviewer", "respondent"] * 2


def test_a_one_word_interviewer_name_does_not_beat_an_interviewer_code():
    pairs = [("Interviewer", QUESTIONS[0]), ("Maria Svensson", ANSWERS[0]), ("Interviewer", QUESTIONS[1]),
             ("Maria Svensson", ANSWERS[1])]
    assert _labelled(pairs, interviewer="Maria").roles == ["interviewer", "respondent"] * 2


def test_questions_hidden_inside_the_only_speakers_turns_make_roles_uncertain():
    pairs = [("Anna Lind", "\n".join([ANSWERS[0], QUESTIONS[1], ANSWERS[1], QUESTIONS[2], ANSWERS[2]]))]
    result = _labelled(pairs, name="Anna Lind")
    assert not result.confident and "the interviewer's turns may have no labels" in result.notes[0]


def test_a_bilingual_code_keeps_its_role():
    pairs = [("Intervjuare/Interviewer", QUESTIONS[0]), ("Anna Lind", ANSWERS[0]),
             ("Intervjuare/Interviewer", QUESTIONS[1]), ("Anna Lind", ANSWERS[1])]
    assert _labelled(pairs).roles == ["interviewer", "respondent"] * 2
