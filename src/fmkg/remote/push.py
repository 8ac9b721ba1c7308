"""Pushing the graph into a triple store, so that it answers as fmkg does.

By default each source goes into its own named graph (``GRAPH ?g`` tells where a fact comes from, as
locally) **and** the merge of all sources into the store's default graph, so that a plain ``SELECT``
on the store sees the data at once and counts each fact once, as fmkg does. ``--graph IRI`` puts the
merge into one named graph instead; ``--no-default-graph`` leaves the default graph alone.

Protocols:

- ``gsp``: the SPARQL 1.1 Graph Store HTTP Protocol (https://www.w3.org/TR/sparql11-http-rdf-update/):
  one ``PUT`` of N-Triples per graph (Oxigraph ``/store``, Fuseki ``/DATASET/data``);
- ``update``: SPARQL 1.1 Update (https://www.w3.org/TR/sparql11-update/): each graph dropped, then
  filled with ``INSERT DATA`` in batches (Oxigraph ``/update``, Fuseki ``/DATASET/update``).
"""

from __future__ import annotations

import re
import time
import urllib.parse
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fmkg.errors import FmkgError
from fmkg.rdf import write
from fmkg.rdf.terms import iri as iri_term
from fmkg.remote.http import DEFAULT_TIMEOUT, Auth, send

if TYPE_CHECKING:
    from fmkg.store import KnowledgeGraph

#: Triples per ``INSERT DATA`` request.
DEFAULT_BATCH = 2000
PROTOCOLS = ("gsp", "update")
DEFAULT = ""  # the store's default graph, in reports

_BNODE = re.compile(r"_:[A-Za-z0-9_.-]+")


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


def targets(kg: KnowledgeGraph, graph: str | None = None, default_graph: bool = True) -> list[tuple[str, list[str]]]:
    """The graphs to send, each as its N-Triples lines (canonical order): the sources under their own
    names, or the merge under ``graph``; plus the merge as the default graph when ``default_graph``."""
    out: list[tuple[str, list[str]]] = []
    merged: list[str] | None = None

    def merge() -> list[str]:
        nonlocal merged
        if merged is None:
            merged = list(write.canonical(kg.merged(), dataset=False))
        return merged

    if graph is not None:
        iri_term(graph)
        out.append((graph, merge()))
    else:
        for name in kg.graph_sizes():
            out.append((name, list(write.canonical(kg.quads([name]), dataset=False))))
    if default_graph:
        out.append((DEFAULT, merge()))
    return out


def _graph_url(endpoint: str, iri: str) -> str:
    sep = "&" if urllib.parse.urlsplit(endpoint).query else "?"
    return f"{endpoint}{sep}default" if iri == DEFAULT else f"{endpoint}{sep}graph={urllib.parse.quote(iri, safe='')}"


def batches(lines: Iterable[str], size: int) -> Iterator[list[str]]:
    """Lines in batches of about ``size``; lines that share a blank node stay in one batch, so that
    the store makes one blank node of them (labels are scoped to one request)."""
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        while parent.get(node, node) != node:
            node = parent[node]
        return node

    plain: list[str] = []
    linked: list[tuple[str, str]] = []
    for item in lines:
        labels = _BNODE.findall(item.split('"', 1)[0])  # blank nodes are never inside the literal
        if not labels:
            plain.append(item)
            continue
        for other in labels[1:]:
            parent[find(other)] = find(labels[0])
        linked.append((labels[0], item))
    groups: dict[str, list[str]] = {}
    for label, item in linked:
        groups.setdefault(find(label), []).append(item)
    batch: list[str] = []
    for group in [*([x] for x in plain), *groups.values()]:
        if batch and len(batch) + len(group) > size:
            yield batch
            batch = []
        batch.extend(group)
    if batch:
        yield batch


def update_requests(iri: str, lines: list[str], size: int) -> Iterator[str]:
    """The SPARQL Update requests that replace graph ``iri`` (``""``: the default graph) with ``lines``."""
    target = "DEFAULT" if iri == DEFAULT else f"GRAPH {iri_term(iri)}"
    first = True
    for batch in batches(lines, size):
        body = "\n".join(batch)
        data = body if iri == DEFAULT else f"GRAPH {iri_term(iri)} {{\n{body}\n}}"
        drop = f"DROP SILENT {target} ;\n" if first else ""
        first = False
        yield f"{drop}INSERT DATA {{\n{data}\n}}"
    if first:  # an empty graph: still replace what was there
        yield f"DROP SILENT {target}"


def push(
    kg: KnowledgeGraph,
    endpoint: str,
    *,
    protocol: str = "gsp",
    graph: str | None = None,
    default_graph: bool = True,
    batch_size: int = DEFAULT_BATCH,
    timeout: float = DEFAULT_TIMEOUT,
    auth: Auth | None = None,
) -> PushReport:
    """Load ``kg`` into the store at ``endpoint``, replacing the graphs it sends (see the module docstring)."""
    if protocol not in PROTOCOLS:
        raise FmkgError(f"unknown protocol {protocol!r}; choose from {', '.join(PROTOCOLS)}")
    if batch_size < 1:
        raise FmkgError("the batch size must be at least 1")
    report = PushReport(endpoint, protocol)
    started = time.perf_counter()
    for iri, lines in targets(kg, graph, default_graph):
        if protocol == "gsp":
            body = "".join(f"{x}\n" for x in lines).encode("utf-8")
            send(
                _graph_url(endpoint, iri),
                method="PUT",
                body=body,
                headers={"Content-Type": "application/n-triples"},
                timeout=timeout,
                auth=auth,
            )
            report.requests += 1
        else:
            for update in update_requests(iri, lines, batch_size):
                send(
                    endpoint,
                    method="POST",
                    body=update.encode("utf-8"),
                    headers={"Content-Type": "application/sparql-update"},
                    timeout=timeout,
                    auth=auth,
                )
                report.requests += 1
        report.graphs[iri] = len(lines)
    report.seconds = time.perf_counter() - started
    return report
