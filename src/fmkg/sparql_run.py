"""The ``fmkg.query`` entry point of the Python API."""

from __future__ import annotations

from collections.abc import Mapping

from rdflib import Dataset
from rdflib.query import Result

from fmkg import engine, queries
from fmkg.store import load


def query(sparql: str, params: Mapping[str, str] | None = None, *, graph: Dataset | None = None) -> Result:
    """Run SPARQL (inline text, a ``.rq`` path or a named query) on ``graph`` (default: the shipped graph).

    ``params`` maps variable names to values typed as on the command line: names of models and
    organizations are resolved to IRIs, and values are bound, never spliced into the text.
    """
    return engine.run(graph if graph is not None else load(), queries.get(sparql), params)
