"""Answering one SPARQL query: parse, check, evaluate and serialize it in the negotiated format.

This runs inside the query child (see :mod:`fmkg.server.worker`), so parsing a huge query counts
against the time limit too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fmkg.server.protocol import READ_ONLY, Format, ProtocolError, negotiate
from fmkg.server.worker import Answer, Limits, too_large

if TYPE_CHECKING:
    from rdflib import Dataset
    from rdflib.plugins.sparql.sparql import Query

#: The query form of each algebra root that rdflib's parser produces.
FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}
_RDFLIB_GRAPH_FORMATS = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld", "rdfxml": "xml"}


def _is_update(text: str) -> bool:
    from rdflib.plugins.sparql import parser

    try:
        parser.parseUpdate(text)
    except Exception:
        return False
    return True


def prepare(text: str) -> Query:
    """Parse a query with fmkg's prefixes predefined; raise :class:`ProtocolError` when it is refused.

    400 for a syntax error (with the parser's message and position), for SERVICE and for FROM /
    FROM NAMED; 403 for SPARQL Update.
    """
    from pyparsing import ParseException
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.algebra import traverse
    from rdflib.plugins.sparql.parserutils import CompValue

    from fmkg.engine import _syntax_error
    from fmkg.namespaces import PREFIXES

    try:
        prepared = prepareQuery(text, initNs=PREFIXES)
    except ParseException as exc:
        if _is_update(text):
            raise ProtocolError(403, READ_ONLY) from None
        raise ProtocolError(400, str(_syntax_error("query", exc))) from None
    except Exception as exc:  # rdflib raises plain Exception, e.g. for an unknown prefix
        raise ProtocolError(400, f"query: SPARQL error: {' '.join(str(exc).split())}") from None
    if prepared.algebra.datasetClause:
        raise ProtocolError(
            400,
            "FROM and FROM NAMED are not supported: the default graph is the union of all named graphs; "
            "use GRAPH <iri> { ... } to read one",
        )
    services: list[CompValue] = []

    def visit(node: object) -> None:
        if isinstance(node, CompValue) and node.name == "ServiceGraphPattern":
            services.append(node)

    traverse(prepared.algebra, visitPre=visit)
    if services:
        raise ProtocolError(400, "SERVICE (federated query) is not allowed on this endpoint")
    return prepared


def form(prepared: Query) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE."""
    return FORMS[prepared.algebra.name]


def evaluate(ds: Dataset, prepared: Query, fmt: Format, limits: Limits, text: str = "") -> Answer:
    """Evaluate a prepared query on ``ds`` and serialize it as ``fmt``, within the row/triple cap.

    On an Oxigraph-backed dataset (``fmkg --store oxigraph serve``) the query ``text`` goes to
    Oxigraph's own engine: a prepared rdflib query would run on rdflib's, far slower.
    """
    from fmkg import results
    from fmkg.namespaces import PREFIXES
    from fmkg.store import is_oxigraph

    result = ds.query(text, initNs=PREFIXES) if text and is_oxigraph(ds) else ds.query(prepared)
    if result.type == "SELECT":
        for count, _ in enumerate(result, 1):  # rdflib keeps the rows as it makes them, for the renderers
            if count > limits.max_rows:
                return too_large(
                    f"more than {limits.max_rows} rows (the server's --max-rows); add a LIMIT, or page with LIMIT and OFFSET"
                )
    if result.type in ("SELECT", "ASK"):
        if fmt.key == "xml":
            body = result.serialize(format="xml") or b""
        else:
            renderers = {"json": results.render_json, "csv": results.render_csv, "tsv": results.render_tsv}
            body = renderers[fmt.key](result).encode("utf-8")
        return Answer(200, fmt.media_type, body)
    graph = result.graph
    assert graph is not None
    if len(graph) > limits.max_rows:
        return too_large(f"more than {limits.max_rows} triples (the server's --max-rows)")
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
    return Answer(200, fmt.media_type, graph.serialize(format=_RDFLIB_GRAPH_FORMATS[fmt.key], encoding="utf-8"))


def answer(ds: Dataset, text: str, accept: str | None, hint: str | None, limits: Limits) -> Answer:
    """The whole answer to a query operation: refusals and errors become their HTTP status."""
    from fmkg.errors import FmkgError

    try:
        prepared = prepare(text)
        fmt = negotiate(form(prepared), accept, hint)
        return evaluate(ds, prepared, fmt, limits, text)
    except ProtocolError as exc:
        return Answer(exc.status, "text/plain", f"{exc.message}\n".encode())
    except FmkgError as exc:
        return Answer(500, "text/plain", f"{exc}\n".encode())
