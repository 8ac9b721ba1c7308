"""The fact card of one entity: every statement about it, with the named graph (source) it comes from."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rdflib import URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from fmkg.rdf.namespaces import FM, GRAPH, LINEAGE
from fmkg.rdf.terms import compact

if TYPE_CHECKING:
    from fmkg.store import KnowledgeGraph

#: The named graph the curated core's own facts live in, preferred when sources disagree.
CURATED_PREFIX = str(GRAPH) + "data/"


@dataclass(frozen=True, order=True)
class Fact:
    """One statement about the entity: property, value (and its label) and the graph it is stated in."""

    property: str
    property_label: str
    value: str
    value_label: str
    graph: str
    is_iri: bool


@dataclass
class Card:
    """Everything fmkg states about one entity."""

    iri: str
    label: str
    facts: list[Fact] = field(default_factory=list)

    def values(self, prop: URIRef) -> list[Fact]:
        return [f for f in self.facts if f.property == str(prop)]

    def best(self, prop: URIRef) -> str | None:
        """The value to show when sources disagree: the curated core's, else the first in order."""
        found = self.values(prop)
        curated = [f for f in found if f.graph.startswith(CURATED_PREFIX) and "/imported/" not in f.graph]
        chosen = (curated or found)[:1]
        return chosen[0].value if chosen else None

    def linked(self, prop: URIRef) -> list[dict[str, str]]:
        """The IRIs stated for ``prop``, each with its label."""
        found = {f.value: f.value_label or compact(f.value) for f in self.values(prop) if f.is_iri}
        return [{"iri": iri, "label": label} for iri, label in sorted(found.items())]

    def to_json(self) -> dict[str, object]:
        params = self.best(FM.parameterCount)
        lineage = {str(p) for p in LINEAGE}
        conflicts = {
            compact(URIRef(p)): sorted({f.value for f in self.values(URIRef(p))})
            for p in (FM.releaseDate, FM.parameterCount)
            if len({f.value for f in self.values(URIRef(p))}) > 1
        }
        return {
            "iri": self.iri,
            "label": self.label,
            "alt_labels": sorted({f.value for f in self.values(SKOS.altLabel)}),
            "types": self.linked(RDF.type),
            "developers": self.linked(FM.developer),
            "licenses": self.linked(FM.license),
            "access": self.linked(FM.access),
            "released": self.best(FM.releaseDate),
            "parameters": int(params) if params is not None else None,
            "derived_from": sorted(
                (
                    {"iri": f.value, "label": f.value_label, "relation": f.property_label}
                    for f in self.facts
                    if f.property in lineage
                ),
                key=lambda d: (d["relation"], d["iri"]),
            ),
            "sources": sorted({f.value for f in self.values(DCTERMS.source)}),
            "conflicts": conflicts,
            "facts": [
                {
                    "property": f.property,
                    "value": f.value,
                    **({"label": f.value_label} if f.value_label else {}),
                    "graph": f.graph,
                }
                for f in sorted(self.facts)
            ],
        }


def card(kg: KnowledgeGraph, iri: URIRef) -> Card:
    """Collect the facts about ``iri`` with their graphs (the shipped ``entity-facts`` query)."""
    from fmkg.sparql import library

    result = kg.query(library.library()["entity-facts"].text, {"entity": iri}, source="entity-facts")
    facts = set()
    for prop, prop_label, value, value_label, graph in result:
        facts.add(
            Fact(
                property=str(prop),
                property_label=str(prop_label) if prop_label else compact(prop),
                value=str(value),
                value_label=str(value_label) if value_label else "",
                graph=str(graph),
                is_iri=isinstance(value, URIRef),
            )
        )
    return Card(iri=str(iri), label=kg.label(iri), facts=sorted(facts))


def render_text(c: Card) -> str:
    """The card for a terminal: one fact a line with its graph, then the sources by graph."""
    lines = [f"{c.label}  ({compact(URIRef(c.iri))})  {c.iri}"]
    skip = {str(RDFS.label), str(DCTERMS.source)}
    facts = [f for f in c.facts if f.property not in skip]
    width = max((len(f.property_label) for f in facts), default=0)
    for f in facts:
        shown = f.value_label or (compact(URIRef(f.value)) if f.is_iri else f.value)
        if f.is_iri and f.value_label:
            shown += f" ({compact(URIRef(f.value))})"
        graph = f.graph.removeprefix(str(GRAPH))
        lines.append(f"  {f.property_label.ljust(width)}  {shown}  [{graph}]")
    sources: dict[str, list[str]] = defaultdict(list)
    for f in c.values(DCTERMS.source):
        sources[f.graph.removeprefix(str(GRAPH))].append(f.value)
    if sources:
        lines.append("sources:")
        for graph, iris in sorted(sources.items()):
            lines += [f"  [{graph}] {iri}" for iri in sorted(iris)]
    else:
        lines.append("sources: none stated")
    return "\n".join(lines) + "\n"


def render_json(c: Card) -> str:
    return json.dumps(c.to_json(), indent=2, ensure_ascii=False) + "\n"
