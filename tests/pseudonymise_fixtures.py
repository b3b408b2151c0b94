"""A small fictional study with real-looking names, and its key: shared by the pseudonymisation and privacy tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.core.study import load_study
from helpers.interviews.pseudonymise import build_key

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
