"""How two entities are connected: the shortest chain of typed edges, in either direction."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fmkg.errors import FmkgError
from fmkg.rdf.terms import compact

if TYPE_CHECKING:
    import networkx as nx


@dataclass(frozen=True)
class Step:
    """One hop of a path: from a node over a typed edge, forwards (as stated) or backwards."""

    source: str
    relation: str
    label: str
    target: str
    forward: bool


def path(g: nx.MultiDiGraph, a: str, b: str) -> list[Step]:
    """The shortest chain of typed edges connecting ``a`` and ``b``, in either direction."""
    import networkx as nx

    if a not in g or b not in g:
        missing = a if a not in g else b
        raise FmkgError(f"{compact(missing)} has no relations to follow")
    try:
        nodes = nx.shortest_path(g.to_undirected(as_view=True), a, b)
    except nx.NetworkXNoPath:
        raise FmkgError(f"{compact(a)} and {compact(b)} are not connected") from None
    steps = []
    for x, y in itertools.pairwise(nodes):
        if g.has_edge(x, y):
            data = min(g.get_edge_data(x, y).values(), key=lambda d: d["relation"])
            steps.append(Step(x, data["relation"], data["label"], y, True))
        else:
            data = min(g.get_edge_data(y, x).values(), key=lambda d: d["relation"])
            steps.append(Step(x, data["relation"], data["label"], y, False))
    return steps


def render_path(g: nx.MultiDiGraph, steps: list[Step]) -> str:
    """A chain like ``DALL-E --based on--> GPT-3 <--fine-tuned from-- Codex``."""
    if not steps:
        return ""

    def name(n: str) -> str:
        return f"{g.nodes[n].get('label', n)} ({compact(n)})"

    parts = [name(steps[0].source)]
    for s in steps:
        arrow = f" --{s.label}--> " if s.forward else f" <--{s.label}-- "
        parts.append(arrow + name(s.target))
    return "".join(parts) + "\n"
