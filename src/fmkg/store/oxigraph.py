"""The Oxigraph backend: the graph in a pyoxigraph store, on disk (the default) or in memory.

Layout of the store, which gives SPARQL's set semantics natively:

- every source file is one **named graph** (``graph:data/core``, ...), so ``GRAPH ?g`` tells where a
  fact comes from;
- the **default graph holds the merge** of the named graphs, each distinct triple once. Queries read it
  as their default graph, so ``COUNT`` counts a fact stated by three sources once, as on every other
  SPARQL store. (Oxigraph's union default graph would count it three times.)

Because of that layout, ``oxigraph serve --location STORE/oxigraph`` answers every query as fmkg does.
"""

from __future__ import annotations

import gc
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from fmkg.errors import QueryError, QuerySyntaxError
from fmkg.rdf import parse
from fmkg.rdf.namespaces import PREFIXES
from fmkg.rdf.sources import graph_iri
from fmkg.rdf.terms import from_ox, to_ox
from fmkg.store.results import QueryResult, row_type

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rdflib import Dataset
    from rdflib.term import Node

#: Stores up to this many triples are compacted after loading (cheap, and reads get faster).
OPTIMIZE_UP_TO = 2_000_000

_POSITION = re.compile(r"error at (\d+):(\d+): (.*)", re.S)


