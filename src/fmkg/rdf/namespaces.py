"""IRIs and prefixes of fmkg, defined once for the whole package (as rdflib ``Namespace`` objects)."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SH, SKOS, XSD

BASE = "https://w3id.org/fmkg/"
FM = Namespace(BASE + "ontology#")
ONTOLOGY = BASE + "ontology"
ID = Namespace(BASE + "id/")
GRAPH = Namespace(BASE + "graph/")

#: Kinds of instance IRIs: ``https://w3id.org/fmkg/id/{kind}/{slug}``.
ID_KINDS = (
    "model",
    "family",
    "org",
    "app",
    "dataset",
    "offering",
    "license",
    "architecture",
    "modality",
    "paradigm",
    "risk",
    "task",
    "attribute",
    "access",
    "scheme",
    "observation",
    "statement",
)

SCHEMA = Namespace("https://schema.org/")
VANN = Namespace("http://purl.org/vocab/vann/")
WD = Namespace("http://www.wikidata.org/entity/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
MLS = Namespace("http://www.w3.org/ns/mls#")

#: Prefixes bound in every graph fmkg loads and writes, predefined in every query.
PREFIXES: dict[str, str] = {
    "fm": str(FM),
    **{kind: f"{ID}{kind}/" for kind in ID_KINDS},
    "graph": str(GRAPH),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "schema": str(SCHEMA),
    "sh": str(SH),
    "vann": str(VANN),
    "wd": str(WD),
    "foaf": str(FOAF),
    "mls": str(MLS),
}

#: The typed lineage properties: fm:derivedFrom and its sub-properties.
LINEAGE = (
    FM.derivedFrom,
    FM.fineTunedFrom,
    FM.distilledFrom,
    FM.quantizedFrom,
    FM.mergedFrom,
    FM.adapterOf,
    FM.basedOn,
)
#: What a lineage walk follows: the typed lineage edges and, from a variant, its family (so a
#: family's descendants are those of its variants, and a variant's ancestors include its family's).
FAMILY_TREE = (*LINEAGE, FM.variantOf)
