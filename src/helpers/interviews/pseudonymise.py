"""Pseudonymisation: the re-identification key, replacing names and identifiers, and the name review list.

The key (:func:`build_key`) maps every known real name to its replacement: respondents to their
participant id, interviewers to ``Interviewer``, and the names listed in ``pseudonyms.csv`` to whatever
the researcher wrote. :class:`Pseudonymiser` compiles the key once and replaces, in one pass per kind:
e-mail addresses, Swedish personal identity numbers, phone numbers, then names.

Matching rules for names (the privacy gate in :mod:`helpers.runner.privacy` uses the same ones):

- Whole words, case-insensitive, longest name first ("Per-Olof Nyström" before "Per-Olof").
- Names are compared in one normalised form (:func:`helpers.core.textio.matching_form`): invisible
  characters (soft hyphens from Word's hyphenation, zero-width spaces and joiners from PDF conversion)
  removed, decomposed letters composed, diacritics folded (å, ä → a, ö, ø → o, é → e, æ → ae), both ways:
  "Asa Ohman" is "Åsa Öhman", and a key name typed on an English keyboard finds the name written with å, ä,
  ö. The replacement covers the name as written, soft hyphens included. A name spelt as in the key takes
  that entry; folded spellings shared by names with different replacements ("Åsa", "Äsa") give ``[namn]``,
  and a folded match that is an everyday word as written ("As" for a key's "Ås") is no name.
- Inflected forms keep their ending: ``Kerstins`` → ``P01:s`` (a colon before the ``s`` when the
  replacement ends in a digit or a capital, as Swedish writes genitives of codes), ``Annas`` →
  ``[Politician A]s``, ``Kerstin's`` → ``P01's``, ``Lars'`` → ``P09'``.
- A name that is also a common lowercase word (``per``, ``strand``, ``björk``, ``will``: see
  :func:`is_common_word`) matches only when it starts with a capital letter, so the Swedish preposition
  "per" is never replaced.
- Hyphens: a hyphenated name in the key is replaced whole (``Anna-Karin``, ``Per-Olofs``), and its parts
  are keyed on their own ("Holmberg-Svensson" gives "Holmberg" and "Svensson"). A key name joined by a
  hyphen to another *capitalised* word is part of a double name, which is replaced whole: by the
  replacement of its parts when every part is keyed and all agree ("Svensson-Holmberg" → ``P03``), else by
  ``[namn]`` (with only "Anna" in the key, "Anna-Karin" → ``[namn]``: "[P03]-Karin" would leak "Karin",
  "P03" might pin the wrong person, and leaving it would publish a key name). A name joined to a
  lowercase word or an acronym is a compound and only the name is replaced: ``Holmberg-utredningen`` →
  ``P01-utredningen``, ``IT-Kerstin`` → ``IT-P01``.
- Organisation names passed as ``keep`` are never touched, so a surname that is also a place name does
  not turn "Granvik kommun" into "P07 kommun".

The key keys each full name and its parts ("Kerstin Holmberg", "Kerstin", "Holmberg"; a name written in
lowercase in participants.csv is keyed the same way; invisible characters removed, NFC); a short form shared
by people with different replacements becomes ``[namn]``; a row of pseudonyms.csv wins over a form derived
from participants.csv, which wins over a part of a double name ("Svensson" of "Erik Svensson" over
"Svensson" of "Maria Holmberg-Svensson").
Speaker labels such as "I", "Intervjuare" or "Speaker 1" are roles, not names; labels that are names
("Lina Björk:", "Fatima Hassan  0:21") are added to the key by :func:`label_entries` and :func:`extend_key`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from personnummer import personnummer

from ..core.errors import InputError
from ..core.language import stop_words
from ..core.tables import ROW, find_table
from ..core.textio import MatchingForm, caseless, matching_form, strip_invisible
from .cache import fingerprint

if TYPE_CHECKING:
    from ..core.study import Study

KEY_COLUMNS = ["original", "replacement", "kind", "source"]
REVIEW_COLUMNS = ["candidate", "count", "participants", "example"]
KIND_ORDER = ("respondent", "interviewer", "other")
INTERVIEWER = "Interviewer"
AMBIGUOUS = "[namn]"  # replacement of a short name shared by people with different replacements
KEY_FILE = "pseudonymisation_key.csv"
REVIEW_FILE = "name_review.csv"

# Speaker labels that name a role, not a person: never put in the key.
ROLE_LABELS = frozenset({
    "i", "int", "intervjuare", "intervjuaren", "interviewer", "interviewers", "moderator", "facilitator",
    "forskare", "researcher", "samtalsledare", "utfrågare", "fråga", "question", "q", "respondent",
    "informant", "deltagare", "participant", "ip", "resp", "respondenten", "informanten", "interviewee",
    "deltagaren", "forskaren", "moderatorn", "mod", "svar", "svarande", "speaker", "talare", "talaren",
    "unknown", "okänd", "person", "guest", "gäst", "host",
})
# Titles in front of a name in a speaker label ("Statsrådet MEHMET KAPLAN"): not part of the name.
TITLES = frozenset({
    "statsrådet", "statsministern", "ministern", "talmannen", "ordföranden", "dr", "prof", "professor",
    "docent", "herr", "fru", "mr", "mrs", "ms", "miss", "sir",
})
# Lowercase particles in names ("von", "af"): part of a full name, never keyed on their own.
NAME_PARTICLES = frozenset({"af", "av", "von", "van", "der", "den", "de", "la", "le", "du", "di", "da", "al", "el"})
# Names that are also everyday lowercase words (besides the stop-word lists): matched only capitalised.
NAME_WORDS = frozenset({
    # Swedish given names and surnames that are everyday words (nature, colours, animals, adjectives)
    "per", "bo", "dan", "stig", "sten", "björn", "axel", "mark", "max", "sol", "liv", "saga", "vilja", "love",
    "linnea", "viola", "iris", "august", "gun", "rut", "siv", "tor", "frost", "sommar", "vinter", "ek", "alm",
    "ask", "asp", "lind", "lönn", "rönn", "gran", "tall", "hassel", "lilja", "ros", "blom", "blad", "gren",
    "kvist", "ljung", "lund", "berg", "björk", "holm", "ström", "strand", "bäck", "sjö", "vik", "dal", "skog",
    "hed", "ås", "mo", "näs", "udd", "fors", "sand", "malm", "stål", "vall", "by", "bro", "nord", "öst",
    "väst", "falk", "örn", "svan", "hjort", "varg", "hök", "fink", "lärka", "lax", "stark", "rask", "modig",
    "kraft", "lång", "svärd", "sköld", "pil", "svart", "vit", "grön", "brun", "röd", "backe", "lo",
    "hans", "inga",  # also Swedish stop words ("his", "no"): listed so the review list keeps them as names
    # English given names and surnames that are everyday words
    "will", "rose", "may", "june", "april", "grant", "hope", "joy", "faith", "bill", "frank", "guy", "pat",
    "sue", "don", "art", "ray", "jack", "nick", "rob", "dawn", "gene", "holly", "ivy", "olive", "penny",
    "rich", "sandy", "summer", "young", "white", "brown", "green", "black", "king", "long", "hunter",
})
# Capitalised words that are not personal names, for the review list (besides stop words and the key).
NOT_NAMES = frozenset({
    "januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
    "november", "december", "january", "february", "march", "may", "june", "july", "august", "october",
    "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag", "monday", "tuesday",
    "wednesday", "thursday", "friday", "saturday", "sunday", "jul", "påsk", "midsommar", "christmas",
    "microsoft", "teams", "office", "outlook", "excel", "word", "powerpoint", "sharepoint", "onedrive",
    "windows", "google", "zoom", "skype", "slack", "apple", "android", "iphone", "facebook", "linkedin",
    "youtube", "chatgpt", "copilot", "openai", "internet", "bankid", "sverige", "sveriges", "svensk",
    "svenska", "stockholm", "göteborg", "malmö", "uppsala", "norden", "europa", "eu", "english",
    "swedish", "sweden", "europe", "skatteverket", "försäkringskassan", "arbetsförmedlingen", "digg",
    "vinnova", "skolverket", "socialstyrelsen", "upphandlingsmyndigheten", "esv", "kommun", "kommunen", "kommuner", "kommunerna", "region", "regionen", "kommunstyrelsen",
    "kommunfullmäktige", "kommundirektör", "kommundirektören", "riksdagen", "regeringen", "staten",
    "länsstyrelsen", "okej", "ok", "okay", "hej", "tack", "mm", "mhm", "hmm", "jaha", "aha", "jo", "yeah",
    "yes", "no", "um", "uh", "oh", "ah", "alright", "right",
})

_HYPHEN = "-"
_WORD_BEFORE = re.compile(r"[^\W\d_]+$")  # search with an endpos: the word that ends there
_WORD_AFTER = re.compile(r"[^\W\d_]+")  # match with a pos: the word that starts there


def _clean(name: str) -> str:
    """NFC without invisible characters, with single spaces: the form a name is keyed in."""
    return " ".join(unicodedata.normalize("NFC", strip_invisible(name)).split())


def fold(text: str) -> str:
    """A name's exact spelling, compared: cleaned and lowercase (as the regex flag IGNORECASE compares)."""
    return _clean(text).lower()


