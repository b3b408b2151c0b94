"""The codebook's data model: themes and codes with definitions, criteria, examples and matching rules.

:mod:`helpers.coding.codebook` reads and validates codebook files into these classes; every other module works
with them (and imports them from :mod:`helpers.coding.codebook`).
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..core import catalog


@dataclass(frozen=True)
class Rules:
    """Matching rules of one code; ``keywords`` apply to every language, ``by_language`` to one."""

    keywords: tuple[str, ...] = ()
    by_language: dict[str, tuple[str, ...]] = field(default_factory=dict)
    regex: tuple[str, ...] = ()

    def keywords_for(self, language: str) -> tuple[str, ...]:
        return self.keywords + self.by_language.get(language, ())

    def summary(self) -> str:
        """One line for the codebook table, e.g. ``keywords: mandat*, styrgrupp; regex: inget mandat``."""
        parts = [f"keywords: {', '.join(self.keywords)}"] if self.keywords else []
        parts += [f"keywords ({lang}): {', '.join(kws)}" for lang, kws in self.by_language.items() if kws]
        parts += [f"regex: {', '.join(self.regex)}"] if self.regex else []
        return "; ".join(parts)

    def __bool__(self) -> bool:
        return bool(self.keywords or self.regex or any(self.by_language.values()))


@dataclass
class Code:
    """A theme (level 0) or a code below it."""

    id: str
    label: str
    label_en: str = ""
    parent_id: str | None = None
    definition: str = ""
    inclusion: tuple[str, ...] = ()
    exclusion: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    color: str | None = None
    rules: Rules | None = None
    level: int = 0
    theme_id: str = ""
    path: str = ""

    def display_label(self, english: bool) -> str:
        """The English label (for English report text) when wanted and present, else the label."""
        return self.label_en if english and self.label_en else self.label


@dataclass
class Codebook:
    """A validated codebook; ``codes`` holds every theme and code in depth-first file order."""

    path: Path
    codes: dict[str, Code]
    title: str = "Codebook"
    language: str = "sv"
    require_rules: bool = False

    @property
    def themes(self) -> list[Code]:
        """The top-level codes; in a flat codebook (Taguette, ATLAS.ti) that is every code."""
        return [c for c in self.codes.values() if c.level == 0]

    @property
    def depth(self) -> int:
        """Levels of codes below the themes: 0 when there is no hierarchy, so that every code is a theme."""
        return max((c.level for c in self.codes.values()), default=0)

    @property
    def has_rules(self) -> bool:
        """Whether any code can be found automatically (codebooks from QDA programs carry no rules)."""
        return any(c.rules for c in self.codes.values())

    def children(self, code_id: str | None) -> list[Code]:
        return [c for c in self.codes.values() if c.parent_id == code_id]

    def resolve(self, name: str) -> Code:
        """The code whose id, label or English label is ``name`` (case-insensitive); LookupError otherwise."""
        if name in self.codes:
            return self.codes[name]
        key = name.strip().casefold()
        hits = [c for c in self.codes.values()
                if key in (c.id.casefold(), c.label.casefold(), c.label_en.casefold())]
        if len(hits) == 1:
            return hits[0]
        if hits:
            raise LookupError(f"'{name}' is the label of several codes ({', '.join(c.id for c in hits)}); "
                              "use the code id")
        raise LookupError(f"'{name}' is not a code id or label in the codebook")

    @property
    def version(self) -> str:
        """Short sha256 of the normalised content: changes when any code, criterion or rule changes."""
        content = {cid: _normalised(asdict(code)) for cid, code in sorted(self.codes.items())}
        digest = hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode("utf-8"))
        return digest.hexdigest()[:12]

    def to_table(self) -> pd.DataFrame:
        """The flattened ``codebook`` table (one row per theme or code; columns in docs/architecture.md)."""
        rows = [{
            "code_id": c.id, "label": c.label, "label_en": c.label_en, "parent_id": c.parent_id or "",
            "theme_id": c.theme_id, "level": c.level, "path": c.path, "definition": c.definition,
            "inclusion": "\n".join(c.inclusion), "exclusion": "\n".join(c.exclusion),
            "examples": "\n".join(c.examples), "rules": c.rules.summary() if c.rules else "",
        } for c in self.codes.values()]
        return pd.DataFrame(rows, columns=CODEBOOK_COLUMNS).astype({"level": "int64"})


CODEBOOK_COLUMNS = catalog.columns("codebook")


def _normalised(value: Any) -> Any:
    """NFC and collapsed whitespace in every string, so reformatting a file keeps its version."""
    if isinstance(value, str):
        return " ".join(unicodedata.normalize("NFC", value).split())
    if isinstance(value, dict):
        return {k: _normalised(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_normalised(v) for v in value]
    return value


def codebook_as_dict(codebook: Codebook) -> dict:
    """The codebook as the nested structure of ``codebook.yml`` (for export)."""
    def node(code: Code) -> dict:
        out: dict[str, Any] = {"id": code.id, "label": code.label}
        for key in ("label_en", "definition", "color"):
            if getattr(code, key):
                out[key] = getattr(code, key)
        for key in ("inclusion", "exclusion", "examples"):
            if getattr(code, key):
                out[key] = list(getattr(code, key))
        if code.rules:
            rules = {"keywords": list(code.rules.keywords)} if code.rules.keywords else {}
            rules |= {f"keywords_{lang}": list(kws) for lang, kws in code.rules.by_language.items()}
            out["rules"] = rules | ({"regex": list(code.rules.regex)} if code.rules.regex else {})
        children = codebook.children(code.id)
        return out | ({"codes": [node(c) for c in children]} if children else {})

    head = {"title": codebook.title, "language": codebook.language}
    head |= {"require_rules": True} if codebook.require_rules else {}
    return head | {"themes": [node(t) for t in codebook.themes]}
