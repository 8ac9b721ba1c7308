"""Answering one request inside a worker (see :mod:`fmkg.server.pool`): a SPARQL query, or a page.

A query is checked (updates 403; SERVICE, FROM and runaway nesting 400; syntax errors 400 with the
parser's message), evaluated on the merge with a row cap (413 past it), and written in the negotiated
format. Parsing counts against the time limit too, since it happens in the worker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fmkg.errors import FmkgError, QuerySyntaxError
from fmkg.server.pool import Answer, Handler, Limits, too_large
from fmkg.server.protocol import READ_ONLY, ProtocolError, negotiate

if TYPE_CHECKING:
    from fmkg.store import KnowledgeGraph


def check(kg: KnowledgeGraph, text: str) -> str:
    """The form of a query the endpoint will run; a :class:`ProtocolError` for one it refuses."""
    from fmkg.sparql.text import RefusedQuery

    try:
        info = kg.parse_query(text, source="query")
    except RefusedQuery as exc:
        if exc.reason == "update":
            raise ProtocolError(403, READ_ONLY) from None
        if exc.reason == "service":
            raise ProtocolError(400, "SERVICE (federated query) is not allowed on this endpoint") from None
        raise ProtocolError(400, str(exc)) from None
    except QuerySyntaxError as exc:
        raise ProtocolError(400, str(exc)) from None
    if info.from_clause:
        raise ProtocolError(
            400,
            "FROM and FROM NAMED are not supported: the default graph is the merge of all named graphs; "
            "use GRAPH <iri> { ... } to read one",
        )
    return info.form


def answer(kg: KnowledgeGraph, text: str, accept: str | None, hint: str | None, limits: Limits) -> Answer:
    """The whole answer to a query operation: refusals and errors become their HTTP status."""
    from fmkg.sparql.results import render

    try:
        form = check(kg, text)
        fmt = negotiate(form, accept, hint)
        result = kg.query(text, source="query", max_rows=limits.max_rows)
        if result.truncated:
            what = "rows" if result.type == "SELECT" else "triples"
            return too_large(
                f"more than {limits.max_rows} {what} (the server's --max-rows); add a LIMIT, or page with LIMIT and OFFSET"
            )
        return Answer(200, fmt.media_type, render(result, fmt))
    except ProtocolError as exc:
        return Answer(exc.status, "text/plain", f"{exc.message}\n".encode())
    except QuerySyntaxError as exc:
        return Answer(400, "text/plain", f"{exc}\n".encode())
    except FmkgError as exc:
        return Answer(500, "text/plain", f"{exc}\n".encode())


def entity(kg: KnowledgeGraph, iri: str, fmt_name: str, *, exists_only: bool = False) -> Answer:
    """An entity's HTML page or RDF document (see :mod:`fmkg.site.entity`); 404 when the graph does
    not know the entity. ``exists_only`` answers 204 for a known one (the server then redirects)."""
    from fmkg.rdf import formats
    from fmkg.site import entity as site

    if not site.exists(kg, iri):
        return Answer(404, "text/plain", f"fmkg knows no entity {iri}\n".encode())
    if exists_only:
        return Answer(204, "text/plain", b"")
    fmt = formats.find(fmt_name, site.document_formats())
    if fmt.name == "html":
        body = site.render_html(site.page_of(kg, iri), site.Links("server")).encode("utf-8")
        return Answer(200, "text/html; charset=utf-8", body)
    return Answer(200, fmt.media_type, site.description(kg, iri, fmt))


def example(kg: KnowledgeGraph, name: str, values: dict[str, str]) -> Answer:
    """A named query with its parameters bound, for the editor: JSON ``{name, query, notes}``, or
    ``{error}`` with 404 (no such query) or 400 (a parameter that names nothing)."""
    import json

    from fmkg.server import editor

    try:
        body, status = editor.bound_example(kg, name, values), 200
    except editor.UnknownExample as exc:
        body, status = {"error": str(exc)}, 404
    except FmkgError as exc:
        body, status = {"error": str(exc)}, 400
    return Answer(status, "application/json", json.dumps(body).encode("utf-8"))


def handler(kg: KnowledgeGraph, limits: Limits) -> Handler:
    """What a worker does with each request: ``sparql`` queries, ``entity`` pages and documents, the
    editor's ``example`` queries, and the ``viewer`` page."""

    def handle(header: dict[str, Any], body: bytes) -> Answer:
        kind = header.get("kind")
        if kind == "sparql":
            return answer(kg, body.decode("utf-8"), header.get("accept"), header.get("hint"), limits)
        if kind == "entity":
            return entity(kg, str(header["iri"]), str(header["format"]), exists_only=bool(header.get("exists_only")))
        if kind == "example":
            return example(kg, str(header["name"]), dict(header.get("values") or {}))
        if kind == "viewer":
            from fmkg.viz import render

            return Answer(200, "text/html; charset=utf-8", render(kg).encode("utf-8"))
        return Answer(404, "text/plain", b"no such request\n")

    return handle
