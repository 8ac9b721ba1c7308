"""The one registry of formats: RDF syntaxes, SPARQL result formats and property-graph formats.

Everything that chooses a format derives from :data:`FORMATS`: the ``--format`` choices of every
command, reading files by suffix, the server's content negotiation and service description, the
Content-Type of remote requests and the file names of ``exports/``. A format has one canonical name
and the other names the field writes (``nt``, ``ttl``, ``xml``, ``json-ld``, ``nq``, ...).

Kinds:

- ``graph``: an RDF syntax for triples (Turtle, N-Triples, RDF/XML, JSON-LD);
- ``dataset``: an RDF syntax that keeps named graphs (N-Quads, TriG, HexTuples);
- ``results``: SPARQL 1.1 query results (JSON, XML, CSV, TSV), and ``table`` for terminals;
- ``property-graph``: graph-tool formats of entities and links (GraphML, GEXF, a zip of CSV tables);
- ``page``: HTML, for the pages of entities that the server negotiates beside their RDF documents.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from fmkg.errors import FmkgError

if TYPE_CHECKING:
    from pyoxigraph import QueryResultsFormat, RdfFormat

Kind = Literal["graph", "dataset", "results", "property-graph", "page"]
W3C = "http://www.w3.org/ns/formats/"


@dataclass(frozen=True)
class Format:
    """A format: its names, media types, file suffixes and what reads and writes it.

    ``ox`` names the pyoxigraph ``RdfFormat`` or ``QueryResultsFormat`` member that parses or writes it;
    ``parse`` tells whether fmkg reads files in it; ``export`` whether ``fmkg export`` writes it.
    """

    name: str
    title: str
    kind: Kind
    media_type: str
    suffixes: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    media_aliases: tuple[str, ...] = ()
    ox: str | None = None
    parse: bool = False
    export: bool = False
    w3c: str | None = None

    @property
    def suffix(self) -> str:
        """The suffix files of this format are written with (``.ttl``)."""
        return self.suffixes[0] if self.suffixes else ""

    @property
    def names(self) -> tuple[str, ...]:
        """Every name a user may give for this format."""
        return (self.name, *self.aliases)

    @property
    def is_rdf(self) -> bool:
        return self.kind in ("graph", "dataset")

    def rdf_format(self) -> RdfFormat:
        """The pyoxigraph ``RdfFormat`` of an RDF syntax."""
        import pyoxigraph as ox

        if self.ox is None or not self.is_rdf:
            raise FmkgError(f"{self.name} is not read or written by pyoxigraph")
        return getattr(ox.RdfFormat, self.ox)  # type: ignore[no-any-return]

    def results_format(self) -> QueryResultsFormat:
        """The pyoxigraph ``QueryResultsFormat`` of a SPARQL results format."""
        import pyoxigraph as ox

        if self.ox is None or self.kind != "results":
            raise FmkgError(f"{self.name} is not a SPARQL results format of pyoxigraph")
        return getattr(ox.QueryResultsFormat, self.ox)  # type: ignore[no-any-return]


FORMATS: tuple[Format, ...] = (
    Format("turtle", "Turtle", "graph", "text/turtle", (".ttl",), ("ttl",),
           ("application/x-turtle",), "TURTLE", parse=True, export=True, w3c="Turtle"),
    Format("ntriples", "N-Triples", "graph", "application/n-triples", (".nt",), ("nt", "n-triples"),
           ("text/plain",), "N_TRIPLES", parse=True, export=True, w3c="N-Triples"),
    Format("nquads", "N-Quads", "dataset", "application/n-quads", (".nq",), ("nq", "n-quads"),
           (), "N_QUADS", parse=True, export=True, w3c="N-Quads"),
    Format("trig", "TriG", "dataset", "application/trig", (".trig",), (),
           ("application/x-trig",), "TRIG", parse=True, export=True, w3c="TriG"),
    Format("jsonld", "JSON-LD", "graph", "application/ld+json", (".jsonld",), ("json-ld",),
           ("application/json",), "JSON_LD", parse=True, export=True, w3c="JSON-LD"),
    Format("rdfxml", "RDF/XML", "graph", "application/rdf+xml", (".rdf", ".owl"), ("xml", "rdf", "rdf+xml", "owl"),
           ("application/xml", "text/xml"), "RDF_XML", parse=True, export=True, w3c="RDF_XML"),
    Format("hextuples", "HexTuples", "dataset", "application/hex+x-ndjson", (".hext",), ("hext",),
           (), None, export=True),
    Format("table", "aligned text table", "results", "text/plain", (".txt",), ("text",)),
    Format("json", "SPARQL 1.1 Query Results JSON", "results", "application/sparql-results+json", (".srj", ".json"),
           ("srj",), ("application/json",), "JSON", w3c="SPARQL_Results_JSON"),
    Format("xml", "SPARQL 1.1 Query Results XML", "results", "application/sparql-results+xml", (".srx", ".xml"),
           ("srx",), ("application/xml", "text/xml"), "XML", w3c="SPARQL_Results_XML"),
    Format("csv", "SPARQL 1.1 Query Results CSV", "results", "text/csv", (".csv",), (),
           (), "CSV", w3c="SPARQL_Results_CSV"),
    Format("tsv", "SPARQL 1.1 Query Results TSV", "results", "text/tab-separated-values", (".tsv",), (),
           (), "TSV", w3c="SPARQL_Results_TSV"),
    Format("graphml", "GraphML", "property-graph", "application/graphml+xml", (".graphml",), (), (), export=True),
    Format("gexf", "GEXF (Gephi)", "property-graph", "application/gexf+xml", (".gexf",), (), (), export=True),
    Format("csvzip", "zip of nodes.csv and edges.csv", "property-graph", "application/zip", (".zip",), ("csv", "zip"),
           (), export=True),
    Format("html", "HTML page", "page", "text/html", (".html",), ("htm",), ("application/xhtml+xml",)),
)  # fmt: skip

#: Kinds that hold RDF.
RDF_KINDS: tuple[Kind, ...] = ("graph", "dataset")


def select(
    *, kinds: Iterable[Kind] | None = None, parse: bool | None = None, export: bool | None = None
) -> list[Format]:
    """The formats of the given kinds (all when None) that parse or export as asked."""
    wanted = set(kinds) if kinds is not None else None
    return [
        f
        for f in FORMATS
        if (wanted is None or f.kind in wanted)
        and (parse is None or f.parse == parse)
        and (export is None or f.export == export)
    ]


def find(name: str, choices: Iterable[Format] = FORMATS, *, option: str = "--format") -> Format:
    """The format a user means by ``name`` (any of its names or its media type, in any case) among ``choices``."""
    offered = list(choices)
    key = name.strip().lower()
    for f in offered:
        if key in f.names or key == f.media_type:
            return f
    names = ", ".join(f.name for f in offered)
    raise FmkgError(f"{option} {name!r}: unknown format; choose from {names}")


def names(choices: Iterable[Format]) -> str:
    """The names of ``choices`` joined for a help text: ``turtle (ttl), ntriples (nt, n-triples), ...``."""
    return ", ".join(f.name + (f" ({', '.join(f.aliases)})" if f.aliases else "") for f in choices)


def by_suffix(path: Path) -> Format:
    """The RDF syntax of a file, from its suffix; a :class:`~fmkg.errors.LoadError` for an unknown one."""
    suffix = path.suffix.lower()
    for f in FORMATS:
        if f.parse and suffix in f.suffixes:
            return f
    from fmkg.errors import LoadError

    known = ", ".join(s for f in FORMATS if f.parse for s in f.suffixes)
    raise LoadError(path, f"unknown RDF file type {path.suffix or '(no suffix)'!r} (known: {known})")


def rdf_suffixes() -> tuple[str, ...]:
    """Every suffix of an RDF file fmkg reads."""
    return tuple(s for f in FORMATS if f.parse for s in f.suffixes)


def by_media_type(media_type: str, choices: Iterable[Format] = FORMATS) -> Format | None:
    """The format with this media type (or one of its aliases) among ``choices``, else None."""
    mime = media_type.split(";")[0].strip().lower()
    for f in choices:
        if mime == f.media_type:
            return f
    for f in choices:
        if mime in f.media_aliases:
            return f
    return None
