"""The one family walk: breadth first from a model over the edges up (to ancestors) or down (to
descendants), whatever holds the edges: a networkx graph, adjacency lists, the lineage index."""

from __future__ import annotations

from collections.abc import Callable, Container, Hashable, Iterable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    import networkx as nx

N = TypeVar("N", bound=Hashable)
E = TypeVar("E")


def breadth_first(
    start: N, hops: Callable[[N], Iterable[tuple[E, N]]], depth: int | None = None
) -> tuple[dict[N, int], list[E]]:
    """Each node ``start`` reaches with its distance, and every edge followed, in the order followed.

    ``hops(node)`` gives the ``(edge, far node)`` pairs leaving a node in the direction walked; a node
    is expanded once (a cycle ends there); ``depth`` stops after that many generations.
    """
    dist = {start: 0}
    followed: list[E] = []
    frontier = [start]
    n = 0
    while frontier and (depth is None or n < depth):
        n += 1
        nxt: list[N] = []
        for node in frontier:
            for edge, far in hops(node):
                followed.append(edge)
                if far not in dist:
                    dist[far] = n
                    nxt.append(far)
        frontier = nxt
    return dist, followed


def walk(
    g: nx.MultiDiGraph,
    root: str,
    *,
    up: bool,
    depth: int | None = None,
    relations: Container[str] | None = None,
) -> tuple[dict[str, int], list[tuple[str, str, str]]]:
    """What ``root`` reaches in a networkx graph: each node's distance, and the ``(child, key,
    parent)`` edges followed, sorted.

    Edges point child -> parent, so ``up`` follows them forwards (to ancestors) and ``down`` backwards
    (to descendants). ``depth`` stops after that many hops; ``relations`` keeps only edges with those keys.
    """

    def hops(node: str) -> Iterable[tuple[tuple[str, str, str], str]]:
        for child, parent, key in g.out_edges(node, keys=True) if up else g.in_edges(node, keys=True):
            if relations is None or key in relations:
                yield (child, key, parent), (parent if up else child)

    dist, followed = breadth_first(root, hops, depth)
    return dist, sorted(set(followed))
