"""Running a query on a SPARQL endpoint (https://www.w3.org/TR/sparql11-protocol/) and reading its answer.

Parameters go as a ``VALUES`` block in the query's WHERE group (:mod:`fmkg.sparql.text`), and fmkg's
prefixes are declared for the endpoint when the query uses them without declaring them. The answer
(SPARQL JSON, XML, CSV or TSV results, or an RDF graph) is parsed by pyoxigraph into a
:class:`~fmkg.store.QueryResult`, so it prints exactly as a local answer does.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from typing import TYPE_CHECKING

from fmkg.rdf import formats
from fmkg.remote.http import DEFAULT_TIMEOUT, Auth, RemoteError, send
from fmkg.sparql.text import check, with_prefixes, with_values
from fmkg.store.results import QueryResult, row_type

if TYPE_CHECKING:
    from rdflib.term import Node

_RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.8"
_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"


def prepare(text: str, bindings: Mapping[str, Node] | None = None) -> tuple[str, str]:
    """The text to send for a query and its form (SELECT, ASK, CONSTRUCT or DESCRIBE)."""
    info = check(text, allow_service=True)  # the endpoint decides about SERVICE; updates are still refused
    return with_prefixes(with_values(text, bindings or {})), info.form


def parse_answer(form: str, content_type: str, body: bytes) -> QueryResult:
    """A :class:`QueryResult` from a SPARQL Protocol answer: query results, or an RDF graph."""
    import pyoxigraph as ox

    from fmkg.rdf.terms import from_ox

    mime = content_type.split(";")[0].strip().lower()
    try:
        if form in ("SELECT", "ASK"):
            found = formats.by_media_type(mime, formats.select(kinds=["results"])) or formats.find("json")
            answer = ox.parse_query_results(body, format=found.results_format())
            if isinstance(answer, ox.QueryBoolean):
                return QueryResult("ASK", askAnswer=bool(answer))
            names = [v.value for v in answer.variables]
            row = row_type(names)
            rows = [row(None if v is None else from_ox(v) for v in solution) for solution in answer]
            return QueryResult("SELECT", vars=names, rows=rows)
        syntax = formats.by_media_type(mime, formats.select(kinds=["graph", "dataset"], parse=True))
        syntax = syntax or formats.find("turtle")
        triples = [
            (from_ox(q.subject), from_ox(q.predicate), from_ox(q.object))
            for q in ox.parse(body, format=syntax.rdf_format())
        ]
        return QueryResult(form, triples=triples)
    except (SyntaxError, ValueError, OSError) as exc:
        raise RemoteError(f"cannot read the endpoint's answer ({mime or 'no Content-Type'}): {exc}") from None


def remote_query(
    endpoint: str,
    text: str,
    bindings: Mapping[str, Node] | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    auth: Auth | None = None,
) -> QueryResult:
    """Run a SPARQL query on ``endpoint`` (POST form), ``bindings`` as VALUES.

    Parameters in the endpoint URL are sent along in the form, so that
    ``http://host/sparql?default-graph-uri=IRI`` queries that graph.
    """
    sent, form = prepare(text, bindings)
    accept = _RESULTS_ACCEPT if form in ("SELECT", "ASK") else _GRAPH_ACCEPT
    parts = urllib.parse.urlsplit(endpoint)
    fields = [*urllib.parse.parse_qsl(parts.query, keep_blank_values=True), ("query", sent)]
    body = urllib.parse.urlencode(fields).encode("utf-8")
    _, content_type, data = send(
        parts._replace(query="").geturl(),
        method="POST",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
        timeout=timeout,
        auth=auth,
    )
    return parse_answer(form, content_type, data)
