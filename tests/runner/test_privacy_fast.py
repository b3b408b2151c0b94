"""The privacy gate's fast matching finds exactly what straightforward matching finds.

The gate scans names in one pass of a case-sensitive regex over the text in caseless form, tries the identifier
patterns only where an identifier can start, and turns "_" and digits into spaces with ``str.replace``. Each
of these is checked here against the plain way: one IGNORECASE regex per name, ``pattern.search`` at every
position, ``str.translate``.
"""

from __future__ import annotations

import dataclasses
import random
import re
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest

from helpers.core import textio
from helpers.core.study import load_study
from helpers.core.textio import caseless, matching_form
from helpers.interviews.pseudonymise import IDENTIFIER_RULES, NameMatcher, build_key
from helpers.runner import privacy
from helpers.runner.privacy import Scanner

from pseudonymise_fixtures import ORGS, PSEUDONYMS, make_study

# Overlapping names (Anna, Anna-Karin Lind), accents (Åsa Öhman), a hyphenated given name (Per-Olof).
MORE_NAMES = [("Anna-Karin Lind", "[Colleague D]"), ("Åsa Öhman", "[Colleague E]")]

TRICKY = "\n".join([
    "Anna och Anna-Karin träffade Annika, Annas chef, och ANNA i Annaberg; anna-karin LIND kom sen.",
    "Anna-Lena och Anna-Karins bok, Lindström, Lind-utredningen, Lindqvist, IT-Kerstin och Holmberg-Svensson.",
    "Asa Ohman, Åsa Öhman, A\u030asa O\u0308hman, ÅSA, Kers\u00adtin Hol\u200bmberg, Kerstin_Holmberg.docx, Kerstin2.",
    "per capita, Per sa, strand och Strand, Helena Strands, helena strand, PER-OLOF, Per-Olofs, Nyström's, Erik'.",
    "hash 3ada9f0e, c0ffee, deadbeef1 och EVA1F; Sjömåla vårdcentral, Granvik kommun och Per Granvik.",
    "Ring 070-123 45 67 eller +46 70 123 45 67, 08-123 456 78, 2 075 430 000 kr, 19121212-1212, 121212+1212.",
    "kerstin.holmberg@example.se, (08) 123 456, 0046 70 123 45 67, 1,070-123 45 67 och ſ-Eva, Eıa, Σigma.",
])


@pytest.fixture
def tricky_study(tmp_path):
    return load_study(make_study(tmp_path / "study", pseudonyms=PSEUDONYMS + MORE_NAMES))


@pytest.fixture
def tricky_key(tricky_study):
    return build_key(tricky_study)


def _translate_joiners(text: str) -> str:
    return text.translate(str.maketrans(dict.fromkeys("_0123456789", " ")))


@contextmanager
def plain_gate(monkeypatch):
    """The gate matching the plain way inside: IGNORECASE names, identifiers searched everywhere, ``translate``."""
    with monkeypatch.context() as patch:
        patch.setattr(privacy, "IDENTIFIER_RULES", tuple(dataclasses.replace(r, start=None) for r in IDENTIFIER_RULES))
        patch.setattr(privacy, "_separate_words", _translate_joiners)
        patch.setattr(NameMatcher, "candidates", lambda self, text: self.pattern.finditer(text))
        yield


def per_term_candidates(names: Iterable[str], text: str) -> list[tuple[int, int, int]]:
    """(start, end of the name, end with its ending) of each name in ``text``, found with one IGNORECASE regex per
    name: the longest name wherever names start, then left to right without overlaps, as ``finditer`` goes."""
    best: dict[int, tuple[int, int]] = {}
    for name in names:
        words = r"\s+".join(map(re.escape, name.split(" ")))
        regex = re.compile(rf"(?<!\w)({words})(s|['’]s?)?(?!\w)", re.IGNORECASE)
        for start in range(len(text)):
            if (match := regex.match(text, start)) and match.end(1) > best.get(start, (-1, -1))[0]:
                best[start] = (match.end(1), match.end())
    found, pos = [], 0
    for start in sorted(best):
        if start >= pos:
            found.append((start, *best[start]))
            pos = best[start][1]
    return found


def test_the_name_regex_finds_what_one_regex_per_name_finds(tricky_key):
    matcher = NameMatcher(tricky_key, ORGS)
    assert matcher.caseless_pattern is not None, "the fast pattern is in use for this key"
    for line in TRICKY.split("\n"):
        form = matching_form(privacy._separate_words(line)).text
        fast = [(m.start(), m.end("name"), m.end()) for m in matcher.candidates(form)]
        assert fast == per_term_candidates(matcher.loose, form), line
        assert fast == [(m.start(), m.end("name"), m.end()) for m in matcher.pattern.finditer(form)], line


def test_overlapping_names_and_names_inside_words(tricky_key):
    """Anna-Karin is found whole (not Anna inside it), Annika and Annaberg are not Anna, Lindström is not Lind."""
    terms = [(kind, term) for _, kind, term in Scanner(tricky_key, ORGS).terms(TRICKY.split("\n")[0])]
    assert terms == [("name", "Anna"), ("name", "Anna-Karin"), ("name", "Anna"), ("name", "ANNA"),
                     ("name", "anna-karin LIND")]
    second = [term for _, _, term in Scanner(tricky_key, ORGS).terms(TRICKY.split("\n")[1])]
    assert second == ["Anna-Lena", "Anna-Karin", "Lind", "Kerstin", "Holmberg-Svensson"]


