"""The report language: one message catalogue per language, with plurals, numbers, dates and lists by Babel.

Every word a reader of the report or a brief sees that the pipeline writes (headings, captions, table headers,
generated sentences, the COREQ items, figure texts) is a message in ``catalogues/<language>.yml``, looked up by
key; no notebook or helper spells one out. ``study.yml``'s ``report_language`` (default: the study's
``language``) chooses the catalogue. Plural forms follow the language's CLDR rules (``1 intervju``,
``12 intervjuer``) and numbers its conventions (``3,5`` and ``12 345`` in Swedish, ``3.5`` and ``12,345`` in
English), both from Babel, so that no plural or decimal rule is written by hand.

A catalogue entry is a string with ``{name}`` blanks, or for a counted noun a mapping of CLDR plural
categories (``one``, ``other``) to strings. Values passed in are formatted for the language first: integers and
floats as numbers, dates as dates; strings as they are.
"""

from __future__ import annotations

import datetime as dt
import numbers
import string
from functools import lru_cache
from importlib import resources
from typing import Iterable, Mapping

import yaml
from babel import Locale
from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_decimal, format_percent

LANGUAGES = ("sv", "en")
LOCALES = {"sv": "sv_SE", "en": "en_GB"}  # British English, as the catalogue spells it ("organisation")
"""The report languages there is a catalogue for."""

Entry = str | Mapping[str, str]


def _flatten(tree: Mapping, prefix: str = "") -> dict[str, Entry]:
    """``{"page": {"note": "Note."}}`` -> ``{"page.note": "Note."}``; a mapping of plural forms stays one entry."""
    flat: dict[str, Entry] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and not set(value) <= {"zero", "one", "two", "few", "many", "other"}:
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = value
    return flat


def load_catalogue(language: str) -> dict[str, Entry]:
    """The messages of ``language`` from ``catalogues/<language>.yml``, keys flattened with dots."""
    text = resources.files("helpers.core").joinpath(f"catalogues/{language}.yml").read_text(encoding="utf-8")
    return _flatten(yaml.safe_load(text))


def blanks(entry: Entry) -> set[str]:
    """The ``{name}`` blanks of a catalogue entry (of all its plural forms)."""
    forms = entry.values() if isinstance(entry, Mapping) else [entry]
    return {name for form in forms for _, name, _, _ in string.Formatter().parse(form) if name}


class Messages:
    """The messages of one report language, formatted for it: ``m("headings.summary")``,
    ``m.n("count.interview", 12)`` -> "12 intervjuer", ``m.num(3.5, 1)`` -> "3,5"."""

    def __init__(self, language: str):
        if language not in LANGUAGES:
            raise ValueError(f"no message catalogue for language {language!r} (there are: {', '.join(LANGUAGES)})")
        self.language = language
        self.locale = Locale.parse(LOCALES[language])
        self.catalogue = load_catalogue(language)

    def __call__(self, key: str, /, **values: object) -> str:
        """The message ``key`` with its blanks filled in (a plural entry needs :meth:`n`)."""
        entry = self.catalogue[key]
        if isinstance(entry, Mapping):
            raise TypeError(f"message {key!r} is counted: use Messages.n")
        return entry.format(**self._formatted(values))

    def n(self, key: str, count: int, /, **values: object) -> str:
        """The counted message ``key`` in the plural form ``count`` takes; ``{n}`` is the count, formatted."""
        entry = self.catalogue[key]
        forms = entry if isinstance(entry, Mapping) else {"other": entry}
        form = forms.get(self.locale.plural_form(count), forms["other"])
        return form.format(**self._formatted({"n": count, **values}))

    def has(self, key: str) -> bool:
        return key in self.catalogue

    def word(self, key: str, default: str) -> str:
        """The message ``key`` (without blanks), or ``default`` for a value the catalogue has no words for (a
        layout, a coding-file kind or a column that only the data know)."""
        return self(key) if key in self.catalogue else default

    def num(self, value: float | int, digits: int = 0) -> str:
        """A number with ``digits`` decimals (always shown) in the language's notation."""
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def decimal(self, value: float) -> str:
        """A measured value in a table: at most two decimals, no grouping ("0,85", "3,5", "12")."""
        return format_decimal(value, format="0.##", locale=self.locale)

    def pct(self, share: float, digits: int = 0) -> str:
        """A share (0.37) as a percentage ("37 %" in Swedish, "37%" in English)."""
        pattern = self.locale.percent_formats[None].pattern.replace("#,##0", "#,##0" + ("." + "0" * digits if digits
                                                                                       else ""))
        return format_percent(share, format=pattern, locale=self.locale)

    def date(self, day: dt.date, long: bool = False) -> str:
        """A date as the language writes it: "4 mars 2026" / "4 March 2026" (``long``), "4 mars 2026"/"4 Mar 2026"."""
        return format_date(day, "d MMMM y" if long else "d MMM y", locale=self.locale)

    def list(self, items: Iterable[object]) -> str:
        """"a", "a och b", "a, b och c" (Swedish); "a, b and c" (English)."""
        items = [str(i) for i in items]
        return format_list(items, locale=self.locale) if items else ""

    def header(self, column: object) -> object:
        """A table column as a reader reads it: ``participant_id`` -> "participant"/"deltagare"; a column the
        catalogue does not know (a researcher's own file's) keeps its name, with spaces for underscores."""
        if not isinstance(column, str):
            return column
        return self.word(f"headers.{column}", column.replace("_", " "))

    def _formatted(self, values: Mapping[str, object]) -> dict[str, object]:
        def one(value: object) -> object:
            if isinstance(value, bool):
                return value
            if isinstance(value, numbers.Integral):
                return self.num(value)
            if isinstance(value, numbers.Real):
                return self.num(value, 0 if float(value).is_integer() else 1)
            if isinstance(value, dt.date):
                return self.date(value)
            return value
        return {k: one(v) for k, v in values.items()}


@lru_cache(maxsize=None)
def messages(language: str = "en") -> Messages:
    """The (shared, read-once) messages of ``language``."""
    return Messages(language)


ENGLISH = messages("en")
"""The default of helpers that stage notebooks (which speak English) call without a report language."""
