"""The knowledge graph object: one typed handle on the loaded graph, whatever store holds it.

:class:`KnowledgeGraph` owns the store choice. Every other module asks it for SPARQL answers
(:meth:`~KnowledgeGraph.query`), triples of the merge, quads of the named graphs, names and sizes, and
none of them knows which backend answers. Both backends follow the same data model: one named graph
per source file, and a default graph that is the merge of them (set semantics: a triple is there
once, however many sources state it).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from fmkg.sparql import text as sparqltext
from fmkg.store.results import QueryResult

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rdflib import Dataset, URIRef
    from rdflib.term import Node

    from fmkg.names.index import NameIndex
    from fmkg.store.lineage_index import LineageIndex


class Backend(Protocol):
    """What a store does for :class:`KnowledgeGraph` (:mod:`fmkg.store.oxigraph`, :mod:`fmkg.store.memory`)."""

    name: str

    def run(self, text: str, *, source: str, max_rows: int | None = None) -> QueryResult: ...
    def solutions(self, text: str) -> Iterator[tuple[ox.NamedNode | ox.BlankNode | ox.Literal | None, ...]]: ...
    def triples(self, s: Node | None, p: Node | None, o: Node | None) -> Iterator[tuple[Node, Node, Node]]: ...
    def quads(self, graphs: Iterable[str] | None = None) -> Iterator[ox.Quad]: ...
    def merged(self) -> Iterator[ox.Triple]: ...
    def graph_names(self) -> list[str]: ...
    @property
    def dataset(self) -> Dataset: ...
    def close(self) -> None: ...


@dataclass(frozen=True)
class Source:
    """A source file of the graph: where it is, the named graph it is in, and how many triples it holds."""

    path: str
    graph: str
    triples: int


#: The most triples of the merge a server copies into memory (the copy holds each one at least twice:
#: in its source's named graph and in the merge).
RESIDENT_TRIPLES = 2_000_000


@dataclass
class KnowledgeGraph:
    """The loaded graph: SPARQL with set semantics, its triples, named graphs and names.

    ``backend`` is ``oxigraph`` or ``memory``; ``location`` the folder of a persistent store (None in
    memory). ``triples`` counts the distinct triples of the merge.
    """

    impl: Backend
    sources: tuple[Source, ...]
    triples_count: int
    location: Path | None = None
    _names: NameIndex | None = field(default=None, repr=False)
    #: The name index kept with a persistent store this graph was copied from (see :meth:`resident`).
    names_file: Path | None = None
    #: Its lineage index, likewise.
    lineage_file: Path | None = None
    _lineage: LineageIndex | None = field(default=None, repr=False)

    @property
    def backend(self) -> str:
        """``oxigraph`` or ``memory``."""
        return self.impl.name

    def __len__(self) -> int:
        return self.triples_count

    # --- SPARQL ---------------------------------------------------------------------------------------

    def parse_query(self, text: str, *, source: str = "<query>", allow_service: bool = False) -> sparqltext.QueryInfo:
        """Check a query before it runs: its form, or an error for updates, SERVICE and runaway nesting."""
        return sparqltext.check(text, source=source, allow_service=allow_service)

    def query(
        self,
        text: str,
        bindings: Mapping[str, Node] | None = None,
        *,
        source: str = "<query>",
        max_rows: int | None = None,
        allow_service: bool = False,
    ) -> QueryResult:
        """Run a SPARQL query; ``bindings`` pre-bind variables to terms (as a VALUES block, never as text).

        The default graph is the merge of every source; ``GRAPH ?g`` reads the sources one by one.
        ``max_rows`` stops reading after that many rows or triples (``truncated`` is then set).
        """
        self.parse_query(text, source=source, allow_service=allow_service)
        sent = sparqltext.with_values(text, bindings) if bindings else text
        return self.impl.run(sent, source=source, max_rows=max_rows)

    def solutions(
        self, text: str, bindings: Mapping[str, Node] | None = None
    ) -> Iterator[tuple[ox.NamedNode | ox.BlankNode | ox.Literal | None, ...]]:
        """The rows of one of fmkg's own SELECT queries as pyoxigraph terms, for reads of many rows:
        no conversion to rdflib terms (which costs more than the query on large families)."""
        sent = sparqltext.with_values(text, bindings) if bindings else text
        return self.impl.solutions(sent)

    # --- reading --------------------------------------------------------------------------------------

    def triples(
        self, pattern: tuple[Node | None, Node | None, Node | None] = (None, None, None)
    ) -> Iterator[tuple[Node, Node, Node]]:
        """Triples of the merge matching ``(s, p, o)`` (None matches anything)."""
        return self.impl.triples(*pattern)

    def objects(self, subject: Node, predicate: Node) -> Iterator[Node]:
        """Objects of ``subject predicate ?o`` in the merge."""
        return (o for _, _, o in self.impl.triples(subject, predicate, None))

    def subject_objects(self, predicate: Node) -> Iterator[tuple[Node, Node]]:
        """``(s, o)`` of every ``s predicate o`` in the merge."""
        return ((s, o) for s, _, o in self.impl.triples(None, predicate, None))

    def subjects(self, predicate: Node, obj: Node) -> Iterator[Node]:
        """Subjects of ``?s predicate obj`` in the merge."""
        return (s for s, _, _ in self.impl.triples(None, predicate, obj))

    def __contains__(self, triple: tuple[Node, Node, Node]) -> bool:
        return next(self.impl.triples(*triple), None) is not None

    def quads(self, graphs: Iterable[str] | None = None) -> Iterator[ox.Quad]:
        """The quads of the named graphs (all, or those named), as pyoxigraph quads for the writers."""
        return self.impl.quads(graphs)

    def merged(self) -> Iterator[ox.Triple]:
        """The triples of the merge, as pyoxigraph triples for the writers."""
        return self.impl.merged()

    def graph_sizes(self) -> dict[str, int]:
        """Triples in each named graph, by graph IRI, sorted."""
        sizes = {s.graph: s.triples for s in self.sources}
        if any(name not in sizes for name in self.impl.graph_names()):  # graphs named inside TriG or N-Quads files
            counted = self.impl.run(
                "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", source="sizes"
            )
            for g, n in counted.rows:
                sizes.setdefault(str(g), int(str(n)))
        return dict(sorted(sizes.items()))

    def has_graph(self, graph: str | URIRef) -> bool:
        """Whether a named graph of this name is loaded."""
        return str(graph) in self.graph_sizes()

    @property
    def dataset(self) -> Dataset:
        """An rdflib ``Dataset`` view of the same data: one named graph per source; its default graph
        (or, on the memory store, its union) is the merge."""
        return self.impl.dataset

    # --- names ----------------------------------------------------------------------------------------

    @property
    def names(self) -> NameIndex:
        """The name index: kept with a persistent store, built in memory otherwise."""
        if self._names is None:
            from fmkg.names.index import NameIndex

            stored = self.names_file or (self.location / "names.sqlite" if self.location is not None else None)
            if stored is not None and stored.is_file():
                self._names = NameIndex.open(stored)
            else:
                self._names = build_names(self)
        return self._names

    @property
    def lineage_index(self) -> LineageIndex | None:
        """The lineage index kept with a persistent store (:mod:`fmkg.store.lineage_index`), else None."""
        if self._lineage is None:
            stored = self.lineage_file or (self.location / "lineage.sqlite" if self.location is not None else None)
            if stored is not None and stored.is_file():
                from fmkg.store.lineage_index import LineageIndex

                self._lineage = LineageIndex.open(stored)
        return self._lineage

    def label(self, iri: str | Node) -> str:
        """The name shown for an entity (the label rule of :mod:`fmkg.rdf.labels`), else its short IRI."""
        from fmkg.rdf.terms import shorten

        return self.names.label(str(iri)) or shorten(str(iri))

    def reopened(self) -> KnowledgeGraph:
        """The same graph for a new process (a server's worker): a persistent store is opened again,
        read-only; a graph in memory is shared as it is (copy-on-write after ``fork``)."""
        if self.location is None:
            return self
        from fmkg.store.oxigraph import OxigraphBackend

        return KnowledgeGraph(
            OxigraphBackend.open(self.location / "oxigraph"), self.sources, self.triples_count, self.location
        )

    def resident(self, limit: int = RESIDENT_TRIPLES) -> KnowledgeGraph:
        """This graph held in memory when a persistent store of at most ``limit`` triples: a server copies
        it once and its forked workers share the copy, which answers faster than reading the store on
        disk (on the shipped graph a sorted page of labels takes 13 ms instead of 40). Else ``self``."""
        from fmkg.store.oxigraph import OxigraphBackend

        if self.location is None or not isinstance(self.impl, OxigraphBackend) or self.triples_count > limit:
            return self
        names, lineage = self.location / "names.sqlite", self.location / "lineage.sqlite"
        return KnowledgeGraph(
            self.impl.copied_to_memory(), self.sources, self.triples_count, names_file=names, lineage_file=lineage
        )

    def close(self) -> None:
        """Let the store go (the object cannot be used afterwards)."""
        if self._names is not None:
            self._names.close()
            self._names = None
        if self._lineage is not None:
            self._lineage.close()
            self._lineage = None
        self.impl.close()

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def name_rows(kg: KnowledgeGraph) -> Iterator[tuple[str, str, str, str | None]]:
    """``(entity, property, text, language)`` of every label, preferred and alternative label and Hub id."""
    import pyoxigraph as ox

    from fmkg.sparql.library import internal_query

    for entity, prop, name in kg.impl.solutions(internal_query("labels")):
        if isinstance(name, ox.Literal) and entity is not None and prop is not None:
            yield entity.value, prop.value, name.value, name.language


def build_names(kg: KnowledgeGraph, path: Path | None = None) -> NameIndex:
    """Build the name index of ``kg`` (in ``path``, or in memory)."""
    from fmkg.names.index import NameIndex

    return NameIndex.build(name_rows(kg), path)
