"""Shared fixtures: the shipped graph is loaded once per test process, on each store."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fmkg.store import KnowledgeGraph, open_graph

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "reference"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    # Tests never read or write the user's cache of stores.
    os.environ["FMKG_CACHE_DIR"] = str(tmp_path_factory.mktemp("fmkg-cache"))
    os.environ.pop("FMKG_STORE", None)
    os.environ.pop("FMKG_STORE_PATH", None)


@pytest.fixture(scope="session")
def shipped() -> Iterator[KnowledgeGraph]:
    """The shipped graph in the default store (Oxigraph, persistent in the private cache)."""
    with open_graph() as kg:
        yield kg


@pytest.fixture(scope="session")
def shipped_memory() -> Iterator[KnowledgeGraph]:
    """The shipped graph in rdflib's memory store."""
    with open_graph(backend="memory") as kg:
        yield kg


@pytest.fixture(scope="session")
def tiny() -> Iterator[KnowledgeGraph]:
    """The small fixture graph alone, in memory."""
    with open_graph([FIXTURES / "tiny.ttl"], default=False, cache=False) as kg:
        yield kg


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()