def loose_fold(text: str) -> str:
    """A name as the matcher compares it: :func:`helpers.core.textio.matching_form` (no diacritics), lowercase."""
    return " ".join(matching_form(text).text.lower().split())


def is_common_word(name: str) -> bool:
    """True for a one-word name that is also an everyday lowercase word ("Per", "Strand", "Will").

    Such names are matched only when they start with a capital letter, here and in the privacy gate.
    """
    folded = fold(name)
    return " " not in folded and (folded in NAME_WORDS or folded in stop_words())


# --- the key -----------------------------------------------------------------------------------------


def _is_name_token(token: str) -> bool:
    """A token worth keying on its own: a capitalised word of two letters or more, not an initial."""
    letters = token.replace(_HYPHEN, "")
    return len(letters) >= 2 and letters.isalpha() and token[0].isupper() and token.lower() not in NAME_PARTICLES


def _capitalised(token: str) -> str:
    """A lowercase word written as a name ("svensson" → "Svensson", "anna-karin" → "Anna-Karin"); others as they are."""
    return token.title() if token.islower() else token


def _tokens(name: str) -> list[str]:
    """The words of a cleaned name, capitalised ("holmberg, kerstin" → "Holmberg", "Kerstin")."""
    return [_capitalised(t) for t in name.replace(",", " ").split()]


