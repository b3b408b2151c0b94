"""Shared fixtures: the project paths and a copy of the sample study that tests may break."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures"
SAMPLE = ROOT / "data" / "raw" / "sample"
SHARED = ROOT.parent / "shared"


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """A writable copy of the fictional sample study."""
    target = tmp_path / "study"
    shutil.copytree(SAMPLE, target)
    return target


def file_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file below ``folder``, to show that a run left the raw data untouched."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> tuple[Path, str, dict[str, str]]:
    """One full run of the pipeline on the sample study into a temporary output folder."""
    out = tmp_path_factory.mktemp("out")
    before = file_hashes(SAMPLE)
    from helpers.runner.cli import main

    code = main(["--data-dir", str(SAMPLE), "--output-dir", str(out), "--jobs", "2"])
    assert code == 0
    return out, (out / "reports" / "findings.html").read_text(encoding="utf-8"), before




def complete(df, name: str):
    """A fixture table with the columns of the catalogue's ``name`` that it leaves out, empty (or 0 / False)."""
    import pandas as pd

    from helpers.core import catalog

    defaults = {"str": "", "int": 0, "float": float("nan"), "bool": False}
    out = pd.DataFrame(df).copy()
    for column, kind in catalog.table(name).columns.items():
        if column not in out.columns:
            out[column] = pd.Series([defaults[kind]] * len(out), index=out.index, dtype=catalog._DTYPES[kind])
    return out
