"""The SPARQL 1.1 Service Description of the endpoint (https://www.w3.org/TR/sparql11-service-description/).

"A SPARQL service description [...] should be returned [...] when a SPARQL endpoint is
dereferenced" (section 2): that is a GET on /sparql without a query.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fmkg.server.protocol import GRAPH_FORMATS, RESULT_FORMATS

if TYPE_CHECKING:
    from rdflib import Dataset, Graph

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
VOID = "http://rdfs.org/ns/void#"

#: The W3C format IRIs (https://www.w3.org/ns/formats/) of the formats the endpoint serves.
FORMAT_IRIS = {
    "json": "SPARQL_Results_JSON",
    "xml": "SPARQL_Results_XML",
    "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV",
    "turtle": "Turtle",
    "nt": "N-Triples",
    "jsonld": "JSON-LD",
    "rdfxml": "RDF_XML",
}


def named_graph_sizes(ds: Dataset) -> dict[str, int]:
    """The number of triples in each named graph of ``ds``, by graph IRI (the default graph left out)."""
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    return {
        str(g.identifier): len(g)
        for g in sorted(ds.graphs(), key=lambda g: str(g.identifier))
        if g.identifier != DATASET_DEFAULT_GRAPH_ID and len(g)
    }


def service_description(endpoint: str, graphs: dict[str, int], triples: int) -> Graph:
    """Describe the endpoint at ``endpoint``: language, result formats, and its dataset's named graphs."""
    from rdflib import BNode, Graph, Literal, Namespace, URIRef
    from rdflib.namespace import RDF, XSD

    sd, formats, void = Namespace(SD), Namespace(FORMATS), Namespace(VOID)
    g = Graph()
    g.bind("sd", sd)
    g.bind("formats", formats)
    g.bind("void", void)
    service = BNode()
    g.add((service, RDF.type, sd.Service))
    g.add((service, sd.endpoint, URIRef(endpoint)))
    g.add((service, sd.supportedLanguage, sd.SPARQL11Query))
    g.add((service, sd.feature, sd.UnionDefaultGraph))
    # No sd:BasicFederatedQuery: SERVICE is refused, so that a query cannot make the server call out.
    for fmt in (*RESULT_FORMATS, *GRAPH_FORMATS):
        g.add((service, sd.resultFormat, formats[FORMAT_IRIS[fmt.key]]))
    dataset = BNode()
    g.add((service, sd.defaultDataset, dataset))
    g.add((dataset, RDF.type, sd.Dataset))
    default = BNode()
    g.add((dataset, sd.defaultGraph, default))
    g.add((default, RDF.type, sd.Graph))
    g.add((default, void.triples, Literal(triples, datatype=XSD.integer)))
    for iri, size in graphs.items():
        named, graph = BNode(), BNode()
        g.add((dataset, sd.namedGraph, named))
        g.add((named, RDF.type, sd.NamedGraph))
        g.add((named, sd.name, URIRef(iri)))
        g.add((named, sd.graph, graph))
        g.add((graph, RDF.type, sd.Graph))
        g.add((graph, void.triples, Literal(size, datatype=XSD.integer)))
    return g
