"""The catalogue of what the stages write (``catalog.yml`` beside this module), declared once.

Every table in ``data/processed/`` and every figure in ``figures/`` has one entry: its name, the stage that
writes it, and for a table its columns and their types. The writers use it (:func:`conform` before a table is
written, :func:`figure` before a figure is saved), the readers check against it, the stage records list what a
run wrote from it, and ``pipeline.yml``'s ``writes:`` mirrors it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:  # pandas is imported where a table is handled: the runner's planning needs only the names
    import pandas as pd

TYPES = ("str", "int", "float", "bool")


class CatalogError(RuntimeError):
    """A stage wrote something the catalogue does not declare, or in another shape: a defect in the stage."""


@dataclass(frozen=True)
class Table:
    name: str
    stage: str
    row: str
    columns: dict[str, str]  # name -> type, in the order written
    wide: str | None = None  # type of the extra columns of a wide table (one per theme or code), if any
    when: str | None = None  # when the stage writes it only sometimes

    @property
    def paths(self) -> tuple[str, ...]:
        return (f"data/processed/{self.name}.parquet", f"data/processed/{self.name}.csv")


@dataclass(frozen=True)
class Figure:
    name: str
    stage: str
    when: str | None = None

    @property
    def paths(self) -> tuple[str, ...]:
        return (f"figures/{self.name}.png", f"figures/{self.name}.svg")


@dataclass(frozen=True)
class File:
    name: str
    stage: str
    row: str = ""
    when: str | None = None

    @property
    def paths(self) -> tuple[str, ...]:
        return (f"data/processed/{self.name}",)


Output = Table | Figure | File


@lru_cache(maxsize=1)
def _catalogue() -> dict[str, dict[str, Output]]:
    raw = yaml.safe_load(resources.files("helpers").joinpath("core/catalog.yml").read_text(encoding="utf-8"))
    tables = {n: Table(n, t["stage"], t["row"], dict(t["columns"]), t.get("wide"), t.get("when"))
              for n, t in raw["tables"].items()}
    for t in tables.values():
        bad = {c: ty for c, ty in t.columns.items() if ty not in TYPES}
        if bad or (t.wide and t.wide not in TYPES):
            raise CatalogError(f"catalog.yml: table {t.name} has unknown column types {bad or t.wide}")
    figures = {n: Figure(n, f["stage"], f.get("when")) for n, f in raw["figures"].items()}
    files = {n: File(n, f["stage"], f.get("row", ""), f.get("when")) for n, f in raw["files"].items()}
    return {"tables": tables, "figures": figures, "files": files}


def table(name: str) -> Table:
    """The catalogue entry of table ``name``."""
    try:
        return _catalogue()["tables"][name]
    except KeyError:
        raise CatalogError(f"table '{name}' is not in the catalogue (src/helpers/core/catalog.yml)") from None


def columns(name: str) -> list[str]:
    """The declared columns of table ``name``, in order."""
    return list(table(name).columns)


def figure(name: str) -> Figure:
    """The catalogue entry of figure ``name``."""
    try:
        return _catalogue()["figures"][name]
    except KeyError:
        raise CatalogError(f"figure '{name}' is not in the catalogue (src/helpers/core/catalog.yml)") from None


def file(name: str) -> File:
    """The catalogue entry of the other file ``name`` in ``data/processed/``."""
    try:
        return _catalogue()["files"][name]
    except KeyError:
        raise CatalogError(f"file '{name}' is not in the catalogue (src/helpers/core/catalog.yml)") from None


def outputs(stage: str | None = None) -> list[Output]:
    """Everything ``stage`` writes (every stage's outputs when ``stage`` is None), tables first."""
    every = [o for kind in ("tables", "figures", "files") for o in _catalogue()[kind].values()]
    return [o for o in every if stage is None or o.stage == stage]


def writes(stage: str) -> dict[str, list[str]]:
    """What ``pipeline.yml`` lists under the stage's ``writes:``: its tables, figures and files, by name."""
    kinds = {"tables": Table, "figures": Figure, "files": File}
    found = {kind: [o.name for o in outputs(stage) if isinstance(o, cls)] for kind, cls in kinds.items()}
    return {kind: names for kind, names in found.items() if names}


def empty(name: str) -> pd.DataFrame:
    """Table ``name`` with no rows, its columns typed as declared."""
    import pandas as pd

    return pd.DataFrame({c: pd.Series(dtype=_DTYPES[t]) for c, t in table(name).columns.items()})


_DTYPES = {"str": "str", "int": "int64", "float": "float64", "bool": "bool"}


def _fits(series: pd.Series, kind: str) -> bool:
    import numbers

    import pandas as pd

    if series.dtype == object:  # values of mixed or Python types: each present value must be of the kind
        accepted = {"str": str, "int": numbers.Integral, "float": numbers.Real, "bool": bool}[kind]
        values = series.dropna()
        return all(isinstance(v, accepted) and (kind in ("bool", "str") or not isinstance(v, bool)) for v in values)
    if kind == "str":
        return pd.api.types.is_string_dtype(series)
    if kind == "bool":
        return pd.api.types.is_bool_dtype(series)
    numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
    return numeric and (kind == "float" or pd.api.types.is_integer_dtype(series))


def conform(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """``df`` as the catalogue declares table ``name``: its columns in order, of their types.

    A missing or undeclared column, or a column of another type, is a :class:`CatalogError`; a column with no
    value at all (an empty table) gets its declared type, so an empty table reads as a full one does.
    """
    entry = table(name)
    missing = [c for c in entry.columns if c not in df.columns]
    extra = [c for c in df.columns if c not in entry.columns]
    if missing or (extra and not entry.wide):
        raise CatalogError(f"table {name}: " + "; ".join(
            part for part in (f"missing column(s) {missing}" if missing else "",
                              f"undeclared column(s) {extra}" if extra and not entry.wide else "") if part)
            + " (see src/helpers/core/catalog.yml)")
    kinds = {**dict.fromkeys(extra, entry.wide), **entry.columns}
    out = df[list(entry.columns) + extra].copy()
    for column, kind in kinds.items():
        if out[column].isna().all():
            out[column] = out[column].astype(_DTYPES[kind]) if kind != "int" or not len(out) else out[column]
        elif not _fits(out[column], kind):
            raise CatalogError(f"table {name}: column {column} should be {kind}, is {out[column].dtype}")
    return out
