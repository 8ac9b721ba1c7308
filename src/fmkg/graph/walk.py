"""The one family walk: breadth-first up (ancestors) or down (descendants) a networkx graph."""

from __future__ import annotations

from collections import deque
from collections.abc import Container
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx


def walk(
    g: nx.MultiDiGraph,
    root: str,
    *,
    up: bool,
    depth: int | None = None,
    relations: Container[str] | None = None,
) -> tuple[dict[str, int], list[tuple[str, str, str]]]:
    """What ``root`` reaches: each node's distance, and the ``(child, key, parent)`` edges followed.

    Edges point child -> parent, so ``up`` follows them forwards (to ancestors) and ``down`` backwards
    (to descendants). ``depth`` stops after that many hops; ``relations`` keeps only edges with those keys.
    """
    dist = {root: 0}
    followed: set[tuple[str, str, str]] = set()
    queue = deque([root])
    while queue:
        node = queue.popleft()
        if depth is not None and dist[node] >= depth:
            continue
        hops = g.out_edges(node, keys=True) if up else g.in_edges(node, keys=True)
        for child, parent, key in hops:
            if relations is not None and key not in relations:
                continue
            followed.add((child, key, parent))
            nxt = parent if up else child
            if nxt not in dist:
                dist[nxt] = dist[node] + 1
                queue.append(nxt)
    return dist, sorted(followed)