def _both(quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
    """Each quad of a source, then its triple in the default graph (the merge)."""
    import pyoxigraph as ox

    default = ox.DefaultGraph()
    for q in quads:
        yield q
        yield ox.Quad(q.subject, q.predicate, q.object, default)


def load_files(store: ox.Store, files: Sequence[Path]) -> list[dict[str, object]]:
    """Load each file into its named graph and into the default graph; return what was loaded.

    A file without blank nodes is bulk-loaded twice by pyoxigraph's own loader (about 1.5 times as fast
    as passing every quad through Python); a file with them is parsed once and each quad written twice,
    so that both copies share the same blank nodes.
    """
    import pyoxigraph as ox

    loaded = []
    for path in files:
        graph = graph_iri(path)
        parse.check_file(path)
        if parse.may_have_blank_nodes(path):
            store.bulk_extend(_both(parse.quads(path, graph)))
        else:
            parse.bulk_load(store, path, ox.NamedNode(graph))
            parse.bulk_load(store, path, ox.DefaultGraph())
        count = _count(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        loaded.append({"path": str(path.resolve()), "graph": graph, "triples": count})
    return loaded


def count_merged(store: ox.Store) -> int:
    """Distinct triples of the merge (the default graph)."""
    return _count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")


def _count(store: ox.Store, text: str) -> int:
    """The number a one-cell COUNT query gives."""
    import pyoxigraph as ox

    result = store.query(text)
    assert isinstance(result, ox.QuerySolutions)
    cell = next(iter(result))[0]
    assert isinstance(cell, ox.Literal)
    return int(cell.value)


def create(folder: Path) -> ox.Store:
    """A new, writable store in ``folder``."""
    import pyoxigraph as ox

    return ox.Store(str(folder))


def finish(store: ox.Store, triples: int) -> None:
    """Flush a store that is built, compact it when small, and let it go (readers open it read-only)."""
    store.flush()
    if triples <= OPTIMIZE_UP_TO:
        store.optimize()
    del store
    gc.collect()


class OxigraphBackend:
    """Queries and reads on a pyoxigraph store laid out as the module docstring says."""

    name = "oxigraph"

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self._dataset: Dataset | None = None

    @classmethod
    def open(cls, folder: Path) -> OxigraphBackend:
        """Open a built store read-only (many processes may read it at once)."""
        import pyoxigraph as ox

        try:
            return cls(ox.Store.read_only(str(folder)))
        except (OSError, RuntimeError) as exc:  # missing files; RocksDB's "Corruption: ..."
            from fmkg.errors import LoadError

            raise LoadError(folder, f"cannot open the store: {' '.join(str(exc).split())}") from None

    def copied_to_memory(self) -> OxigraphBackend:
        """The same quads (named graphs and the merge) in a store in memory."""
        import pyoxigraph as ox

        store = ox.Store()
        store.bulk_extend(self.store.quads_for_pattern(None, None, None, None))
        return OxigraphBackend(store)

    @classmethod
    def in_memory(cls, files: Sequence[Path]) -> tuple[OxigraphBackend, list[dict[str, object]]]:
        """A store in memory with ``files`` loaded."""
        import pyoxigraph as ox

        store = ox.Store()
        return cls(store), load_files(store, files)

    # --- SPARQL -------------------------------------------------------------------------------------

    def run(self, text: str, *, source: str, max_rows: int | None = None) -> QueryResult:
        """Evaluate a query (already checked and with its values in place) on the merge."""
        import pyoxigraph as ox

        try:
            answer = self.store.query(text, prefixes=PREFIXES)
            if isinstance(answer, ox.QueryBoolean):
                return QueryResult("ASK", askAnswer=bool(answer))
            limit = None if max_rows is None else max_rows + 1
            if isinstance(answer, ox.QuerySolutions):
                names = [v.value for v in answer.variables]
                row = row_type(names)
                rows = [
                    row(None if v is None else from_ox(v) for v in solution)
                    for solution in itertools.islice(answer, limit)
                ]
                result = QueryResult("SELECT", vars=names, rows=rows)
                if max_rows is not None and len(rows) > max_rows:
                    result.rows, result.truncated = rows[:max_rows], True
                return result
            triples = [
                (from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)) for t in itertools.islice(answer, limit)
            ]
            form = "DESCRIBE" if _is_describe(text) else "CONSTRUCT"
            result = QueryResult(form, triples=triples)
            if max_rows is not None and len(triples) > max_rows:
                result.triples, result.truncated = triples[:max_rows], True
            return result
        except SyntaxError as exc:
            message = " ".join(str(exc.msg or exc).split())
            if m := _POSITION.match(message):
                raise QuerySyntaxError(source, m[3], int(m[1]), int(m[2])) from None
            raise QuerySyntaxError(source, message) from None
        except (OSError, ValueError, TypeError) as exc:
            raise QueryError(f"{source}: query failed: {' '.join(str(exc).split())}") from None

    def solutions(self, text: str) -> Iterator[tuple[ox.NamedNode | ox.BlankNode | ox.Literal | None, ...]]:
        """The rows of one of fmkg's own SELECT queries, as pyoxigraph terms (for bulk reads)."""
        import pyoxigraph as ox

        answer = self.store.query(text, prefixes=PREFIXES)
        assert isinstance(answer, ox.QuerySolutions)
        for solution in answer:
            yield tuple(solution)

    # --- reading ------------------------------------------------------------------------------------

    def triples(self, s: Node | None, p: Node | None, o: Node | None) -> Iterator[tuple[Node, Node, Node]]:
        """Triples of the merge matching a pattern (None matches anything)."""
        import pyoxigraph as ox

        try:
            pattern = [None if t is None else to_ox(t) for t in (s, p, o)]
        except ValueError:
            return
        subject, predicate, obj = pattern
        for q in self.store.quads_for_pattern(subject, predicate, obj, ox.DefaultGraph()):  # type: ignore[arg-type]
            yield from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)

    def quads(self, graphs: Iterable[str] | None = None) -> Iterator[ox.Quad]:
        """The quads of the named graphs (all, or those named)."""
        import pyoxigraph as ox

        if graphs is None:
            for g in sorted(self.graph_names()):
                yield from self.store.quads_for_pattern(None, None, None, ox.NamedNode(g))
            return
        for g in graphs:
            yield from self.store.quads_for_pattern(None, None, None, ox.NamedNode(g))

    def merged(self) -> Iterator[ox.Triple]:
        """The triples of the merge."""
        import pyoxigraph as ox

        for q in self.store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
            yield q.triple

    def graph_names(self) -> list[str]:
        """The IRIs of the named graphs."""
        return sorted(str(g.value) for g in self.store.named_graphs())

    @property
    def dataset(self) -> Dataset:
        """An rdflib ``Dataset`` over the same store (oxrdflib): its default graph is the merge."""
        if self._dataset is None:
            from oxrdflib import OxigraphStore
            from rdflib import Dataset

            ds = Dataset(store=OxigraphStore(store=self.store), default_union=False)
            for prefix, ns in PREFIXES.items():
                ds.bind(prefix, ns, override=True, replace=True)
            self._dataset = ds
        return self._dataset

    def close(self) -> None:
        self._dataset = None
        self.store = None  # type: ignore[assignment]
        gc.collect()


def _is_describe(text: str) -> bool:
    from fmkg.sparql.text import tokens

    return next((t.keyword for t in tokens(text) if t.keyword in ("CONSTRUCT", "DESCRIBE")), "") == "DESCRIBE"
