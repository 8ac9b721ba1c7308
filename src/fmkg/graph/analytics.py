"""Graph figures over lineage: families, prolific ancestors, PageRank and releases over time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx

    from fmkg.store import KnowledgeGraph


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


def releases_per_org_year(kg: KnowledgeGraph) -> dict[str, dict[str, int]]:
    """How many models each organization released per year: {org label: {year: count}}.

    A model counts once per developer in the year of its earliest release date.
    """
    from fmkg.sparql.library import internal_query

    out: dict[str, dict[str, int]] = {}
    for org, year, count in kg.query(internal_query("releases-per-org-year"), source="releases-per-org-year"):
        out.setdefault(kg.label(org), {})[str(year)] = int(count)
    return {org: dict(sorted(years.items())) for org, years in sorted(out.items())}
