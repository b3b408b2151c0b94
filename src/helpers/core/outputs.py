"""Where a run writes: ``data/processed/``, ``figures/`` and ``reports/`` under one output folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Outputs:
    """The output folders of a run rooted at ``root`` (the project root by default)."""

    root: Path

    @classmethod
    def at(cls, root: str | Path, create: bool = True) -> "Outputs":
        out = cls(Path(root).resolve())
        if create:
            for folder in (out.processed, out.figures, out.reports):
                folder.mkdir(parents=True, exist_ok=True)
        return out

    @property
    def processed(self) -> Path:
        return self.root / "data" / "processed"

    @property
    def figures(self) -> Path:
        return self.root / "figures"

    @property
    def reports(self) -> Path:
        return self.root / "reports"
