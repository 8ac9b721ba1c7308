"""Where a model comes from and what came from it: typed lineage at any depth, as a tree, JSON or DOT."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, NamedTuple, TypeVar, cast

from fmkg.errors import FmkgError
from fmkg.graph.walk import breadth_first
from fmkg.rdf.namespaces import FAMILY_TREE
from fmkg.rdf.terms import compact, local_words

if TYPE_CHECKING:
    import networkx as nx
    from rdflib import URIRef

    from fmkg.store import KnowledgeGraph

Direction = Literal["up", "down", "both"]


class Edge(NamedTuple):
    """One typed edge, always stated child -> parent as in the data (ordered, hashed and compared
    as a tuple, so a family of 50,000 edges sorts in C)."""

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
    _check(depth)
    above: dict[str, list[Edge]] = {}
    below: dict[str, list[Edge]] = {}
    for e in edges:
        above.setdefault(e.child, []).append(e)
        below.setdefault(e.parent, []).append(e)
    dist: dict[str, int] = {root: 0}
    followed: set[Edge] = set()
    for _, up in _walked(direction):
        reached, edges_followed = breadth_first(root, _hops(above if up else below, up), depth)
        for node, n in reached.items():
            dist.setdefault(node, n if up else -n)
        followed.update(edges_followed)
    return _assemble(root, direction, depth, dist, followed, nodes)


def _hops(table: Mapping[str, list[Edge]], up: bool) -> Callable[[str], Iterator[tuple[Edge, str]]]:
    """The edges from a model in ``table`` (by child upwards, by parent downwards), each with the model it leads to."""
    return lambda node: ((e, e.parent if up else e.child) for e in table.get(node, ()))


def _check(depth: int | None) -> None:
    if depth is not None and depth < 1:
        raise FmkgError("--depth must be at least 1")


def _assemble(
    root: str,
    direction: Direction,
    depth: int | None,
    dist: Mapping[str, int],
    edges: Iterable[Edge],
    nodes: Mapping[str, Mapping[str, object]],
) -> Lineage:
    """The lineage of a walk: each model reached with its distance (ancestors above 0, descendants
    below), in order of distance, and the edges followed in :class:`Edge` order."""
    out = Lineage(root=root, direction=direction, depth=depth)
    empty: Mapping[str, object] = {}
    for node, n in sorted(dist.items(), key=lambda kv: (kv[1], kv[0])):
        attrs = nodes.get(node, empty)
        out.nodes[node] = {"label": attrs.get("label") or compact(node), "distance": n, **_keep(attrs)}
    out.edges = sorted(edges)
    return out


def lineage(g: nx.MultiDiGraph, root: str, direction: Direction = "both", depth: int | None = None) -> Lineage:
    """:func:`family` of ``root`` in a networkx lineage graph (:func:`fmkg.graph.network.lineage_graph`)."""
    found = [Edge(c, k, str(d["label"]), p) for c, p, k, d in g.edges(keys=True, data=True)]
    return family(found, dict(g.nodes(data=True)), root, direction, depth)


def lineage_from(kg: KnowledgeGraph, root: URIRef, direction: Direction = "both", depth: int | None = None) -> Lineage:
    """:func:`family` of ``root`` read straight from the store, fetching only the family it reaches.

    A persistent store answers from its lineage index (a walk over its adjacency arrays, then one
    query for the models reached); another graph with two SPARQL queries (the edges above or below
    the root, then the attributes of the models on them). Either way the cost follows the size of
    the family, not of the graph, and the result is the same. No networkx: a family of 50,000 Hub
    models is walked over plain lists.
    """
    from fmkg.graph.network import node_attributes, relation_labels

    walks = [w for w in ("up", "down") if direction in (w, "both")]
    index = kg.lineage_index
    found: set[tuple[str, str, str]] = set()
    labels = relation_labels(kg, FAMILY_TREE)
    if index is not None:  # the index walks itself, to the depth asked
        _check(depth)
        nodes: dict[str, dict[str, object]] = {str(root): index.node(str(root)) or _lone(kg, str(root))}
        dist = {str(root): 0}
        for w in walks:
            reached = index.walk(str(root), w, nodes, depth, found)  # type: ignore[arg-type]
            sign = 1 if w == "up" else -1
            for node, n in reached.items():
                dist.setdefault(node, sign * n)
        return _assemble(str(root), direction, depth, dist, _typed(found, labels), nodes)
    from fmkg.sparql.library import internal_query

    for w in walks:
        text = internal_query(f"lineage-{w}")
        found.update((c.value, p.value, q.value) for c, p, q in kg.solutions(text, {"root": root}) if c and p and q)
    nodes = node_attributes(kg, {str(root)} | {n for c, _, q in found for n in (c, q)})
    return family(_typed(found, labels), nodes, str(root), direction, depth)


def _typed_relations(props: Iterable[str], labels: Mapping[str, str]) -> Iterator[tuple[str, tuple[str, str]]]:
    """Each property IRI with its short name and label."""
    for p in set(props):
        key = compact(p)
        yield p, (key, labels.get(p) or local_words(key))


def _typed(found: Iterable[tuple[str, str, str]], labels: Mapping[str, str]) -> list[Edge]:
    """``(child, property IRI, parent)`` as edges with the property's short name and label."""
    found = list(found)
    named = dict(_typed_relations((p for _, p, _ in found), labels))
    return [Edge(c, *named[p], q) for c, p, q in found]


