"""Running queries of the library, files or inline text on a graph, with their parameters bound."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from fmkg.sparql.library import NamedQuery
from fmkg.sparql.params import Bound, bind_params

if TYPE_CHECKING:
    from fmkg.store import KnowledgeGraph, QueryResult


def run(
    kg: KnowledgeGraph,
    nq: NamedQuery,
    params: Mapping[str, str] | None = None,
    *,
    max_rows: int | None = None,
    allow_service: bool = False,
    bound: Bound | None = None,
) -> QueryResult:
    """Run a named, file or inline query with its parameters (typed by users) bound as RDF terms."""
    bindings = bound if bound is not None else bind_params(nq, params or {}, kg)
    return kg.query(nq.text, bindings.values, source=str(nq.path), max_rows=max_rows, allow_service=allow_service)
