"""Where a model comes from and what came from it: typed lineage at any depth, and paths between entities."""

from __future__ import annotations

import itertools
import json
from collections import deque
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Literal

from rdflib import Dataset, URIRef

from fmkg.errors import FmkgError
from fmkg.namespaces import LINEAGE
from fmkg.results import compact_iri

if TYPE_CHECKING:
    import networkx as nx

Direction = Literal["up", "down", "both"]


@dataclass(frozen=True, order=True)
class Edge:
    """One typed edge, always stated child -> parent as in the data."""

    child: str
    relation: str
    label: str
    parent: str


@dataclass
class Lineage:
    """The ancestors and/or descendants of a root, with their distance and the edges between them."""

    root: str
    direction: Direction
    depth: int | None
    nodes: dict[str, dict[str, object]] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)


def _walk(g: nx.MultiDiGraph, root: str, up: bool, depth: int | None) -> tuple[dict[str, int], list[Edge]]:
    dist = {root: 0}
    edges: set[Edge] = set()
    queue = deque([root])
    while queue:
        node = queue.popleft()
        if depth is not None and dist[node] >= depth:
            continue
        hops = g.out_edges(node, data=True) if up else g.in_edges(node, data=True)
        for child, parent, data in hops:
            edges.add(Edge(child, data["relation"], data["label"], parent))
            nxt = parent if up else child
            if nxt not in dist:
                dist[nxt] = dist[node] + 1
                queue.append(nxt)
    return dist, sorted(edges)


def lineage(g: nx.MultiDiGraph, root: str, direction: Direction = "both", depth: int | None = None) -> Lineage:
    """Ancestors (``up``), descendants (``down``) or both of ``root`` in a lineage graph."""
    if depth is not None and depth < 1:
        raise FmkgError("--depth must be at least 1")
    out = Lineage(root=root, direction=direction, depth=depth)
    dist: dict[str, int] = {root: 0}
    for up in (True, False):
        if direction == ("down" if up else "up"):
            continue
        reached, edges = _walk(g, root, up, depth)
        for node, n in reached.items():
            if node != root:
                dist.setdefault(node, n if up else -n)
        out.edges += edges
    for node, n in sorted(dist.items(), key=lambda kv: (kv[1], kv[0])):
        attrs = dict(g.nodes[node]) if node in g else {}
        out.nodes[node] = {"label": attrs.get("label", compact_iri(node)), "distance": n, **_keep(attrs)}
    out.edges = sorted(set(out.edges))
    return out


def lineage_from(ds: Dataset, root: URIRef, direction: Direction = "both", depth: int | None = None) -> Lineage:
    """:func:`lineage` of ``root`` read straight from the store, fetching only the family it reaches.

    Two SPARQL queries (the edges above or below the root, then the attributes of the models on
    them) instead of converting the whole graph to networkx, so the cost follows the size of the
    family and stays small on graphs of millions of models.
    """
    import networkx as nx

    from fmkg.engine import query
    from fmkg.network import relation_labels
    from fmkg.paths import internal_query
    from fmkg.results import rows
    from fmkg.sparqltext import with_choices

    labels = relation_labels(ds, LINEAGE)
    g = nx.MultiDiGraph()
    g.add_node(str(root))
    for up in (True, False):
        if direction == ("down" if up else "up"):
            continue
        name = "lineage-up" if up else "lineage-down"
        for child, prop, parent in rows(query(ds, internal_query(name), {"root": root}, source=name)):
            key = compact_iri(str(prop))
            g.add_edge(str(child), str(parent), key=key, relation=key, label=labels[URIRef(str(prop))])
    nodes = sorted(g.nodes)
    text = with_choices(internal_query("node-attributes"), "node", [URIRef(n) for n in nodes])
    developers: dict[str, set[str]] = {n: set() for n in nodes}
    for node, label, released, developer in rows(query(ds, text, source="node-attributes")):
        attrs = g.nodes[str(node)]
        if label is not None:
            attrs.setdefault("label", str(label))
        if released is not None:
            attrs["released"] = min(str(released), str(attrs.get("released", str(released))))
        if developer is not None:
            developers[str(node)].add(compact_iri(str(developer)))
    for n in nodes:
        g.nodes[n].setdefault("label", compact_iri(n))
        g.nodes[n].setdefault("released", "")
        g.nodes[n]["developers"] = sorted(developers[n])
    return lineage(g, str(root), direction, depth)


