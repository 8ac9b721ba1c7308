"""Exporting the graph: a registry of RDF and graph-tool formats, all written deterministically.

Every format is a :class:`Format` in :data:`REGISTRY`, with a writer that turns a dataset into ``str``
or ``bytes``. :func:`prepare` selects the named graphs of a part (ontology, data or all), optionally adds
what the ontology implies in the named graph ``graph:inferred`` (:mod:`fmkg.infer`) and puts the result
in a canonical form; :func:`write` runs a writer on it; :func:`export` does both.

Determinism: the same graph gives byte-identical output in every run and process, whatever
``PYTHONHASHSEED`` is. Blank nodes are relabelled from the graph's content
(:func:`rdflib.compare.to_canonical_graph`), the same prefixes are bound every time, and every writer
orders what it writes (sorted lines, sorted subjects and properties, sorted JSON) instead of relying on
the iteration order of rdflib's stores, which is that of Python sets.

Quad formats (N-Quads, TriG, HexTuples) keep the named graphs; the other formats write their merge.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, cast
from typing import Literal as TypingLiteral
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDF, RDFS, SKOS, XSD, NamespaceManager
from rdflib.term import IdentifiedNode, Node

from fmkg.errors import FmkgError
from fmkg.namespaces import GRAPH, PREFIXES
from fmkg.paths import PACKAGE

PARTS = ("ontology", "data", "all")

#: The JSON-LD context shipped with fmkg: its prefixes and the short keys of the main properties.
CONTEXT_FILE = PACKAGE / "context.jsonld"

Kind = TypingLiteral["rdf", "graph"]
Writer = Callable[[Dataset], str | bytes]
Quad = tuple[Node, Node, Node, IdentifiedNode]


class ExportError(FmkgError):
    """An export cannot be made: an unknown format or part, or a writer that failed."""


@dataclass(frozen=True)
class Format:
    """An export format: its name, file extension, media type, kind and writer.

    ``kind`` is ``"rdf"`` for RDF serialisations, which parse back to the same graph, and ``"graph"``
    for the property-graph views read by graph tools. ``quads`` tells whether named graphs are kept.
    """

    name: str
    extension: str
    media_type: str
    kind: Kind
    writer: Writer
    quads: bool = False
    description: str = ""


# ---------------------------------------------------------------------------------------------
# Selecting graphs, inference and the canonical form
# ---------------------------------------------------------------------------------------------


def part_of(graph_name: Node) -> str:
    """``"ontology"`` for the graphs of ``ontology/*.ttl`` and ``vocabularies/``, else ``"data"``.

    Graph names are those :func:`fmkg.store.graph_iri` gives: ``graph:fmkg``,
    ``graph:vocabularies/concepts``, ``graph:data/core``. Files added with ``--data`` are data.
    """
    name = str(graph_name)
    if not name.startswith(str(GRAPH)) or graph_name == GRAPH["inferred"]:
        return "data"
    rel = name[len(str(GRAPH)) :]
    return "ontology" if "/" not in rel or rel.startswith("vocabularies/") else "data"


def check_part(part: str) -> str:
    """``part`` if it is one of :data:`PARTS`, else an :class:`ExportError`."""
    if part not in PARTS:
        raise ExportError(f"unknown part {part!r}; choose from {', '.join(PARTS)}")
    return part


def get_format(name: str) -> Format:
    """The registered format called ``name``, else an :class:`ExportError` that lists them."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise ExportError(f"unknown format {name!r}; choose from {', '.join(REGISTRY)}") from None


def select(ds: Dataset, part: str) -> Dataset:
    """A new dataset with the named graphs of ``ds`` that belong to ``part`` (see :func:`part_of`)."""
    check_part(part)
    out = _new_dataset()
    for s, p, o, g in ds.quads((None, None, None, None)):
        name = DATASET_DEFAULT_GRAPH_ID if g is None else g
        if part == "all" or part_of(name) == part:
            out.graph(name).add((s, p, o))
    return out


def add_inferred(selected: Dataset, source: Dataset) -> int:
    """Add to ``selected`` the graph ``graph:inferred``: what follows and is not stated; return its size.

    The rules read the selected graphs together with the ontology graphs of ``source`` (the TBox is
    what the rules apply, whatever part is exported).
    """
    from fmkg.infer import INFERRED, infer

    basis = Graph()
    for s, p, o, _ in selected.quads((None, None, None, None)):
        basis.add((s, p, o))
    for s, p, o, g in source.quads((None, None, None, None)):
        if g is not None and part_of(g) == "ontology":
            basis.add((s, p, o))
    inferred = infer(basis).graph
    target = selected.graph(INFERRED)
    for triple in inferred:
        target.add(triple)
    return len(inferred)


def _quad_key(quad: Quad) -> tuple[str, ...]:
    return tuple(term.n3() for term in quad)


def _canonical_bnodes(quads: list[Quad]) -> list[Quad]:
    """Relabel blank nodes by the content around them, so the same graph gets the same labels."""
    from rdflib.compare import to_canonical_graph

    encoded = Graph()
    decode: dict[URIRef, tuple[Node, IdentifiedNode]] = {}
    for s, p, o, g in quads:
        # The graph name goes into the predicate, so blank nodes are labelled per dataset, not per graph.
        key = URIRef(f"urn:fmkg:quad:{quote(g.n3(), safe='')}:{quote(p.n3(), safe='')}")
        decode[key] = (p, g)
        encoded.add((s, key, o))
    triples = list(to_canonical_graph(encoded))
    # The canonical labels are long hashes: number them in their (content-given) order instead.
    labels = sorted({t for triple in triples for t in triple if isinstance(t, BNode)})
    short_label = {label: BNode(f"b{i}") for i, label in enumerate(labels, 1)}
    out: list[Quad] = []
    for s, encoded_p, o in triples:
        p, g = decode[cast(URIRef, encoded_p)]
        out.append((short_label.get(cast(BNode, s), s), p, short_label.get(cast(BNode, o), o), g))
    return out


def canonical(ds: Dataset) -> Dataset:
    """The same dataset in a canonical form: blank nodes labelled by content, ``xsd:string`` literals plain,
    fmkg's prefixes bound and the quads added in sorted order."""
    quads: list[Quad] = []
    for s, p, o, g in ds.quads((None, None, None, None)):
        if isinstance(o, Literal) and o.datatype == XSD.string and not o.language:
            o = Literal(str(o))  # "x"^^xsd:string is "x" in RDF 1.1; some stores add the datatype, some not
        quads.append((s, p, o, DATASET_DEFAULT_GRAPH_ID if g is None else g))
    if any(isinstance(term, BNode) for quad in quads for term in quad[:3]):
        quads = _canonical_bnodes(quads)
    out = _new_dataset()
    for quad in sorted(quads, key=_quad_key):
        out.graph(quad[3]).add(quad[:3])
    return out


def prepare(ds: Dataset, *, part: str = "all", infer: bool = False) -> Dataset:
    """What an export writes: the graphs of ``part``, with ``graph:inferred`` if asked, in canonical form."""
    selected = select(ds, part)
    if infer:
        add_inferred(selected, ds)
    return canonical(selected)


def write(prepared: Dataset, fmt: str) -> str | bytes:
    """Run the writer of format ``fmt`` on a dataset from :func:`prepare`; a failure is an :class:`ExportError`."""
    spec = get_format(fmt)
    try:
        return spec.writer(prepared)
    except FmkgError:
        raise
    except Exception as exc:
        raise ExportError(f"cannot write {fmt}: {' '.join(str(exc).split()) or type(exc).__name__}") from exc


def export(ds: Dataset, fmt: str, *, part: str = "all", infer: bool = False) -> str | bytes:
    """Export ``ds`` (or one part of it) in format ``fmt``; with ``infer``, add the graph ``graph:inferred``."""
    get_format(fmt)
    return write(prepare(ds, part=part, infer=infer), fmt)


# ---------------------------------------------------------------------------------------------
# Prefixes and the JSON-LD context
# ---------------------------------------------------------------------------------------------


@cache
def context() -> dict[str, Any]:
    """The shipped JSON-LD context (the object under ``@context``)."""
    return cast(dict[str, Any], json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))["@context"])


@cache
def prefixes() -> dict[str, str]:
    """The prefixes every export binds: fmkg's own, then the extra ones of the JSON-LD context."""
    extra = {k: v for k, v in context().items() if isinstance(v, str) and v.endswith(("/", "#"))}
    return {**PREFIXES, **{k: v for k, v in sorted(extra.items()) if k not in PREFIXES}}


@cache
def _terms() -> dict[str, str]:
    """IRI of a property -> its short key in the context (``fm:developer`` -> ``developer``)."""
    ctx = context()
    out: dict[str, str] = {}
    for term, value in ctx.items():
        iri = value.get("@id") if isinstance(value, dict) else value
        if term.startswith("@") or not isinstance(iri, str) or iri.startswith("@") or iri.endswith(("/", "#")):
            continue
        out[_expand(iri)] = term
    return out


def _expand(curie: str) -> str:
    prefix, sep, local = curie.partition(":")
    ns = prefixes().get(prefix)
    return ns + local if sep and ns is not None else curie


def curie(iri: str) -> str:
    """``prefix:local`` for an IRI in a bound namespace, else the IRI itself."""
    best = ""
    for prefix, ns in prefixes().items():
        if iri.startswith(ns) and len(iri) > len(ns) and len(ns) > len(prefixes().get(best, "")):
            best = prefix
    return f"{best}:{iri[len(prefixes()[best]) :]}" if best else iri


def short(iri: str) -> str:
    """The context's short key for a property (``releaseDate``), else its CURIE, else the IRI."""
    return _terms().get(iri) or curie(iri)


def _new_dataset() -> Dataset:
    ds = Dataset()
    ds.namespace_manager = NamespaceManager(ds, bind_namespaces="none")
    for prefix, ns in prefixes().items():
        ds.bind(prefix, ns, override=True, replace=True)
    return ds


def _merged(ds: Dataset) -> Graph:
    """The triples of all graphs in one graph, with the export prefixes bound."""
    g = Graph(bind_namespaces="none")
    for prefix, ns in prefixes().items():
        g.bind(prefix, ns, override=True, replace=True)
    for s, p, o, _ in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    return g


def _graph_name(g: IdentifiedNode | None) -> IdentifiedNode:
    return DATASET_DEFAULT_GRAPH_ID if g is None else g


# ---------------------------------------------------------------------------------------------
# RDF writers. fmkg writes the RDF syntaxes itself: rdflib's serialisers iterate sets (so their order
# changes from run to run) and rewrite some literals (Turtle writes an xsd:double with 6 digits; JSON-LD
# turns typed literals into JSON numbers), and an export must keep every term exactly.
# ---------------------------------------------------------------------------------------------

_IRI_UNSAFE = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_PN_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?\Z")
#: Turtle's shorthand for these datatypes reads back with the same lexical form only if it matches.
_SHORTHAND = {
    XSD.integer: re.compile(r"[+-]?[0-9]+\Z"),
    XSD.decimal: re.compile(r"[+-]?[0-9]*\.[0-9]+\Z"),
    XSD.double: re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+\Z"),
    XSD.boolean: re.compile(r"(?:true|false)\Z"),
}


def _iriref(iri: str) -> str:
    return "<" + _IRI_UNSAFE.sub(lambda m: f"\\u{ord(m[0]):04X}", iri) + ">"


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


def nt_term(term: Node) -> str:
    """A term in N-Triples syntax (also valid Turtle): ``<iri>``, ``_:label`` or a quoted literal."""
    if isinstance(term, Literal):
        if term.language:
            return f"{_quoted(str(term))}@{term.language}"
        if term.datatype:
            return f"{_quoted(str(term))}^^{_iriref(str(term.datatype))}"
        return _quoted(str(term))
    if isinstance(term, BNode):
        return f"_:{term}"
    return _iriref(str(term))


def _sorted_lines(lines: Iterable[str]) -> str:
    return "".join(f"{line}\n" for line in sorted(set(lines)))


def write_ntriples(ds: Dataset) -> str:
    """N-Triples of the merged graphs, one sorted line per triple."""
    return _sorted_lines(
        f"{nt_term(s)} {nt_term(p)} {nt_term(o)} ." for s, p, o, _ in ds.quads((None, None, None, None))
    )


def write_nquads(ds: Dataset) -> str:
    """N-Quads, one sorted line per quad; the named graphs are kept."""
    lines = []
    for s, p, o, g in ds.quads((None, None, None, None)):
        name = "" if _graph_name(g) == DATASET_DEFAULT_GRAPH_ID else f" {nt_term(_graph_name(g))}"
        lines.append(f"{nt_term(s)} {nt_term(p)} {nt_term(o)}{name} .")
    return _sorted_lines(lines)


class _TurtleWriter:
    """Turtle statements grouped by subject, with prefixed names where they are valid."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.namespaces = sorted(prefixes().items(), key=lambda kv: (-len(kv[1]), kv[0]))

    def name(self, iri: str) -> str:
        for prefix, ns in self.namespaces:
            if iri.startswith(ns) and _PN_LOCAL.match(iri[len(ns) :]):
                self.used.add(prefix)
                return f"{prefix}:{iri[len(ns) :]}"
        return _iriref(iri)

    def term(self, term: Node) -> str:
        if isinstance(term, URIRef):
            return self.name(str(term))
        if isinstance(term, Literal) and term.datatype and not term.language:
            pattern = _SHORTHAND.get(term.datatype)
            if pattern is not None and pattern.match(str(term)):
                return str(term)
            return f"{_quoted(str(term))}^^{self.name(str(term.datatype))}"
        return nt_term(term)

    def statements(self, triples: Iterable[tuple[Node, Node, Node]]) -> list[str]:
        """One statement per subject, subjects and properties sorted, ``rdf:type`` first as ``a``."""
        by_subject: dict[Node, dict[Node, list[Node]]] = defaultdict(lambda: defaultdict(list))
        for s, p, o in triples:
            by_subject[s][p].append(o)
        out = []
        for s in sorted(by_subject, key=lambda n: n.n3()):
            props = by_subject[s]
            parts = []
            for p in sorted(props, key=lambda n: (n != RDF.type, str(n))):
                verb = "a" if p == RDF.type else self.name(str(p))
                objects = sorted({self.term(o) for o in props[p]})
                parts.append(f"{verb} " + ",\n        ".join(objects))
            out.append(f"{self.term(s)} " + " ;\n    ".join(parts) + " .\n")
        return out

    def header(self) -> str:
        return "".join(f"@prefix {p}: <{prefixes()[p]}> .\n" for p in sorted(self.used))


def write_turtle(ds: Dataset) -> str:
    """Turtle of the merged graphs: subjects and properties sorted, only the prefixes that are used."""
    writer = _TurtleWriter()
    body = writer.statements((s, p, o) for s, p, o, _ in ds.quads((None, None, None, None)))
    return writer.header() + "\n" + "\n".join(body)


def write_trig(ds: Dataset) -> str:
    """TriG: each named graph, in IRI order, as a block of Turtle statements; prefixes once at the top."""
    by_graph: dict[IdentifiedNode, list[tuple[Node, Node, Node]]] = defaultdict(list)
    for s, p, o, g in ds.quads((None, None, None, None)):
        by_graph[_graph_name(g)].append((s, p, o))
    writer = _TurtleWriter()
    blocks = []
    for name in sorted(by_graph, key=lambda n: n.n3()):
        body = "\n".join(writer.statements(by_graph[name]))
        indented = "".join(f"    {line}\n" if line else "\n" for line in body.splitlines())
        label = "" if name == DATASET_DEFAULT_GRAPH_ID else f"{nt_term(name)} "
        blocks.append(f"{label}{{\n{indented}}}\n")
    return writer.header() + "\n" + "\n".join(blocks)


@cache
def _jsonld_terms() -> dict[str, tuple[str, str | None]]:
    """IRI of a property -> (its key in the context, its coercion: ``@id``, a datatype IRI or None)."""
    out: dict[str, tuple[str, str | None]] = {}
    for term, value in context().items():
        if term.startswith("@") or (isinstance(value, str) and (value.startswith("@") or value.endswith(("/", "#")))):
            continue
        iri, coerce = (value, None) if isinstance(value, str) else (value["@id"], value.get("@type"))
        out[_expand(iri)] = (term, coerce if coerce in (None, "@id") else _expand(coerce))
    return out


@cache
def _jsonld_prefixes() -> list[tuple[str, str]]:
    ctx = context()
    found = [(k, v) for k, v in ctx.items() if isinstance(v, str) and v.endswith(("/", "#")) and not k.startswith("@")]
    return sorted(found, key=lambda kv: (-len(kv[1]), kv[0]))


def _jsonld_iri(term: Node) -> str:
    """A node reference: ``_:label``, a compact IRI with a prefix of the context, else the IRI."""
    if isinstance(term, BNode):
        return f"_:{term}"
    iri = str(term)
    for prefix, ns in _jsonld_prefixes():
        local = iri[len(ns) :]
        if iri.startswith(ns) and local and not local.startswith("//"):
            return f"{prefix}:{local}"
    return iri


def _jsonld_value(term: Node) -> Any:
    if not isinstance(term, Literal):
        return {"id": _jsonld_iri(term)}
    if term.language:
        if term.language == context().get("@language"):
            return str(term)
        return {"@language": term.language, "@value": str(term)}
    if term.datatype:
        return {"@value": str(term), "type": _jsonld_iri(term.datatype)}
    return {"@value": str(term)}


def _jsonld_entry(p: Node, o: Node) -> tuple[str, Any]:
    """The key and value of one statement in compact form, by the terms of the context."""
    if p == RDF.type and not isinstance(o, Literal):
        return "type", _jsonld_iri(o)
    term, coerce = _jsonld_terms().get(str(p), ("", None))
    if term:
        if coerce == "@id" and not isinstance(o, Literal):
            return term, _jsonld_iri(o)
        if isinstance(o, Literal) and coerce not in (None, "@id") and str(o.datatype) == coerce:
            return term, str(o)
        if coerce is None:
            return term, _jsonld_value(o)
    return _jsonld_iri(p), _jsonld_value(o)


def write_jsonld(ds: Dataset) -> str:
    """Compact JSON-LD of the merged graphs with fmkg's context inline; nodes, keys and values sorted."""
    nodes: dict[Node, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for s, p, o, _ in ds.quads((None, None, None, None)):
        key, value = _jsonld_entry(p, o)
        nodes[s][key].append(value)
    graph = []
    for s in sorted(nodes, key=lambda n: n.n3()):
        node: dict[str, Any] = {"id": _jsonld_iri(s)}
        for key, values in nodes[s].items():
            unique = sorted({_dump(v): v for v in values}.items())
            node[key] = unique[0][1] if len(unique) == 1 else [v for _, v in unique]
        graph.append(node)
    doc = {"@context": context(), "@graph": graph}
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _bind_predicates(g: Graph) -> None:
    """Give namespaces without a prefix their generated ``nsN`` prefixes in sorted order (stable)."""
    nm = g.namespace_manager
    for p in sorted({p for _, p, _ in g}, key=str):
        with contextlib.suppress(ValueError):  # no namespace/name split: reported by the writer
            nm.compute_qname_strict(str(p))


def write_rdfxml(ds: Dataset) -> str:
    """RDF/XML of the merged graphs: one ``rdf:Description`` per subject, subjects and properties sorted."""
    g = _merged(ds)
    _bind_predicates(g)
    nm = g.namespace_manager
    by_subject: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
    for s, p, o in g:
        by_subject[s].append((p, o))
    qnames: dict[Node, tuple[str, str, str]] = {}
    for p in {p for _, p, _ in g}:
        try:
            qnames[p] = nm.compute_qname_strict(str(p))
        except ValueError as exc:
            raise ExportError(f"RDF/XML cannot write the property <{p}>: it has no namespace/name split") from exc
    used = {prefix: str(ns) for prefix, ns, _ in qnames.values()}
    used["rdf"] = str(RDF)
    out = ['<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF']
    out += [f"\n   xmlns:{prefix}={quoteattr(ns)}" for prefix, ns in sorted(used.items())]
    out.append(">\n")
    for s in sorted(by_subject, key=lambda n: n.n3()):
        about = f"rdf:nodeID={quoteattr(str(s))}" if isinstance(s, BNode) else f"rdf:about={quoteattr(str(s))}"
        out.append(f"  <rdf:Description {about}>\n")
        for p, o in sorted(by_subject[s], key=lambda po: (po[0].n3(), po[1].n3())):
            prefix, _, local = qnames[p]
            tag = f"{prefix}:{local}"
            if isinstance(o, Literal):
                attrs = f" xml:lang={quoteattr(o.language)}" if o.language else ""
                attrs += f" rdf:datatype={quoteattr(str(o.datatype))}" if o.datatype else ""
                out.append(f"    <{tag}{attrs}>{escape(str(o))}</{tag}>\n")
            elif isinstance(o, BNode):
                out.append(f"    <{tag} rdf:nodeID={quoteattr(str(o))}/>\n")
            else:
                out.append(f"    <{tag} rdf:resource={quoteattr(str(o))}/>\n")
        out.append("  </rdf:Description>\n")
    out.append("</rdf:RDF>\n")
    return "".join(out)


def _hext_term(term: Node) -> str:
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def write_hextuples(ds: Dataset) -> str:
    """HexTuples (https://github.com/ontola/hextuples): one JSON array per quad and line, lines sorted.

    The six strings are subject, predicate, value, datatype, language and graph. The datatype of an
    IRI object is ``globalId``, of a blank node ``localId``; a language-tagged literal has
    ``rdf:langString``, a plain one ``xsd:string``; the default graph is ``""``.
    """
    lines = set()
    for s, p, o, g in ds.quads((None, None, None, None)):
        if isinstance(o, Literal):
            datatype = str(o.datatype or (RDF.langString if o.language else XSD.string))
            row = [_hext_term(s), str(p), str(o), datatype, o.language or ""]
        else:
            row = [_hext_term(s), str(p), _hext_term(o), "localId" if isinstance(o, BNode) else "globalId", ""]
        row.append("" if g is None or g == DATASET_DEFAULT_GRAPH_ID else _hext_term(g))
        lines.add(json.dumps(row, ensure_ascii=False))
    return "".join(f"{line}\n" for line in sorted(lines))


# ---------------------------------------------------------------------------------------------
# Graph-tool writers: a property graph of entities and the links between them
# ---------------------------------------------------------------------------------------------

NODE_COLUMNS = ("id", "label", "class")
EDGE_COLUMNS = ("source", "target", "predicate", "label")
MULTI_SEPARATOR = " | "


@dataclass(frozen=True)
class PropertyGraph:
    """Entities as nodes with literal attributes, and object-property triples between them as edges.

    A node is every IRI or blank node that is the subject of a triple; its ``id`` is the IRI (``_:x``
    for a blank node). ``label`` is its English ``rdfs:label`` (else any label, else the CURIE),
    ``class`` its ``rdf:type`` values as CURIEs, and each other property whose value is a literal or an
    IRI that is not a node becomes an attribute named by its short key (``releaseDate``, ``source``).
    Several values are sorted and joined with ``" | "``. An edge is a triple between two nodes, other
    than ``rdf:type``, with the predicate's IRI and short key. Everything is a string, in sorted order.
    """

    nodes: dict[str, dict[str, str]]
    edges: list[dict[str, str]]

    @property
    def attributes(self) -> list[str]:
        """The node attribute names: ``label`` and ``class`` first, then the others sorted."""
        names = {k for attrs in self.nodes.values() for k in attrs} - set(NODE_COLUMNS)
        return ["label", "class", *sorted(names)]


def _node_id(term: Node) -> str:
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def _label(iri: Node, values: list[Literal]) -> str:
    def rank(lit: Literal) -> tuple[int, str]:
        return (0 if (lit.language or "").lower().startswith("en") else 1, str(lit))

    return str(min(values, key=rank)) if values else curie(_node_id(iri))


def property_graph(ds: Dataset) -> PropertyGraph:
    """The property-graph view of the merged graphs (see :class:`PropertyGraph`)."""
    g = _merged(ds)
    subjects = {s for s in g.subjects() if not isinstance(s, Literal)}
    attrs: dict[Node, dict[str, set[str]]] = {s: defaultdict(set) for s in subjects}
    labels: dict[Node, list[Literal]] = defaultdict(list)
    pref: dict[Node, list[Literal]] = defaultdict(list)
    edges: list[dict[str, str]] = []
    for s, p, o in g:
        if p == RDF.type:
            attrs[s]["class"].add(curie(str(o)) if isinstance(o, URIRef) else _node_id(o))
        elif o in subjects:
            edges.append({"source": _node_id(s), "target": _node_id(o), "predicate": str(p), "label": short(str(p))})
        elif p == RDFS.label and isinstance(o, Literal):
            labels[s].append(o)
        else:
            if p == SKOS.prefLabel and isinstance(o, Literal):
                pref[s].append(o)
            attrs[s][short(str(p))].add(str(o))
    nodes: dict[str, dict[str, str]] = {}
    for s in sorted(subjects, key=_node_id):
        row = {"label": _label(s, labels[s] or pref[s])}
        row.update({k: MULTI_SEPARATOR.join(sorted(v)) for k, v in sorted(attrs[s].items())})
        row.setdefault("class", "")
        nodes[_node_id(s)] = row
    edges.sort(key=lambda e: (e["source"], e["predicate"], e["target"]))
    return PropertyGraph(nodes, edges)


def to_networkx(pg: PropertyGraph) -> Any:
    """A ``networkx.MultiDiGraph`` of the property graph, nodes and edges inserted in sorted order."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    for node, attrs in pg.nodes.items():
        graph.add_node(node, **attrs)
    for i, edge in enumerate(pg.edges):
        graph.add_edge(edge["source"], edge["target"], key=f"e{i}", predicate=edge["predicate"], label=edge["label"])
    return graph


def write_graphml(ds: Dataset) -> bytes:
    """GraphML of the property graph (networkx)."""
    import networkx as nx

    buf = io.BytesIO()
    nx.write_graphml(to_networkx(property_graph(ds)), buf, encoding="utf-8")
    return buf.getvalue()


def write_gexf(ds: Dataset) -> bytes:
    """GEXF of the property graph (networkx), without the day-dependent ``lastmodifieddate``."""
    import networkx as nx

    buf = io.BytesIO()
    nx.write_gexf(to_networkx(property_graph(ds)), buf, encoding="utf-8")
    return re.sub(rb' lastmodifieddate="[^"]*"', b"", buf.getvalue(), count=1)


def _csv(header: Iterable[str], rows: Iterator[list[str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(list(header))
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def write_csv(ds: Dataset) -> bytes:
    """A zip archive of two CSV tables, ``nodes.csv`` and ``edges.csv``, of the property graph.

    ``nodes.csv`` has the columns ``id``, ``label``, ``class`` and one per other attribute;
    ``edges.csv`` has ``source``, ``target``, ``predicate`` and ``label``. The archive's entries are
    stored uncompressed with a fixed date, so the bytes depend on the graph only.
    """
    pg = property_graph(ds)
    columns = pg.attributes
    nodes = _csv(["id", *columns], ([node, *(attrs.get(c, "") for c in columns)] for node, attrs in pg.nodes.items()))
    edges = _csv(EDGE_COLUMNS, ([e[c] for c in EDGE_COLUMNS] for e in pg.edges))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, content in (("nodes.csv", nodes), ("edges.csv", edges)):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, content)
    return buf.getvalue()


REGISTRY: dict[str, Format] = {
    f.name: f
    for f in (
        Format("turtle", "ttl", "text/turtle", "rdf", write_turtle, description="Turtle, all graphs merged"),
        Format("ntriples", "nt", "application/n-triples", "rdf", write_ntriples, description="N-Triples, sorted"),
        Format("nquads", "nq", "application/n-quads", "rdf", write_nquads, True, "N-Quads, sorted, graphs kept"),
        Format("trig", "trig", "application/trig", "rdf", write_trig, True, "TriG, named graphs kept"),
        Format("jsonld", "jsonld", "application/ld+json", "rdf", write_jsonld, description="compact JSON-LD"),
        Format("rdfxml", "rdf", "application/rdf+xml", "rdf", write_rdfxml, description="RDF/XML"),
        Format(
            "hextuples",
            "hext",
            "application/hex+x-ndjson",
            "rdf",
            write_hextuples,
            True,
            "HexTuples NDJSON, graphs kept",
        ),
        Format("graphml", "graphml", "application/graphml+xml", "graph", write_graphml, description="GraphML"),
        Format("gexf", "gexf", "application/gexf+xml", "graph", write_gexf, description="GEXF (Gephi)"),
        Format("csv", "zip", "application/zip", "graph", write_csv, description="zip of nodes.csv and edges.csv"),
    )
}
