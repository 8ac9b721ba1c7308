"""The rdflib backend (``--store memory``): rdflib's in-memory store and its SPARQL engine.

Files are parsed by pyoxigraph into a scratch store first, exactly as for the Oxigraph backend, so
both backends hold the same terms (Oxigraph writes numbers in canonical form). The dataset's default
graph is the union of the named graphs, which rdflib evaluates with set semantics. rdflib never loads
``FROM`` graphs from the web here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from fmkg.errors import LoadError, QueryError, QuerySyntaxError
from fmkg.rdf import parse
from fmkg.rdf.namespaces import PREFIXES
from fmkg.rdf.sources import graph_iri
from fmkg.rdf.terms import from_ox, to_ox
from fmkg.store.results import QueryResult, row_type

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rdflib import Dataset
    from rdflib.term import Node

#: The most triples the rdflib backend loads (about 2 KB of memory each); past it, use Oxigraph.
MAX_TRIPLES = 3_000_000


def _syntax_error(source: str, exc: Exception) -> QuerySyntaxError:
    line = getattr(exc, "lineno", None)
    col = getattr(exc, "col", None)
    msg = getattr(exc, "msg", None) or str(exc)
    found = getattr(exc, "pstr", None)
    loc = getattr(exc, "loc", None)
    if isinstance(found, str) and isinstance(loc, int):
        near = found[loc : loc + 20].split("\n")[0]
        if near:
            msg += f", near {near!r}"
    return QuerySyntaxError(source, " ".join(str(msg).split()), line, col)


class MemoryBackend:
    """Queries on an rdflib ``Dataset`` in memory."""

    name = "memory"

    def __init__(self, ds: Dataset) -> None:
        self.ds = ds

    @classmethod
    def load(cls, files: Sequence[Path]) -> tuple[MemoryBackend, list[dict[str, object]]]:
        """Parse ``files`` into a new dataset, one named graph each."""
        import pyoxigraph as ox
        import rdflib.plugins.sparql
        from rdflib import Dataset, URIRef

        rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False  # FROM <iri> must never fetch <iri>
        scratch = ox.Store()
        for path in files:
            scratch.bulk_extend(parse.quads(path, graph_iri(path)))
            if len(scratch) > MAX_TRIPLES:
                raise LoadError(path, f"more than {MAX_TRIPLES:,} triples: too many for --store memory; use oxigraph")
        ds = Dataset(default_union=True)
        for prefix, ns in PREFIXES.items():
            ds.bind(prefix, ns, override=True, replace=True)

        def add(graph: str) -> int:
            target = ds.graph(URIRef(graph))
            target.addN(
                (from_ox(q.subject), from_ox(q.predicate), from_ox(q.object), target)
                for q in scratch.quads_for_pattern(None, None, None, ox.NamedNode(graph))
            )
            return len(target)

        loaded = []
        for path in files:
            graph = graph_iri(path)
            loaded.append({"path": str(path.resolve()), "graph": graph, "triples": add(graph)})
        # The named graphs of TriG and N-Quads files keep their names, as in the Oxigraph backend.
        own = {x["graph"] for x in loaded}
        for name in sorted(g.value for g in scratch.named_graphs()):
            if name not in own:
                add(name)
        return cls(ds), loaded

    def run(self, text: str, *, source: str, max_rows: int | None = None) -> QueryResult:
        """Evaluate a query (already checked and with its values in place) with rdflib's engine."""
        from pyparsing import ParseException

        try:
            answer = self.ds.query(text, initNs=PREFIXES)
        except ParseException as exc:
            raise _syntax_error(source, exc) from None
        except RecursionError:
            raise QueryError(f"{source}: the query is nested too deeply to evaluate") from None
        except Exception as exc:  # rdflib raises plain Exception for an unknown prefix, and more
            raise QuerySyntaxError(source, " ".join(str(exc).split())) from None
        try:
            if answer.type == "ASK":
                return QueryResult("ASK", askAnswer=bool(answer.askAnswer))
            if answer.type == "SELECT":
                names = [str(v) for v in answer.vars or []]
                row = row_type(names)
                rows = []
                for r in answer:
                    rows.append(row(r[i] for i in range(len(names))))  # type: ignore[index]
                    if max_rows is not None and len(rows) > max_rows:
                        return QueryResult("SELECT", vars=names, rows=rows[:max_rows], truncated=True)
                return QueryResult("SELECT", vars=names, rows=rows)
            graph = answer.graph
            assert graph is not None
            triples = list(graph)
            result = QueryResult(answer.type, triples=triples)
            if max_rows is not None and len(triples) > max_rows:
                result.triples, result.truncated = triples[:max_rows], True
            return result
        except RecursionError:
            raise QueryError(f"{source}: the query is nested too deeply to evaluate") from None
        except Exception as exc:
            raise QueryError(f"{source}: query failed: {' '.join(str(exc).split())}") from None

    def solutions(self, text: str) -> Iterator[tuple[ox.NamedNode | ox.BlankNode | ox.Literal | None, ...]]:
        """The rows of one of fmkg's own SELECT queries, as pyoxigraph terms (for bulk reads)."""
        for row in self.run(text, source="<internal>").rows:
            yield tuple(None if v is None else to_ox(v) for v in row)

    def triples(self, s: Node | None, p: Node | None, o: Node | None) -> Iterator[tuple[Node, Node, Node]]:
        """Triples of the merge matching a pattern (None matches anything)."""
        yield from self.ds.triples((s, p, o))

    def quads(self, graphs: Iterable[str] | None = None) -> Iterator[ox.Quad]:
        """The quads of the named graphs (all, or those named), as pyoxigraph quads for the writers."""
        import pyoxigraph as ox
        from rdflib import URIRef

        names = sorted(self.graph_names()) if graphs is None else list(graphs)
        for name in names:
            g = ox.NamedNode(name)
            for s, p, o in self.ds.graph(URIRef(name)):
                yield ox.Quad(to_ox(s), to_ox(p), to_ox(o), g)  # type: ignore[arg-type]

    def merged(self) -> Iterator[ox.Triple]:
        """The triples of the merge."""
        import pyoxigraph as ox

        for s, p, o in self.ds.triples((None, None, None)):
            yield ox.Triple(to_ox(s), to_ox(p), to_ox(o))  # type: ignore[arg-type]

    def graph_names(self) -> list[str]:
        from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

        return sorted(str(g.identifier) for g in self.ds.graphs() if g.identifier != DATASET_DEFAULT_GRAPH_ID)

    @property
    def dataset(self) -> Dataset:
        return self.ds

    def close(self) -> None:
        pass
