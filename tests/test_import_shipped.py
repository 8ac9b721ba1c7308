"""The shipped graph with its imports: big enough, provenance-tracked, sorted; no ../shared needed."""

from __future__ import annotations

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF

from fmkg import engine, importers, queries
from fmkg.importers.writer import write_turtle
from fmkg.namespaces import FM, GRAPH, PREFIXES
from fmkg.results import rows
from fmkg.stats import Stats, compute


@pytest.fixture(scope="module")
def stats(shipped: Dataset) -> Stats:
    return compute(shipped)


def test_the_shipped_graph_is_broad(stats: Stats) -> None:
    assert stats.totals["models"] >= 1000
    assert stats.totals["organizations"] >= 200
    assert stats.typed_relations >= 800


@pytest.mark.parametrize("key", list(importers.REFERENCE))
def test_each_import_is_a_named_graph_with_provenance(shipped: Dataset, key: str) -> None:
    node = GRAPH[f"data/imported/{key}"]
    g = shipped.graph(node)
    info = importers.REGISTRY[key].info
    assert (node, RDF.type, FM.SourceGraph) in g
    assert (node, PROV.wasDerivedFrom, URIRef(info.iri)) in g
    assert (node, DCTERMS.hasVersion, None) in g
    assert int(g.value(node, FM.recordCount)) > 500  # type: ignore[arg-type]
    if info.license:
        assert (node, DCTERMS.license, URIRef(info.license)) in g


@pytest.mark.parametrize("key", list(importers.REFERENCE))
def test_the_shipped_files_are_sorted_turtle(key: str) -> None:
    path = importers.shipped_path(key)
    text = path.read_text(encoding="utf-8")
    header = "\n".join(line[2:] for line in text.split("\n\n", 1)[0].splitlines())
    graph = Graph().parse(data=text, format="turtle")
    assert write_turtle(graph, PREFIXES, first=[GRAPH[f"data/imported/{key}"]], header=header) == text


def test_conflicts_are_listed_with_their_graphs(shipped: Dataset) -> None:
    found = list(rows(engine.run(shipped, queries.get("conflicts"))))
    graphs = {str(r.graph) for r in found}
    assert str(GRAPH["data/imported/epoch"]) in graphs
    assert str(GRAPH["data/imported/ecosystem-graphs"]) in graphs
    by_entity: dict[str, set[str]] = {}
    for r in found:
        by_entity.setdefault(f"{r.entity} {r.property}", set()).add(str(r.value))
    assert all(len(values) >= 2 for values in by_entity.values()), "a conflict has at least two values"


def test_unresolved_references_are_listed(shipped: Dataset) -> None:
    found = list(rows(engine.run(shipped, queries.get("unresolved-references"))))
    assert len(found) >= 100
    assert all(str(r.graph).startswith(str(GRAPH["data/imported/"])) for r in found)
