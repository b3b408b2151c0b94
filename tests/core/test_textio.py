"""Decoding text files whatever encoding wrote them: BOMs, UTF-16, Windows-1252, Latin-1; NFC and \\n."""

from __future__ import annotations

import codecs
import random

import pytest

from helpers.core.errors import InputError
from helpers.core import textio
from helpers.core.textio import MatchingForm, decode_bytes, matching_form, normalise_text, read_bytes, read_text

SWEDISH = "Vi måste öka förmågan på förvaltningarna. ÅÄÖ åäö é"


@pytest.mark.parametrize("encoding, expected", [
    ("utf-8", "utf-8"),
    ("utf-8-sig", "utf-8-sig"),
    ("utf-16", "utf-16"),  # Python writes a BOM
    ("cp1252", "cp1252"),
    ("latin-1", "cp1252"),  # identical bytes for Swedish letters; cp1252 is the superset
])
def test_swedish_text_decodes_in_every_encoding(tmp_path, encoding, expected):
    path = tmp_path / "t.txt"
    path.write_bytes(SWEDISH.encode(encoding))
    assert read_text(path) == (SWEDISH, expected)


def test_utf16_big_endian_with_bom():
    data = codecs.BOM_UTF16_BE + SWEDISH.encode("utf-16-be")
    assert decode_bytes(data, "t.txt") == (SWEDISH, "utf-16")


def test_utf16_without_bom_is_recognised_by_its_nul_bytes():
    text, encoding = decode_bytes("I: Hej\nR: Hej då\n".encode("utf-16-le"), "t.txt")
    assert text == "I: Hej\nR: Hej då\n" and encoding == "utf-16-le"


def test_cp1252_punctuation_survives():
    text = "Det kostar €5 – “billigt” … sa hon"
    assert decode_bytes(text.encode("cp1252"), "t.txt") == (text, "cp1252")


def test_line_endings_and_composed_letters():
    assert normalise_text("a\r\nb\rc\n") == "a\nb\nc\n"
    assert normalise_text("fo\u0308rma\u030agan") == "förmågan"
    assert decode_bytes("I: fo\u0308rst\r\n".encode("utf-8"), "t.txt")[0] == "I: först\n"


def test_missing_file_names_the_file(tmp_path):
    with pytest.raises(InputError, match=r"nope\.txt: cannot be read") as info:
        read_bytes(tmp_path / "nope.txt")
    assert info.value.path == tmp_path / "nope.txt"


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,  # a PNG renamed .txt
    b"text\x00with\x00a few NULs but mostly text",  # valid UTF-8 with NUL bytes
    b"\x01\x02\x03\xff\xfe\x80\x81 binary",  # control characters
])
def test_binary_data_is_an_input_error(data):
    with pytest.raises(InputError, match=r"pic\.txt: (looks like a binary file|is not readable text)"):
        decode_bytes(data, "pic.txt")


def test_broken_utf8_after_a_bom_is_an_input_error():
    with pytest.raises(InputError, match=r"t\.txt: starts like UTF-8 but is not valid UTF-8 at byte 5"):
        decode_bytes(codecs.BOM_UTF8 + b"ab\xe5\xff", "t.txt")


def _matching_form_char_by_char(text: str) -> MatchingForm:
    """The straightforward matching form: every non-ASCII character looked at, the text translated at once."""
    if text.isascii():
        return MatchingForm(text, len(text))
    starts, ends, origins, shifts, shift = [], [], [], [], 0
    for pos, char in enumerate(text):
        size = len(textio._FOLD[ord(char)]) if not char.isascii() else 1
        if size != 1:
            starts.append(pos + shift)
            ends.append(pos + shift + size)
            origins.append(pos)
            shift += size - 1
            shifts.append(shift)
    return MatchingForm(text.translate(textio._FOLD), len(text), tuple(starts), tuple(ends), tuple(origins),
                        tuple(shifts))


def test_matching_form_is_the_character_by_character_fold():
    """Soft hyphens and zero-width spaces (fold to nothing), ligatures and æ (to two), ½ (to three), decomposed
    letters, and characters that fold to one (å, é, –) mixed at random: same text and the same way back."""
    rng = random.Random(7)
    alphabet = "aåÅäöÖéEø\u00ad\u200bæÆßﬁ½²İıſ\u0301\u030a–’ \u00a0\nK\u212a-"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 50))) for _ in range(3000)]
    for text in texts + ["Åsa Öhman", "Kers\u00adtin", "plain ascii"]:
        assert matching_form(text) == _matching_form_char_by_char(text), text
