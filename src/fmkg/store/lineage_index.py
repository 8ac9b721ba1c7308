"""The lineage index of a persistent store: its typed lineage edges and what a lineage shows of each
model on them (label, first release date, developers), in SQLite beside the store (``lineage.sqlite``).

It is built once with the store, from the same triples and the same label rule, so it says what the
store says. A family of tens of thousands of models (a Hub root among a million repositories) is then
one recursive query over indexed integer ids, where a property path over the whole store and the
attributes of every model took seconds. A graph without a persistent store has no index: its
lineage is read with SPARQL (:func:`fmkg.graph.lineage.lineage_from`), with the same result.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from fmkg.rdf.namespaces import FM, LINEAGE

if TYPE_CHECKING:
    from fmkg.store.graph import KnowledgeGraph

_SCHEMA = """
CREATE TABLE nodes (id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, label TEXT NOT NULL,
                    released TEXT NOT NULL, developers TEXT NOT NULL);
CREATE TABLE edges (child INTEGER NOT NULL, property TEXT NOT NULL, parent INTEGER NOT NULL);
"""
_INDEXES = """
CREATE INDEX edges_by_parent ON edges (parent);
CREATE INDEX edges_by_child ON edges (child);
"""
_EDGES = "SELECT ?child ?property ?parent WHERE {{ VALUES ?property {{ {props} }} ?child ?property ?parent }}"
_ATTRIBUTES = f"""SELECT ?node ?released ?developer WHERE {{
  {{ ?node <{FM.releaseDate}> ?released }} UNION {{ ?node <{FM.developer}> ?developer }}
}}"""
_NODE = "SELECT id, label, released, developers FROM nodes WHERE iri = ?"
#: The walk from the root over the edges, each node once (a cycle ends it): up to parents or down to
#: children. Every edge the walk follows has both ends in ``reached``, so the models are read once
#: each (not once an edge) and the edges as integer ids.
_REACHED = """WITH RECURSIVE reached(id) AS (
  SELECT ? UNION SELECT e.{far} FROM edges e JOIN reached r ON e.{near} = r.id
)
"""
_WALK_NODES = "SELECT n.id, n.iri, n.label, n.released, n.developers FROM reached r JOIN nodes n ON n.id = r.id"
_WALK_EDGES = "SELECT e.child, e.property, e.parent FROM edges e JOIN reached r ON e.{near} = r.id"
WALKS = {
    direction: (_REACHED.format(near=near, far=far) + _WALK_NODES, (_REACHED + _WALK_EDGES).format(near=near, far=far))
    for direction, near, far in (("up", "child", "parent"), ("down", "parent", "child"))
}

Attributes = dict[str, object]


def _attributes(label: str, released: str, developers: str) -> Attributes:
    return {"label": label, "released": released, "developers": [d for d in developers.split("\t") if d]}


class LineageIndex:
    """Typed lineage edges by integer id, with the label, release date and developers of each model."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    @classmethod
    def build(cls, kg: KnowledgeGraph, path: Path) -> LineageIndex:
        """Read every lineage edge of ``kg`` and the attributes of the models on them into ``path``."""
        from fmkg.rdf.terms import compact
        from fmkg.store.sqlite import create

        db = create(path, _SCHEMA)
        ids: dict[str, int] = {}
        edges: list[tuple[int, str, int]] = []
        for child, prop, parent in kg.solutions(_EDGES.format(props=" ".join(f"<{p}>" for p in LINEAGE))):
            if child is None or prop is None or parent is None:
                continue
            edges.append((ids.setdefault(child.value, len(ids)), prop.value, ids.setdefault(parent.value, len(ids))))
        released: dict[str, str] = {}
        developers: dict[str, set[str]] = {}
        for node, date, developer in kg.solutions(_ATTRIBUTES):
            if node is None or node.value not in ids:
                continue
            if date is not None and (node.value not in released or date.value < released[node.value]):
                released[node.value] = date.value
            if developer is not None:
                developers.setdefault(node.value, set()).add(compact(developer.value))
        db.executemany(
            "INSERT INTO nodes VALUES (?, ?, ?, ?, ?)",
            (
                (i, iri, kg.label(iri), released.get(iri, ""), "\t".join(sorted(developers.get(iri, ()))))
                for iri, i in ids.items()
            ),
        )
        db.executemany("INSERT INTO edges VALUES (?, ?, ?)", edges)
        db.executescript(_INDEXES)
        db.commit()
        return cls(db)

    @classmethod
    def open(cls, path: Path) -> LineageIndex:
        """A read-only index built earlier; a :class:`LoadError` when the file is not one (missing, corrupt)."""
        from fmkg.store.sqlite import open_read_only

        probes = (
            "SELECT id, iri, label, released, developers FROM nodes LIMIT 1",
            "SELECT child, property, parent FROM edges LIMIT 1",
        )
        return cls(open_read_only(path, "lineage index", probes))

    def node(self, iri: str) -> Attributes | None:
        """The label, release date and developers of a model on a lineage edge, else None."""
        row = self.db.execute(_NODE, (iri,)).fetchone()
        return None if row is None else _attributes(*row[1:])

    def walk(
        self, root: str, direction: Literal["up", "down"], nodes: dict[str, Attributes]
    ) -> list[tuple[str, str, str]]:
        """``(child, property, parent)`` of every edge above or below ``root``; the attributes of the
        models on them are added to ``nodes``."""
        row = self.db.execute(_NODE, (root,)).fetchone()
        if row is None:
            return []
        find_nodes, find_edges = WALKS[direction]
        iris: dict[int, str] = {}
        for i, iri, label, released, developers in self.db.execute(find_nodes, (row[0],)):
            iris[i] = iri
            if iri not in nodes:
                nodes[iri] = _attributes(label, released, developers)
        return [(iris[c], prop, iris[p]) for c, prop, p in self.db.execute(find_edges, (row[0],))]

    def close(self) -> None:
        self.db.close()
