"""Counts that describe the graph: entities per class, edges per relation, facts per source,
coverage of the key properties, conflicts between sources and unresolved references."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from rdflib import URIRef

from fmkg.rdf.namespaces import FM, GRAPH, LINEAGE
from fmkg.rdf.terms import compact

if TYPE_CHECKING:
    from fmkg.store import KnowledgeGraph

#: The properties whose coverage among models ``fmkg stats`` reports.
COVERAGE = {"developer": FM.developer, "date": FM.releaseDate, "parameters": FM.parameterCount, "license": FM.license}

#: Classes counted with their sub-classes, in this order, before the per-class counts.
TOTALS = {
    "models": FM.AIModel,
    "organizations": FM.Organization,
    "datasets": FM.Dataset,
    "applications": FM.Application,
    "licenses": FM.License,
}

#: Relations between entities that type how two entities are linked (as opposed to fm:dependsOn).
TYPED_RELATIONS = (*LINEAGE, FM.successorOf, FM.trainedOn, FM.poweredBy)


@dataclass
class SourceStats:
    """What one named graph contributes."""

    graph: str
    triples: int
    entities: int
    models: int


@dataclass
class GraphFigures:
    """Figures over the lineage graph (see :mod:`fmkg.analytics`)."""

    largest_families: list[dict[str, object]]
    most_descendants: list[dict[str, object]]
    pagerank: list[dict[str, object]]
    releases_per_org_year: dict[str, dict[str, int]]


@dataclass
class Stats:
    """The counts ``fmkg stats`` reports."""

    totals: dict[str, int]
    classes: dict[str, int]
    relations: dict[str, int]
    typed_relations: int
    sources: list[SourceStats]
    coverage: dict[str, float]
    conflicts: int
    conflicting_entities: int
    unresolved: int
    unresolved_names: int
    triples: int = 0
    notes: list[str] = field(default_factory=list)
    graph: GraphFigures | None = None

    def to_json(self) -> str:
        """The counts as a JSON document."""
        return json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n"

    def table(self) -> str:
        """The counts as aligned text tables."""
        out: list[str] = []

        def section(title: str, rows: list[tuple[str, str]]) -> None:
            width = max([len(k) for k, _ in rows] + [len(title)])
            out.append(title)
            out.append("-" * width)
            out.extend(f"{k.ljust(width)}  {v}" for k, v in rows)
            out.append("")

        section("totals", [(k, str(v)) for k, v in self.totals.items()])
        section("entities per class", [(k, str(v)) for k, v in self.classes.items()])
        section(
            "edges per relation",
            [(k, str(v)) for k, v in self.relations.items()] + [("typed relations", str(self.typed_relations))],
        )
        section("coverage of models", [(k, f"{v:.1%}") for k, v in self.coverage.items()])
        section(
            "per source",
            [(s.graph, f"{s.triples} triples, {s.entities} entities, {s.models} models") for s in self.sources],
        )
        section(
            "quality",
            [
                ("conflicting facts", f"{self.conflicts} (on {self.conflicting_entities} entities)"),
                ("unresolved references", f"{self.unresolved} ({self.unresolved_names} distinct names)"),
            ],
        )
        if self.graph is not None:
            for title, ranked, unit in (
                ("largest families (root: models in the family)", self.graph.largest_families, "{:.0f}"),
                ("most descendants", self.graph.most_descendants, "{:.0f}"),
                ("PageRank over lineage", self.graph.pagerank, "{:.4f}"),
            ):
                section(title, [(str(r["label"]), unit.format(r["value"])) for r in ranked])
            busiest = sorted(self.graph.releases_per_org_year.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
            section(
                "releases per organization per year (the 10 busiest)",
                [(org, ", ".join(f"{y}: {n}" for y, n in sorted(years.items()))) for org, years in busiest[:10]],
            )
        return "\n".join(out)


def subclasses(kg: KnowledgeGraph, cls: URIRef) -> list[URIRef]:
    """``cls`` and its sub-classes: from the graph's own hierarchy, else from fmkg's ontology."""
    from fmkg.sparql.library import internal_query
    from fmkg.sparql.text import with_choices

    if not kg.query(f"ASK {{ <{FM.AIModel}> rdfs:subClassOf ?any }}", source="stats").askAnswer:
        from fmkg.rdf.sources import ontology_dir
        from fmkg.store import open_graph

        with open_graph([ontology_dir() / "fmkg.ttl"], default=False, cache=False) as tbox:
            return subclasses(tbox, cls)
    text = with_choices(internal_query("subclasses"), "top", [cls])
    return sorted(URIRef(str(c)) for (c,) in kg.query(text, source="subclasses"))


def _count(kg: KnowledgeGraph, name: str, **choices: list[URIRef]) -> int:
    from fmkg.sparql.library import internal_query
    from fmkg.sparql.text import with_choices

    text = internal_query(name)
    for var, terms in choices.items():
        text = with_choices(text, var, terms)
    return int(str(kg.query(text, source=name).rows[0][0]))


def compute(kg: KnowledgeGraph) -> Stats:
    """Count what is in ``kg`` (a loaded graph: the shipped one, or any other), with SPARQL aggregates."""
    from fmkg.sparql import engine, library
    from fmkg.sparql.library import internal_query
    from fmkg.sparql.text import with_choices

    hierarchy = {name: subclasses(kg, cls) for name, cls in TOTALS.items()}
    totals = {name: _count(kg, "stats-members", **{"class": classes}) for name, classes in hierarchy.items()}
    per_class = [(str(c), int(str(n))) for c, n in kg.query(internal_query("stats-classes"), source="stats-classes")]
    classes = {compact(c): n for c, n in sorted(per_class, key=lambda kv: (-kv[1], kv[0])) if c.startswith(str(FM))}

    by_prop = [(str(p), int(str(n))) for p, n in kg.query(internal_query("stats-relations"), source="stats-relations")]
    relations = {compact(p): n for p, n in sorted(by_prop, key=lambda kv: (-kv[1], kv[0]))}
    typed = {str(p) for p in TYPED_RELATIONS}
    typed_relations = sum(n for p, n in by_prop if p in typed)

    models = hierarchy["models"]
    coverage = {}
    for name, prop in COVERAGE.items():
        have = _count(kg, "stats-coverage", **{"class": models, "property": [prop]})
        coverage[name] = have / totals["models"] if totals["models"] else 0.0

    entities = {str(g): int(str(n)) for g, n in kg.query(internal_query("stats-sources"), source="stats-sources")}
    text = with_choices(internal_query("stats-source-members"), "class", models)
    members = {str(g): int(str(n)) for g, n in kg.query(text, source="stats-source-members")}
    sources = [
        SourceStats(
            graph=g.removeprefix(str(GRAPH)), triples=size, entities=entities.get(g, 0), models=members.get(g, 0)
        )
        for g, size in kg.graph_sizes().items()
        if size
    ]

    pairs = {(str(r[0]), str(r[2])) for r in engine.run(kg, library.get("conflicts"))}
    unresolved, names = kg.query(internal_query("stats-unresolved"), source="stats-unresolved").rows[0]
    return Stats(
        totals=totals,
        classes=classes,
        relations=relations,
        typed_relations=typed_relations,
        sources=sources,
        coverage=coverage,
        conflicts=len(pairs),
        conflicting_entities=len({e for e, _ in pairs}),
        unresolved=int(str(unresolved)),
        unresolved_names=int(str(names)),
        triples=len(kg),
        graph=graph_figures(kg),
    )


def graph_figures(kg: KnowledgeGraph, top: int = 10) -> GraphFigures:
    """Largest families, most descendants, PageRank and releases per organization and year."""
    from fmkg.graph import analytics
    from fmkg.graph.network import lineage_graph

    g = lineage_graph(kg)

    def plain(ranked: list[analytics.Ranked]) -> list[dict[str, object]]:
        return [{"iri": r.iri, "label": r.label, "value": r.value} for r in ranked]

    return GraphFigures(
        largest_families=plain(analytics.families(g, top)),
        most_descendants=plain(analytics.most_descendants(g, top)),
        pagerank=plain(analytics.pagerank(g, top)),
        releases_per_org_year=analytics.releases_per_org_year(kg),
    )