def _lone(kg: KnowledgeGraph, iri: str) -> dict[str, object]:
    """A model on no lineage edge: its label, and its release date and developers from the store."""
    from fmkg.graph.network import node_attributes

    attrs = node_attributes(kg, {iri})[iri]
    return {k: attrs[k] for k in ("label", "released", "developers")}


def _keep(attrs: Mapping[str, object]) -> dict[str, object]:
    return {k: attrs[k] for k in ("released", "developers") if k in attrs}


class _Full(Exception):
    """The tree has as many lines as it may show."""


#: One branch of a tree, sorted as the tree shows them: the far model's label, the relation's short
#: name, the far model's IRI, the relation's label, the far model's release date, and its key.
Branch = tuple[str, str, str, str, str, Hashable]
#: The branches from a model (by key), upwards (True) or downwards.
Branches = Callable[[Hashable, bool], list[Branch]]
Counts = dict[str, dict[str, object]]
K = TypeVar("K", bound=Hashable)


def _tree_lines(root: Hashable, branches: Branches, up: bool, limit: int | None = None) -> tuple[list[str], int]:
    """The branches of one direction, depth first, at most ``limit`` of them; and how many models
    they show."""
    body: list[str] = []
    shown = {root}

    def visit(node: Hashable, prefix: str) -> None:
        kids = branches(node, up)
        for i, (name, _, iri, label, released, far) in enumerate(kids):
            last = i == len(kids) - 1
            when = f", {released}" if released else ""
            seen = far in shown
            tail = " (see above)" if seen else ""
            if limit is not None and len(body) >= limit:
                raise _Full
            body.append(f"{prefix}{'└── ' if last else '├── '}{label}: {name} ({compact(iri)}{when}){tail}")
            if not seen:
                shown.add(far)
                visit(far, prefix + ("    " if last else "│   "))

    with contextlib.suppress(_Full):
        visit(root, "")
    return body, len(shown) - 1


def _lineage_branches(lin: Lineage) -> Branches:
    nodes = lin.nodes
    children: dict[bool, dict[Hashable, list[Branch]]] = {}

    def branches(node: Hashable, up: bool) -> list[Branch]:
        if up not in children:
            table: dict[Hashable, list[Branch]] = {}
            for child, relation, label, parent in lin.edges:
                near, far = (child, parent) if up else (parent, child)
                attrs = nodes[far]
                table.setdefault(near, []).append(
                    (str(attrs["label"]), relation, far, label, str(attrs.get("released") or ""), far)
                )
            for kids in table.values():
                kids.sort()
            children[up] = table
        return children[up].get(node, [])

    return branches


def _count(distance: Mapping[K, int], edges: Iterable[tuple[K, str, K]], up: bool) -> dict[str, object]:
    """The counts of one direction: models, generations and edges by relation label between models
    on that side (``edges`` as (child, relation label, parent))."""
    mine = [abs(d) for d in distance.values() if d != 0 and (d > 0) == up]
    side = {n for n, d in distance.items() if d == 0 or (d > 0) == up}
    relations: dict[str, int] = {}
    for child, label, parent in edges:
        if child in side and parent in side:
            relations[label] = relations.get(label, 0) + 1
    return {
        "models": len(mine),
        "generations": max(mine, default=0),
        "relations": dict(sorted(relations.items(), key=lambda kv: (-kv[1], kv[0]))),
    }


def _walked(direction: Direction) -> list[tuple[str, bool]]:
    return [(t, up) for t, up in (("ancestors", True), ("descendants", False)) if direction != ("down" if up else "up")]


