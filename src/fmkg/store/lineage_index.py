"""The lineage index of a persistent store: its typed lineage edges and what a lineage shows of each
model on them (label, first release date, developers), in SQLite beside the store (``lineage.sqlite``).

It is built once with the store, from the same triples and the same label rule, so it says what the
store says. The edges are kept as adjacency arrays (compressed sparse rows: for each model, where
its parents, or its children, start in one array of integer ids), one pair of arrays a direction,
each a BLOB read whole. A family of tens of thousands of models (a Hub root among a million
repositories) is then a breadth-first walk over integers in memory, and one query for the models it
reached, where a recursive SQL query cost a B-tree search a model and a property path over the whole
store took seconds. A graph without a persistent store has no index: its lineage is read with SPARQL
(:func:`fmkg.graph.lineage.lineage_from`), with the same result.
"""

from __future__ import annotations

import json
import sqlite3
from array import array
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Literal, NamedTuple

from fmkg.rdf.namespaces import FAMILY_TREE, FM

if TYPE_CHECKING:
    from fmkg.store.graph import KnowledgeGraph

_SCHEMA = """
CREATE TABLE nodes (id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, label TEXT NOT NULL,
                    released TEXT NOT NULL, developers TEXT NOT NULL);
CREATE TABLE relations (code INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE);
CREATE TABLE adjacency (name TEXT PRIMARY KEY, data BLOB NOT NULL);
"""
_EDGES = "SELECT ?child ?property ?parent WHERE {{ VALUES ?property {{ {props} }} ?child ?property ?parent }}"
_ATTRIBUTES = f"""SELECT ?node ?released ?developer WHERE {{
  {{ ?node <{FM.releaseDate}> ?released }} UNION {{ ?node <{FM.developer}> ?developer }}
}}"""
_NODE = "SELECT id, label, released, developers FROM nodes WHERE iri = ?"
_NODES = "SELECT id, iri, label, released, developers FROM nodes WHERE id IN (SELECT value FROM json_each(?))"
#: Each direction's arrays: for node ``i``, its neighbours are ``targets[offsets[i]:offsets[i + 1]]``,
#: reached over the relations ``relations[offsets[i]:offsets[i + 1]]`` (codes of the relations table).
_ARRAYS = ("offsets", "targets", "relations")
_TYPES = {"offsets": "q", "targets": "i", "relations": "B"}

Attributes = dict[str, object]


class Reach(NamedTuple):
    """What a walk from one model reached: distances by id, and the edges followed (near, code, far)."""

    distance: dict[int, int]
    edges: list[tuple[int, int, int]]


def _attributes(label: str, released: str, developers: str) -> Attributes:
    return {"label": label, "released": released, "developers": [d for d in developers.split("\t") if d]}


def _csr(n: int, edges: list[tuple[int, int, int]], near: int, far: int) -> dict[str, array[int]]:
    """The adjacency arrays of ``n`` nodes over ``(child, code, parent)`` edges, keyed by ``near``."""
    offsets = array("q", bytes(8 * (n + 1)))
    for e in edges:
        offsets[e[near] + 1] += 1
    for i in range(n):
        offsets[i + 1] += offsets[i]
    targets = array("i", bytes(4 * len(edges)))
    relations = array("B", bytes(len(edges)))
    fill = array("q", offsets)
    for e in sorted(edges, key=lambda e: (e[near], e[far], e[1])):
        at = fill[e[near]]
        targets[at], relations[at] = e[far], e[1]
        fill[e[near]] = at + 1
    return {"offsets": offsets, "targets": targets, "relations": relations}


