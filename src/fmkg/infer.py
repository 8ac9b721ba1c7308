"""Targeted inference: the triples that fmkg's ontology implies, materialised by SPARQL CONSTRUCT rules.

Each rule is one ``.rq`` file in ``sparql/infer/`` with a comment header (title, description). A rule
reads the axioms it applies from the graph itself (``owl:inverseOf``, ``rdfs:subPropertyOf``,
``owl:TransitiveProperty``, ``rdfs:subClassOf``), so it names no property of fmkg and works on any
ontology loaded with the data. The rules run until none of them adds anything: a fixpoint, reached
in a finite number of steps because no rule creates a new term.

This is deliberately not a full OWL RL reasoner (owlrl is too slow at scale): only these rules run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from fmkg.errors import QueryError
from fmkg.namespaces import GRAPH
from fmkg.paths import PACKAGE
from fmkg.queries import NamedQuery, library

#: The named graph that holds inferred triples, apart from every asserted graph.
INFERRED = GRAPH["inferred"]

#: Where the rules are: one CONSTRUCT query per file.
RULES_DIR = PACKAGE / "sparql" / "infer"


def rules(directory: Path | None = None) -> list[NamedQuery]:
    """The inference rules, in file-name order."""
    return list(library(directory or RULES_DIR).values())


@dataclass(frozen=True)
class Inference:
    """What :func:`infer` found: the new triples, and how many rule evaluations reached the fixpoint."""

    graph: Graph
    evaluations: int

    def __len__(self) -> int:
        return len(self.graph)


def infer(graph: Graph, rule_set: list[NamedQuery] | None = None) -> Inference:
    """Apply the rules to ``graph`` until nothing new follows; return only triples not already in it.

    ``graph`` is not changed. Its TBox (the ontology) must be part of it: the rules read their axioms
    from the same graph as the facts. Each rule adds what it finds at once, so the next one sees it; a
    rule runs again only after the graph has changed since its last run, the cheapest such rule first
    (so costly rules run when the cheap ones have nothing more to add).
    """
    selected = rules() if rule_set is None else rule_set
    prepared = [prepareQuery(rule.text) for rule in selected]
    work = Graph()
    for triple in graph:
        work.add(triple)
    inferred = Graph()
    stale = set(range(len(prepared)))  # rules that have not run since the graph last changed
    cost = [0] * len(prepared)  # how many triples each rule built last time: the cheapest stale rule runs first
    evaluations = 0
    while stale:
        i = min(stale, key=lambda k: (cost[k], k))
        stale.discard(i)
        evaluations += 1
        found = _construct(work, prepared[i], selected[i])
        cost[i] = len(found)
        new = [t for t in found if t not in work]
        if new:
            for triple in new:
                work.add(triple)
                inferred.add(triple)
            stale = set(range(len(prepared)))
    return Inference(inferred, evaluations)


def _construct(graph: Graph, query: Query, rule: NamedQuery) -> list[tuple[Node, Node, Node]]:
    result = graph.query(query)
    if result.type != "CONSTRUCT" or result.graph is None:
        raise QueryError(f"{rule.path}: an inference rule must be a CONSTRUCT query")
    return [(s, p, o) for s, p, o in result.graph if not isinstance(s, Literal)]
