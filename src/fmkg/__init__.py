"""fmkg: the open knowledge graph of foundation models.

- ``fmkg.open_graph()`` gives the shipped graph as a :class:`~fmkg.store.KnowledgeGraph` (Oxigraph by
  default): ``.query()``, ``.triples()``, ``.quads()``, ``.label()``, ``.dataset``.
- ``fmkg.load()`` gives it as an rdflib ``Dataset`` (one named graph per source file; its default
  graph is their merge).
- ``fmkg.query()`` runs a named query, a ``.rq`` file or inline SPARQL, with parameters resolved by name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

try:
    __version__ = version("fmkg")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

if TYPE_CHECKING:
    from rdflib import Dataset

    from fmkg.store import KnowledgeGraph, QueryResult

__all__ = ["__version__", "load", "open_graph", "query"]


def open_graph(
    paths: Iterable[Path | str] = (), *, default: bool = True, store: str = "oxigraph", path: Path | str | None = None
) -> KnowledgeGraph:
    """The shipped graph (unless ``default`` is false) plus ``paths``, in ``store`` (``oxigraph`` or
    ``memory``); ``path`` keeps an Oxigraph store in a folder of your own."""
    from fmkg.store import open_graph as load_graph

    return load_graph(paths, default=default, backend=store, location=path)


def load(
    paths: Iterable[Path | str] = (), *, default: bool = True, store: str = "oxigraph", path: Path | str | None = None
) -> Dataset:
    """:func:`open_graph` as an rdflib ``Dataset``."""
    return open_graph(paths, default=default, store=store, path=path).dataset


def query(sparql: str, params: Mapping[str, str] | None = None, *, graph: KnowledgeGraph | None = None) -> QueryResult:
    """Run SPARQL (a named query, a ``.rq`` path or inline text) on ``graph`` (default: the shipped graph).

    ``params`` maps variable names to values typed as on the command line: names of models and
    organizations are resolved to IRIs, and values are bound, never spliced into the text. Rows can
    be read by variable name: ``row.descendantLabel``.
    """
    from fmkg.sparql import engine, library

    return engine.run(graph if graph is not None else open_graph(), library.get(sparql), params)
