"""Cleaning and segmenting speaker turns (stage 01)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.interviews.roles import assign_roles, merge_turns
from helpers.interviews.segments import (
    CleaningRules,
    attribute_study,
    build_segments,
    clean_text,
    quality_warnings,
    segment_study,
    speaker_replacements,
    split_long,
)
from helpers.interviews.transcripts import Transcript, Turn

RULES = CleaningRules.load()


def _transcript(turns: list[Turn], fmt: str = "txt", layout: str = "colon") -> Transcript:
    return Transcript(path=Path("P01.txt"), format=fmt, encoding="utf-8", turns=turns, layout=layout)


def test_clean_removes_timestamps_marks_and_fillers_only():
    raw = "[00:12:31] Eh, vi har liksom [skratt] ett mål (paus) och, ehm, en plan [ohörbart 00:13:02]. Mm."
    assert clean_text(raw, RULES, "sv") == "Vi har liksom ett mål och, en plan."


def test_sentence_that_began_with_a_filler_starts_capitalised():
    assert clean_text("Ja. Eh, jag är kommundirektör. Och, ehm, vi har en plan.", RULES, "sv") == \
        "Ja. Jag är kommundirektör. Och, vi har en plan."


def test_clean_keeps_words_that_contain_fillers():
    assert clean_text("Ehrenborg och hemma hos mamma", RULES, "sv") == "Ehrenborg och hemma hos mamma"


def test_clean_english_fillers_and_marks():
    assert clean_text("Um, we did it [laughs] (12:31) uh twice", RULES, "en") == "We did it twice"


def test_split_long_at_sentences_never_mid_sentence():
    text = "Ett två tre fyra. Fem sex sju åtta. Nio tio elva tolv."
    pieces = split_long(text, 8)
    assert pieces == ["Ett två tre fyra. Fem sex sju åtta.", "Nio tio elva tolv."]
    assert split_long("Ett två tre fyra fem sex.", 3) == ["Ett två tre fyra fem sex."]


def test_split_long_prefers_paragraphs():
    text = "Första stycket har fem ord.\nAndra stycket har också fem."
    assert split_long(text, 6) == ["Första stycket har fem ord.", "Andra stycket har också fem."]


def test_merge_consecutive_same_speaker_and_unlabelled_continuations():
    turns = [Turn("Lina", "Hej och", 1.0, 2.0), Turn("Lina", "välkommen.", 2.0, 3.0),
             Turn("Kerstin", "Tack.", 3.5, 4.0), Turn(None, "Det går bra.", 4.0, 5.0)]
    merged = merge_turns(turns)
    assert [(t.speaker, t.text, t.start, t.end) for t in merged] == [
        ("Lina", "Hej och välkommen.", 1.0, 3.0), ("Kerstin", "Tack. Det går bra.", 3.5, 5.0)]


def _roles(turns: list[Turn], interviewer: list[str], name: str):
    result = assign_roles(turns, interviewer, name, RULES.interviewer_labels, RULES.respondent_labels)
    return dict(zip((t.speaker for t in result.turns), result.roles)), result.how, result.confidence


def test_roles_from_interviewer_column_then_labels_then_inference():
    turns = [Turn("Lina Björk", "Hur ser du på det?"), Turn("Kerstin", "Ja, alltså, det är så att vi har ...")]
    roles, how, confidence = _roles(turns, ["Lina Björk"], "Kerstin Holmberg")
    assert roles == {"Lina Björk": "interviewer", "Kerstin": "respondent"} and how == "interviewer column"
    assert confidence == 1.0
    roles, how, _ = _roles([Turn("I", "Fråga?"), Turn("R", "Svar.")], [], "")
    assert roles == {"I": "interviewer", "R": "respondent"} and how == "speaker label"
    turns = [Turn("A B", "Kort fråga?"), Turn("C D", "Ett mycket längre svar med många ord i sig.")]
    roles, how, confidence = _roles(turns, [], "")
    assert roles == {"A B": "interviewer", "C D": "respondent"} and how.startswith("inferred")
    assert confidence == 0.85  # says most, asks less, the other asks


def test_inferred_roles_against_the_evidence_are_not_confident():
    # The speaker with most words asks every question: "most words answers" is not to be trusted.
    turns = [Turn("A B", "Vad tänker du om det här, och hur ser det ut i er kommun just nu?"), Turn("C D", "Bra."),
             Turn("A B", "Och hur har ni organiserat arbetet med digitaliseringen de senaste åren?"),
             Turn("C D", "Vet inte.")]
    _, _, confidence = _roles(turns, [], "")
    assert confidence < 0.6


def test_build_segments_ids_offsets_and_pseudonymised_labels():
    turns = [Turn("Lina Björk", "Hej Kerstin, berätta om [skratt] din roll?", 0.0, 4.0, 1),
             Turn("Kerstin Holmberg", "Eh, jag är kommundirektör. Jag leder förvaltningen.", 4.5, 9.0, 3)]
    participant = {"participant_id": "P01", "interviewer": "Lina Björk", "name": "Kerstin Holmberg",
                   "language": "sv", "duration_min": None}
    segs, doc, quality = build_segments(_transcript(turns), participant, lambda t: t.replace("Kerstin", "P01"),
                                        RULES, max_words=4)
    assert list(segs["segment_id"]) == ["P01-001", "P01-002", "P01-003"]
    assert list(segs["speaker"]) == ["Interviewer", "P01", "P01"]
    assert segs.loc[0, "text"] == "Hej P01, berätta om din roll?"
    assert "[skratt]" in segs.loc[0, "raw_text"]
    for rec in segs.to_dict("records"):
        assert doc[rec["char_start"]:rec["char_end"]] == rec["text"]
    assert doc.startswith("Interviewer: Hej P01")
    assert "Kerstin" not in doc
    assert quality["respondent_share"] == 0.5  # six words each
    assert quality["duration_min"] == round(9.0 / 60, 1)  # from the last end time


def test_segment_study_joins_metadata_and_counts_words():
    participants = pd.DataFrame([{"participant_id": "P01", "organisation": "Älvby kommun", "role": "IT-chef",
                                  "interview_date": "2026-02-03", "duration_min": 40.0, "language": "sv",
                                  "interviewer": "I", "name": "", "transcript_path": "x.txt"}])
    turns = [Turn("I", "Vad är svårast?"), Turn("R", "Styrningen och mandatet, helt klart.")]
    result = segment_study(participants, {"P01": _transcript(turns)}, lambda t: t, RULES)
    assert set(result.segments["organisation"]) == {"Älvby kommun"}
    assert result.participants.loc[0, "n_words"] == 8
    assert result.participants.loc[0, "respondent_words"] == 5
    assert "name" not in result.participants.columns


def test_text_before_the_first_label_is_not_the_respondent():
    header = Turn(None, "Intervju om samverkan, inspelad i februari, med en kort presentation av projektet.")
    turns = [header, Turn("I", "Hur började det?"), Turn("R", "Det började med en gemensam upphandling för länge sedan.")]
    participant = {"participant_id": "P07", "interviewer": "", "name": "", "language": "sv", "duration_min": None}
    segs, _, _ = build_segments(_transcript(turns), participant, lambda t: t, RULES)
    assert list(segs["speaker"]) == ["Unlabelled", "Interviewer", "P07"]
    assert list(segs["speaker_role"]) == ["unlabelled", "interviewer", "respondent"]


def test_cues_without_labels_are_nobodys_until_the_layout_is_stated():
    turns = [Turn(None, "Första stycket.", 0.0, 1.0), Turn(None, "Andra stycket.", 1.0, 2.0)]
    participant = {"participant_id": "P08", "interviewer": "", "name": "", "language": "sv", "duration_min": None}
    segs, _, quality = build_segments(_transcript(turns, "srt", "cues"), participant, lambda t: t, RULES)
    assert set(segs["speaker"]) == {"Unattributed"} and set(segs["speaker_role"]) == {"unknown"}
    assert quality["roles_confident"] is False and "roles uncertain" in quality["warnings"]
    segs, _, quality = build_segments(_transcript(turns, "srt", "cues"), {**participant, "layout": "respondent-only"},
                                      lambda t: t, RULES)
    assert list(segs["speaker_role"]) == ["respondent"] and list(segs["text"]) == ["Första stycket. Andra stycket."]
    assert segs["role_source"].iloc[0].startswith("layout column") and quality["roles_confident"] is True


def test_a_split_answer_keeps_one_label_in_the_document():
    turns = [Turn("I", "Fråga?"), Turn("R", "Ett två tre. Fyra fem sex. Sju åtta nio.")]
    participant = {"participant_id": "P01", "interviewer": "I", "name": "", "language": "sv", "duration_min": None}
    segs, doc, _ = build_segments(_transcript(turns), participant, lambda t: t, RULES, max_words=3)
    assert doc == "Interviewer: Fråga?\n\nP01: Ett två tre. Fyra fem sex. Sju åtta nio."
    assert [doc[s:e] for s, e in zip(segs["char_start"], segs["char_end"])] == list(segs["text"])


def test_placeholders_of_the_pseudonymiser_survive_cleaning():
    assert clean_text("Hi, [namn]. Awesome, [namn], thank you [laughs].", RULES, "en") == \
        "Hi, [namn]. Awesome, [namn], thank you."
    assert clean_text("Mejla [e-post] eller ring [telefon] [skratt].", RULES, "sv") == "Mejla [e-post] eller ring [telefon]."


def test_raw_text_of_a_split_turn_is_on_its_first_piece_only():
    turns = [Turn("I", "Fråga?"), Turn("R", "Ett två tre [skratt]. Fyra fem sex. Sju åtta nio.", 10.0, 19.0)]
    participant = {"participant_id": "P01", "interviewer": "I", "name": "", "language": "sv", "duration_min": None}
    segs, _, _ = build_segments(_transcript(turns), participant, lambda t: t, RULES, max_words=3)
    respondent = segs[segs["speaker_role"] == "respondent"]
    assert len(respondent) == 3
    assert [respondent["start_s"].iloc[0], respondent["end_s"].iloc[-1]] == [10.0, 19.0]
    assert respondent["start_s"].iloc[1:].isna().all() and respondent["end_s"].iloc[:-1].isna().all()
    assert list(respondent["raw_text"]) == ["Ett två tre [skratt]. Fyra fem sex. Sju åtta nio.", "", ""]


def test_speaker_labels_become_key_pairs():
    participants = pd.DataFrame([{"participant_id": "P05", "interviewer": "Lina Björk", "name": "",
                                  "transcript_path": "x.vtt"}])
    turns = [Turn("Lina Björk", "Hur ser du på mandatet?"), Turn("Per-Olof Nyström", "Det är oklart, helt klart.")]
    pairs = speaker_replacements(attribute_study(participants, {"P05": _transcript(turns)}, RULES))
    assert sorted(pairs) == [("Lina Björk", "Interviewer"), ("Per-Olof Nyström", "P05")]


def test_quality_record_holds_no_name_from_labels_or_the_interviewer_column():
    turns = [Turn("Lina Björk (HIS)", "Hur började det?"), Turn("Kerstin Holm", "Med en upphandling, Lina.")]
    participant = {"participant_id": "P01", "interviewer": "Lina Björk", "name": "Kerstin Holm", "language": "sv"}
    pseudonymise = lambda t: t.replace("Lina Björk", "Interviewer").replace("Kerstin Holm", "P01").replace("Lina", "[namn]")
    _, _, quality = build_segments(_transcript(turns, "vtt", "cue-label"), participant, pseudonymise, RULES)
    assert quality["interviewer_match"] == "Interviewer"  # the "(tag)" may be initials
    _, _, quality = build_segments(_transcript(turns, "vtt", "cue-label"), {**participant, "interviewer": "Lina Bjork X"},
                                   pseudonymise, RULES)
    assert "matches no speaker label" in quality["warnings"]
    assert not any("Lina" in str(v) or "Kerstin" in str(v) for v in quality.values())


def test_quality_warnings_are_listed_one_per_row():
    quality = pd.DataFrame({"participant_id": ["P01", "P02"],
                            "warnings": ["roles uncertain (x, confidence 0.40): ...; only one speaker found", ""]})
    assert quality_warnings(quality).values.tolist() == [["P01", "roles uncertain (x, confidence 0.40): ..."],
                                                        ["P01", "only one speaker found"]]
