"""The privacy gate on names as real tools write them: double names, invisible characters, stripped diacritics,
decomposed letters; and what the pseudonymiser wrote from such input passes it."""

from __future__ import annotations

import re
import unicodedata

import pandas as pd
import pytest

from helpers.core.outputs import Outputs
from helpers.core.study import load_study
from helpers.interviews.pseudonymise import KEY_COLUMNS, Pseudonymiser, build_key, key_dir
from helpers.runner.privacy import check_outputs, scan_outputs, study_key

from pseudonymise_fixtures import (  # noqa: F401  (key and study are fixtures)
    DECOMPOSED,
    ENGLISH_KEYBOARD,
    HOSTILE_PARTICIPANTS,
    PDF_ZERO_WIDTH,
    WORD_HYPHENATED,
    ZERO_WIDTH,
    key,
    make_study,
    study,
)


@pytest.fixture
def out(tmp_path):
    return Outputs.at(tmp_path / "out")


@pytest.fixture
def hostile_study(tmp_path):
    return load_study(make_study(tmp_path / "hostile", [("Ås", "[Granne]")], HOSTILE_PARTICIPANTS))


@pytest.fixture
def hostile_key(hostile_study):
    return build_key(hostile_study)


def plain_words(text: str) -> set[str]:
    """The words of ``text`` lowercase, without invisible characters and diacritics: an oracle for the tests."""
    text = unicodedata.normalize("NFKD", text.lower().replace("ø", "o").replace("æ", "ae"))
    return set(re.findall(r"[a-z]+", "".join(c for c in text if unicodedata.category(c) not in ("Mn", "Cf"))))


def terms(out: Outputs, text: str, key: pd.DataFrame) -> list[str]:
    """The masked terms the gate finds in one output file holding ``text``, in order of appearance."""
    (out.processed / "quotes.csv").write_text(f"text\n{text}\n", encoding="utf-8")
    return [f.term for f in sorted(scan_outputs([out.processed], key), key=lambda f: (f.where, f.term))]


@pytest.mark.parametrize("text, found", [
    ("Holmberg-Svensson ringde", ["H*******-S*******"]),
    ("Svensson-Holmberg ringde", ["S*******-H*******"]),
    ("Anna-Karin ringde", ["A***-K****"]),
    ("Holmberg-Lind och Lisa-Kerstin", ["H*******-L***", "L***-K******"]),
])
def test_a_key_name_inside_a_double_name_is_found(out, key, text, found):
    assert sorted(terms(out, text, key)) == sorted(found)


def test_parts_of_a_double_name_in_the_key_are_found_on_their_own(out, hostile_key, key):
    assert terms(out, "Svensson sa det", hostile_key) == ["S*******"]
    assert terms(out, "Olof sa det", key) == ["O***"]


def test_soft_hyphens_from_word_hyphenation_are_found_and_masked_visibly(out, hostile_key):
    assert terms(out, WORD_HYPHENATED, hostile_key) == ["M***** S********", "S********"]


@pytest.mark.parametrize("invisible", ZERO_WIDTH)
def test_zero_width_characters_inside_a_name_are_found(out, key, invisible):
    assert terms(out, f"sa Ker{invisible}stin", key) == ["K******"]


def test_pdf_to_text_with_zero_width_spaces(out, hostile_key):
    assert sorted(terms(out, PDF_ZERO_WIDTH, hostile_key)) == ["J*** Ö****", "Å** Ö****"]


def test_names_typed_on_an_english_keyboard_are_found(out, hostile_key, key):
    assert sorted(terms(out, ENGLISH_KEYBOARD, hostile_key)) == \
        ["A** O****", "O****", "S**** K****", "Å** N******"]
    assert terms(out, "Nystrom och Oberg", key) == ["N******"]


def test_decomposed_letters_are_found(out, hostile_key):
    # The gate reads files as NFC; the pseudonymiser must have matched the same name (next test).
    assert sorted(terms(out, DECOMPOSED, hostile_key)) == ["J*** Ö****", "Å** Ö****"]


@pytest.mark.parametrize("raw", [WORD_HYPHENATED, PDF_ZERO_WIDTH, ENGLISH_KEYBOARD, DECOMPOSED,
                                 "R: Holmberg-Svensson och Svensson-Holmberg, Jens-Åsa"])
def test_what_the_pseudonymiser_wrote_passes_the_gate(out, hostile_study, hostile_key, raw):
    pseud = Pseudonymiser(hostile_key, keep=hostile_study.organisations)
    written = pseud.apply(raw)
    names = {word for original in hostile_key["original"] for word in plain_words(original)}
    assert not names & plain_words(written), "no key name is left, in any spelling"
    assert terms(out, written, hostile_key) == []
    check_outputs(out.root, hostile_key, keep=hostile_study.organisations)


def test_folding_does_not_raise_false_alarms(out, hostile_key):
    # Lars Ek is P06 ("ek": an oak), "Ås" is in pseudonyms.csv ("As" in English).
    assert terms(out, "en ek i parken, Ekonomi och Ekström. As I said, as if. Asaf, Kjaerstad", hostile_key) == []
    assert terms(out, "Ek och Ås", hostile_key) == ["E*", "Å*"]


def test_a_decomposed_key_file_is_read_composed(out, hostile_study):
    written = pd.DataFrame([["Go\u0308ran Lo\u0308fgren", "[G]", "other", "speaker label"]], columns=KEY_COLUMNS)
    written.to_csv(key_dir(out.root) / "pseudonymisation_key.csv", index=False, encoding="utf-8-sig")
    key = study_key(hostile_study, out.root)
    assert "Göran Löfgren" in set(key["original"])
    assert terms(out, "Göran Löfgren", key) == ["G**** L******"]
