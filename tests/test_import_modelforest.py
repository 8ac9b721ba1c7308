"""ModelForest: typed lineage with its confidence, families left without a size, the mapping as data."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rdflib import URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from fmkg import importers
from fmkg.importers import modelforest
from fmkg.importers.merge import ImportResult
from fmkg.rdf.namespaces import FM, ID
from fmkg.rdf.sources import graph_files
from fmkg.store import KnowledgeGraph, open_graph

from .conftest import FIXTURES, SHARED

HERE = FIXTURES / "import" / "modelforest"
BASE = [p for p in graph_files() if "imported" not in p.parts]
SOURCE = URIRef(modelforest.INFO.iri)


def model(slug: str) -> URIRef:
    return URIRef(f"{ID}model/{slug}")


@pytest.fixture(scope="module")
def base() -> Iterator[KnowledgeGraph]:
    with open_graph(BASE, default=False, cache=False) as kg:
        yield kg


@pytest.fixture(scope="module")
def result(base: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> ImportResult:
    return importers.run("modelforest", [HERE], output=tmp_path_factory.mktemp("mf") / "mf.ttl", context=base)


def confidence(g, s: URIRef, p: URIRef, o: URIRef) -> str | None:
    for st in g.subjects(RDF.subject, s):
        if (st, RDF.predicate, p) in g and (st, RDF.object, o) in g:
            assert (st, RDF.type, RDF.Statement) in g and (st, DCTERMS.source, SOURCE) in g
            return str(g.value(st, FM.confidence))
    return None


def test_edges_are_typed_through_the_mapping_with_their_confidence(result: ImportResult) -> None:
    g = result.graph
    tuned, nxt, student = model("example-tuned-7b"), model("example-next"), model("example-student")
    assert (tuned, FM.fineTunedFrom, model("llama")) in g  # the source names no size: the family
    assert confidence(g, tuned, FM.fineTunedFrom, model("llama")) == "high"
    assert (nxt, FM.successorOf, tuned) in g  # "base": the next generation of a series
    assert confidence(g, nxt, FM.successorOf, tuned) == "medium"
    assert (student, FM.distilledFrom, nxt) in g
    assert result.summary.tolerated["edges of a type not read"] == 1  # "inspiration"
    assert result.summary.tolerated["edges to a model the files do not list"] == 1


def test_a_family_gets_no_size_and_merges_with_the_curated_one(result: ImportResult) -> None:
    g = result.graph
    assert (model("llama"), FM.parameterCount, None) not in g
    assert (model("llama"), RDFS.label, None) not in g  # merged into the curated family, not added
    assert {int(v) for v in g.objects(model("example-tuned-7b"), FM.parameterCount)} == {7_000_000_000}


def test_an_edge_to_a_family_is_dropped_when_one_to_its_variant_is_known(result: ImportResult) -> None:
    assert (model("alpaca"), FM.fineTunedFrom, model("llama")) not in result.graph  # curated: LLaMA 7B
    assert result.summary.tolerated["edges to a family already stated to one of its variants"] == 1


def test_every_type_maps_to_a_property_of_the_ontology(base: KnowledgeGraph) -> None:
    declared = set(base.subjects(RDF.type, URIRef("http://www.w3.org/2002/07/owl#ObjectProperty")))
    for kind, prop in modelforest.relations().items():
        assert prop is None or prop in declared, kind


@pytest.mark.skipif(not (SHARED / "modelforest").is_dir(), reason="../shared/reference is not here")
def test_the_shared_copy_imports_whole(base: KnowledgeGraph, tmp_path) -> None:
    result = importers.run("modelforest", [SHARED / "modelforest"], output=tmp_path / "mf.ttl", context=base)
    assert result.summary.records == 156
    kept = sum(1 for _ in result.graph.subjects(FM.confidence, None))
    assert kept >= 120  # of 148 edges: "inspiration" is not read, some are cycles or said better elsewhere
