"""Counts that describe the graph: entities per class, edges per relation, facts per source,
coverage of the key properties, conflicts between sources and unresolved references."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from fmkg.namespaces import FM, GRAPH, LINEAGE
from fmkg.results import compact, rows

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


def _hierarchy(ds: Dataset) -> Graph:
    """The class hierarchy: the graph's own, or fmkg's ontology when the graph leaves it out."""
    if (FM.AIModel, RDFS.subClassOf, None) in ds:
        return ds
    from fmkg.paths import ontology_dir

    return Graph().parse(ontology_dir() / "fmkg.ttl", format="turtle")


def _subclasses(tbox: Graph, cls: URIRef) -> set[URIRef]:
    found = {cls}
    todo = [cls]
    while todo:
        for sub in tbox.subjects(RDFS.subClassOf, todo.pop()):
            if isinstance(sub, URIRef) and sub not in found:
                found.add(sub)
                todo.append(sub)
    return found


def compute(ds: Dataset) -> Stats:
    """Count what is in ``ds`` (a loaded graph: the shipped one, or any other)."""
    from fmkg import engine, queries

    typed: dict[URIRef, set[URIRef]] = defaultdict(set)
    for s, _, o in ds.triples((None, RDF.type, None)):
        if isinstance(s, URIRef) and isinstance(o, URIRef):
            typed[o].add(s)
    totals = {}
    members: dict[str, set[URIRef]] = {}
    tbox = _hierarchy(ds)
    for name, cls in TOTALS.items():
        members[name] = {e for c in _subclasses(tbox, cls) for e in typed.get(c, ())}
        totals[name] = len(members[name])
    classes = {compact(c): len(es) for c, es in sorted(typed.items(), key=lambda kv: (-len(kv[1]), str(kv[0])))}
    classes = {k: v for k, v in classes.items() if k.startswith("fm:")}

    edges: set[tuple[URIRef, URIRef, URIRef]] = set()
    for s, p, o in ds.triples((None, None, None)):
        if isinstance(p, URIRef) and p.startswith(str(FM)) and isinstance(s, URIRef) and isinstance(o, URIRef):
            edges.add((s, p, o))
    by_prop = Counter(p for _, p, _ in edges)
    relations = {compact(p): n for p, n in sorted(by_prop.items(), key=lambda kv: (-kv[1], str(kv[0])))}
    typed_relations = sum(by_prop[p] for p in TYPED_RELATIONS)

    models = members["models"]
    coverage = {}
    for name, prop in COVERAGE.items():
        have = {s for s in ds.subjects(prop, None) if s in models}
        coverage[name] = len(have) / len(models) if models else 0.0

    sources = []
    for g in sorted(ds.graphs(), key=lambda g: str(g.identifier)):
        if not len(g):
            continue
        subjects = {s for s in g.subjects() if isinstance(s, URIRef)}
        sources.append(
            SourceStats(
                graph=str(g.identifier).removeprefix(str(GRAPH)),
                triples=len(g),
                entities=len(subjects),
                models=len(subjects & models),
            )
        )

    pairs = {(str(r[0]), str(r[2])) for r in rows(engine.run(ds, queries.get("conflicts")))}
    unresolved = [(s, o) for s, _, o in ds.triples((None, FM.unresolvedReference, None)) if isinstance(o, Literal)]
    return Stats(
        totals=totals,
        classes=classes,
        relations=relations,
        typed_relations=typed_relations,
        sources=sources,
        coverage=coverage,
        conflicts=len(pairs),
        conflicting_entities=len({e for e, _ in pairs}),
        unresolved=len(set(unresolved)),
        unresolved_names=len({str(o) for _, o in unresolved}),
        triples=len(ds),
        graph=graph_figures(ds),
    )


def graph_figures(ds: Dataset, top: int = 10) -> GraphFigures:
    """Largest families, most descendants, PageRank and releases per organization and year."""
    from fmkg import analytics
    from fmkg.network import lineage_graph

    g = lineage_graph(ds)

    def plain(ranked: list[analytics.Ranked]) -> list[dict[str, object]]:
        return [{"iri": r.iri, "label": r.label, "value": r.value} for r in ranked]

    return GraphFigures(
        largest_families=plain(analytics.families(g, top)),
        most_descendants=plain(analytics.most_descendants(g, top)),
        pagerank=plain(analytics.pagerank(g, top)),
        releases_per_org_year=analytics.releases_per_org_year(ds),
    )
