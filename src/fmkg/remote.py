"""The graph in an existing triple store: push it there, and run fmkg's queries there.

- :func:`push` loads a dataset into any store that speaks the SPARQL 1.1 Graph Store HTTP Protocol
  (https://www.w3.org/TR/sparql11-http-rdf-update/: one ``PUT ?graph=IRI`` per named graph) or
  SPARQL 1.1 Update (https://www.w3.org/TR/sparql11-update/: ``INSERT DATA`` in batches).
- :func:`remote_query` runs a query over the SPARQL 1.1 Protocol (https://www.w3.org/TR/sparql11-protocol/)
  and parses the answer (SPARQL JSON or XML results, or an RDF graph) back into an rdflib
  :class:`~rdflib.query.Result`, so the same renderers print it.

Parameters are sent as a ``VALUES`` block put into the query's WHERE clause, built from the terms'
N-Triples form: a value is never pasted into the query as text. Only the standard library speaks
HTTP here (urllib).
"""

from __future__ import annotations

import base64
import io
import ipaddress
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fmkg.errors import FmkgError, QueryError
from fmkg.sparqltext import iri_term, ntriples_term, with_values

if TYPE_CHECKING:
    from rdflib import Dataset, Graph
    from rdflib.query import Result
    from rdflib.term import Identifier, Node

    from fmkg.queries import NamedQuery

#: Seconds to wait for one HTTP request.
DEFAULT_TIMEOUT = 120.0
#: Triples per ``INSERT DATA`` request.
DEFAULT_BATCH = 2000
PROTOCOLS = ("gsp", "update")

_RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.8"
_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
_RDF_TYPES = {
    "application/n-triples": "nt",
    "text/plain": "nt",
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    "application/n-quads": "nquads",
}


class RemoteError(FmkgError):
    """A remote store could not be reached, or answered with an error."""


_PREFIX_DECL = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE)


def with_prefixes(text: str) -> str:
    """The query with fmkg's prefixes declared, those it does not declare itself (inline queries
    rely on them locally, where they are predefined)."""
    from fmkg.namespaces import PREFIXES

    declared = {m.group(1) or "" for m in _PREFIX_DECL.finditer(text)}
    missing = [f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items() if p not in declared]
    return "\n".join([*missing, text]) if missing else text


def prepare_remote(text: str, bindings: Mapping[str, Identifier] | None = None) -> tuple[str, str]:
    """The text to send for a query and its form (SELECT, ASK, CONSTRUCT or DESCRIBE).

    The query is parsed here first, so a syntax error is reported as it is locally.
    """
    from pyparsing import ParseException
    from rdflib.plugins.sparql import prepareQuery

    from fmkg.engine import _syntax_error
    from fmkg.errors import QuerySyntaxError
    from fmkg.namespaces import PREFIXES

    try:
        form = prepareQuery(text, initNs=PREFIXES).algebra.name
    except ParseException as exc:
        raise _syntax_error("<query>", exc) from exc
    except Exception as exc:
        raise QuerySyntaxError("<query>", " ".join(str(exc).split())) from exc
    sent = with_prefixes(with_values(text, bindings or {}))
    try:
        prepareQuery(sent)
    except Exception as exc:  # a bug here, not the user's: say so
        raise QueryError(f"cannot add the parameters to this query: {' '.join(str(exc).split())}") from exc
    return sent, form.removesuffix("Query").upper()


# --- HTTP --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Auth:
    """HTTP Basic credentials for a store that asks for them."""

    user: str
    password: str

    def header(self) -> str:
        token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode("ascii")
        return f"Basic {token}"


def _is_loopback(url: str) -> bool:
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _send(
    url: str,
    *,
    method: str,
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    auth: Auth | None = None,
) -> tuple[int, str, bytes]:
    """One HTTP request: (status, Content-Type, body); an HTTP error or no connection raises RemoteError."""
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in ("http", "https"):
        raise RemoteError(f"{url}: not an http(s) URL")
    request = urllib.request.Request(url, data=body, method=method, headers=dict(headers or {}))
    request.add_header("User-Agent", "fmkg")
    if auth is not None:
        request.add_header("Authorization", auth.header())
    # A store on this machine is reached directly, whatever proxy the environment names.
    handlers = [urllib.request.ProxyHandler({})] if _is_loopback(url) else []
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as exc:
        detail = " ".join(exc.read().decode("utf-8", "replace").split())[:500]
        raise RemoteError(f"{method} {url}: HTTP {exc.code} {exc.reason}" + (f": {detail}" if detail else "")) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise RemoteError(f"{method} {url}: cannot connect: {reason}") from None


