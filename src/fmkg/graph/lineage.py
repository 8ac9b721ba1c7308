"""Where a model comes from and what came from it: typed lineage at any depth, as a tree, JSON or DOT."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Literal

from fmkg.errors import FmkgError
from fmkg.rdf.namespaces import LINEAGE
from fmkg.rdf.terms import compact, local_words

if TYPE_CHECKING:
    import networkx as nx
    from rdflib import URIRef

    from fmkg.store import KnowledgeGraph

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


def family(
    edges: Iterable[Edge],
    nodes: Mapping[str, Mapping[str, object]],
    root: str,
    direction: Direction = "both",
    depth: int | None = None,
) -> Lineage:
    """Ancestors (``up``), descendants (``down``) or both of ``root`` over typed ``edges``.

    A breadth-first walk over plain adjacency lists: ``nodes`` gives what is shown of each model (its
    label, release date and developers; the short name stands in for a missing label). ``depth`` stops
    after that many generations; the edges kept are those the walk followed.
    """
    if depth is not None and depth < 1:
        raise FmkgError("--depth must be at least 1")
    out = Lineage(root=root, direction=direction, depth=depth)
    above: dict[str, list[Edge]] = {}
    below: dict[str, list[Edge]] = {}
    for e in edges:
        above.setdefault(e.child, []).append(e)
        below.setdefault(e.parent, []).append(e)
    dist: dict[str, int] = {root: 0}
    followed: set[Edge] = set()
    for up, hops in ((True, above), (False, below)):
        if direction == ("down" if up else "up"):
            continue
        reached = {root: 0}
        frontier = [root]
        while frontier and (depth is None or reached[frontier[0]] < depth):
            nxt: list[str] = []
            for node in frontier:
                n = reached[node] + 1
                for e in hops.get(node, ()):
                    followed.add(e)
                    far = e.parent if up else e.child
                    if far not in reached:
                        reached[far] = n
                        nxt.append(far)
                        dist.setdefault(far, n if up else -n)
            frontier = nxt
    for node, n in sorted(dist.items(), key=lambda kv: (kv[1], kv[0])):
        attrs = nodes.get(node, {})
        out.nodes[node] = {"label": attrs.get("label") or compact(node), "distance": n, **_keep(attrs)}
    out.edges = sorted(followed)  # Edge's own order: child, relation, label, parent
    return out


def lineage(g: nx.MultiDiGraph, root: str, direction: Direction = "both", depth: int | None = None) -> Lineage:
    """:func:`family` of ``root`` in a networkx lineage graph (:func:`fmkg.graph.network.lineage_graph`)."""
    found = [Edge(c, k, str(d["label"]), p) for c, p, k, d in g.edges(keys=True, data=True)]
    return family(found, dict(g.nodes(data=True)), root, direction, depth)


def lineage_from(kg: KnowledgeGraph, root: URIRef, direction: Direction = "both", depth: int | None = None) -> Lineage:
    """:func:`family` of ``root`` read straight from the store, fetching only the family it reaches.

    A persistent store answers from its lineage index (one recursive SQLite query a direction, the
    attributes with the edges); another graph with two SPARQL queries (the edges above or below the
    root, then the attributes of the models on them). Either way the cost follows the size of the
    family, not of the graph, and the result is the same. No networkx: a family of 50,000 Hub
    models is walked over plain lists.
    """
    from fmkg.graph.network import node_attributes, relation_labels

    walks = [w for w in ("up", "down") if direction in (w, "both")]
    index = kg.lineage_index
    found: set[tuple[str, str, str]] = set()
    if index is not None:
        nodes: dict[str, dict[str, object]] = {str(root): index.node(str(root)) or _lone(kg, str(root))}
        for w in walks:
            found.update(index.walk(str(root), w, nodes))  # type: ignore[arg-type]
    else:
        from fmkg.sparql.library import internal_query

        for w in walks:
            text = internal_query(f"lineage-{w}")
            found.update((c.value, p.value, q.value) for c, p, q in kg.solutions(text, {"root": root}) if c and p and q)
        nodes = node_attributes(kg, {str(root)} | {n for c, _, q in found for n in (c, q)})
    labels = relation_labels(kg, LINEAGE)
    keys = {p: compact(p) for p in {p for _, p, _ in found}}
    typed = [Edge(c, keys[p], labels.get(p) or local_words(keys[p]), q) for c, p, q in found]
    return family(typed, nodes, str(root), direction, depth)


def _lone(kg: KnowledgeGraph, iri: str) -> dict[str, object]:
    """A model on no lineage edge: its label, and its release date and developers from the store."""
    from fmkg.graph.network import node_attributes

    attrs = node_attributes(kg, {iri})[iri]
    return {k: attrs[k] for k in ("label", "released", "developers")}


def _keep(attrs: Mapping[str, object]) -> dict[str, object]:
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
            body.append(f"{prefix}{branch}{e.label}: {info['label']} ({compact(nxt)}{released}){tail}")
            if nxt not in shown:
                shown.add(nxt)
                visit(nxt, prefix + ("    " if last else "│   "))

    visit(lin.root, "")
    return body


def summary(lin: Lineage) -> dict[str, dict[str, object]]:
    """For each direction walked: how many models, over how many generations (the family tree's depth
    below the root, or how far back its ancestry goes), and how many edges of each relation."""
    out: dict[str, dict[str, object]] = {}
    for title, up in (("ancestors", True), ("descendants", False)):
        if lin.direction == ("down" if up else "up"):
            continue
        dists = [int(str(a["distance"])) for n, a in lin.nodes.items() if n != lin.root]
        mine = [d for d in dists if (d > 0) == up and d != 0]
        side = {lin.root, *(n for n, a in lin.nodes.items() if (int(str(a["distance"])) > 0) == up)}
        relations: dict[str, int] = {}
        for e in lin.edges:
            if (e.child if up else e.parent) in side and (e.parent if up else e.child) in side:
                relations[e.label] = relations.get(e.label, 0) + 1
        out[title] = {
            "models": len(mine),
            "generations": max((abs(d) for d in mine), default=0),
            "relations": dict(sorted(relations.items(), key=lambda kv: (-kv[1], kv[0]))),
        }
    return out


def render_tree(lin: Lineage) -> str:
    """An indented tree: upwards the parents of each model, downwards its derived models; each
    direction ends with its counts."""
    lines = [f"{lin.nodes[lin.root]['label']} ({compact(lin.root)})"]
    counts = summary(lin)
    for title, up in (("ancestors", True), ("descendants", False)):
        if lin.direction == ("down" if up else "up"):
            continue
        body = _tree_lines(lin, up)
        lines.append(f"{title}:" if body else f"{title}: none")
        lines += ["  " + b for b in body]
        c = counts[title]
        if c["models"]:
            relations = ", ".join(f"{k} {v}" for k, v in c["relations"].items())  # type: ignore[attr-defined]
            n, gens = c["models"], c["generations"]
            what = title if n != 1 else title[:-1]
            lines.append(f"  ({n} {what} over {gens} generation{'s' if gens != 1 else ''}; {relations})")
    return "\n".join(lines) + "\n"


def render_json(lin: Lineage) -> str:
    """The lineage as JSON: root, direction, nodes (distance < 0 for descendants) and typed edges."""
    doc = {
        "root": lin.root,
        "direction": lin.direction,
        "depth": lin.depth,
        "nodes": [{"iri": iri, **attrs} for iri, attrs in lin.nodes.items()],
        "edges": [asdict(e) for e in lin.edges],
        "summary": summary(lin),
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
