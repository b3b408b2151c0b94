"""Shared fixtures: the project paths and a copy of the sample study that tests may break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "raw" / "sample"
SHARED = ROOT.parent / "shared"


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """A writable copy of the fictional sample study."""
    target = tmp_path / "study"
    shutil.copytree(SAMPLE, target)
    return target
