"""SHACL validation of the graph as asserted, with a report a person can read."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, Literal
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from fmkg.errors import LoadError
from fmkg.paths import shapes_files
from fmkg.results import compact
from fmkg.store import merged, rdf_format


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
    """The SHACL shapes graph (the shipped shapes unless ``paths`` are given)."""
    g = Graph()
    for path in paths or shapes_files():
        try:
            g.parse(path, format=rdf_format(path))
        except Exception as exc:
            raise LoadError(path, " ".join(str(exc).split())) from exc
    return g


def _label(g: Graph, node: Node) -> str:
    for lab in g.objects(node, RDFS.label):
        if isinstance(lab, Literal) and lab.language in (None, "en"):
            return str(lab)
    return ""


def validate(ds: Dataset, shapes: Graph | None = None) -> Report:
    """Check every triple of ``ds`` against the shapes, without inference."""
    from pyshacl import validate as shacl_validate

    data = merged(ds)
    conforms, results, _ = shacl_validate(
        data,
        shacl_graph=shapes if shapes is not None else load_shapes(),
        inference="none",
        advanced=True,
        allow_warnings=False,
        abort_on_first=False,
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
        problems.add(
            Problem(
                entity=compact(focus),
                label=_label(data, focus) if focus is not None else "",
                path=compact(path) if path is not None else "",
                message=text,
                severity=compact(severity).removeprefix("sh:"),
            )
        )
    return Report(conforms=bool(conforms), problems=tuple(sorted(problems)), triples=len(data))
