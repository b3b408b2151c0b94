"""A small fictional study with real-looking names, and its key: shared by the pseudonymisation and privacy tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.core.study import load_study
from helpers.interviews.pseudonymise import Pseudonymiser, build_key

ORGS = ["Älvby kommun", "Sjömåla kommun", "Ekhamra kommun", "Granvik kommun", "Sexan IT"]
PARTICIPANTS = [
    # participant_id, organisation, role, name, interviewer
    ("P01", "Älvby kommun", "IT-chef", "Kerstin Holmberg", "Lina Björk"),
    ("P02", "Sjömåla kommun", "Digitaliseringsstrateg", "Per-Olof Nyström", "Lina Björk; Erik Dahl"),
    ("P03", "Ekhamra kommun", "Verksamhetsutvecklare", "Eva Lundgren", "I"),
    ("P04", "Granvik kommun", "Enhetschef", "Helena Strand", "Intervjuare"),
    ("P05", "Sexan IT", "Arkitekt", "Per Granvik", "LB"),
    ("P06", "Granvik kommun", "Handläggare", "Erik Svensson", ""),
    ("P07", "Älvby kommun", "Controller", "", ""),
]
PSEUDONYMS = [("Bengt Axelsson", "[Politician A]"), ("Anna", "[Colleague B]"),
              ("Sjömåla vårdcentral", "[vårdcentral]"), ("Göran", "[Consultant C]")]


def make_study(root: Path, pseudonyms: list[tuple[str, str]] = PSEUDONYMS,
               participants: list[tuple[str, str, str, str, str]] = PARTICIPANTS) -> Path:
    """A small study folder with real-looking names, in ``root``."""
    (root / "interviews").mkdir(parents=True)
    lines = ["participant_id;organisation;role;name;interviewer"]
    for pid, org, role, name, interviewer in participants:
        lines.append(f'{pid};{org};{role};{name};"{interviewer}"')
        (root / "interviews" / f"{pid}.txt").write_text("I: Hej.\nR: Hej.\n", encoding="utf-8")
    (root / "participants.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = ["original;replacement"] + [f"{o};{r}" for o, r in pseudonyms]
    (root / "pseudonyms.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    members = "\n".join(f"  - {org}" for org in ORGS)
    (root / "study.yml").write_text(f"title: Test\nmembers:\n{members}\n", encoding="utf-8")
    return root


@pytest.fixture
def study(tmp_path):
    return load_study(make_study(tmp_path / "study"))


@pytest.fixture
def key(study):
    return build_key(study)


@pytest.fixture
def pseud(study, key):
    """The pseudonymiser of :func:`study`, keeping its organisations' names."""
    return Pseudonymiser(key, keep=study.organisations)


# --- names as real tools write them (for the tests of normalised matching) ---------------------------

SOFT = "\u00ad"  # soft hyphen: Word's and LibreOffice's automatic hyphenation, HTML &shy;
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]  # ZWSP, ZWNJ, ZWJ, word joiner, BOM
HOSTILE_PARTICIPANTS = [
    ("P01", "Älvby kommun", "IT-chef", "Åsa Öhman", ""),
    ("P02", "Sjömåla kommun", "Controller", "Mikael Sandström", ""),
    ("P03", "Ekhamra kommun", "Arkitekt", "Maria Holmberg-Svensson", ""),
    ("P04", "Granvik kommun", "Enhetschef", "Jens Öberg", ""),
    ("P05", "Sexan IT", "Konsult", "Søren Kjær", ""),
    ("P06", "Granvik kommun", "Handläggare", "Lars Ek", ""),
    ("P07", "Älvby kommun", "Strateg", "Asa Nystrom", ""),  # typed on an English keyboard in participants.csv
]
# Word with automatic hyphenation, copied as text: soft hyphens inside the names.
WORD_HYPHENATED = f"R: Jag pratade med Mi{SOFT}kael Sand{SOFT}ström och Sand{SOFT}ströms chef igår."
# PDF-to-text: zero-width spaces where the PDF had a possible line break.
PDF_ZERO_WIDTH = "R: Enligt \u00c5\u200bsa \u00d6h\u200bman och Jens \u00d6\u200bberg var det klart."
# An English keyboard without å, ä, ö, ø, æ.
ENGLISH_KEYBOARD = "R: Asa Ohman said Oberg and Soren Kjaer agreed; Åsa Nyström too."
# Decomposed letters (NFD), as macOS and some Word files store them: A + combining ring, O + diaeresis.
DECOMPOSED = "R: A\u030asa O\u0308hman och Jens O\u0308berg."