def _keep(attrs: dict[str, object]) -> dict[str, object]:
    return {k: attrs[k] for k in ("released", "developers") if k in attrs}


def _tree_lines(lin: Lineage, up: bool) -> list[str]:
    children: dict[str, list[Edge]] = {}
    for e in lin.edges:
        children.setdefault(e.child if up else e.parent, []).append(e)
    body: list[str] = []
    shown = {lin.root}

    def other(e: Edge) -> str:
        return e.parent if up else e.child

    def visit(node: str, prefix: str) -> None:
        kids = sorted(children.get(node, []), key=lambda e: (str(lin.nodes[other(e)]["label"]), e.relation))
        for i, e in enumerate(kids):
            nxt, last = other(e), i == len(kids) - 1
            info = lin.nodes[nxt]
            released = f", {info['released']}" if info.get("released") else ""
            tail = " (see above)" if nxt in shown else ""
            branch = "└── " if last else "├── "
            body.append(f"{prefix}{branch}{e.label}: {info['label']} ({compact_iri(nxt)}{released}){tail}")
            if nxt not in shown:
                shown.add(nxt)
                visit(nxt, prefix + ("    " if last else "│   "))

    visit(lin.root, "")
    return body


def render_tree(lin: Lineage) -> str:
    """An indented tree: upwards the parents of each model, downwards its derived models."""
    lines = [f"{lin.nodes[lin.root]['label']} ({compact_iri(lin.root)})"]
    for title, up in (("ancestors", True), ("descendants", False)):
        if lin.direction == ("down" if up else "up"):
            continue
        body = _tree_lines(lin, up)
        lines.append(f"{title}:" if body else f"{title}: none")
        lines += ["  " + b for b in body]
    return "\n".join(lines) + "\n"


def render_json(lin: Lineage) -> str:
    """The lineage as JSON: root, direction, nodes (distance < 0 for descendants) and typed edges."""
    doc = {
        "root": lin.root,
        "direction": lin.direction,
        "depth": lin.depth,
        "nodes": [{"iri": iri, **attrs} for iri, attrs in lin.nodes.items()],
        "edges": [asdict(e) for e in lin.edges],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _dot_id(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_dot(lin: Lineage) -> str:
    """Graphviz DOT: nodes labelled, edges labelled with their relation, child -> parent."""
    out = ["digraph lineage {", "  rankdir=BT;", "  node [shape=box];"]
    for iri, attrs in lin.nodes.items():
        style = ", style=bold" if iri == lin.root else ""
        out.append(f"  {_dot_id(iri)} [label={_dot_id(str(attrs['label']))}{style}];")
    for e in lin.edges:
        out.append(f"  {_dot_id(e.child)} -> {_dot_id(e.parent)} [label={_dot_id(e.label)}];")
    out.append("}")
    return "\n".join(out) + "\n"


RENDERERS = {"tree": render_tree, "json": render_json, "dot": render_dot}


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
        raise FmkgError(f"{compact_iri(missing)} has no relations to follow")
    try:
        nodes = nx.shortest_path(g.to_undirected(as_view=True), a, b)
    except nx.NetworkXNoPath:
        raise FmkgError(f"{compact_iri(a)} and {compact_iri(b)} are not connected") from None
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
        return f"{g.nodes[n].get('label', n)} ({compact_iri(n)})"

    parts = [name(steps[0].source)]
    for s in steps:
        arrow = f" --{s.label}--> " if s.forward else f" <--{s.label}-- "
        parts.append(arrow + name(s.target))
    return "".join(parts) + "\n"
