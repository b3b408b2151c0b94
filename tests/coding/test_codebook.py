"""The codebook: reading codebook.yml, validation that names the code, version hash, flattened table."""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path

import pytest

from helpers.coding.codebook import (
    CODEBOOK_COLUMNS,
    find_codebook,
    load_codebook,
    read_codebook_yaml,
    write_codebook_yaml,
)
from helpers.core.errors import InputError

from conftest import FIXTURES, SAMPLE

FIXTURES = FIXTURES / "coding"
SAMPLE_THEMES = ["it_vs_digitalisation", "governance_mandate", "prioritisation", "resources_funding", "competence",
                 "digital_maturity", "platforms_legacy", "political_anchoring", "benefits_realisation", "trust"]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "codebook.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_fixture_codebook_has_its_nesting_levels_and_paths():
    book = read_codebook_yaml(FIXTURES / "codebook.yml")
    assert [t.id for t in book.themes] == ["governance", "money", "systems", "trust"]
    integrations = book.codes["integrations"]
    assert (integrations.level, integrations.theme_id, integrations.parent_id) == (2, "systems", "legacy")
    assert integrations.path == "systems/legacy/integrations"
    assert book.codes["governance"].examples == ("Styrgruppen har inget mandat.",)  # a string is a one-item list
    assert book.codes["bodies"].rules.keywords_for("en") == ("styrgrupp*", "steering group")
    assert book.codes["bodies"].rules.keywords_for("sv") == ("styrgrupp*",)


def test_no_codebook_is_valid_and_gives_none(tmp_path):
    assert load_codebook(tmp_path) is None


def test_two_codebook_files_are_an_error(tmp_path):
    shutil.copy(FIXTURES / "codebook.yml", tmp_path / "codebook.yml")
    (tmp_path / "codebook.qdc").write_text("<CodeBook/>", encoding="utf-8")
    with pytest.raises(InputError, match="second codebook"):
        find_codebook(tmp_path)


@pytest.mark.parametrize("body, code_id, problem", [
    ("themes:\n  - id: a\n    label: A\n  - id: a\n    label: B\n", "a", "used twice"),
    ("themes:\n  - id: a\n    label: A\ncodes:\n  - id: b\n    label: B\n    parent: nope\n", "b",
     "unknown parent 'nope'"),
    ("themes:\n  - id: a\n    label: A\n    rules:\n      regex: ['(unclosed']\n", "a", "invalid regular expression"),
    ("themes:\n  - id: a\n    label: A\n    rules:\n      regex: ['x*']\n", "a", "matches empty text"),
    ("themes:\n  - id: a\n    label: A\n    rules: {}\n", "a", "'rules' is given but empty"),
    ("require_rules: true\nthemes:\n  - id: a\n    label: A\n    codes:\n      - id: b\n        label: B\n", "b",
     "has no rules"),
    ("themes:\n  - id: a\n    label: A\n    inclusions: typo\n", "a", "inclusions"),
    ("themes:\n  - id: a\n    label: A\n    rules:\n      keywords: ['*tion']\n", "a", "not words"),
    ("themes:\n  - id: a\n    label: A\n    rules:\n      keywords: ['di*']\n", "a", "at least 3 letters"),
    ("themes:\n  - id: a\n    label: A\n    rules:\n      keywords: ['ai*']\n", "a", "at least 3 letters"),
    ("themes:\n  - id: my code\n    label: A\n", "my code", "must not contain spaces"),
    ("themes:\n  - id: a\n    label: ''\n", "a", "label is empty"),
    ("codes:\n  - id: x\n    label: X\n    parent: y\n  - id: y\n    label: Y\n    parent: x\n", "x", "loop"),
])
def test_codebook_problems_name_the_file_and_the_code(tmp_path, body, code_id, problem):
    path = write(tmp_path, body)
    with pytest.raises(InputError) as err:
        read_codebook_yaml(path)
    message = str(err.value)
    assert str(path) in message
    assert f"'{code_id}'" in message
    assert problem in message


def test_acronyms_in_capitals_may_be_two_letter_wildcards(tmp_path):
    codebook = read_codebook_yaml(write(tmp_path, "themes:\n  - id: a\n    label: A\n    rules:\n"
                                                  "      keywords: ['AI*', 'IT-chef', 'IT']\n"))
    assert codebook.codes["a"].rules.keywords == ("AI*", "IT-chef", "IT")


def test_duplicate_id_points_at_the_line_of_the_second_one(tmp_path):
    path = write(tmp_path, "themes:\n  - id: a\n    label: A\n  - id: b\n    label: B\n    codes:\n"
                           "      - id: a\n        label: again\n")
    with pytest.raises(InputError, match="line 7"):
        read_codebook_yaml(path)


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = write(tmp_path, "themes:\n  - id: a\n    label: [unclosed\n")
    with pytest.raises(InputError, match=r"line \d+") as err:
        read_codebook_yaml(path)
    assert "not valid YAML" in str(err.value)


def version_of(tmp_path: Path, text: str) -> str:
    return read_codebook_yaml(write(tmp_path, text)).version


def edited(text: str, old: str, new: str) -> str:
    """``text`` with ``old`` replaced, failing if the fixture no longer contains ``old``."""
    assert old in text, old
    return text.replace(old, new)