def double_name_parts(name: str) -> list[str]:
    """The parts of the hyphenated words of ``name``: "Maria Holmberg-Svensson" → "Holmberg", "Svensson".

    Everyday words are left out ("Per" of "Per-Olof"): alone they are far more often the word than the
    person, and capitalised at a sentence start ("Per code, ...") they would be replaced and stop the gate.
    """
    return [part for token in _tokens(_clean(name)) if _HYPHEN in token
            for part in map(_capitalised, token.split(_HYPHEN)) if _is_name_token(part) and not is_common_word(part)]


def name_forms(name: str) -> list[str]:
    """The full name, each of its words and each part of a double name.

    "Kerstin Holmberg" → the full name, "Kerstin", "Holmberg"; "Holmberg, Kerstin" is also keyed as
    "Kerstin Holmberg". A hyphenated name is keyed whole and in parts ("Holmberg-Svensson", "Holmberg",
    "Svensson"), since either part may be used alone (see :func:`double_name_parts`). Initials and
    particles ("E.", "von") are not keyed alone. Words written in lowercase ("anna svensson") are keyed
    capitalised ("Anna", "Svensson"): a name is a name however it was typed.
    """
    name = _clean(name)
    if not name:
        return []
    forms = [name]
    if "," in name:
        last, _, first = (p.strip() for p in name.partition(","))
        name = _clean(f"{first} {last}")
        forms.append(name)
    tokens = _tokens(name)
    if len(tokens) > 1:
        forms += [t for t in tokens if _is_name_token(t)]
    return list(dict.fromkeys(f for f in forms + double_name_parts(name) if f))


def is_person_like(name: str) -> bool:
    """True when every word is capitalised (no acronym): "Bengt Axelsson", not "Sjömåla vårdcentral"."""
    tokens = _clean(name).split()
    return bool(tokens) and all(
        part[:1].isupper() and not part.isupper() and part.replace("-", "").isalpha()
        for token in tokens for part in token.split(_HYPHEN)
    )


def _names_a_person(word: str) -> bool:
    """A word of a label that is a name: capitalised ("Lina") or lowercase of three letters or more ("lina").

    Role words ("Intervjuare", "Speaker") and capitals (initials and codes: "LB", "INT") are not.
    """
    if word.lower() in ROLE_LABELS or word.isupper():
        return False
    return _is_name_token(word) or (len(word) >= 3 and _is_name_token(_capitalised(word)))


def is_role_label(label: str) -> bool:
    """True for a speaker label that names a role, not a person ("I", "Intervjuare", "LB", "I1", "Speaker 1")."""
    return not any(_names_a_person(word) for word in re.findall(r"[^\W\d_]+", label))


# Which entry wins when two people's names share a form (see _resolve): a row of pseudonyms.csv (or of an
# existing key), a form of a name, a part of a double name ("Svensson" of "Maria Holmberg-Svensson" loses to
# "Svensson" of "Erik Svensson").
EXPLICIT, DERIVED, PART = 0, 1, 2


def _entry(original: str, replacement: str, kind: str, source: str, rank: int = DERIVED) -> dict:
    return {"original": _clean(original), "replacement": replacement, "kind": kind, "source": source, "rank": rank}


def _form_entries(name: str, replacement: str, kind: str, source: str, skip_roles: bool = False) -> list[dict]:
    """One entry per form of ``name`` (:func:`name_forms`), in that order; parts of a double name rank lowest.

    ``skip_roles``: leave out forms that are role words ("Intervjuare"), for names taken from labels.
    """
    parts = set(double_name_parts(name))
    return [_entry(form, replacement, kind, source, PART if form in parts else DERIVED)
            for form in name_forms(name) if not (skip_roles and form.lower() in ROLE_LABELS)]


def _respondent_entries(participants: pd.DataFrame, file: str) -> list[dict]:
    rows = []
    for rec in participants.to_dict("records"):
        where = f"{file} row {rec.get(ROW, '?')}"
        rows += _form_entries(rec.get("name", "") or "", rec["participant_id"], "respondent", f"{where} (name)")
    return rows


def _interviewer_entries(labels: Iterable[tuple[str, str]]) -> list[dict]:
    rows = []
    for label, source in labels:
        if not is_role_label(label):
            rows += _form_entries(label, INTERVIEWER, "interviewer", source, skip_roles=True)
    return rows


def _interviewer_labels(study: Study) -> list[tuple[str, str]]:
    file = study.participants_file.name
    labels = [(label.strip(), f"{file} row {rec.get(ROW, '?')} (interviewer)")
              for rec in study.participants.to_dict("records")
              for label in str(rec.get("interviewer", "") or "").split(";") if label.strip()]
    return labels + [(name, "study.yml (interviewers)") for name in study.config.interviewers]


def _other_entries(pseudonyms: pd.DataFrame, path: Path) -> list[dict]:
    """Rows of pseudonyms.csv (explicit), plus the parts of person-like names (derived)."""
    rows = []
    seen: dict[str, tuple[str, object]] = {}
    for rec in pseudonyms.to_dict("records"):
        original, replacement, row = _clean(rec["original"]), rec["replacement"].strip(), rec.get(ROW, "?")
        earlier = seen.setdefault(fold(original), (replacement, row))
        if earlier[0] != replacement:
            raise InputError(path, f"'{original}' has two replacements: '{earlier[0]}' (row {earlier[1]}) "
                             f"and '{replacement}'", where=f"row {row}", fix="keep one replacement per name")
        rows.append(_entry(original, replacement, "other", f"{path.name} row {row}", EXPLICIT))
        if is_person_like(original):
            rows += _form_entries(original, replacement, "other", f"{path.name} row {row} (part)")[1:]
    return rows


