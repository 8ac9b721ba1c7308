"""Deterministic Turtle: the same graph always gives the same text, so a re-run gives no diff.

Subjects are sorted (the graph's own description first), predicates come in a fixed order
(type, label, other names, then by name) and objects are sorted; IRIs are shortened with the
prefixes that are used, declared in sorted order. No blank nodes are written.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD
from rdflib.term import Node

_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")
_PREDICATE_ORDER = {str(RDF.type): 0, str(RDFS.label): 1, str(SKOS.altLabel): 2}


class TurtleWriter:
    """Writes a graph as sorted Turtle with the given prefixes."""

    def __init__(self, prefixes: Mapping[str, str]) -> None:
        # Longest namespace first, so that ``model:`` wins over a shorter prefix of the same IRI.
        self._prefixes = sorted(prefixes.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        self._used: set[str] = set()

    def iri(self, term: URIRef) -> str:
        s = str(term)
        for prefix, ns in self._prefixes:
            if s.startswith(ns) and _LOCAL.fullmatch(s[len(ns) :]):
                self._used.add(prefix)
                return f"{prefix}:{s[len(ns) :]}"
        return f"<{s}>"

    def literal(self, term: Literal) -> str:
        if term.datatype == XSD.integer and re.fullmatch(r"[+-]?\d+", str(term)):
            return str(term)
        quoted = Literal(str(term)).n3()
        if term.language:
            return f"{quoted}@{term.language}"
        if term.datatype is not None and term.datatype != XSD.string:
            return f"{quoted}^^{self.iri(term.datatype)}"
        return quoted

    def term(self, term: Node) -> str:
        if isinstance(term, URIRef):
            return self.iri(term)
        if isinstance(term, Literal):
            return self.literal(term)
        raise ValueError(f"cannot write {term!r}: blank nodes are not written")

    def serialize(self, graph: Graph, *, first: Iterable[URIRef] = (), header: str = "") -> str:
        """The Turtle text of ``graph``; subjects in ``first`` come before the others."""
        by_subject: dict[Node, dict[Node, list[Node]]] = defaultdict(lambda: defaultdict(list))
        for s, p, o in graph:
            if isinstance(s, BNode) or isinstance(o, BNode):
                raise ValueError("blank nodes are not written")
            by_subject[s][p].append(o)
        leading = [s for s in first if s in by_subject]
        order = leading + sorted((s for s in by_subject if s not in leading), key=str)
        blocks = []
        for s in order:
            preds = sorted(by_subject[s], key=lambda p: (_PREDICATE_ORDER.get(str(p), 3), self.iri(URIRef(str(p)))))
            parts = []
            for p in preds:
                objs = sorted(by_subject[s][p], key=_object_key)
                pname = "a" if p == RDF.type else self.term(p)
                parts.append(f"{pname} {' , '.join(self.term(o) for o in objs)}")
            blocks.append(f"{self.term(s)}\n    " + " ;\n    ".join(parts) + " .\n")
        body = "\n".join(blocks)
        prefix_lines = [f"@prefix {p}: <{ns}> ." for p, ns in sorted(self._prefixes) if p in self._used]
        head = "".join(f"# {line}".rstrip() + "\n" for line in header.splitlines()) if header else ""
        return head + ("\n" if head else "") + "\n".join(prefix_lines) + "\n\n" + body


def _object_key(term: Node) -> tuple[int, str, str]:
    if isinstance(term, URIRef):
        return (0, str(term), "")
    if isinstance(term, Literal):
        return (1, str(term.datatype or ""), f"{term}@{term.language or ''}")
    return (2, str(term), "")


def write_turtle(graph: Graph, prefixes: Mapping[str, str], *, first: Iterable[URIRef] = (), header: str = "") -> str:
    """Serialise ``graph`` deterministically as Turtle (see :class:`TurtleWriter`)."""
    return TurtleWriter(prefixes).serialize(graph, first=first, header=header)
