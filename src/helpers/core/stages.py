"""The pipeline's stages as ``pipeline.yml`` describes them: notebooks, inputs, order, outputs, parameters.

Read by the runner (what to run, in which order) and by the notebooks themselves (which stage must have run
before them, see :mod:`helpers.core.records`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from .errors import InputError

PROJECT_ROOT = Path(__file__).resolve().parents[3]
PIPELINE = PROJECT_ROOT / "pipeline.yml"


@dataclass(frozen=True)
class StageSpec:
    name: str
    notebook: str
    reads: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    per: str | None = None
    html: str | None = None
    parameters: tuple[tuple[str, object], ...] = ()  # this stage's own parameters (pipeline.yml)
    writes: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (tables | figures | files, names), as in the catalogue


@dataclass(frozen=True)
class Spec:
    stages: tuple[StageSpec, ...]
    parameters: dict
    path: Path

    def stage(self, name: str) -> StageSpec:
        return next(s for s in self.stages if s.name == name)

    def upstream(self, name: str) -> list[StageSpec]:
        """The stages ``name`` runs after, nearest first, each once."""
        seen: dict[str, StageSpec] = {}
        todo = list(self.stage(name).after)
        while todo:
            current = todo.pop(0)
            if current not in seen:
                seen[current] = self.stage(current)
                todo += self.stage(current).after
        return list(seen.values())


def load_spec(path: Path) -> Spec:
    """Read ``pipeline.yml``."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        stages = tuple(StageSpec(name=s["name"], notebook=s["notebook"], reads=tuple(s.get("reads", [])),
                                 after=tuple(s.get("after", [])), per=s.get("per"), html=s.get("html"),
                                 parameters=tuple((s.get("parameters") or {}).items()),
                                 writes=tuple((kind, tuple(names))
                                              for kind, names in (s.get("writes") or {}).items()))
                       for s in raw["stages"])
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise InputError(path, f"is not a valid pipeline description ({exc})") from exc
    return Spec(stages=stages, parameters=dict(raw.get("parameters") or {}), path=path)


@lru_cache(maxsize=1)
def project_spec() -> Spec:
    """The project's own ``pipeline.yml``."""
    return load_spec(PIPELINE)