def _resolve(entries: list[dict]) -> pd.DataFrame:
    """One row per name: the entries of the best rank win (see :data:`EXPLICIT`); a clash among them becomes
    :data:`AMBIGUOUS`."""
    resolved = []
    table = pd.DataFrame(entries)
    for _, group in table.groupby(table["original"].map(fold), sort=False):
        chosen = group[group["rank"] == group["rank"].min()]
        first = chosen.iloc[0]
        replacement = first["replacement"] if chosen["replacement"].nunique() == 1 else AMBIGUOUS
        kind = min(chosen["kind"], key=KIND_ORDER.index)
        resolved.append(_entry(first["original"], replacement, kind, "; ".join(dict.fromkeys(chosen["source"]))))
    return pd.DataFrame(resolved, columns=KEY_COLUMNS + ["rank"])


def build_key(study: Study) -> pd.DataFrame:
    """The re-identification key of ``study``: columns original, replacement, kind, source.

    Respondents' names (and their parts) map to the participant id, interviewers' names to
    ``Interviewer``, names in pseudonyms.csv to the researcher's replacement. A short name shared by
    people with different replacements ("Erik" for a respondent and an interviewer) maps to ``[namn]``.
    """
    pseudonyms_file = find_table(study.root, "pseudonyms") or study.root / "pseudonyms.csv"
    entries = (_respondent_entries(study.participants, study.participants_file.name)
               + _interviewer_entries(_interviewer_labels(study))
               + _other_entries(study.pseudonyms, pseudonyms_file))
    if not entries:
        return pd.DataFrame(columns=KEY_COLUMNS)
    return _ordered(_resolve(entries).drop(columns="rank"))


def _ordered(key: pd.DataFrame) -> pd.DataFrame:
    """Respondents, interviewers, others; by replacement; longest name first."""
    order = key["kind"].map(KIND_ORDER.index)
    return (key.assign(_order=order, _len=-key["original"].str.len())
            .sort_values(["_order", "replacement", "_len", "original"])
            .drop(columns=["_order", "_len"]).reset_index(drop=True))


# --- speaker labels ----------------------------------------------------------------------------------

# Parenthesised parts ("(MP)", "(IT-chef)"), timestamps ("0:21", "1:02:03.5"), brackets and colons.
_LABEL_NOISE = re.compile(r"\([^()]*\)|(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d+)?|[\[\]:]")


def label_name(label: str) -> str:
    """The name part of a speaker label as written: "Fatima Hassan  0:21" → "Fatima Hassan".

    Timestamps, colons, brackets, parenthesised parts (party, title) and leading titles go; in a label of
    several words, words in capitals of three letters or more are written as names, so that
    "Statsrådet MEHMET KAPLAN (MP)" gives "Mehmet Kaplan" (a single word in capitals is a code: "INT", "LB").
    A register's "Lund, Eva" (Teams) gives "Eva Lund".
    """
    label = _LABEL_NOISE.sub(" ", label)
    if label.count(",") == 1:
        last, first = label.split(",")
        label = f"{first} {last}"
    words = label.split()
    while words and words[0].lower().rstrip(".") in TITLES:
        words = words[1:]
    if len(words) > 1:
        words = [w.title() if w.isupper() and sum(c.isalpha() for c in w) >= 3 else w for w in words]
    return " ".join(words)


def _is_name_label(name: str) -> bool:
    """True for a cleaned label that is a person's name: capitalised words (particles aside), not a role."""
    words = [w for w in name.split() if w.lower() not in NAME_PARTICLES]
    return not is_role_label(name) and is_person_like(" ".join(words))


def label_entries(labels: Iterable[tuple[str, str]]) -> pd.DataFrame:
    """Key rows for speaker labels that are names: (label as written, its replacement) → original, replacement, ...

    Transcripts often label turns with names ("Lina Björk:", "Fatima Hassan  0:21") that participants.csv
    does not hold; keyed, they are replaced in the text and checked by the privacy gate. Roles and codes
    ("I", "R", "Intervjuare", "Respondent", "Speaker 1", "Unknown Speaker", "[id1]") are skipped. Each name
    gives its full form and parts, as in :func:`build_key`; kind is ``interviewer`` for a replacement
    starting with ``Interviewer``, else ``respondent``. A part shared by labels with different
    replacements becomes ``[namn]``. Merge the rows into a key with :func:`extend_key`.
    """
    rows = []
    for label, replacement in labels:
        name = label_name(label)
        if not _is_name_label(name):
            continue
        kind = "interviewer" if replacement.startswith(INTERVIEWER) else "respondent"
        rows += _form_entries(name, replacement, kind, f"speaker label '{' '.join(label.split())}'", skip_roles=True)
    if not rows:
        return pd.DataFrame(columns=KEY_COLUMNS)
    return _ordered(_resolve(rows).drop(columns="rank"))


def extend_key(key: pd.DataFrame, more: pd.DataFrame) -> pd.DataFrame:
    """``key`` with the rows of ``more`` (e.g. from :func:`label_entries`) for names it does not hold yet.

    The clash rules of :func:`build_key`, with ``key`` in the place of pseudonyms.csv: an entry of ``key``
    always wins over one of ``more`` with the same name (any case); clashes within ``more`` are ``[namn]``.
    """
    entries = ([_entry(*row, rank=EXPLICIT) for row in key[KEY_COLUMNS].itertuples(index=False)]
               + [_entry(*row) for row in more[KEY_COLUMNS].itertuples(index=False)])
    if not entries:
        return pd.DataFrame(columns=KEY_COLUMNS)
    return _ordered(_resolve(entries).drop(columns="rank"))


