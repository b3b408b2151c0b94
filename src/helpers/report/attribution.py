"""How a quote is attributed: the ``attribution`` level of ``study.yml``, the same for the report and the briefs.

With one kommundirektör per municipality, "P09, kommundirektör, Granvik kommun" under a quote names the person
to anyone who knows the collaboration, so the study chooses how much to show: the pseudonymous id only, or the id
with the member organisation, the role, or both. The default, ``id+organisation``, keeps the role out.
"""

from __future__ import annotations

from typing import get_args

from ..core.i18n import ENGLISH, Messages
from ..core.config import AttributionLevel as Level

LEVELS: tuple[Level, ...] = get_args(Level)
DEFAULT: Level = "id+organisation"


def attribute(participant_id: str, organisation: str, role: str, level: Level = DEFAULT) -> str:
    """The attribution under a quote at ``level``: ``attribute("P09", "Granvik kommun", "kommundirektör")`` ->
    "P09, Granvik kommun"."""
    parts = [participant_id]
    if "organisation" in level and organisation:
        parts.append(organisation)
    if "role" in level and role:
        parts.append(role)
    return ", ".join(parts)


def shown_columns(level: Level) -> list[str]:
    """The columns of the participants table a page may show beside the id at ``level``."""
    return ["participant_id"] + [c for c in ("organisation", "role") if c in level]


def shown_words(level: Level, m: Messages = ENGLISH) -> str:
    """What identifies a quote at ``level``, in words: "the pseudonymous id and the member organisation"."""
    return m(f"attribution.{level}")


def attribution_sentence(level: Level, m: Messages = ENGLISH) -> str:
    """What the method section says about attribution."""
    return m("method.attribution", shown=shown_words(level, m), level=level)
