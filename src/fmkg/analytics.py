"""Graph figures over lineage: families, prolific ancestors, PageRank and releases over time."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import Dataset

from fmkg.namespaces import FM

if TYPE_CHECKING:
    import networkx as nx


@dataclass(frozen=True)
class Ranked:
    """An entity with a figure (family size, descendant count, PageRank)."""

    iri: str
    label: str
    value: float


def _label(g: nx.MultiDiGraph, node: str) -> str:
    return str(g.nodes[node].get("label", node))


def families(g: nx.MultiDiGraph, top: int = 10) -> list[Ranked]:
    """The largest families: each root model (one derived from nothing) with all its descendants."""
    import networkx as nx

    out = [Ranked(n, _label(g, n), float(1 + len(nx.ancestors(g, n)))) for n in g.nodes if g.out_degree(n) == 0]
    return sorted((r for r in out if r.value > 1), key=lambda r: (-r.value, r.label))[:top]


def most_descendants(g: nx.MultiDiGraph, top: int = 10) -> list[Ranked]:
    """Models with the most descendants at any depth (edges point child -> parent)."""
    import networkx as nx

    counts = [Ranked(n, _label(g, n), float(len(nx.ancestors(g, n)))) for n in g.nodes]
    return sorted((r for r in counts if r.value), key=lambda r: (-r.value, r.label))[:top]


def pagerank(g: nx.MultiDiGraph, top: int = 10, damping: float = 0.85, tol: float = 1e-10) -> list[Ranked]:
    """PageRank over lineage (rank flows from derived models to what they derive from).

    A plain power iteration, so that no numerical library is needed; dangling mass is spread evenly.
    """
    nodes = sorted(g.nodes)
    n = len(nodes)
    if not n:
        return []
    out_deg = {v: g.out_degree(v) for v in nodes}
    rank = dict.fromkeys(nodes, 1.0 / n)
    for _ in range(200):
        dangling = damping * sum(rank[v] for v in nodes if not out_deg[v]) / n
        nxt = dict.fromkeys(nodes, (1.0 - damping) / n + dangling)
        for u, v in g.edges():
            nxt[v] += damping * rank[u] / out_deg[u]
        delta = sum(abs(nxt[v] - rank[v]) for v in nodes)
        rank = nxt
        if delta < n * tol:
            break
    ranked = [Ranked(v, _label(g, v), round(rank[v], 6)) for v in nodes]
    return sorted(ranked, key=lambda r: (-r.value, r.label))[:top]


def releases_per_org_year(ds: Dataset) -> dict[str, dict[str, int]]:
    """How many models each organization released per year: {org label: {year: count}}."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDFS

    counts: Counter[tuple[str, str]] = Counter()
    seen: set[tuple[URIRef, URIRef, str]] = set()
    for model, org in ds.subject_objects(FM.developer):
        if not isinstance(model, URIRef) or not isinstance(org, URIRef):
            continue
        for date in ds.objects(model, FM.releaseDate):
            year = str(date)[:4]
            if (model, org, year) in seen:
                continue
            seen.add((model, org, year))
            label = next((str(x) for x in ds.objects(org, RDFS.label) if isinstance(x, Literal)), str(org))
            counts[(label, year)] += 1
            break
    out: dict[str, dict[str, int]] = {}
    for (org_label, year), k in sorted(counts.items()):
        out.setdefault(org_label, {})[year] = k
    return out
