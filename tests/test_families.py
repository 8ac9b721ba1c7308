"""Families and variants: sizes belong to variants, lineage points at the variant its source names."""

from __future__ import annotations

import re

from rdflib import URIRef
from rdflib.namespace import RDF

from fmkg.rdf.namespaces import FM, ID
from fmkg.store import KnowledgeGraph

M = f"{ID}model/"
#: A name that says a size: "LLaMA-65B", "Llama 2 70B", "OPT-175B", "Pythia 12b".
SIZED = re.compile(r"(?<![\w.])\d+(\.\d+)?\s?[BM]\b", re.IGNORECASE)
#: Relations that keep the parent's size: the child is the parent's weights, changed.
SAME_SIZE = ("fineTunedFrom", "quantizedFrom")
#: Fine-tunes that grew on purpose, each with the reason its source gives.
GREW = {
    f"{ID}model/stable-video-diffusion": "temporal layers added to the image model it starts from (SVD paper)",
}

CURATED_EDGES = """
PREFIX fm: <https://w3id.org/fmkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?child ?p ?parent ?g WHERE {
  GRAPH ?g { ?child ?p ?parent }
  VALUES ?p { fm:derivedFrom fm:fineTunedFrom fm:distilledFrom fm:quantizedFrom fm:mergedFrom fm:adapterOf fm:basedOn }
  FILTER(!CONTAINS(STR(?g), "/imported/"))
}
"""


def _curated_edges(kg: KnowledgeGraph) -> list[tuple[str, str, str, str]]:
    return [(str(c), str(p), str(q), str(g)) for c, p, q, g in kg.query(CURATED_EDGES)]


def _sizes(kg: KnowledgeGraph, node: str) -> set[int]:
    return {int(v) for v in kg.objects(URIRef(node), FM.parameterCount)}


def test_the_curated_core_has_families_with_their_variants(shipped: KnowledgeGraph) -> None:
    families = set(shipped.subjects(FM.variantOf, None))
    assert families  # some variant states its family
    for family in ("llama", "llama-2", "llama-2-chat", "opt", "pythia", "bert", "code-llama", "stable-diffusion"):
        iri = URIRef(M + family)
        assert (iri, RDF.type, FM.ModelFamily) in shipped, family
        assert set(shipped.subjects(FM.variantOf, iri)), f"{family} has no variants"


def test_no_family_has_a_size_or_a_sized_name(shipped: KnowledgeGraph) -> None:
    from rdflib.namespace import RDFS, SKOS

    wrong = []
    for family in shipped.subjects(RDF.type, FM.ModelFamily):
        if _sizes(shipped, str(family)):
            wrong.append(f"{family}: a parameter count")
        for prop in (RDFS.label, SKOS.altLabel):
            wrong += [f"{family}: the name {n!r}" for n in shipped.objects(family, prop) if SIZED.search(str(n))]
    assert not wrong, "a family holds what belongs to one variant:\n" + "\n".join(sorted(wrong))


def test_every_curated_lineage_edge_names_its_source(shipped: KnowledgeGraph) -> None:
    from rdflib.namespace import DCTERMS

    unsourced = sorted(
        {c for c, _, _, _ in _curated_edges(shipped) if not set(shipped.objects(URIRef(c), DCTERMS.source))}
    )
    assert not unsourced, unsourced


def test_no_edge_keeps_the_size_of_a_parent_of_another_size(shipped: KnowledgeGraph) -> None:
    """A fine-tune or quantization has its parent's size: an edge to a variant (or to a family's
    stand-in) of another size is listed. Sizes agree within 10%, as nominal and exact counts do."""
    wrong = []
    for child, prop, parent, graph in _curated_edges(shipped):
        if prop.rsplit("#", 1)[-1] not in SAME_SIZE:
            continue
        if child in GREW:
            continue
        mine, theirs = _sizes(shipped, child), _sizes(shipped, parent)
        if mine and theirs and not any(abs(a - b) <= 0.1 * max(a, b) for a in mine for b in theirs):
            wrong.append(f"{child} ({sorted(mine)}) {prop} {parent} ({sorted(theirs)}) in {graph}")
    assert not wrong, "edges between models of different sizes:\n" + "\n".join(sorted(wrong))


def test_the_descendants_of_a_family_are_those_of_its_variants(shipped: KnowledgeGraph) -> None:
    from fmkg.sparql.library import get

    rows = shipped.query(get("descendants").text, {"model": URIRef(M + "llama")})
    found = {str(r[0]) for r in rows}
    assert M + "alpaca" in found  # fine-tuned from LLaMA 7B
    assert M + "vicuna" in found  # from LLaMA 13B
    assert M + "guanaco" in found  # an adapter of the family itself (its source names several sizes)
    variants = {str(r[0]) for r in rows if str(r[2]) == "variant of"}
    assert M + "llama-7b" in variants  # a variant is listed as a member, with its own relation


def test_alpaca_was_fine_tuned_from_llama_7b(shipped: KnowledgeGraph) -> None:
    assert (URIRef(M + "alpaca"), FM.fineTunedFrom, URIRef(M + "llama-7b")) in shipped
    assert (URIRef(M + "alpaca"), FM.fineTunedFrom, URIRef(M + "llama")) not in shipped
    assert _sizes(shipped, M + "llama-7b") == {6_700_000_000}
