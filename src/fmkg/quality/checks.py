"""Checks over the lineage graph that SHACL cannot express well: license changes and cycles."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fmkg.graph.network import lineage_graph
from fmkg.rdf.terms import compact

if TYPE_CHECKING:
    from fmkg.store import KnowledgeGraph


@dataclass(frozen=True, order=True)
class Finding:
    """A problem or warning, with the entities involved."""

    severity: str
    kind: str
    message: str


def license_conflicts(kg: KnowledgeGraph) -> list[Finding]:
    """Derived models whose license differs from their parent's (the ``license-conflicts`` query)."""
    from fmkg.sparql import library

    result = kg.query(library.library()["license-conflicts"].text, source="license-conflicts")
    out = []
    for r in result:
        child, child_label, child_lic, relation, parent, parent_label, parent_lic = r
        out.append(
            Finding(
                "warning",
                "license",
                f"{child_label} ({compact(child)}) is under {child_lic} but {relation} "
                f"{parent_label} ({compact(parent)}) under {parent_lic}",
            )
        )
    return sorted(set(out))


def lineage_cycles(kg: KnowledgeGraph) -> list[Finding]:
    """Models that derive from themselves through a chain of lineage edges."""
    import networkx as nx

    g = nx.DiGraph(lineage_graph(kg))
    out = []
    for cycle in nx.simple_cycles(g):
        names = [str(g.nodes[n].get("label", n)) for n in cycle]
        out.append(Finding("error", "cycle", "lineage cycle: " + " -> ".join([*names, names[0]])))
    return sorted(out)


def run_checks(kg: KnowledgeGraph) -> list[Finding]:
    """All checks, errors first."""
    return sorted(lineage_cycles(kg) + license_conflicts(kg))
