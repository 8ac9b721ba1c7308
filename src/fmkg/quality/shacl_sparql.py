"""The SPARQL parts of SHACL (https://www.w3.org/TR/shacl/#sparql-constraints and SHACL-AF SPARQL
targets, https://www.w3.org/TR/shacl-af/#SPARQLTarget), evaluated by the store's engine.

pySHACL evaluates SPARQL with rdflib, once per focus node: on the shipped graph that is most of the
time of a validation. Here each SPARQL target and each SPARQL constraint is one query on the store:

- a shape's ``sh:target [ a sh:SPARQLTarget ; sh:select ... ]`` is run, and the nodes it selects
  become ``sh:targetNode`` values of the shape, so pySHACL checks their core constraints;
- a shape's ``sh:sparql [ a sh:SPARQLConstraint ; sh:select ... ]`` is run with ``$this`` ranging over
  the shape's focus nodes in a ``VALUES`` block ("pre-binding" of section 5.3.1 for queries whose
  ``$this`` occurs in their patterns, as fmkg's do); each row is a violation, its message the
  constraint's ``sh:message`` with ``{?var}`` and ``{$var}`` replaced by the row's values.

Both are then removed from the shapes that pySHACL reads. Prefixes come from ``sh:prefixes`` /
``sh:declare``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from fmkg.rdf.terms import compact

if TYPE_CHECKING:
    from rdflib.term import Node

    from fmkg.store import KnowledgeGraph


@dataclass(frozen=True)
class Violation:
    """A row of a SPARQL constraint: the focus node, the path, the value and the message."""

    focus: Node
    path: Node | None
    value: Node | None
    message: str
    severity: URIRef


def _prefixes(shapes: Graph, node: Node) -> str:
    """The PREFIX declarations of the ``sh:prefixes`` of ``node``."""
    lines = []
    for owner in shapes.objects(node, SH.prefixes):
        for decl in shapes.objects(owner, SH.declare):
            prefix, namespace = shapes.value(decl, SH.prefix), shapes.value(decl, SH.namespace)
            if prefix is not None and namespace is not None:
                lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(sorted(set(lines)))


def _this(text: str) -> str:
    """``$this`` written as ``?this`` (the same variable in SPARQL)."""
    return re.sub(r"\$this\b", "?this", text)


def _focus_query(shapes: Graph, shape: Node) -> str | None:
    """A query selecting the focus nodes of a shape's core targets, or None when it has none."""
    parts = []
    for cls in shapes.objects(shape, SH.targetClass):
        parts.append(f"{{ ?this a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* <{cls}> }}")
    if (shape, RDF.type, URIRef("http://www.w3.org/2000/01/rdf-schema#Class")) in shapes:
        parts.append(f"{{ ?this a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* <{shape}> }}")
    for prop in shapes.objects(shape, SH.targetSubjectsOf):
        parts.append(f"{{ ?this <{prop}> ?any }}")
    for prop in shapes.objects(shape, SH.targetObjectsOf):
        parts.append(f"{{ ?any <{prop}> ?this }}")
    if not parts:
        return None
    return "SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " }"


def _message(template: str, row: dict[str, Node]) -> str:
    def value(m: re.Match[str]) -> str:
        found = row.get(m[1])
        return compact(found) if found is not None else m[0]

    return re.sub(r"\{[?$](\w+)\}", value, template)


#: Focus nodes bound per evaluation of a SPARQL constraint (a VALUES block of that many IRIs stays
#: well under the query size limit, :data:`fmkg.sparql.text.MAX_CHARS`).
FOCUS_BATCH = 5_000


def evaluate(kg: KnowledgeGraph, shapes: Graph) -> tuple[Graph, list[Violation]]:
    """The shapes without their SPARQL parts, and the violations of their SPARQL constraints."""
    from fmkg.sparql.text import with_choices

    core = Graph()
    for triple in shapes:
        core.add(triple)
    violations: list[Violation] = []
    shapes_with_sparql = set(shapes.subjects(SH.sparql, None)) | set(shapes.subjects(SH.target, None))
    for shape in sorted(shapes_with_sparql, key=str):
        targets: set[Node] = set()
        for target in list(shapes.objects(shape, SH.target)):
            if (target, RDF.type, SH.SPARQLTarget) not in shapes:
                continue
            select = shapes.value(target, SH.select)
            text = f"{_prefixes(shapes, target)}\n{_this(str(select))}"
            targets |= {row[0] for row in kg.query(text, source=f"{compact(shape)} sh:target") if row[0] is not None}
            _remove_tree(core, shape, SH.target, target)
        for node in sorted(targets, key=str):
            core.add((shape, SH.targetNode, node))
        constraints = list(shapes.objects(shape, SH.sparql))
        if not constraints:
            continue
        focus: set[Node] = set(targets) | set(shapes.objects(shape, SH.targetNode))
        if (query := _focus_query(shapes, shape)) is not None:
            focus |= {row[0] for row in kg.query(query, source=f"{compact(shape)} targets") if row[0] is not None}
        for constraint in constraints:
            _remove_tree(core, shape, SH.sparql, constraint)
            if not focus or shapes.value(constraint, SH.deactivated) == Literal(True):
                continue
            constraint_query = _this(str(shapes.value(constraint, SH.select)))
            template = str(shapes.value(constraint, SH.message) or "violates a SPARQL constraint")
            severity = URIRef(str(shapes.value(shape, SH.severity) or SH.Violation))
            ordered = sorted(focus, key=str)
            batches = (ordered[i : i + FOCUS_BATCH] for i in range(0, len(ordered), FOCUS_BATCH))
            rows = (
                row
                for batch in batches
                for row in kg.query(
                    with_choices(f"{_prefixes(shapes, constraint)}\n{constraint_query}", "this", batch),
                    source=f"{compact(shape)} sh:sparql",
                )
            )
            for row in rows:
                values = row.asdict()
                violations.append(
                    Violation(
                        values["this"], values.get("path"), values.get("value"), _message(template, values), severity
                    )
                )
    return core, violations


def _remove_tree(g: Graph, subject: Node, predicate: Node, node: Node) -> None:
    """Remove ``subject predicate node`` and, when ``node`` is a blank node, what it says (recursively)."""
    g.remove((subject, predicate, node))
    if isinstance(node, BNode):
        for p, o in list(g.predicate_objects(node)):
            _remove_tree(g, node, p, o)
