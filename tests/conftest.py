"""Shared fixtures: the shipped graph is loaded once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from rdflib import Dataset
from typer.testing import CliRunner

from fmkg.store import load

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "reference"


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    # Tests never read or write the user's cache of parsed graphs.
    os.environ["FMKG_CACHE_DIR"] = str(tmp_path_factory.mktemp("fmkg-cache"))


@pytest.fixture(scope="session")
def shipped() -> Dataset:
    return load()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
