"""The RDF graph as a networkx graph: the one conversion every view uses.

Entities are nodes keyed by their IRI; object-property triples between them are edges keyed by the
property's short name (``fm:fineTunedFrom``), with ``relation`` (the same) and ``label`` (the
property's label, "fine-tuned from"). Literals never become nodes: facts about an entity are node
attributes. Edges point as stated, child to parent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from fmkg.rdf.namespaces import FAMILY_TREE, FM
from fmkg.rdf.terms import compact, local_words

if TYPE_CHECKING:
    import networkx as nx
    from rdflib import URIRef

    from fmkg.store import KnowledgeGraph

#: Relations between entities that graph views use unless told otherwise.
ENTITY_RELATIONS: tuple[URIRef, ...] = (
    *FAMILY_TREE,
    FM.successorOf,
    FM.poweredBy,
    FM.trainedOn,
    FM.developer,
    FM.dependsOn,
)

#: Relations that lead from what came later to what it came from (child -> parent, app -> model,
#: model -> dataset): walks follow them upwards (ancestors) and downwards (descendants).
FLOW_RELATIONS: tuple[URIRef, ...] = (*FAMILY_TREE, FM.successorOf, FM.poweredBy, FM.trainedOn, FM.dependsOn)


def relation_labels(kg: KnowledgeGraph, predicates: Iterable[URIRef]) -> dict[str, str]:
    """The label of each predicate by its IRI (its local name in words when it has none)."""
    return {str(p): kg.names.label(str(p)) or local_words(compact(p)) for p in predicates}


def build(
    edges: Iterable[tuple[str, str, str]],
    labels: Mapping[str, str],
    nodes: Mapping[str, Mapping[str, Any]] | None = None,
) -> nx.MultiDiGraph:
    """A directed multigraph of ``(subject, predicate, object)`` IRIs, in sorted order.

    ``labels`` gives each predicate's label; ``nodes`` the attributes of nodes, which are added even
    when no edge reaches them.
    """
    import networkx as nx

    g = nx.MultiDiGraph()
    for node, attrs in sorted((nodes or {}).items()):
        g.add_node(node, **attrs)
    keys: dict[str, tuple[str, str]] = {}  # predicate -> (key, label): a handful of predicates, many edges
    for s, p, o in sorted(set(edges)):
        if p not in keys:
            key = compact(p) if p.startswith(("http://", "https://")) else p
            keys[p] = (key, labels.get(p) or local_words(key))
        key, label = keys[p]
        g.add_edge(s, o, key=key, relation=key, label=label)
    return g


def edges(kg: KnowledgeGraph, predicates: Iterable[URIRef]) -> list[tuple[str, str, str]]:
    """Every triple of ``predicates`` between two IRIs, as strings (one SPARQL query)."""
    from rdflib import URIRef

    from fmkg.sparql.library import internal_query
    from fmkg.sparql.text import with_choices

    chosen = list(predicates)
    if not chosen:
        return []
    text = with_choices(internal_query("edges"), "p", chosen)
    return [
        (str(s), str(p), str(o))
        for s, p, o in kg.query(text, source="edges")
        if isinstance(s, URIRef) and isinstance(o, URIRef) and s != o
    ]


#: Entities per node-attributes query: a VALUES block of this many IRIs stays well under the query size cap.
NODE_BATCH = 5_000


def node_attributes(kg: KnowledgeGraph, nodes: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Label, classes, developers and first release date of entities (one SPARQL query per batch)."""
    from rdflib import URIRef

    from fmkg.sparql.library import internal_query
    from fmkg.sparql.text import with_choices

    wanted = sorted(set(nodes))
    out: dict[str, dict[str, Any]] = {
        n: {"label": kg.label(n), "classes": set(), "developers": set(), "released": ""} for n in wanted
    }
    if not wanted:
        return {}
    template = internal_query("node-attributes")
    rows = (
        row
        for start in range(0, len(wanted), NODE_BATCH)
        for row in kg.solutions(with_choices(template, "node", [URIRef(n) for n in wanted[start : start + NODE_BATCH]]))
    )
    for node, cls, released, developer in rows:
        if node is None:
            continue
        attrs = out[node.value]
        if cls is not None:
            attrs["classes"].add(compact(cls.value))
        if developer is not None:
            attrs["developers"].add(compact(developer.value))
        if released is not None and (not attrs["released"] or released.value < attrs["released"]):
            attrs["released"] = released.value
    for attrs in out.values():
        attrs["classes"] = sorted(attrs["classes"])
        attrs["developers"] = sorted(attrs["developers"])
    return out


def to_networkx(kg: KnowledgeGraph, *, predicates: Iterable[URIRef] | None = None) -> nx.MultiDiGraph:
    """The chosen relations (default :data:`ENTITY_RELATIONS`) of the whole graph, with node attributes."""
    preds = tuple(predicates) if predicates is not None else ENTITY_RELATIONS
    found = edges(kg, preds)
    nodes = node_attributes(kg, {n for s, _, o in found for n in (s, o)})
    return build(found, relation_labels(kg, preds), nodes)


def lineage_graph(kg: KnowledgeGraph) -> nx.MultiDiGraph:
    """Only the typed lineage edges (fm:derivedFrom and its sub-properties) and, from a variant, its
    family (so a family's descendants are its variants')."""
    return to_networkx(kg, predicates=FAMILY_TREE)