def summary(lin: Lineage) -> Counts:
    """For each direction walked: how many models, over how many generations (the family tree's depth
    below the root, or how far back its ancestry goes), and how many edges of each relation."""
    distance = {n: cast(int, a["distance"]) for n, a in lin.nodes.items()}
    return {
        title: _count(distance, ((e.child, e.label, e.parent) for e in lin.edges), up)
        for title, up in _walked(lin.direction)
    }


def _render(
    head: str, root: Hashable, direction: Direction, counts: Counts, branches: Branches, limit: int | None
) -> str:
    lines = [head]
    for title, up in _walked(direction):
        body, shown = _tree_lines(root, branches, up, limit)
        lines.append(f"{title}:" if body else f"{title}: none")
        lines += ["  " + b for b in body]
        c = counts[title]
        n = cast(int, c["models"])
        if shown < n:
            rest = n - shown
            lines.append(
                f"  ... {rest} more {title if rest != 1 else title[:-1]} not shown "
                f"(--limit 0 shows the whole tree; --format json lists every model)"
            )
        if n:
            relations = ", ".join(f"{k} {v}" for k, v in cast(dict[str, int], c["relations"]).items())
            gens = c["generations"]
            what = title if n != 1 else title[:-1]
            lines.append(f"  ({n} {what} over {gens} generation{'s' if gens != 1 else ''}; {relations})")
    return "\n".join(lines) + "\n"


def render_tree(lin: Lineage, limit: int | None = None) -> str:
    """An indented tree: upwards the parents of each model, downwards its derived models, each
    direction at most ``limit`` lines (None: all); each direction ends with its counts."""
    head = f"{lin.nodes[lin.root]['label']} ({compact(lin.root)})"
    return _render(head, lin.root, lin.direction, summary(lin), _lineage_branches(lin), limit)


def tree_from(
    kg: KnowledgeGraph, root: URIRef, direction: Direction = "both", depth: int | None = None, limit: int | None = None
) -> str:
    """:func:`render_tree` of :func:`lineage_from`, the same text. With a lineage index and a
    ``limit``, the walk stays in integer ids and only the models the tree shows (and their siblings,
    to sort them) are read, so the first lines of a family of 50,000 cost what those lines cost."""
    index = kg.lineage_index
    start = index.id_of(str(root)) if index is not None else None
    if index is None or limit is None or start is None:
        return render_tree(lineage_from(kg, root, direction, depth), limit)
    from fmkg.graph.network import relation_labels

    _check(depth)
    named = dict(_typed_relations(index.relations().values(), relation_labels(kg, FAMILY_TREE)))
    relation = {code: named[iri] for code, iri in index.relations().items()}
    distance: dict[int, int] = {start: 0}
    followed: set[tuple[int, int, int]] = set()  # (child, code, parent), as the full lineage keeps them
    for _, up in _walked(direction):
        walked = index.reach(start, "up" if up else "down", depth)
        for node, n in walked.distance.items():
            distance.setdefault(node, n if up else -n)
        followed.update(walked.edges if up else ((c, code, p) for p, code, c in walked.edges))
    hops: dict[bool, dict[int, list[tuple[int, int]]]] = {True: {}, False: {}}
    for child, code, parent in followed:
        hops[True].setdefault(child, []).append((code, parent))
        hops[False].setdefault(parent, []).append((code, child))
    edges = [(c, relation[code][1], p) for c, code, p in followed]
    counts = {title: _count(distance, edges, up) for title, up in _walked(direction)}
    known: dict[int, tuple[str, dict[str, object]]] = {}

    def branches(node: Hashable, up: bool) -> list[Branch]:
        kids = hops[up].get(cast(int, node), [])
        missing = {far for _, far in kids if far not in known}
        if missing:
            known.update(index.attributes(missing))
        out: list[Branch] = []
        for code, far in kids:
            iri, attrs = known[far]
            key, label = relation[code]
            out.append((str(attrs["label"]), key, iri, label, str(attrs.get("released") or ""), far))
        return sorted(out)

    attrs = index.node(str(root)) or {}
    head = f"{attrs.get('label') or compact(str(root))} ({compact(str(root))})"
    return _render(head, start, direction, counts, branches, limit)


def render_json(lin: Lineage) -> str:
    """The lineage as JSON: root, direction, nodes (distance < 0 for descendants) and typed edges."""
    doc = {
        "root": lin.root,
        "direction": lin.direction,
        "depth": lin.depth,
        "nodes": [{"iri": iri, **attrs} for iri, attrs in lin.nodes.items()],
        "edges": [e._asdict() for e in lin.edges],
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
