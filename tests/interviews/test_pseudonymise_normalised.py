"""Pseudonymisation of names as real tools write them: double names, invisible characters, stripped diacritics,
decomposed letters (helpers.interviews.pseudonymise with helpers.core.textio's matching form)."""

from __future__ import annotations

import unicodedata

import docx
import pandas as pd
import pytest
from docx.oxml import OxmlElement

from helpers.core.study import load_study
from helpers.core.textio import matching_form
from helpers.interviews.pseudonymise import AMBIGUOUS, Pseudonymiser, build_key, extend_key, name_forms
from helpers.interviews.transcripts import read_transcript

from pseudonymise_fixtures import (  # noqa: F401  (key and study are fixtures)
    DECOMPOSED,
    ENGLISH_KEYBOARD,
    HOSTILE_PARTICIPANTS,
    PARTICIPANTS,
    PDF_ZERO_WIDTH,
    SOFT,
    WORD_HYPHENATED,
    ZERO_WIDTH,
    key,
    make_study,
    pseud,
    study,
)


@pytest.fixture
def hostile_key(tmp_path):
    return build_key(load_study(make_study(tmp_path / "hostile", [("Ås", "[Granne]")], HOSTILE_PARTICIPANTS)))


@pytest.fixture
def hostile(hostile_key):
    return Pseudonymiser(hostile_key)


def replacement_of(key: pd.DataFrame, original: str) -> str:
    [replacement] = key.loc[key["original"].str.lower() == original.lower(), "replacement"]
    return replacement


# --- the matching form -------------------------------------------------------------------------------


def test_matching_form_folds_and_maps_back_to_the_original():
    text = f"Hej Mi{SOFT}kael, A\u030asa och Kjær\u200b!"
    form = matching_form(text)
    assert form.text == "Hej Mikael, Asa och Kjaer!"
    start = form.text.index("Mikael")
    assert form.span(start, start + 6) == (4, 11), "the soft hyphen is inside the name's span"
    start = form.text.index("Asa")
    assert text[slice(*form.span(start, start + 3))] == "A\u030asa", "the combining ring goes with its letter"
    start = form.text.index("Kjaer")
    assert text[slice(*form.span(start, start + 5))] == "Kjær\u200b"
    assert form.span(start, start + 3) == (text.index("Kjær"), text.index("Kjær") + 3), "an ending inside æ takes it"
    ascii_form = matching_form("plain text")
    assert ascii_form.text == "plain text" and ascii_form.span(2, 5) == (2, 5)


# --- hyphenated names --------------------------------------------------------------------------------


def test_parts_of_a_double_name_in_the_key_are_matched_on_their_own(hostile_key, hostile):
    assert replacement_of(hostile_key, "Holmberg") == "P03"
    assert replacement_of(hostile_key, "Svensson") == "P03"
    assert hostile.apply("Holmberg sa det, sen kom Svensson.") == "P03 sa det, sen kom P03."
    assert hostile.apply("Svensson-Holmberg och Holmberg-Svenssons idé") == "P03 och P03:s idé"


def test_a_hyphenated_given_name_is_keyed_whole_and_in_parts(key, pseud):
    assert replacement_of(key, "Per-Olof") == "P02" and replacement_of(key, "Olof") == "P02"
    # A part that is an everyday word ("per": a preposition) is not keyed alone.
    assert name_forms("Per-Olof Nyström") == ["Per-Olof Nyström", "Per-Olof", "Nyström", "Olof"]
    assert replacement_of(key, "Per") == "P05", "Per Granvik's"
    assert pseud.apply("Olof och Per-Olof") == "P02 och P02"


def test_a_part_of_a_double_name_loses_to_a_name_of_its_own(tmp_path):
    participants = PARTICIPANTS + [("P08", "Sexan IT", "Arkitekt", "Maria Holmberg-Svensson", "")]
    key = build_key(load_study(make_study(tmp_path / "s", participants=participants)))
    assert replacement_of(key, "Holmberg") == "P01" and replacement_of(key, "Svensson") == "P06"
    assert Pseudonymiser(key).apply("Maria Holmberg-Svensson och Svensson-Holmberg") == f"P08 och {AMBIGUOUS}"


def test_a_part_of_a_double_name_loses_to_a_pseudonyms_row(tmp_path):
    key = build_key(load_study(make_study(tmp_path / "s", [("Anna-Karin Lund", "[D]"), ("Anna", "[E]")])))
    assert replacement_of(key, "Karin") == "[D]" and replacement_of(key, "Anna") == "[E]"


@pytest.mark.parametrize("text", ["Holmberg-Svensson ringde", "Svensson-Holmberg ringde", "Holmberg-Lind ringde",
                                  "Anna-Karin ringde", "Lisa-Kerstin ringde", "Eva-Lena-Kerstin ringde"])
def test_a_key_name_inside_a_double_name_hides_the_whole_double_name(pseud, text):
    # Holmberg is P01 and Svensson P06; Anna is [Colleague B]: the double name may be someone else, so
    # it becomes [namn] whole, neither half-replaced ("P01-Lind" leaks Lind) nor left in the text.
    assert pseud.apply(text) == f"{AMBIGUOUS} ringde"


def test_double_names_and_compounds_together(pseud):
    assert pseud.apply("Holmberg-utredningen och IT-Kerstin, Holmberg-Svenssons") == \
        f"P01-utredningen och IT-P01, {AMBIGUOUS}s"


