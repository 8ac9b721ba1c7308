"""SHACL validation of the graph as asserted, with a report a person can read."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph, Literal
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from fmkg.errors import FmkgError
from fmkg.rdf.sources import shapes_files
from fmkg.rdf.terms import compact

if TYPE_CHECKING:
    from fmkg.store import KnowledgeGraph

#: The most triples SHACL validation reads (pySHACL holds them in memory, about 2 KB each).
MAX_TRIPLES = 2_000_000


@dataclass(frozen=True, order=True)
class Problem:
    """One violation: what (the entity), where (the property) and why."""

    entity: str
    label: str
    path: str
    message: str
    severity: str = "Violation"

    def __str__(self) -> str:
        who = f"{self.label} ({self.entity})" if self.label and self.label != self.entity else self.entity
        where = f" {self.path}:" if self.path else ":"
        return f"{who}{where} {self.message}"


@dataclass(frozen=True)
class Report:
    """The outcome of a validation run."""

    conforms: bool
    problems: tuple[Problem, ...]
    triples: int

    def text(self) -> str:
        if self.conforms:
            return f"conforms: {self.triples} triples checked, no problems\n"
        lines = [str(p) for p in self.problems]
        lines.append(
            f"does not conform: {len(self.problems)} problem{'s' if len(self.problems) != 1 else ''} in {self.triples} triples"
        )
        return "\n".join(lines) + "\n"


def load_shapes(paths: list[Path] | None = None) -> Graph:
    """The SHACL shapes graph (the shipped shapes unless ``paths`` are given), parsed safely."""
    from fmkg.rdf.parse import rdflib_graph

    return rdflib_graph(paths or shapes_files())


def _label(g: Graph, node: Node) -> str:
    for lab in g.objects(node, RDFS.label):
        if isinstance(lab, Literal) and lab.language in (None, "en"):
            return str(lab)
    return ""


def check_size(kg: KnowledgeGraph) -> None:
    """Refuse a graph larger than pySHACL can hold in memory here, before any work is done."""
    if len(kg) > MAX_TRIPLES:
        raise FmkgError(
            f"{len(kg):,} triples: SHACL validation reads at most {MAX_TRIPLES:,} (pySHACL holds them in memory); "
            "validate the files in parts with --no-default"
        )


def merged_graph(kg: KnowledgeGraph) -> Graph:
    """The merge of ``kg`` as an rdflib Graph (what pySHACL reads)."""
    check_size(kg)
    g = Graph()
    for triple in kg.triples():
        g.add(triple)
    return g


def validate(kg: KnowledgeGraph, shapes: Graph | None = None) -> Report:
    """Check every triple of the merge against the shapes, without inference.

    The SPARQL targets and constraints of the shapes run on the store (:mod:`fmkg.quality.shacl_sparql`);
    pySHACL checks the core constraints.
    """
    from pyshacl import validate as shacl_validate

    from fmkg.quality.shacl_sparql import evaluate

    check_size(kg)
    core, violations = evaluate(kg, shapes if shapes is not None else load_shapes())
    data = merged_graph(kg)
    conforms, results, _ = shacl_validate(
        data, shacl_graph=core, inference="none", advanced=False, allow_warnings=False, abort_on_first=False
    )
    assert isinstance(results, Graph)
    problems = set()
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        message = results.value(result, SH.resultMessage)
        value = results.value(result, SH.value)
        severity = results.value(result, SH.resultSeverity)
        text = str(message) if message is not None else "violates a constraint"
        if value is not None and "{" not in text and compact(value) not in text and path is not None:
            text += f" (value: {compact(value)})"
        problems.add(_problem(data, focus, path, text, severity))
    for v in violations:
        problems.add(_problem(data, v.focus, v.path, v.message, v.severity))
    return Report(conforms=bool(conforms) and not violations, problems=tuple(sorted(problems)), triples=len(data))


def _problem(data: Graph, focus: Node | None, path: Node | None, text: str, severity: Node | None) -> Problem:
    return Problem(
        entity=compact(focus),
        label=_label(data, focus) if focus is not None else "",
        path=compact(path) if path is not None else "",
        message=text,
        severity=compact(severity).removeprefix("sh:") if severity is not None else "Violation",
    )