def test_version_is_a_short_hex_digest_that_ignores_comments_layout_and_unicode_form(tmp_path):
    original = (FIXTURES / "codebook.yml").read_text(encoding="utf-8")
    base = read_codebook_yaml(FIXTURES / "codebook.yml").version
    assert re.fullmatch(r"[0-9a-f]{12}", base)
    reformatted = edited(original, "definition: Hur samverkan styrs.",
                         "definition: >\n      Hur  samverkan\n      styrs.")
    reformatted = edited(reformatted, "keywords: [fördelningsnyckel, invånarantal]",
                         "keywords:   # by head\n            - fördelningsnyckel\n            -   invånarantal  ")
    reformatted = edited(reformatted, "label: Fördelning", unicodedata.normalize("NFD", "label: Fördelning"))
    assert version_of(tmp_path, "# another comment\n" + reformatted) == base


@pytest.mark.parametrize(("old", "new"), [
    ("[fördelningsnyckel, invånarantal]", "[fördelningsnyckel]"),  # a keyword removed
    ("(bestämmer|beslutar)", "(bestämmer)"),  # a rule's regex narrowed
    ("keywords_en: [steering group]", "keywords_en: [steering board]"),  # an English keyword
    ("Vem som får besluta.", "Vem som får bestämma."),  # a definition reworded
    ("exclusion: Politik", "exclusion: Politiska beslut"),  # a criterion
], ids=["keyword", "regex", "keyword_en", "definition", "exclusion"])
def test_version_changes_when_a_rule_or_criterion_changes(tmp_path, old, new):
    original = (FIXTURES / "codebook.yml").read_text(encoding="utf-8")
    assert version_of(tmp_path, edited(original, old, new)) != version_of(tmp_path, original)


def test_table_has_the_documented_columns_and_one_row_per_code():
    table = read_codebook_yaml(FIXTURES / "codebook.yml").to_table()
    assert list(table.columns) == CODEBOOK_COLUMNS
    row = table.set_index("code_id").loc["integrations"]
    assert (row["parent_id"], row["theme_id"], row["level"]) == ("legacy", "systems", 2)
    assert row["rules"] == "keywords: integration*"
    theme = table.set_index("code_id").loc["trust"]
    assert (theme["parent_id"], theme["theme_id"], theme["level"]) == ("", "trust", 0)
    assert "keywords (en): trust" in theme["rules"]


def test_resolve_accepts_id_label_and_english_label():
    book = read_codebook_yaml(FIXTURES / "codebook.yml")
    assert book.resolve("allocation").id == "allocation"
    assert book.resolve("  fördelning ").id == "allocation"
    assert book.resolve("MANDATE").id == "mandate"
    with pytest.raises(LookupError, match="not a code id or label"):
        book.resolve("budget")


def test_ambiguous_label_asks_for_the_id(tmp_path):
    path = write(tmp_path, "themes:\n  - id: a\n    label: A\n    codes:\n      - id: a1\n        label: Övrigt\n"
                           "  - id: b\n    label: B\n    codes:\n      - id: b1\n        label: övrigt\n")
    with pytest.raises(LookupError, match="several codes"):
        read_codebook_yaml(path).resolve("Övrigt")


def test_written_yaml_reads_back_to_the_same_codebook(tmp_path):
    book = read_codebook_yaml(FIXTURES / "codebook.yml")
    again = read_codebook_yaml(write_codebook_yaml(book, tmp_path / "codebook.yml"))
    assert again.version == book.version
    assert list(again.codes) == list(book.codes)


def test_flat_codes_join_their_parents(tmp_path):
    path = write(tmp_path, "themes:\n  - id: a\n    label: A\ncodes:\n  - id: b\n    label: B\n    parent: a\n"
                           "  - id: c\n    label: C\n    parent: b\n")
    book = read_codebook_yaml(path)
    assert (book.codes["c"].level, book.codes["c"].theme_id) == (2, "a")


def test_sample_codebook_has_the_ten_themes_each_fully_described():
    text = (SAMPLE / "codebook.yml").read_text(encoding="utf-8")
    assert "FICTIONAL" in text.split("themes:")[0]
    book = load_codebook(SAMPLE)
    assert [t.id for t in book.themes] == SAMPLE_THEMES
    for theme in book.themes:
        children = book.children(theme.id)
        assert 2 <= len(children) <= 4, theme.id
        for code in [theme] + children:
            assert code.definition and code.inclusion and code.exclusion and code.examples, code.id
            assert code.label_en, code.id
        assert all(child.rules for child in children), theme.id


def test_codebook_language_must_have_a_stemmer(tmp_path):
    path = write(tmp_path, "language: de\nthemes:\n  - id: a\n    label: A\n")
    with pytest.raises(InputError, match=r"codebook.yml: language 'de' is not one of sv, en"):
        read_codebook_yaml(path)


def test_codebook_saved_as_windows_1252_is_read(tmp_path):
    path = tmp_path / "codebook.yml"
    path.write_bytes("themes:\n  - id: tillit\n    label: Förtroende och tillit mellan kommunerna\n".encode("cp1252"))
    assert read_codebook_yaml(path).codes["tillit"].label == "Förtroende och tillit mellan kommunerna"