def test_the_fast_gate_finds_the_same_as_the_plain_gate(tricky_key, monkeypatch):
    fast = {name: list(Scanner(tricky_key, ORGS).terms(text)) for name, text in _texts().items()}
    with plain_gate(monkeypatch):
        plain = {name: list(Scanner(tricky_key, ORGS).terms(text)) for name, text in _texts().items()}
    assert fast == plain
    assert sum(map(len, fast.values())) > 500, "the texts hold plenty of names and identifiers"


def _texts() -> dict[str, str]:
    """The tricky lines as they are, and shuffled into longer texts with more and less space between words."""
    rng = random.Random(15)
    words = TRICKY.replace("\n", " \n ").split(" ")
    texts = {"tricky": TRICKY}
    for n in range(20):
        sample = rng.sample(words, k=len(words))
        texts[f"shuffled {n}"] = "".join(w + rng.choice([" ", "  ", "\n", "-", "_", ""]) for w in sample)
    return texts


def _tricky_outputs(root: Path) -> list[Path]:
    """The tricky text in several output formats."""
    (root / "reports").mkdir(parents=True)
    (root / "data").mkdir()
    html = "".join(f"<p title='{line[:30]}'>{line}</p>\n" for line in TRICKY.split("\n"))
    (root / "reports" / "page.html").write_text(f"<html><body>\n{html}</body></html>", encoding="utf-8")
    (root / "data" / "notes.txt").write_text(TRICKY, encoding="utf-8")
    pd.DataFrame({"text": TRICKY.split("\n"), "n": range(7)}).to_parquet(root / "data" / "lines.parquet")
    return [root / "reports", root / "data"]


def test_the_fast_gate_reports_the_same_findings_file_by_file(tmp_path, tricky_key, monkeypatch):
    roots = _tricky_outputs(tmp_path)
    fast = [f.describe(tmp_path) for f in privacy.scan_outputs(roots, tricky_key, ORGS)]
    with plain_gate(monkeypatch):
        plain = [f.describe(tmp_path) for f in privacy.scan_outputs(roots, tricky_key, ORGS)]
    assert fast == plain
    assert any("lines.parquet, column text, row 1: name A***" in f for f in fast)
    assert any("notes.txt, line 6: phone 0**-*** ** **" in f for f in fast)


def test_identifiers_are_found_only_where_they_can_start_and_all_of_them():
    """Each rule's start pattern finds every place its identifier can start: same spans as searching everywhere."""
    rng = random.Random(5)
    pieces = ["0", "1", "2", "9", "00", "070", "46", "+", "-", "–", "/", "(", ")", " ", "\u00a0", ".", ",", ":",
              "a", "_", "@", "19121212", "1212", "\n"]
    for rule in IDENTIFIER_RULES:
        plain = dataclasses.replace(rule, start=None)
        texts = [TRICKY] + ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 60))) for _ in range(3000)]
        for text in texts:
            assert list(rule.spans(text)) == list(plain.spans(text)), (rule.kind, text)
    assert [rule.kind for rule in IDENTIFIER_RULES if rule.start is not None] == ["personnummer", "phone"]


def test_separating_words_is_translating_joiners():
    text = "Kerstin_Holmberg2024-03 ÅSA_öhman9 \u00ad"
    assert privacy._separate_words(text) == _translate_joiners(text) == "Kerstin Holmberg    -   ÅSA öhman  \u00ad"


def _cased_code_points() -> list[str]:
    """Every character IGNORECASE may take as equal to another: those with another case, and re's extra ones."""
    extra = set(textio._CASE_CANON or {})
    return [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000
            and (chr(c).lower() != chr(c) or chr(c).upper() != chr(c) or c in extra)]


def test_caseless_compares_letters_as_ignorecase_does():
    """A letter of a name (caseless) matches a letter of the text exactly when IGNORECASE would match them."""
    cased = _cased_code_points()
    assert len(cased) > 2000
    for char in cased:
        folded = caseless(char)
        if folded is None:
            assert len(char.lower()) != 1 or char == "\u0345", char
            continue
        assert len(folded) == 1 and caseless(folded) == folded, char
        assert re.fullmatch(re.escape(folded), char, re.IGNORECASE), char
        assert bool(re.fullmatch(r"\w", folded)) == bool(re.fullmatch(r"\w", char)), char
    letters = "aeiosknισβμçñøыиі"  # and the converse, for letters names use
    for letter in letters:
        ignorecase = re.compile(re.escape(letter), re.IGNORECASE)
        for char in cased:
            if caseless(char) is not None:
                assert bool(ignorecase.fullmatch(char)) == (caseless(char) == caseless(letter)), (letter, char)
    assert caseless("Eva \u0345") is None, "a combining mark IGNORECASE takes as a letter: the IGNORECASE regex"


def test_names_whose_letters_are_one_letter_caseless_use_the_ignorecase_regex():
    key = pd.DataFrame({"original": ["Ida", "Iıda"], "replacement": ["P01", "P02"]})
    assert NameMatcher(key).caseless_pattern is None
    assert NameMatcher(key.iloc[:1]).caseless_pattern is not None