# --- names -------------------------------------------------------------------------------------------


def _trie_regex(names: Iterable[str]) -> str:
    """One regex matching any of ``names`` (folded): a character trie, so matching costs one pass.

    A trie instead of a plain alternation is five times faster on long texts; optional branches are
    greedy, so the longest name wins ("Per-Olof Nyström" before "Per-Olof"). Spaces match any whitespace.
    """
    trie: dict = {}
    for name in names:
        node = trie
        for char in name:
            node = node.setdefault(char, {})
        node[""] = {}

    def render(node: dict) -> str:
        branches = [(r"\s+" if char == " " else re.escape(char)) + render(child)
                    for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        if len(branches) == 1 and "" not in node:
            return branches[0]
        return "(?:" + "|".join(branches) + ")" + ("?" if "" in node else "")

    return render(trie) or r"(?!x)x"


def _is_name_neighbour(word: str, matched: str) -> bool:
    """A hyphen-joined word that makes a double name: capitalised, and not an acronym (unless all is caps)."""
    return word[:1].isupper() and (not word.isupper() or matched.isupper())


def _one_replacement(replacements: set[str | None]) -> str | None:
    """The replacement of names that share a folded form: theirs when they agree, else :data:`AMBIGUOUS`.

    None (a protected term) only when no key name has that form: privacy before presentation.
    """
    names = replacements - {None}
    if not names:
        return None
    return names.pop() if len(names) == 1 else AMBIGUOUS


@dataclass(frozen=True)
class NameHit:
    """One accepted occurrence of a key name (or a protected term, replacement None), in original offsets."""

    start: int
    end: int  # after the inflection ending, if any
    name: str  # as written, without invisible characters and ending; a double name whole
    replacement: str | None
    suffix: str = ""  # the inflection ending ("s", "'s", "'")


_NAME_PATTERN = r"(?<!\w)(?P<name>{})(?P<suffix>s|['’]s?)?(?!\w)"  # whole words, with an inflection ending


class NameMatcher:
    """All names of a key (and protected terms) compiled into one case-insensitive regex.

    Names are matched in the matching form (:func:`helpers.core.textio.matching_form`) and the hits mapped
    back to the text as written. A name spelt as in the key takes that entry; one that matches only with
    diacritics folded takes the entry of its folded form (:data:`AMBIGUOUS` when names with different
    replacements share it). The key wins over a protected term with the same spelling.
    """

    def __init__(self, key: pd.DataFrame, keep: Iterable[str] = ()) -> None:
        exact: dict[str, str | None] = {}
        for original, replacement in zip(key["original"], key["replacement"]):
            if fold(original):
                exact.setdefault(fold(original), replacement)
        for term in keep:
            if fold(term):
                exact.setdefault(fold(term), None)
        loose: dict[str, set[str | None]] = {}
        for name, replacement in exact.items():
            if loose_fold(name):
                loose.setdefault(loose_fold(name), set()).add(replacement)
        self.exact = exact
        self.loose = {form: _one_replacement(replacements) for form, replacements in loose.items()}
        self.capital_only = {loose_fold(name) for name in exact if is_common_word(name)}
        self._looked_up: dict[tuple[str, str], tuple[str | None, bool]] = {}
        self.pattern = re.compile(_NAME_PATTERN.format(_trie_regex(self.loose)), re.IGNORECASE)
        # The same names for texts in caseless form: one pass without IGNORECASE (see caseless). Only when no
        # two letters of the names are one letter caseless ("i", "ı"), so both regexes make the same choices.
        alphabet = set("".join(self.loose))
        caseless_alphabet = {caseless(char) for char in alphabet}
        self.caseless_pattern = None
        if None not in caseless_alphabet and len(caseless_alphabet) == len(alphabet):
            self.caseless_pattern = re.compile(_NAME_PATTERN.format(_trie_regex(map(caseless, self.loose))))

    def candidates(self, text: str) -> Iterator[re.Match]:
        """Every match of the names' regex in ``text`` (in matching form), before the rules that accept a hit.

        Read the groups' text from ``text`` by their spans: a match may be one in :func:`caseless` form.
        """
        scan = caseless(text) if self.caseless_pattern is not None else None
        return self.pattern.finditer(text) if scan is None else self.caseless_pattern.finditer(scan)

    def _lookup(self, written: str, matched: str) -> tuple[str | None, bool]:
        """(replacement, spelt as in the key) of a name ``written`` in the text, ``matched`` in its matching form.

        Remembered: a long text names the same few people and organisations over and over.
        """
        if (known := self._looked_up.get((written, matched))) is not None:
            return known
        if (exact := fold(written)) in self.exact:
            found = self.exact[exact], True
        else:
            found = self.loose[loose_fold(matched)], False
        self._looked_up[(written, matched)] = found
        return found

    def _single(self, text: str, form: MatchingForm, match: re.Match) -> NameHit | None:
        """The hit of a name on its own; None for a common word written in lowercase ("per"), or for a folded
        match that is a common word as written ("As" for the key's "Ås")."""
        name = form.text[match.start("name"):match.end("name")]
        start, end = form.span(match.start(), match.end())
        written = text[start:form.span(match.start(), match.end("name"))[1]]
        replacement, exact = self._lookup(written, name)
        if not name[0].isupper() and loose_fold(name) in self.capital_only:
            return None
        if not exact and is_common_word(written):
            return None
        suffix = form.text[match.end("name"):match.end()]
        return NameHit(start, end, strip_invisible(written), replacement, suffix)

    def _double_name(self, text: str, form: MatchingForm, match: re.Match) -> tuple[NameHit, int] | None:
        """The hit of a double name holding ``match`` ("Holmberg-Svensson", "Lisa-Kerstin"), replaced whole,
        and where it ends in the matching form.

        Its replacement is that of its parts when every part is a key name and all agree, else
        :data:`AMBIGUOUS`: half a replacement ("P01-Lind") would leak the other half, and a double name may
        be someone else. None when ``match`` has no capitalised hyphen-joined neighbour, or no part is keyed.
        """
        view = form.text
        name = view[match.start("name"):match.end("name")]
        start, end = match.start(), match.end()
        while start > 1 and view[start - 1] == _HYPHEN and (
                before := _WORD_BEFORE.search(view, max(0, start - 61), start - 1)) \
                and _is_name_neighbour(before.group(), name):
            start = before.start()
        while view.startswith(_HYPHEN, end) and (after := _WORD_AFTER.match(view, end + 1, end + 61)) \
                and _is_name_neighbour(after.group(), name):
            end = after.end()
        if (start, end) == match.span():
            return None
        replacements, pos, part = [], start, None
        for word in view[start:end].split(_HYPHEN):
            part = self.pattern.fullmatch(word)
            if part:
                written = text[slice(*form.span(pos, pos + part.end("name")))]
                replacements.append(self._lookup(written, part.group("name"))[0])
            else:
                replacements.append(None)
            pos += len(word) + 1
        keyed = [r for r in replacements if r is not None]
        if not keyed:
            return None
        suffix = (part.group("suffix") or "") if part and replacements[-1] is not None else ""
        replacement = keyed[0] if len(keyed) == len(replacements) and len(set(keyed)) == 1 else AMBIGUOUS
        original = form.span(start, end)
        written = text[original[0]:form.span(start, end - len(suffix))[1]]
        return NameHit(*original, strip_invisible(written), replacement, suffix), end

    def hits(self, text: str) -> Iterator[NameHit]:
        """Every accepted occurrence in ``text``, protected terms included (with replacement None)."""
        form = matching_form(text)
        done = 0  # where the last double name ended: the rest of its parts are not hits of their own
        for match in self.candidates(form.text):
            if match.start() < done:
                continue
            if double := self._double_name(text, form, match):
                hit, done = double
            else:
                hit = self._single(text, form, match)
            if hit is not None:
                yield hit

    def replace(self, text: str) -> str:
        """``text`` with every key name replaced and every other character kept."""
        pieces, pos = [], 0
        for hit in self.hits(text):
            if hit.replacement is not None:
                pieces += [text[pos:hit.start], hit.replacement + _suffix_for(hit.replacement, hit.suffix)]
                pos = hit.end
        return "".join(pieces) + text[pos:] if pieces else text


def _suffix_for(replacement: str, suffix: str) -> str:
    """The inflection ending after a replacement: Swedish writes ``P01:s``, not ``P01s``."""
    if suffix == "s" and (replacement[-1:].isdigit() or replacement[-1:].isupper()):
        return ":s"
    return suffix


# --- identifiers -------------------------------------------------------------------------------------

# The top-level domain has letters and a slash does not come first: "npm/mathjax@2.7.7" is no e-mail address.
_EMAIL = re.compile(r"(?<![\w.+/-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?![\w-])")
_PERSONNUMMER = re.compile(r"(?<![\w+\-.,:/])(?:\d{2})?\d{6}[-+]?\d{4}(?![\w-]|[.,:/]\d)")
_SEP = r"[ \u00a0.\-]"
_PHONE = re.compile(
    r"(?<![\w+\-./:,])"  # not inside a word, number, date, time or decimal
    r"(?:"
    # +46 70 123 45 67, 0046 70..., +44 20 7946 0958, +1 (555) 123-4567
    rf"(?P<intl>(?:\+|00(?=[1-9]))[1-9]\d{{0,2}}(?:{_SEP}?\(0\))?(?:{_SEP}?\(?\d{{1,4}}\)?){{2,6}})"
    # 070-123 45 67, 0701234567, 08-123 456 78, 0500-12 34 56, (08) 123 456
    r"|(?P<domestic>(?:\(0[1-9]\d{0,2}\)|0[1-9]\d{0,2})(?:[ \u00a0]?[-–/][ \u00a0]?|[ \u00a0])?"
    r"\d{2,4}(?:[ \u00a0-]?\d{2,4}){0,3})"
    r")(?!\w)"
)
_PHONE_DIGITS = {"intl": (9, 15), "domestic": (8, 10)}
_LAST_GROUP = re.compile(r"[ \u00a0.\-–/]+\(?\d+\)?$")
_THOUSANDS = re.compile(r"\d{3}(?:[ \u00a0]\d{3})+")


def _accept_email(match: re.Match) -> int:
    return len(match.group(0))


def _accept_personnummer(match: re.Match) -> int:
    """The whole match when its date and checksum are valid (Skatteverket's rules), else 0."""
    return len(match.group(0)) if personnummer.valid(match.group(0)) else 0


def _accept_phone(match: re.Match) -> int:
    """Length of the phone number at the start of the match (trailing digit groups trimmed), else 0.

    Three-digit groups right after a number are the rest of an amount ("2 075 430 000 kr"), not a phone.
    """
    form = "intl" if match.group("intl") else "domestic"
    low, high = _PHONE_DIGITS[form]
    number = match.group(0)
    start, text = match.start(), match.string
    if _THOUSANDS.fullmatch(number) and start > 1 and text[start - 1] in " \u00a0" and text[start - 2].isdigit():
        return 0
    while sum(c.isdigit() for c in number) > high:
        trimmed = _LAST_GROUP.sub("", number)
        if trimmed == number:
            return 0
        number = trimmed
    return len(number) if sum(c.isdigit() for c in number) >= low else 0


@dataclass(frozen=True)
class IdentifierRule:
    """One kind of identifier: its pattern, what replaces it, and how much of a match is really one."""

    kind: str
    placeholder: str
    pattern: re.Pattern
    accept: Callable[[re.Match], int]
    marker: str = ""  # a character every identifier of this kind holds: texts without it are skipped fast
    # Finds, fast, every place where an identifier of this kind can start (all of them; more is allowed):
    # the pattern is tried only there. Its own leading lookbehind makes it slow to search for.
    start: re.Pattern | None = None

    def _search(self, text: str, pos: int) -> re.Match | None:
        """``self.pattern.search(text, pos)``, trying the pattern only where :attr:`start` finds a start."""
        if self.start is None:
            return self.pattern.search(text, pos)
        while place := self.start.search(text, pos):
            if match := self.pattern.match(text, place.start()):
                return match
            pos = place.start() + 1
        return None

    def spans(self, text: str) -> Iterator[tuple[int, int]]:
        """(start, end) of every identifier of this kind; what follows a trimmed match is searched again."""
        if self.marker not in text:
            return
        pos = 0
        while match := self._search(text, pos):
            length = self.accept(match)
            if length:
                yield match.start(), match.start() + length
            pos = match.start() + length if length else match.end()

    def hits(self, text: str) -> Iterator[tuple[int, str]]:
        """(offset, identifier) for every identifier of this kind in ``text``."""
        for start, end in self.spans(text):
            yield start, text[start:end]

    def replace(self, text: str) -> str:
        """``text`` with every identifier of this kind replaced by the placeholder."""
        pieces, pos = [], 0
        for start, end in self.spans(text):
            pieces += [text[pos:start], self.placeholder]
            pos = end
        return "".join(pieces) + text[pos:] if pieces else text


# Order matters: e-mail addresses first (they hold names and digits), personal numbers before phones.
IDENTIFIER_RULES = (
    IdentifierRule("e-mail", "[e-post]", _EMAIL, _accept_email, marker="@"),
    IdentifierRule("personnummer", "[personnummer]", _PERSONNUMMER, _accept_personnummer,
                   start=re.compile(r"\d(?<![\w+\-.,:/]\d)")),  # a digit after no character of its lookbehind
    IdentifierRule("phone", "[telefon]", _PHONE, _accept_phone,
                   start=re.compile(r"[+0(](?<![\w+\-./:,][+0(])")),  # "+", "0" or "(", likewise
)
# What the pseudonymiser writes in place of a name or identifier: words of the sentence, never removed by cleaning.
PLACEHOLDERS = frozenset({AMBIGUOUS} | {rule.placeholder for rule in IDENTIFIER_RULES})


def replace_identifiers(text: str) -> str:
    """``text`` with e-mail addresses, valid personal identity numbers and phone numbers replaced."""
    for rule in IDENTIFIER_RULES:
        text = rule.replace(text)
    return text


# --- applying the key --------------------------------------------------------------------------------


class Pseudonymiser:
    """A key compiled once; :meth:`apply` pseudonymises one text (identifiers, then names).

    ``keep``: terms never replaced, typically ``study.organisations``.
    """

    def __init__(self, key: pd.DataFrame, keep: Iterable[str] = ()) -> None:
        keep = list(keep)
        self.names = NameMatcher(key, keep)
        # What it replaces, as one hash (in the order the matcher reads it): stage 01's cache keys on it.
        self.fingerprint = fingerprint(list(key["original"]), list(key["replacement"]), keep)

    def apply(self, text: str) -> str:
        """``text`` pseudonymised; every character that is not part of a name or identifier is kept."""
        if not text:
            return text
        return self.names.replace(replace_identifiers(text))


# --- the review list ---------------------------------------------------------------------------------

_UPPER = "".join(c for c in map(chr, range(0x2000)) if c.isupper())
_TOKEN = re.compile(rf"(?<![\w\-'’])[{re.escape(_UPPER)}]\w*(?:[-'’]\w+)*['’]?")
_CONTRACTION = re.compile(r"['’](?:t|m|re|ve|ll|d)$", re.IGNORECASE)  # Don't, I'm: not names
_SENTENCE_END = set(".!?:;…\"“”«»']")  # "]": after a transcription mark such as "[skratt]"
_CONTEXT = 40


def _words(texts: Iterable[str]) -> set[str]:
    """Folded words (hyphenated words kept whole) of ``texts``."""
    return {w.lower() for t in texts for w in re.findall(r"[^\W\d_]+(?:-[^\W\d_]+)*", str(t))}


def _known(key: pd.DataFrame, organisations: Iterable[str], known_words: Iterable[str]) -> set[str]:
    """Folded words that are not name candidates: the key's names and replacements, organisations, common words.

    Stop words that are also names ("Hans", "Inga") stay candidates: capitalised mid-sentence, they are names.
    """
    return (_words(key["original"]) | _words(key["replacement"]) | _words(organisations) | _words(known_words)
            | (stop_words() - NAME_WORDS) | NOT_NAMES | ROLE_LABELS)


def _is_sentence_start(text: str, start: int) -> bool:
    """True after the start of the text, a line break, a sentence end, a "Label:", a quote or a "[mark]"."""
    i = start - 1
    while i >= 0 and text[i] in " \t\u00a0":
        i -= 1
    return i < 0 or text[i] == "\n" or text[i] in _SENTENCE_END


def _name_shaped(token: str) -> list[str]:
    """The candidate(s) in a token: a double name whole ("Anna-Karin"), else its capitalised parts."""
    if _CONTRACTION.search(token):
        return []
    token = re.sub(r"['’]s?$", "", token)
    parts = token.split(_HYPHEN)

    def shaped(word: str) -> bool:
        letters = word.replace("'", "").replace("’", "")
        return len(letters) >= 2 and letters.isalpha() and word[0].isupper() and not letters.isupper()

    if len(parts) > 1 and all(shaped(p) for p in parts):
        return [token]
    return [p for p in parts if shaped(p)]


def _is_known(candidate: str, known: set[str]) -> bool:
    """Known as written, as a genitive of a known word ("Sveriges", but "Hans" is not "han"), or of known parts."""
    folded = candidate.lower()
    genitive_of = folded[:-1] if folded.endswith("s") else ""
    return (folded in known or (genitive_of in known and genitive_of not in stop_words())
            or all(part in known for part in folded.split(_HYPHEN)))


def review_candidates(texts: pd.DataFrame, key: pd.DataFrame, known_words: Iterable[str] = (),
                      organisations: Iterable[str] = ()) -> pd.DataFrame:
    """Capitalised words left mid-sentence in pseudonymised ``texts`` that may be names nobody keyed.

    ``texts`` has columns participant_id, segment_id, text. Skipped: sentence-initial words (and words
    after a "Label:"), acronyms (all capitals: IT, NIS2, AI), words with digits, the key's names and
    replacements, the words of ``organisations`` and ``known_words``, Swedish and English stop words and
    common non-names (months, weekdays, software). A genitive ("Bengts") is counted with its base form
    when that occurs too. Returns candidate, count, participants (comma-separated ids) and example (the
    first occurrence in context), most frequent first.
    """
    known = _known(key, organisations, known_words)
    found: dict[str, dict] = {}
    for pid, text in zip(texts["participant_id"], texts["text"].fillna("").astype(str)):
        for match in _TOKEN.finditer(text):
            if _is_sentence_start(text, match.start()):
                continue
            for candidate in _name_shaped(match.group(0)):
                if _is_known(candidate, known):
                    continue
                entry = found.setdefault(candidate, {"count": 0, "participants": set(),
                                                     "example": _example(text, match.start(), match.end())})
                entry["count"] += 1
                entry["participants"].add(str(pid))
    return _review_table(_merge_genitives(found))


def _example(text: str, start: int, end: int) -> str:
    left, right = max(0, start - _CONTEXT), min(len(text), end + _CONTEXT)
    snippet = " ".join(text[left:right].split())
    return ("…" if left else "") + snippet + ("…" if right < len(text) else "")


def _merge_genitives(found: dict[str, dict]) -> dict[str, dict]:
    """Count "Bengts" under "Bengt" when both were found."""
    for candidate in [c for c in found if c.endswith("s") and c[:-1] in found]:
        entry, base = found.pop(candidate), found[candidate[:-1]]
        base["count"] += entry["count"]
        base["participants"] |= entry["participants"]
    return found


def _review_table(found: dict[str, dict]) -> pd.DataFrame:
    rows = [{"candidate": c, "count": e["count"], "participants": ", ".join(sorted(e["participants"])),
             "example": e["example"]} for c, e in found.items()]
    df = pd.DataFrame(rows, columns=REVIEW_COLUMNS)
    return df.sort_values(["count", "candidate"], ascending=[False, True], kind="stable").reset_index(drop=True)


# --- where the key and the review list go ------------------------------------------------------------


def key_dir(output_dir: str | Path) -> Path:
    """``<output_dir>/keys``: outside data/processed, figures and reports, and ignored by git."""
    folder = Path(output_dir) / "keys"
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# Re-identification keys: never commit or share.\n*\n", encoding="utf-8")
    return folder


def write_key(key: pd.DataFrame, output_dir: str | Path) -> Path:
    """Write the key to ``<output_dir>/keys/pseudonymisation_key.csv`` (UTF-8 with BOM, opens in Excel)."""
    path = key_dir(output_dir) / KEY_FILE
    key[KEY_COLUMNS].to_csv(path, index=False, encoding="utf-8-sig")
    return path


def write_review(df: pd.DataFrame, path: str | Path) -> Path:
    """Write a review list (from :func:`review_candidates`) as CSV, typically ``key_dir(out) / REVIEW_FILE``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    df[REVIEW_COLUMNS].to_csv(path, index=False, encoding="utf-8-sig")
    return path
