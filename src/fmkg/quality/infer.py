"""Targeted inference: the triples that fmkg's ontology implies, materialised by SPARQL CONSTRUCT rules.

Each rule is one ``.rq`` file in ``sparql/rq/infer/`` with a comment header (title, description). A
rule reads the axioms it applies from the graph itself (``owl:inverseOf``, ``rdfs:subPropertyOf``,
``owl:TransitiveProperty``, ``rdfs:subClassOf``), so it names no property of fmkg and works on any
ontology loaded with the data. The rules run on a scratch Oxigraph store until none of them adds
anything: a fixpoint, reached in a finite number of steps because no rule creates a new term.

This is deliberately not a full OWL RL reasoner: only these rules run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fmkg.errors import QueryError
from fmkg.rdf.namespaces import GRAPH
from fmkg.sparql.library import INTERNAL, NamedQuery, library

if TYPE_CHECKING:
    import pyoxigraph as ox

#: The named graph that holds inferred triples, apart from every asserted graph.
INFERRED = GRAPH["inferred"]

#: Where the rules are: one CONSTRUCT query per file.
RULES_DIR = INTERNAL / "infer"


def rules(directory: Path | None = None) -> list[NamedQuery]:
    """The inference rules, in file-name order."""
    return list(library(directory or RULES_DIR).values())


@dataclass(frozen=True)
class Inference:
    """What :func:`infer` found: the new triples, and how many rule evaluations reached the fixpoint."""

    triples: list[ox.Triple]
    evaluations: int

    def __len__(self) -> int:
        return len(self.triples)


def infer(basis: Iterable[ox.Triple], rule_set: list[NamedQuery] | None = None) -> Inference:
    """Apply the rules to ``basis`` until nothing new follows; return only triples not already in it.

    The TBox (the ontology) must be part of ``basis``: the rules read their axioms from the same graph
    as the facts. A rule runs again only after the graph has changed since its last run, the cheapest
    such rule first (so costly rules run when the cheap ones have nothing more to add).
    """
    import pyoxigraph as ox

    selected = rules() if rule_set is None else rule_set
    work = ox.Store()
    default = ox.DefaultGraph()
    work.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, default) for t in basis)
    inferred: set[ox.Triple] = set()
    stale = set(range(len(selected)))
    cost = [0] * len(selected)
    evaluations = 0
    while stale:
        i = min(stale, key=lambda k: (cost[k], k))
        stale.discard(i)
        evaluations += 1
        answer = work.query(selected[i].text)
        if not isinstance(answer, ox.QueryTriples):
            raise QueryError(f"{selected[i].path}: an inference rule must be a CONSTRUCT query")
        found = [t for t in answer if not isinstance(t.subject, ox.Literal)]
        cost[i] = len(found)
        new = [t for t in found if ox.Quad(t.subject, t.predicate, t.object, default) not in work]
        if new:
            work.extend(ox.Quad(t.subject, t.predicate, t.object, default) for t in new)
            inferred.update(new)
            stale = set(range(len(selected)))
    return Inference(sorted(inferred, key=str), evaluations)
