"""The request side of the SPARQL 1.1 Protocol: reading a query operation and choosing a result format.

Implements https://www.w3.org/TR/sparql11-protocol/#query-operation: "query via GET" (``query=`` in
the URL), "query via URL-encoded POST" (``application/x-www-form-urlencoded`` body) and "query via
POST directly" (``application/sparql-query`` body). The endpoint is read-only, so an update
operation (``update=``, ``application/sparql-update``) is refused with 403.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import parse_qs

if TYPE_CHECKING:
    from fmkg.rdf.formats import Format

#: The largest request body read (a query, URL-encoded or not).
MAX_BODY = 1_000_000


class ProtocolError(Exception):
    """A request that the endpoint answers with an HTTP error ``status`` and a one-line ``message``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def formats_for(form: str) -> list[Format]:
    """The formats offered for a query form, the default first: SPARQL JSON for SELECT and ASK (CSV and
    TSV are defined for SELECT only), Turtle for CONSTRUCT and DESCRIBE."""
    from fmkg.sparql.results import ASK_FORMATS, GRAPH_FORMATS, ROW_FORMATS

    if form == "ASK":
        return [f for f in ASK_FORMATS if f.name != "table"]
    if form in ("CONSTRUCT", "DESCRIBE"):
        return GRAPH_FORMATS
    return [f for f in ROW_FORMATS if f.name != "table"]


@dataclass(frozen=True)
class MediaRange:
    """One entry of an Accept header."""

    type: str
    subtype: str
    q: float

    def matches(self, media_type: str) -> bool:
        main, _, sub = media_type.partition("/")
        return self.type in ("*", main) and self.subtype in ("*", sub)

    @property
    def specificity(self) -> int:
        return (self.type != "*") + (self.subtype != "*")


def parse_accept(header: str) -> list[MediaRange]:
    """The media ranges of an Accept header, most preferred first (by q, then by specificity)."""
    ranges = []
    for index, item in enumerate(header.split(",")):
        parts = [p.strip() for p in item.split(";")]
        main, sep, sub = parts[0].lower().partition("/")
        if not sep or not main or not sub:
            continue
        q = 1.0
        for param in parts[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append((index, MediaRange(main, sub, q)))
    ranges.sort(key=lambda ir: (-ir[1].q, -ir[1].specificity, ir[0]))
    return [r for _, r in ranges]


def negotiate(form: str, accept: str | None, hint: str | None = None) -> Format:
    """Choose the format of the answer to a query of ``form``.

    A ``format=``/``output=`` parameter naming an offered format wins (SPARQLWrapper and browsers
    send one); then the Accept header, with q-values and wildcards; then the form's default
    (SPARQL JSON, or Turtle for graphs). A request that accepts none of the offered formats gets the
    default too, rather than a 406, so that a browser's ``text/html`` still sees an answer.
    """
    return choose(formats_for(form), accept, hint)


def choose(offered: list[Format], accept: str | None, hint: str | None = None) -> Format:
    """The format among ``offered`` (default first) that a ``format=`` hint or an Accept header asks for."""
    if hint:
        wanted = hint.strip().lower()
        for fmt in offered:
            if wanted in fmt.names or wanted == fmt.media_type or wanted in fmt.media_aliases:
                return fmt
    ranges = parse_accept(accept or "")
    refused = {f.name for m in ranges if m.q == 0 and m.specificity == 2 for f in offered if m.matches(f.media_type)}
    for media in ranges:
        if media.q == 0:
            continue
        # Exact media types (and their aliases) first, then wildcards, in the offered order.
        for fmt in offered:
            if fmt.name in refused:
                continue
            if media.specificity == 2 and (
                media.matches(fmt.media_type) or any(media.matches(a) for a in fmt.media_aliases)
            ):
                return fmt
            if media.specificity < 2 and media.matches(fmt.media_type):
                return fmt
    return offered[0]


@dataclass(frozen=True)
class QueryRequest:
    """A query operation read from an HTTP request; ``query`` is None when none was given."""

    query: str | None
    params: dict[str, list[str]] = field(default_factory=dict)

    @property
    def format_hint(self) -> str | None:
        """The ``format``/``output``/``results`` parameter, if the client sent one."""
        for name in ("format", "output", "results"):
            if self.params.get(name):
                return self.params[name][0]
        return None


READ_ONLY = "this endpoint is read-only: SPARQL Update is not accepted"


def _form(body: bytes) -> dict[str, list[str]]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError(400, "the request body is not UTF-8") from None
    return parse_qs(text, keep_blank_values=True)


def read_query(method: str, content_type: str | None, url_params: dict[str, list[str]], body: bytes) -> QueryRequest:
    """Read a SPARQL query operation from the parts of an HTTP request.

    Raises :class:`ProtocolError` for an update (403), a body of an unknown type (415), more than
    one query (400), or a dataset given with ``default-graph-uri``/``named-graph-uri`` (400: the
    default graph here is always the union of the named graphs).
    """
    params = {k: list(v) for k, v in url_params.items()}
    mime = (content_type or "").split(";")[0].strip().lower()
    query: list[str] = params.pop("query", [])
    if method == "POST":
        if len(body) > MAX_BODY:
            raise ProtocolError(413, f"the request body is larger than {MAX_BODY} bytes")
        if mime == "application/sparql-update":
            raise ProtocolError(403, READ_ONLY)
        if mime == "application/x-www-form-urlencoded":
            form = _form(body)
            query += form.pop("query", [])
            for name, values in form.items():
                params.setdefault(name, []).extend(values)
        elif mime == "application/sparql-query":
            try:
                query.append(body.decode("utf-8"))
            except UnicodeDecodeError:
                raise ProtocolError(400, "the query is not UTF-8") from None
        elif body or query:
            raise ProtocolError(
                415,
                f"unsupported Content-Type {mime or '(none)'!r}: POST a query as "
                "application/x-www-form-urlencoded or application/sparql-query",
            )
    if "update" in params or "using-graph-uri" in params or "using-named-graph-uri" in params:
        raise ProtocolError(403, READ_ONLY)
    if len(query) > 1:
        raise ProtocolError(400, "more than one query parameter")
    if "default-graph-uri" in params or "named-graph-uri" in params:
        raise ProtocolError(
            400,
            "default-graph-uri and named-graph-uri are not supported: the default graph is the union of "
            "all named graphs; use GRAPH <iri> { ... } to read one",
        )
    if query and not query[0].strip():
        raise ProtocolError(400, "the query is empty")
    return QueryRequest(query[0] if query else None, params)
