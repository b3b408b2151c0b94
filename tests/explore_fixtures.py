"""The small processed output shared by the workbench tests (test_explore) and the explore-notebook test."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers.core.tables import write_table
from helpers.workbench.explore import Workbench

from conftest import complete

PARTICIPANTS = [
    ("P01", "Sjömåla kommun", "IT-chef"),
    ("P02", "Sjömåla kommun", "kommundirektör"),
    ("P03", "Sexan IT", "chef för IT-organisationen"),
]
TURNS = {
    "P01": ["Hur prioriterar ni mellan de gemensamma projekten?",
            "Vi har för många projekt och ingen prioriteringsmodell. Styrgruppen saknar mandat att säga nej.",
            "Vem bestämmer då?",
            "Ingen vet riktigt vem som bestämmer. Systemen är gamla och integrationerna är hemsnickrade.",
            "Tack så mycket."],
    "P02": ["Vad betyder mandatet för dig?",
            "Mandatet måste komma från kommunstyrelsen. Politikerna behöver förankra beslutet i kommunstyrelsen.",
            "Och prioriteringen?",
            "Vi prioriterar det som ger nytta för invånarna. Mandaten är otydliga mellan nämnderna."],
    "P03": ["Berätta om din roll.",
            "Jag leder Sexan IT. Vi ses som en leverantör, inte som en partner. Leverantör är vi för alla.",
            "Hur prioriteras beställningarna?",
            "Beställningarna kommer från alla håll, så vi prioriterar själva. Det är inte vårt mandat."],
}
CODEBOOK = [  # code_id, label, label_en, parent_id, theme_id, level
    ("governance_mandate", "Styrning och mandat", "Governance and mandate", "", "governance_mandate", 0),
    ("unclear_mandate", "Otydligt mandat", "Unclear mandate", "governance_mandate", "governance_mandate", 1),
    ("prioritisation", "Prioritering av gemensamma initiativ", "Prioritising shared initiatives", "",
     "prioritisation", 0),
    ("too_many_initiatives", "För många initiativ", "Too many initiatives", "prioritisation", "prioritisation", 1),
    ("portfolio_model", "Portfölj och prioriteringsmodell", "Portfolio and prioritisation model", "prioritisation",
     "prioritisation", 1),
    ("platforms_legacy", "Gemensamma plattformar och äldre system", "Shared platforms and legacy systems", "",
     "platforms_legacy", 0),
    ("legacy_systems", "Äldre system", "Legacy systems", "platforms_legacy", "platforms_legacy", 1),
    ("political_anchoring", "Politisk förankring", "Political anchoring", "", "political_anchoring", 0),
]
CODINGS = [  # segment_id, code_id, coder
    ("P01-002", "too_many_initiatives", "rules"), ("P01-002", "unclear_mandate", "rules"),
    ("P01-002", "too_many_initiatives", "AB"), ("P01-004", "unclear_mandate", "rules"),
    ("P01-004", "legacy_systems", "rules"), ("P02-002", "political_anchoring", "AB"),
    ("P02-004", "prioritisation", "AB"), ("P02-004", "unclear_mandate", "rules"),
    ("P03-002", "legacy_systems", "rules"), ("P03-004", "portfolio_model", "rules"),
]


def segments_table(turns: dict[str, list[str]], participants: list[tuple[str, str, str]],
                   languages: dict[str, str] | None = None) -> pd.DataFrame:
    """The segments of interviews whose turns alternate, the interviewer's first (Swedish unless ``languages`` say)."""
    meta = {pid: (org, role) for pid, org, role in participants}
    rows = []
    for pid, texts in turns.items():
        for seq, text in enumerate(texts, start=1):
            respondent = seq % 2 == 0
            rows.append({"segment_id": f"{pid}-{seq:03d}", "participant_id": pid, "seq": seq,
                         "speaker": pid if respondent else "Interviewer",
                         "speaker_role": "respondent" if respondent else "interviewer", "text": text,
                         "n_words": len(text.split()), "organisation": meta[pid][0], "role": meta[pid][1],
                         "language": (languages or {}).get(pid, "sv")})
    return pd.DataFrame(rows)


def build_tables() -> dict[str, pd.DataFrame]:
    """Three Swedish interviews (two organisations), a small codebook and codings by two coders."""
    segments = segments_table(TURNS, PARTICIPANTS)
    participants = pd.DataFrame(PARTICIPANTS, columns=["participant_id", "organisation", "role"])
    codebook = pd.DataFrame(CODEBOOK, columns=["code_id", "label", "label_en", "parent_id", "theme_id", "level"])
    theme = dict(zip(codebook["code_id"], codebook["theme_id"]))
    codings = pd.DataFrame([{"segment_id": s, "participant_id": s[:3], "code_id": c, "theme_id": theme[c],
                             "coder": coder, "source": "rules" if coder == "rules" else "manual"}
                            for s, c, coder in CODINGS])
    return {"segments": segments, "participants": participants, "codebook": codebook, "codings": codings}


@pytest.fixture
def wb() -> Workbench:
    """The workbench on the fixture tables."""
    return Workbench(**build_tables())


def write_processed(output_dir: Path) -> Path:
    """An output folder holding only ``data/processed/`` with the fixture tables (no raw data, no key)."""
    for name, table in build_tables().items():
        write_table(complete(table, name), output_dir / "data" / "processed", name)
    return output_dir
