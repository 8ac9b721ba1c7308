"""The property-graph formats: GraphML, GEXF and a zip of CSV tables, for graph tools (Gephi, Cytoscape, ...).

The view (:func:`property_graph`): every IRI or blank node that is the subject of a triple is a node;
its ``label`` follows the label rule (:mod:`fmkg.rdf.labels`), ``class`` lists its ``rdf:type`` values
as CURIEs, and each other property whose value is a literal or an IRI that is not a node becomes an
attribute named by its short key (``releaseDate``, ``source``), several values sorted and joined
with ``" | "``. Every triple between two nodes (other than ``rdf:type``) is an edge, with the
predicate's IRI as ``predicate`` and its short key as ``label``. Everything is a string, sorted.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from fmkg.rdf.labels import choose
from fmkg.rdf.terms import shorten

if TYPE_CHECKING:
    import networkx as nx
    import pyoxigraph as ox

NODE_COLUMNS = ("id", "label", "class")
EDGE_COLUMNS = ("source", "target", "predicate", "label")
MULTI_SEPARATOR = " | "
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


@dataclass(frozen=True)
class PropertyGraph:
    """Nodes with their attributes, and the edges between them (see the module docstring)."""

    nodes: dict[str, dict[str, str]]
    edges: list[tuple[str, str, str]]  # (source, predicate IRI, target)

    @property
    def attributes(self) -> list[str]:
        """The node attribute names: ``label`` and ``class`` first, then the others sorted."""
        names = {k for attrs in self.nodes.values() for k in attrs} - set(NODE_COLUMNS)
        return ["label", "class", *sorted(names)]


def _id(term: Any) -> str:
    import pyoxigraph as ox

    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else str(term.value)


def _key(iri: str) -> str:
    from fmkg.rdf.jsonld import context_key

    return context_key(iri) or shorten(iri)


def property_graph(triples: Iterable[ox.Triple]) -> PropertyGraph:
    """The property-graph view of ``triples`` (the merge, in canonical order)."""
    import pyoxigraph as ox

    found = list(triples)
    subjects = {_id(t.subject) for t in found}
    attrs: dict[str, dict[str, set[str]]] = {s: defaultdict(set) for s in subjects}
    names: dict[str, list[tuple[str, str, str | None]]] = defaultdict(list)
    edges: list[tuple[str, str, str]] = []
    for t in found:
        s, p, o = _id(t.subject), t.predicate.value, t.object
        if isinstance(o, ox.Literal):
            if p in ("http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel"):
                names[s].append((p, o.value, o.language))
            if p != "http://www.w3.org/2000/01/rdf-schema#label":
                attrs[s][_key(p)].add(o.value)
        elif p == RDF_TYPE:
            attrs[s]["class"].add(shorten(_id(o)))
        elif _id(o) in subjects:
            edges.append((s, p, _id(o)))
        else:
            attrs[s][_key(p)].add(_id(o))
    nodes: dict[str, dict[str, str]] = {}
    for s in sorted(subjects):
        row = {"label": choose(names[s]) or shorten(s)}
        row.update({k: MULTI_SEPARATOR.join(sorted(v)) for k, v in sorted(attrs[s].items())})
        row.setdefault("class", "")
        nodes[s] = row
    return PropertyGraph(nodes, sorted(edges))


def to_networkx(pg: PropertyGraph) -> nx.MultiDiGraph:
    """The property graph as networkx, built by fmkg's one conversion (:func:`fmkg.graph.network.build`),
    its edges carrying the predicate's IRI (``predicate``) and short key (``label``) as the formats document."""
    from fmkg.graph.network import build
    from fmkg.rdf.terms import compact

    g = build(pg.edges, {p: _key(p) for _, p, _ in pg.edges}, pg.nodes)
    iris = {compact(p): p for _, p, _ in pg.edges}
    for _, _, key, data in g.edges(keys=True, data=True):
        label = data["label"]
        data.clear()
        data.update(predicate=iris.get(key, key), label=label)
    return g


def write_graphml(pg: PropertyGraph, out: IO[bytes]) -> None:
    """GraphML of the property graph (networkx)."""
    import networkx as nx

    nx.write_graphml(to_networkx(pg), out, encoding="utf-8")


def write_gexf(pg: PropertyGraph, out: IO[bytes]) -> None:
    """GEXF of the property graph (networkx), without the day-dependent ``lastmodifieddate``."""
    import networkx as nx

    buf = io.BytesIO()
    nx.write_gexf(to_networkx(pg), buf, encoding="utf-8")
    out.write(re.sub(rb' lastmodifieddate="[^"]*"', b"", buf.getvalue(), count=1))


def _csv(header: Iterable[str], rows: Iterator[list[str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(list(header))
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def write_csv_zip(pg: PropertyGraph, out: IO[bytes]) -> None:
    """A zip of ``nodes.csv`` (``id``, ``label``, ``class``, one column per other attribute) and
    ``edges.csv`` (``source``, ``target``, ``predicate``, ``label``), stored with a fixed date so that
    the bytes depend on the graph only."""
    columns = pg.attributes
    nodes = _csv(["id", *columns], ([node, *(attrs.get(c, "") for c in columns)] for node, attrs in pg.nodes.items()))
    edges = _csv(EDGE_COLUMNS, ([s, o, p, _key(p)] for s, p, o in pg.edges))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, content in (("nodes.csv", nodes), ("edges.csv", edges)):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    out.write(buf.getvalue())


WRITERS = {"graphml": write_graphml, "gexf": write_gexf, "csvzip": write_csv_zip}