# --- queries -----------------------------------------------------------------------------------


def parse_answer(form: str, content_type: str, body: bytes) -> Result:
    """An rdflib Result from a SPARQL Protocol answer: JSON/XML results, or an RDF graph."""
    from rdflib import Graph
    from rdflib.query import Result

    mime = content_type.split(";")[0].strip().lower()
    try:
        if form in ("SELECT", "ASK"):
            fmt = "xml" if "xml" in mime else "json"
            return Result.parse(io.BytesIO(body), format=fmt)
        graph = Graph()
        graph.parse(data=body, format=_RDF_TYPES.get(mime, "turtle"))
    except Exception as exc:
        raise RemoteError(f"cannot read the endpoint's answer ({mime or 'no Content-Type'}): {exc}") from exc
    result = Result(form)
    result.graph = graph
    return result


def remote_query(
    endpoint: str,
    text: str,
    bindings: Mapping[str, Identifier] | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    auth: Auth | None = None,
) -> Result:
    """Run a SPARQL query on ``endpoint`` (SPARQL 1.1 Protocol, POST form), ``bindings`` as VALUES.

    Parameters in the endpoint URL are sent along, so that
    ``http://host/sparql?default-graph-uri=IRI`` queries that graph.
    """
    sent, form = prepare_remote(text, bindings)
    accept = _RESULTS_ACCEPT if form in ("SELECT", "ASK") else _GRAPH_ACCEPT
    # Parameters in the endpoint URL (default-graph-uri=..., a store's own options) go into the form
    # with the query, where the SPARQL 1.1 Protocol puts every parameter of a form POST.
    parts = urllib.parse.urlsplit(endpoint)
    fields = [*urllib.parse.parse_qsl(parts.query, keep_blank_values=True), ("query", sent)]
    body = urllib.parse.urlencode(fields).encode("utf-8")
    _, content_type, data = _send(
        parts._replace(query="").geturl(),
        method="POST",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": accept},
        timeout=timeout,
        auth=auth,
    )
    return parse_answer(form, content_type, data)


def run(
    endpoint: str,
    nq: NamedQuery,
    params: Mapping[str, str] | None,
    ds: Dataset,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    auth: Auth | None = None,
) -> Result:
    """Run a named, file or inline query on ``endpoint``; names in ``params`` are resolved on ``ds``
    (the local graph), and their IRIs sent."""
    from fmkg import engine

    bindings = engine.bind_params(nq, params or {}, ds)
    return remote_query(endpoint, nq.text, bindings, timeout=timeout, auth=auth)


# --- push --------------------------------------------------------------------------------------


@dataclass
class PushReport:
    """What a push sent: triples per target graph (``""`` for the default graph), requests, seconds."""

    endpoint: str
    protocol: str
    graphs: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    seconds: float = 0.0

    @property
    def triples(self) -> int:
        """Triples sent, over all target graphs."""
        return sum(self.graphs.values())


def targets(ds: Dataset, graph: str | None = None, into_default: bool = False) -> list[tuple[str, Graph]]:
    """The graphs to send: each named graph under its own IRI, or everything merged into ``graph``;
    plus everything merged into the default graph (``""``) when ``into_default``."""
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    from fmkg.store import merged

    out: list[tuple[str, Graph]] = []
    if graph is not None:
        iri_term(graph)
        out.append((graph, merged(ds)))
    else:
        for g in sorted(ds.graphs(), key=lambda g: str(g.identifier)):
            if g.identifier != DATASET_DEFAULT_GRAPH_ID and len(g):
                out.append((str(g.identifier), g))
    if into_default:
        out.append(("", merged(ds)))
    return out


