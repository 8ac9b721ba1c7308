"""The RDF graph as a networkx graph: entities are nodes, object properties between them are edges.

Literals never become nodes; the label, classes, developers and release date of each entity become
node attributes. Edges keep their predicate (``relation``, e.g. ``fm:fineTunedFrom``) and its label.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from rdflib import Dataset, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from fmkg.namespaces import FM, LINEAGE
from fmkg.results import compact

if TYPE_CHECKING:
    import networkx as nx

#: Relations between entities that graph views use unless told otherwise.
ENTITY_RELATIONS: tuple[URIRef, ...] = (
    *LINEAGE,
    FM.successorOf,
    FM.poweredBy,
    FM.trainedOn,
    FM.developer,
    FM.dependsOn,
)


def relation_labels(ds: Dataset, predicates: Iterable[URIRef]) -> dict[URIRef, str]:
    """The English label of each predicate (its local name in words when it has none)."""
    out = {}
    for p in predicates:
        label = next((str(lab) for lab in ds.objects(p, RDFS.label) if isinstance(lab, Literal)), None)
        out[p] = label or re.sub(r"(?<=[a-z])(?=[A-Z])", " ", compact(p).split(":", 1)[-1]).lower()
    return out


def node_attributes(ds: Dataset, node: URIRef) -> dict[str, object]:
    """Label, classes, developers and release date of one entity, as plain Python values."""
    label = next((str(lab) for lab in ds.objects(node, RDFS.label) if isinstance(lab, Literal)), compact(node))
    dates = sorted(str(d) for d in ds.objects(node, FM.releaseDate))
    return {
        "label": label,
        "classes": sorted({compact(c) for c in ds.objects(node, RDF.type)}),
        "developers": sorted({compact(o) for o in ds.objects(node, FM.developer)}),
        "released": dates[0] if dates else "",
    }


def to_networkx(ds: Dataset, *, predicates: Iterable[URIRef] | None = None) -> nx.MultiDiGraph:
    """A directed multigraph of the chosen relations, edges pointing as asserted (child to parent)."""
    import networkx as nx

    preds = tuple(predicates) if predicates is not None else ENTITY_RELATIONS
    labels = relation_labels(ds, preds)
    g = nx.MultiDiGraph()
    seen: set[tuple[URIRef, URIRef, URIRef]] = set()
    for p in preds:
        for s, o in ds.subject_objects(p):
            if not (isinstance(s, URIRef) and isinstance(o, URIRef)) or (s, p, o) in seen:
                continue
            seen.add((s, p, o))
            g.add_edge(str(s), str(o), key=compact(p), relation=compact(p), label=labels[p])
    for node in g.nodes:
        g.nodes[node].update(node_attributes(ds, URIRef(node)))
    return g


def lineage_graph(ds: Dataset) -> nx.MultiDiGraph:
    """Only the typed lineage edges (fm:derivedFrom and its sub-properties)."""
    return to_networkx(ds, predicates=LINEAGE)
