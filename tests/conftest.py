"""Shared fixtures: the shipped graph is loaded once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset
from typer.testing import CliRunner

from fmkg.store import load

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "reference"


@pytest.fixture(scope="session")
def shipped() -> Dataset:
    return load()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