class LineageIndex:
    """Typed lineage edges by integer id, with the label, release date and developers of each model."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self._adjacency: dict[str, tuple[array[int], array[int], array[int]]] = {}
        self._codes: dict[int, str] = {}

    @classmethod
    def build(cls, kg: KnowledgeGraph, path: Path) -> LineageIndex:
        """Read every lineage edge of ``kg`` and the attributes of the models on them into ``path``."""
        from fmkg.rdf.terms import compact
        from fmkg.store.sqlite import create

        db = create(path, _SCHEMA)
        ids: dict[str, int] = {}
        codes: dict[str, int] = {str(p): i for i, p in enumerate(sorted(FAMILY_TREE))}
        edges: set[tuple[int, int, int]] = set()
        for child, prop, parent in kg.solutions(_EDGES.format(props=" ".join(f"<{p}>" for p in FAMILY_TREE))):
            if child is None or prop is None or parent is None:
                continue
            edges.add(
                (ids.setdefault(child.value, len(ids)), codes[prop.value], ids.setdefault(parent.value, len(ids)))
            )
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
        db.executemany("INSERT INTO relations VALUES (?, ?)", ((i, iri) for iri, i in codes.items()))
        listed = sorted(edges)
        for direction, near, far in (("up", 0, 2), ("down", 2, 0)):
            for name, values in _csr(len(ids), listed, near, far).items():
                db.execute("INSERT INTO adjacency VALUES (?, ?)", (f"{direction}.{name}", values.tobytes()))
        db.commit()
        return cls(db)

    @classmethod
    def open(cls, path: Path) -> LineageIndex:
        """A read-only index built earlier; a :class:`LoadError` when the file is not one (missing, corrupt)."""
        from fmkg.store.sqlite import open_read_only

        probes = (
            "SELECT id, iri, label, released, developers FROM nodes LIMIT 1",
            "SELECT code, iri FROM relations LIMIT 1",
            "SELECT name, data FROM adjacency LIMIT 1",
        )
        return cls(open_read_only(path, "lineage index", probes))

    def node(self, iri: str) -> Attributes | None:
        """The label, release date and developers of a model on a lineage edge, else None."""
        row = self.db.execute(_NODE, (iri,)).fetchone()
        return None if row is None else _attributes(*row[1:])

    def _arrays(self, direction: str) -> tuple[array[int], array[int], array[int]]:
        if direction not in self._adjacency:
            found = dict(self.db.execute("SELECT name, data FROM adjacency WHERE name LIKE ?", (f"{direction}.%",)))
            loaded = []
            for name in _ARRAYS:
                values = array(_TYPES[name])
                values.frombytes(found[f"{direction}.{name}"])
                loaded.append(values)
            self._adjacency[direction] = (loaded[0], loaded[1], loaded[2])
        return self._adjacency[direction]

    def id_of(self, iri: str) -> int | None:
        """The integer id of a model on a lineage edge, else None."""
        row = self.db.execute(_NODE, (iri,)).fetchone()
        return None if row is None else int(row[0])

    def reach(self, start: int, direction: Literal["up", "down"], depth: int | None = None) -> Reach:
        """Breadth first up (to parents) or down (to children) from the model ``start``, at most
        ``depth`` generations: the distance of each model reached, and the edges followed as
        ``(near, relation code, far)``, ``near`` the end the walk came from."""
        from fmkg.graph.walk import breadth_first

        offsets, targets, relations = self._arrays(direction)

        def hops(near: int) -> Iterable[tuple[tuple[int, int, int], int]]:
            return (((near, relations[at], targets[at]), targets[at]) for at in range(offsets[near], offsets[near + 1]))

        return Reach(*breadth_first(start, hops, depth))

    def attributes(self, ids: Iterable[int]) -> dict[int, tuple[str, Attributes]]:
        """The IRI and attributes (label, release date, developers) of models by id (one query)."""
        rows = self.db.execute(_NODES, (json.dumps(list(ids)),))
        return {i: (iri, _attributes(label, released, developers)) for i, iri, label, released, developers in rows}

    def relations(self) -> dict[int, str]:
        """The lineage property of each relation code."""
        if not self._codes:
            self._codes = dict(self.db.execute("SELECT code, iri FROM relations"))
        return self._codes

    def walk(
        self,
        root: str,
        direction: Literal["up", "down"],
        nodes: dict[str, Attributes],
        depth: int | None = None,
        edges: set[tuple[str, str, str]] | None = None,
    ) -> dict[str, int]:
        """:meth:`reach` by IRI: the distance of each model reached; the ``(child, property,
        parent)`` edges followed are added to ``edges`` and the attributes of the models to ``nodes``."""
        start = self.id_of(root)
        if start is None:
            return {root: 0}
        walked = self.reach(start, direction, depth)
        iris: dict[int, str] = {}
        for i, (iri, attrs) in self.attributes(walked.distance).items():
            iris[i] = iri
            nodes.setdefault(iri, attrs)
        props = self.relations()
        if edges is not None:
            if direction == "up":
                edges.update((iris[near], props[code], iris[far]) for near, code, far in walked.edges)
            else:
                edges.update((iris[far], props[code], iris[near]) for near, code, far in walked.edges)
        return {iris[i]: d for i, d in walked.distance.items()}

    def close(self) -> None:
        self.db.close()
