"""Small text tools every stage shares: safe names for files and anchors, and shortened excerpts."""

from __future__ import annotations

import re
import unicodedata

ELLIPSIS = "…"


def slug(text: str, fallback: str = "item") -> str:
    """A file-name and URL-safe name: 'Älvby kommun' -> 'alvby-kommun' (``fallback`` when nothing is left)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or fallback
