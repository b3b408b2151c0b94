"""Fixtures shared by the coding and REFI-QDA tests: a small codebook and three coded interviews."""

from pathlib import Path

import pandas as pd
import pytest

from helpers.coding.codebook import read_codebook_yaml

from conftest import FIXTURES

FIXTURES = FIXTURES / "coding"


@pytest.fixture(scope="module")
def book():
    return read_codebook_yaml(FIXTURES / "codebook.yml")


@pytest.fixture(scope="module")
def segments():
    return pd.read_csv(FIXTURES / "segments.csv", dtype={"char_start": int, "char_end": int}, keep_default_na=False)


@pytest.fixture(scope="module")
def documents():
    return pd.read_csv(FIXTURES / "documents.csv", keep_default_na=False)
