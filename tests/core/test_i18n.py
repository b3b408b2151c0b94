"""The report language's message catalogues: complete in both languages, plurals, numbers, dates and lists."""

import datetime as dt

import pytest

from helpers.core.errors import InputError
from helpers.core.i18n import LANGUAGES, blanks, load_catalogue, messages
from helpers.core.config import load_config
from helpers.interviews.transcripts import LAYOUTS
from helpers.report.attribution import LEVELS
from helpers.workshop.outcomes import STATUS

SV, EN = messages("sv"), messages("en")


def test_every_message_is_in_every_language_with_the_same_blanks():
    catalogues = {language: load_catalogue(language) for language in LANGUAGES}
    keys = set(catalogues["en"])
    for language, catalogue in catalogues.items():
        assert set(catalogue) == keys, f"{language}: {sorted(set(catalogue) ^ keys)}"
    for key in keys:
        shapes = {language: (type(c[key]).__name__, blanks(c[key])) for language, c in catalogues.items()}
        assert len(set(map(str, shapes.values()))) == 1, (key, shapes)


def test_every_layout_status_and_attribution_level_has_words():
    for key in [f"layout.{name}" for name in LAYOUTS] + [f"status.{s}" for s in STATUS] + \
               [f"attribution.{level}" for level in LEVELS]:
        assert SV.has(key) and EN.has(key), key


@pytest.mark.parametrize("m, n, expected", [(SV, 1, "1 intervju"), (SV, 12, "12 intervjuer"), (EN, 1, "1 interview"),
                                            (EN, 12, "12 interviews"), (SV, 0, "0 intervjuer"),
                                            (SV, 1200, "1\u00a0200 intervjuer"), (EN, 1200, "1,200 interviews")])
def test_counted_nouns_follow_the_language_plural_rules(m, n, expected):
    assert m.n("count.interview", n) == expected


def test_numbers_dates_and_lists_are_written_as_each_language_writes_them():
    assert (SV.num(3.5, 1), EN.num(3.5, 1)) == ("3,5", "3.5")
    assert (SV.num(18878), EN.num(18878)) == ("18\u00a0878", "18,878")
    assert (SV.decimal(0.851), SV.decimal(12.0), EN.decimal(0.85)) == ("0,85", "12", "0.85")
    assert (SV.pct(0.37), EN.pct(0.37), SV.pct(0.984, 1)) == ("37\u00a0%", "37%", "98,4\u00a0%")
    assert (SV.date(dt.date(2026, 3, 4), long=True), EN.date(dt.date(2026, 3, 4), long=True)) == ("4 mars 2026",
                                                                                                 "4 March 2026")
    assert (SV.list(["a", "b", "c"]), EN.list(["a", "b", "c"]), SV.list([])) == ("a, b och c", "a, b and c", "")
    assert SV("captions.codebook", version=3) == "Kodboken (version 3)."


def test_an_unknown_column_keeps_its_own_name_and_a_known_one_is_translated():
    assert (SV.header("participant_id"), EN.header("participant_id")) == ("deltagare", "participant")
    assert SV.header("mean_importance") == "mean importance"  # a researcher's own column: their name for it
    assert SV.header(3) == 3


def test_the_report_language_defaults_to_the_study_language_and_can_be_set(tmp_path):
    (tmp_path / "study.yml").write_text("language: sv\n", encoding="utf-8")
    assert load_config(tmp_path).report_lang == "sv"
    (tmp_path / "study.yml").write_text("language: sv\nreport_language: en\n", encoding="utf-8")
    assert load_config(tmp_path).report_lang == "en"
    (tmp_path / "study.yml").write_text("report_language: de\n", encoding="utf-8")
    with pytest.raises(InputError, match="report_language"):
        load_config(tmp_path)


def test_a_language_without_catalogue_is_refused():
    with pytest.raises(ValueError, match="no message catalogue"):
        messages("de")
