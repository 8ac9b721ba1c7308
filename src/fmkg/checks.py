"""Checks over the lineage graph that SHACL cannot express well: license changes and cycles."""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Dataset

from fmkg import queries
from fmkg.engine import query
from fmkg.network import lineage_graph
from fmkg.results import compact, rows


@dataclass(frozen=True, order=True)
class Finding:
    """A problem or warning, with the entities involved."""

    severity: str
    kind: str
    message: str


def license_conflicts(ds: Dataset) -> list[Finding]:
    """Derived models whose license differs from their parent's (the ``license-conflicts`` query)."""
    result = query(ds, queries.library()["license-conflicts"].text, source="license-conflicts")
    out = []
    for r in rows(result):
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


def lineage_cycles(ds: Dataset) -> list[Finding]:
    """Models that derive from themselves through a chain of lineage edges."""
    import networkx as nx

    g = nx.DiGraph(lineage_graph(ds))
    out = []
    for cycle in nx.simple_cycles(g):
        names = [str(g.nodes[n].get("label", n)) for n in cycle]
        out.append(Finding("error", "cycle", "lineage cycle: " + " -> ".join([*names, names[0]])))
    return sorted(out)


def run_checks(ds: Dataset) -> list[Finding]:
    """All checks, errors first."""
    return sorted(lineage_cycles(ds) + license_conflicts(ds))
