"""The shipped graph with its imports: big enough, provenance-tracked, sorted; no ../shared needed."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF

from fmkg import importers
from fmkg.graph.stats import Stats, compute
from fmkg.rdf import formats, write
from fmkg.rdf.namespaces import FM, GRAPH
from fmkg.rdf.terms import from_ox
from fmkg.sparql import engine, library
from fmkg.store import KnowledgeGraph


def named_graph(kg: KnowledgeGraph, name: URIRef) -> Graph:
    """One named graph of ``kg`` as an rdflib Graph, terms as the store holds them."""
    g = Graph()
    for q in kg.quads([str(name)]):
        g.add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))
    return g


@pytest.fixture(scope="module")
def stats(shipped: KnowledgeGraph) -> Stats:
    return compute(shipped)


def test_the_shipped_graph_is_broad(stats: Stats) -> None:
    assert stats.totals["models"] >= 1000
    assert stats.totals["organizations"] >= 200
    assert stats.typed_relations >= 800


@pytest.mark.parametrize("key", list(importers.REFERENCE))
def test_each_import_is_a_named_graph_with_provenance(shipped: KnowledgeGraph, key: str) -> None:
    node = GRAPH[f"data/imported/{key}"]
    assert shipped.has_graph(node)
    g = named_graph(shipped, node)
    info = importers.REGISTRY[key].info
    assert (node, RDF.type, FM.SourceGraph) in g
    assert (node, PROV.wasDerivedFrom, URIRef(info.iri)) in g
    assert (node, DCTERMS.hasVersion, None) in g
    assert int(g.value(node, FM.recordCount)) > 100  # type: ignore[arg-type]
    if info.license:
        assert (node, DCTERMS.license, URIRef(info.license)) in g


@pytest.mark.parametrize("key", list(importers.REFERENCE))
def test_the_shipped_files_are_sorted_turtle(key: str) -> None:
    """Each shipped import is exactly what the importers' writer makes of its own triples: canonical
    terms (as a store holds them), sorted, with its header."""
    path = importers.shipped_path(key)
    data = path.read_bytes()
    text = data.decode("utf-8")
    header = "\n".join(line[2:] for line in text.split("\n\n", 1)[0].splitlines())
    assert header.startswith("Imported from ")
    triples = list(ox.parse(data, format=ox.RdfFormat.TURTLE))
    assert (
        write.to_bytes(write.canonical(write.stored(triples), dataset=False), formats.find("turtle"), header=header)
        == data
    )


def test_conflicts_are_listed_with_their_graphs(shipped: KnowledgeGraph) -> None:
    found = list(engine.run(shipped, library.get("conflicts")))
    graphs = {str(r.graph) for r in found}
    assert str(GRAPH["data/imported/epoch"]) in graphs
    assert str(GRAPH["data/imported/ecosystem-graphs"]) in graphs
    by_entity: dict[str, set[str]] = {}
    for r in found:
        by_entity.setdefault(f"{r.entity} {r.property}", set()).add(str(r.value))
    assert all(len(values) >= 2 for values in by_entity.values()), "a conflict has at least two values"


def test_unresolved_references_are_listed(shipped: KnowledgeGraph) -> None:
    found = list(engine.run(shipped, library.get("unresolved-references")))
    assert len(found) >= 100
    assert all(str(r.graph).startswith(str(GRAPH["data/imported/"])) for r in found)