def test_a_double_name_of_unkeyed_names_stays(pseud):
    assert pseud.apply("Lisa-Maja och Ann-Marie") == "Lisa-Maja och Ann-Marie"


# --- invisible characters ----------------------------------------------------------------------------


def test_soft_hyphens_from_word_hyphenation(hostile):
    assert hostile.apply(WORD_HYPHENATED) == "R: Jag pratade med P02 och P02:s chef igår."


@pytest.mark.parametrize("invisible", ZERO_WIDTH)
def test_zero_width_characters_inside_a_name(pseud, invisible):
    assert pseud.apply(f"sa Ker{invisible}stin Holm{invisible}berg.") == "sa P01."
    assert pseud.apply(f"sa Ker{invisible}stins.") == "sa P01:s."


def test_pdf_to_text_with_zero_width_spaces(hostile):
    assert hostile.apply(PDF_ZERO_WIDTH) == "R: Enligt P01 och P04 var det klart."


def test_names_in_the_key_with_invisible_characters(tmp_path):
    key = build_key(load_study(make_study(tmp_path / "s", [(f"Göran Pers{SOFT}son", "[G]")])))
    assert {"Göran Persson", "Göran", "Persson"} <= set(key["original"])
    assert Pseudonymiser(key).apply("Persson sa") == "[G] sa"


# --- diacritics --------------------------------------------------------------------------------------


def test_an_english_keyboard_without_diacritics(hostile):
    assert hostile.apply(ENGLISH_KEYBOARD) == "R: P01 said P04 and P05 agreed; P07 too."


@pytest.mark.parametrize("text", ["Nystrom", "NYSTROM", "Nyström", "Nystroms"])
def test_diacritics_stripped_from_a_key_name(pseud, text):
    assert pseud.apply(f"sa {text}.").startswith("sa P02")


def test_a_key_name_typed_without_diacritics_matches_the_text_with_them(hostile):
    # P07 was typed "Asa Nystrom" in participants.csv.
    assert hostile.apply("Åsa Nyström och Nyströms") == "P07 och P07:s"


def test_the_exact_spelling_wins_over_a_folded_one(hostile):
    # "Åsa" is P01 (Åsa Öhman), "Asa" is P07 (Asa Nystrom).
    assert hostile.apply("Åsa, Asa och A\u030asa") == "P01, P07 och P01"


def test_folded_forms_of_different_names_are_ambiguous():
    key = pd.DataFrame({"original": ["Åsa", "Äsa"], "replacement": ["P01", "P02"]})
    assert Pseudonymiser(key).apply("Asa, Åsa och Äsa") == f"{AMBIGUOUS}, P01 och P02"


def test_decomposed_letters_in_the_text(hostile):
    assert hostile.apply(DECOMPOSED) == "R: P01 och P04."


def test_a_decomposed_key(hostile_key):
    decomposed = pd.DataFrame({"original": ["Go\u0308ran Lo\u0308fgren"], "replacement": ["[G]"],
                               "kind": ["other"], "source": ["test"]})
    key = extend_key(hostile_key, decomposed)
    assert "Göran Löfgren" in set(key["original"])
    assert Pseudonymiser(key).apply("Göran Löfgren och Goran Lofgren") == "[G] och [G]"


# --- no false alarms ---------------------------------------------------------------------------------


def test_folding_does_not_make_common_words_names(hostile):
    # Lars Ek is P06: "ek" is an oak; the pseudonyms.csv row "Ås" folds to "As".
    assert hostile.apply("en ek i parken, Ekonomi och Ekström. As I said, as if. Ek och Ås sa") == \
        "en ek i parken, Ekonomi och Ekström. As I said, as if. P06 och [Granne] sa"
    assert hostile.apply("Asaf och Kjaerstad, Obergare") == "Asaf och Kjaerstad, Obergare"


def test_other_characters_stay_as_written(hostile):
    text = f"Ja…\tså ½ ﬁl\u00a0A\u030a — ”citat” A\u030asa{SOFT} "
    assert hostile.apply(text) == "Ja…\tså ½ ﬁl\u00a0A\u030a — ”citat” P01 "


# --- readers: decomposed and invisible characters in a Word file -------------------------------------


def test_a_word_file_with_decomposed_letters_and_soft_hyphens(tmp_path, hostile):
    document = docx.Document()
    paragraph = document.add_paragraph("R: Jag pratade med A\u030asa O\u0308hman och Mi\u00adkael ")
    run = paragraph.add_run("Sand")
    run._r.append(OxmlElement("w:softHyphen"))  # Word's optional hyphen
    run._r.append(OxmlElement("w:t"))
    run._r[-1].text = "stro\u0308m."
    document.add_paragraph("I: Tack.")
    document.save(tmp_path / "P01.docx")
    turns = read_transcript(tmp_path / "P01.docx").turns
    assert all(unicodedata.is_normalized("NFC", turn.text) for turn in turns), "read as NFC"
    assert hostile.apply(turns[0].text) == "Jag pratade med P01 och P02."


def test_subtitle_entities_that_decompose_a_letter_are_read_composed(tmp_path, hostile):
    path = tmp_path / "P01.vtt"
    path.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v R>Jag och A&#x30A;sa O&#x308;hman.\n",
                    encoding="utf-8")
    [turn] = read_transcript(path).turns
    assert turn.text == "Jag och Åsa Öhman." and hostile.apply(turn.text) == "Jag och P01."
