"""The SPARQL 1.1 Service Description of the endpoint (https://www.w3.org/TR/sparql11-service-description/).

"A SPARQL service description [...] should be returned [...] when a SPARQL endpoint is
dereferenced" (section 2): that is a GET on /sparql without a query.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyoxigraph as ox

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def service_description(endpoint: str, graphs: Mapping[str, int], triples: int) -> list[ox.Triple]:
    """Describe the endpoint at ``endpoint``: language, result formats, and its dataset's named graphs."""
    import pyoxigraph as ox

    from fmkg.rdf.formats import W3C
    from fmkg.server.protocol import formats_for

    out: list[ox.Triple] = []

    def add(s: ox.NamedNode | ox.BlankNode, p: str, o: ox.NamedNode | ox.BlankNode | ox.Literal) -> None:
        out.append(ox.Triple(s, ox.NamedNode(p), o))

    def count(n: int) -> ox.Literal:
        return ox.Literal(str(n), datatype=ox.NamedNode(XSD_INTEGER))

    service, dataset, default = ox.BlankNode("service"), ox.BlankNode("dataset"), ox.BlankNode("default")
    add(service, RDF_TYPE, ox.NamedNode(SD + "Service"))
    add(service, SD + "endpoint", ox.NamedNode(endpoint))
    add(service, SD + "supportedLanguage", ox.NamedNode(SD + "SPARQL11Query"))
    # sd:UnionDefaultGraph: "the default graph [...] is the RDF merge of all the named graphs", as here.
    # No sd:BasicFederatedQuery: SERVICE is refused, so that a query cannot make the server call out.
    add(service, SD + "feature", ox.NamedNode(SD + "UnionDefaultGraph"))
    offered = {f.w3c for form in ("SELECT", "CONSTRUCT") for f in formats_for(form) if f.w3c}
    for name in sorted(offered):
        add(service, SD + "resultFormat", ox.NamedNode(W3C + name))
    add(service, SD + "defaultDataset", dataset)
    add(dataset, RDF_TYPE, ox.NamedNode(SD + "Dataset"))
    add(dataset, SD + "defaultGraph", default)
    add(default, RDF_TYPE, ox.NamedNode(SD + "Graph"))
    add(default, VOID + "triples", count(triples))
    for i, (iri, size) in enumerate(sorted(graphs.items())):
        named, graph = ox.BlankNode(f"named{i}"), ox.BlankNode(f"graph{i}")
        add(dataset, SD + "namedGraph", named)
        add(named, RDF_TYPE, ox.NamedNode(SD + "NamedGraph"))
        add(named, SD + "name", ox.NamedNode(iri))
        add(named, SD + "graph", graph)
        add(graph, RDF_TYPE, ox.NamedNode(SD + "Graph"))
        add(graph, VOID + "triples", count(size))
    return out