def _graph_url(endpoint: str, iri: str) -> str:
    sep = "&" if urllib.parse.urlsplit(endpoint).query else "?"
    return f"{endpoint}{sep}default" if iri == "" else f"{endpoint}{sep}graph={urllib.parse.quote(iri, safe='')}"


def _batches(graph: Graph, size: int) -> Iterator[list[tuple[Node, Node, Node]]]:
    """Triples in batches of about ``size``; triples that share a blank node stay in one batch, so
    that the store makes one blank node of them."""
    from rdflib import BNode

    parent: dict[Node, Node] = {}

    def find(node: Node) -> Node:
        while parent.get(node, node) != node:
            node = parent[node]
        return node

    groups: dict[Node | None, list[tuple[Node, Node, Node]]] = {}
    triples = sorted(graph, key=lambda t: (str(t[0]), str(t[1]), str(t[2])))
    for s, _, o in triples:
        if isinstance(s, BNode) and isinstance(o, BNode):
            parent[find(s)] = find(o)
    plain: list[tuple[Node, Node, Node]] = []
    for s, p, o in triples:
        bnode = s if isinstance(s, BNode) else o if isinstance(o, BNode) else None
        if bnode is None:
            plain.append((s, p, o))
        else:
            groups.setdefault(find(bnode), []).append((s, p, o))
    batch: list[tuple[Node, Node, Node]] = []
    for group in [*([t] for t in plain), *groups.values()]:
        if batch and len(batch) + len(group) > size:
            yield batch
            batch = []
        batch.extend(group)
    if batch:
        yield batch


def _update_requests(iri: str, graph: Graph, size: int) -> Iterator[str]:
    target = "DEFAULT" if iri == "" else f"GRAPH {iri_term(iri)}"
    first = True
    for batch in _batches(graph, size):
        bnodes: dict[Node, str] = {}
        lines = "\n".join(" ".join(ntriples_term(t, bnodes) for t in triple) + " ." for triple in batch)
        data = lines if iri == "" else f"GRAPH {iri_term(iri)} {{\n{lines}\n}}"
        drop = f"DROP SILENT {target} ;\n" if first else ""
        first = False
        yield f"{drop}INSERT DATA {{\n{data}\n}}"
    if first:  # an empty graph: still replace what was there
        yield f"DROP SILENT {target}"


def push(
    ds: Dataset,
    endpoint: str,
    *,
    protocol: str = "gsp",
    graph: str | None = None,
    into_default: bool = False,
    batch_size: int = DEFAULT_BATCH,
    timeout: float = DEFAULT_TIMEOUT,
    auth: Auth | None = None,
) -> PushReport:
    """Load ``ds`` into the store at ``endpoint``, replacing the graphs it sends.

    ``protocol="gsp"``: ``endpoint`` is the Graph Store Protocol URL (Oxigraph ``/store``, Fuseki
    ``/DATASET/data``); each graph is one ``PUT`` of N-Triples. ``protocol="update"``: ``endpoint``
    is the SPARQL Update URL (Oxigraph ``/update``, Fuseki ``/DATASET/update``); each graph is
    dropped, then filled with ``INSERT DATA`` requests of ``batch_size`` triples.
    """
    if protocol not in PROTOCOLS:
        raise FmkgError(f"unknown protocol {protocol!r}; choose from {', '.join(PROTOCOLS)}")
    if batch_size < 1:
        raise FmkgError("the batch size must be at least 1")
    report = PushReport(endpoint, protocol)
    started = time.perf_counter()
    for iri, g in targets(ds, graph, into_default):
        if protocol == "gsp":
            body = g.serialize(format="nt", encoding="utf-8")
            _send(
                _graph_url(endpoint, iri),
                method="PUT",
                body=body,
                headers={"Content-Type": "application/n-triples"},
                timeout=timeout,
                auth=auth,
            )
            report.requests += 1
        else:
            for update in _update_requests(iri, g, batch_size):
                _send(
                    endpoint,
                    method="POST",
                    body=update.encode("utf-8"),
                    headers={"Content-Type": "application/sparql-update"},
                    timeout=timeout,
                    auth=auth,
                )
                report.requests += 1
        report.graphs[iri] = len(g)
    report.seconds = time.perf_counter() - started
    return report
