"""Writing RDF. Every place that writes RDF goes through this module: exports, ``fmkg query`` graph
answers, the endpoint's graph answers, entity pages and the importers' Turtle.

First the quads are put in a **canonical form** (:func:`canonical`): each quad as its N-Quads line in
Oxigraph's canonical N-Triples term syntax, lines sorted in code-point order with duplicates dropped,
and blank nodes relabelled by RDFC-1.0 (pyoxigraph's canonicalisation), so that the same graph gives
the same lines in every run and on every store. Big inputs are sorted in runs spilled to temporary
files, so memory stays bounded. Then a writer turns the sorted lines into a syntax:

- N-Triples and N-Quads: the lines themselves;
- Turtle, TriG and RDF/XML: pyoxigraph's serialisers, fed the sorted quads (so subjects come grouped
  and in order) with fmkg's prefixes that the data uses;
- JSON-LD: compact JSON-LD with fmkg's context inline (:mod:`fmkg.rdf.jsonld`: pyoxigraph writes
  expanded JSON-LD only);
- HexTuples: one JSON array per quad (:mod:`fmkg.rdf.hextuples`).

Terms are never rewritten: the lexical form of every literal is written as the store holds it.
"""

from __future__ import annotations

import heapq
import io
import re
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from fmkg.errors import FmkgError
from fmkg.rdf.formats import Format
from fmkg.rdf.namespaces import PREFIXES

if TYPE_CHECKING:
    import pyoxigraph as ox

#: Lines sorted in memory before a run is spilled to a temporary file.
RUN_LINES = 2_000_000

XSD = "http://www.w3.org/2001/XMLSchema#"


class WriteError(FmkgError):
    """RDF that cannot be written in the format asked for."""


# --- the canonical form ----------------------------------------------------------------------------------


def line(quad: ox.Quad | ox.Triple) -> str:
    """The N-Quads (or N-Triples) line of one quad, without the newline."""
    return f"{quad} ."


def _key(quad: ox.Quad) -> str:
    # Datasets sort by graph, then by triple: TriG and N-Quads come out one graph after another.
    # A tab never occurs in a term's N-Triples form, so it separates the two.
    import pyoxigraph as ox

    graph = "" if isinstance(quad.graph_name, ox.DefaultGraph) else str(quad.graph_name)
    return f"{graph}\t{quad.triple} ."


def _unkey(key: str) -> str:
    graph, _, triple = key.partition("\t")
    return f"{triple[:-2]} {graph} ." if graph else triple


def _sorted_unique(lines: Iterable[str], run: int = RUN_LINES) -> Iterator[str]:
    """``lines`` sorted and without duplicates; past ``run`` lines, sorted runs are merged from disk."""
    batch: list[str] = []
    spilled: list[IO[str]] = []
    with ExitStack() as stack:
        for item in lines:
            batch.append(item)
            if len(batch) >= run:
                batch = sorted(set(batch))
                fh = stack.enter_context(tempfile.TemporaryFile("w+", encoding="utf-8"))
                fh.writelines(f"{x}\n" for x in batch)
                fh.seek(0)
                spilled.append(fh)
                batch = []
        tail = sorted(set(batch))
        if not spilled:
            yield from tail
            return
        runs: list[Iterable[str]] = [(x.rstrip("\n") for x in fh) for fh in spilled]
        last = None
        for item in heapq.merge(*runs, tail):
            if item != last:
                yield item
                last = item


@dataclass
class Canonical:
    """A graph or dataset in canonical form: sorted, unique N-Quads lines (see the module docstring).

    ``dataset`` tells whether the lines carry graph names (N-Quads) or not (N-Triples, a merged graph).
    """

    lines: Iterable[str]
    dataset: bool
    _consumed: bool = field(default=False, repr=False)

    def __iter__(self) -> Iterator[str]:
        """The N-Quads (or N-Triples) lines, without newlines."""
        if self._consumed:
            raise RuntimeError("a canonical graph can be written once")
        self._consumed = True
        if not self.dataset:
            return iter(self.lines)
        return (_unkey(x) for x in self.lines)

    def quads(self) -> Iterator[ox.Quad]:
        """The quads (or triples), parsed back from the sorted lines, in order."""
        import pyoxigraph as ox

        fmt = ox.RdfFormat.N_QUADS if self.dataset else ox.RdfFormat.N_TRIPLES
        chunk: list[str] = []
        for item in self:
            chunk.append(item)
            if len(chunk) >= 50_000:
                yield from ox.parse("\n".join(chunk) + "\n", format=fmt)
                chunk = []
        if chunk:
            yield from ox.parse("\n".join(chunk) + "\n", format=fmt)


def canonical(quads: Iterable[ox.Quad | ox.Triple], *, dataset: bool) -> Canonical:
    """Put quads in canonical form; with ``dataset`` false, graph names are dropped (the merge of the graphs)."""
    import pyoxigraph as ox

    if dataset:
        lines: Iterable[str] = (_key(q) if isinstance(q, ox.Quad) else f"\t{q} ." for q in quads)
    else:
        lines = (line(q.triple) if isinstance(q, ox.Quad) else line(q) for q in quads)
    unique = _sorted_unique(lines)
    first = list(_take(unique, RUN_LINES))
    if any("_:" in x for x in first):
        rest = list(unique)  # blank nodes are relabelled in memory: a graph with them is small in practice
        return Canonical(_relabel(first + rest, dataset), dataset)
    return Canonical(_chain(first, unique), dataset)


def stored(quads: Iterable[ox.Quad | ox.Triple]) -> Iterator[ox.Quad]:
    """The quads as a store holds them: through a scratch Oxigraph store, so that numbers, booleans
    and language tags take their canonical form. Files fmkg writes from other terms (the importers')
    then read back into any store unchanged."""
    import pyoxigraph as ox

    scratch = ox.Store()
    default = ox.DefaultGraph()
    scratch.extend(q if isinstance(q, ox.Quad) else ox.Quad(q.subject, q.predicate, q.object, default) for q in quads)
    yield from scratch


def _take(it: Iterator[str], n: int) -> Iterator[str]:
    for i, item in enumerate(it):
        yield item
        if i + 1 >= n:
            return


def _chain(first: list[str], rest: Iterator[str]) -> Iterator[str]:
    yield from first
    yield from rest


def _relabel(lines: list[str], dataset: bool) -> list[str]:
    """Blank nodes relabelled by RDFC-1.0 (https://www.w3.org/TR/rdf-canon/), then the lines sorted again."""
    import pyoxigraph as ox

    text = "\n".join(lines) + "\n"
    fmt = ox.RdfFormat.N_QUADS if dataset else ox.RdfFormat.N_TRIPLES
    if dataset:
        text = "\n".join(_unkey(x) for x in lines) + "\n"
    parsed = ox.Dataset(ox.parse(text, format=fmt))
    check_entanglement(parsed)
    parsed.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted({_key(q) if dataset else line(q.triple) for q in parsed})


#: The most blank nodes of one connected group that RDFC-1.0's first-degree hashes may leave
#: undistinguished. Past it, its N-degree hashing takes exponential time: a chain of 500 nested
#: ``[ ]`` of the same shape took 12 s and of 20,000 ran out of memory.
MAX_AMBIGUOUS_BLANK_NODES = 100


def check_entanglement(quads: Iterable[ox.Quad]) -> None:
    """Refuse blank nodes that RDFC-1.0 could only tell apart by its exponential N-degree hashing.

    Each blank node's first-degree signature (its quads, itself as ``_:a`` and other blank nodes as
    ``_:z``, as RDFC-1.0 hashes them) is computed; the nodes sharing a signature are counted per
    group of blank nodes linked to each other. Ordinary data (lists of distinct items, restrictions,
    independent ``[ ]``) has few such nodes per group.
    """
    import pyoxigraph as ox

    quads = list(quads)
    touching: dict[str, list[ox.Quad]] = {}
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for q in quads:
        blanks = [str(t) for t in (q.subject, q.object, q.graph_name) if isinstance(t, ox.BlankNode)]
        for b in set(blanks):
            touching.setdefault(b, []).append(q)
        for other in blanks[1:]:
            parent[find(blanks[0])] = find(other)

    def signature(node: str) -> tuple[str, ...]:
        def term(t: object) -> str:
            if isinstance(t, ox.BlankNode):
                return "_:a" if str(t) == node else "_:z"
            return str(t)

        return tuple(
            sorted(f"{term(q.subject)} {q.predicate} {term(q.object)} {term(q.graph_name)}" for q in touching[node])
        )

    signatures: dict[tuple[str, ...], int] = {}
    for node in touching:
        key = signature(node)
        signatures[key] = signatures.get(key, 0) + 1
    ambiguous: dict[str, int] = {}
    for node in touching:
        if signatures[signature(node)] > 1:
            group = find(node)
            ambiguous[group] = ambiguous.get(group, 0) + 1
            if ambiguous[group] > MAX_AMBIGUOUS_BLANK_NODES:
                raise FmkgError(
                    f"more than {MAX_AMBIGUOUS_BLANK_NODES} linked blank nodes of the same shape (e.g. deeply nested [ ]): "
                    "too many to write in canonical form; give them IRIs"
                )


# --- prefixes --------------------------------------------------------------------


_NAMESPACE_END = re.compile(r"^(.*[/#])[^/#]*$")


def used_prefixes(lines: Iterable[str], prefixes: dict[str, str] = PREFIXES) -> dict[str, str]:
    """The prefixes among ``prefixes`` whose namespace holds an IRI of ``lines``, sorted by prefix."""
    by_ns = {ns: p for p, ns in prefixes.items()}
    used: set[str] = set()
    for item in lines:
        for found in re.finditer(r"<([^>]*)>", item):
            if m := _NAMESPACE_END.match(found[1]):
                ns = m[1]
                if ns in by_ns:
                    used.add(by_ns[ns])
    return {p: prefixes[p] for p in sorted(used)}


# --- writers -------------------------------------------------------------------------------------------------


def write(data: Canonical, fmt: Format, out: IO[bytes], *, header: str = "") -> None:
    """Write canonical ``data`` in the RDF syntax ``fmt`` to the binary stream ``out``.

    ``header`` becomes ``#`` comment lines at the top, where the syntax has comments.
    """
    if not fmt.is_rdf:
        raise WriteError(f"{fmt.name} is not an RDF syntax")
    if fmt.kind == "graph" and data.dataset:
        raise WriteError(f"{fmt.title} holds one graph: merge the named graphs first")
    if header and fmt.name in ("turtle", "trig", "ntriples", "nquads"):
        out.write("".join(f"# {x}".rstrip() + "\n" for x in header.splitlines()).encode("utf-8"))
        out.write(b"\n" if fmt.name in ("turtle", "trig") else b"")
    if fmt.name in ("ntriples", "nquads"):
        for item in data:
            out.write(f"{item}\n".encode())
    elif fmt.name == "jsonld":
        from fmkg.rdf.jsonld import write_jsonld

        write_jsonld(data, out)
    elif fmt.name == "hextuples":
        from fmkg.rdf.hextuples import write_hextuples

        write_hextuples(data, out)
    else:
        _write_ox(data, fmt, out)


#: Predicates written first in a subject's block, in this order: its type and its names.
_FIRST = {
    "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>": "0",
    "<http://www.w3.org/2000/01/rdf-schema#label>": "1",
    "<http://www.w3.org/2004/02/skos/core#prefLabel>": "2",
    "<http://www.w3.org/2004/02/skos/core#altLabel>": "3",
}


def _readable(key: str) -> tuple[str, str, str, str]:
    """The order of lines in Turtle, TriG and RDF/XML: by graph and subject as in the canonical order,
    then ``rdf:type`` and labels before the other properties."""
    graph, tab, triple = key.partition("\t")
    if not tab:
        graph, triple = "", key
    subject, _, rest = triple.partition(" ")
    predicate = rest.split(" ", 1)[0]
    return graph, subject, _FIRST.get(predicate, "9"), triple


def _write_ox(data: Canonical, fmt: Format, out: IO[bytes]) -> None:
    """Turtle, TriG and RDF/XML by pyoxigraph, in the canonical order, with the prefixes the data uses."""
    import pyoxigraph as ox

    lines = sorted(data.lines, key=_readable)
    prefixes = used_prefixes(lines)
    reread = Canonical(lines, data.dataset)
    buf = io.BytesIO()
    try:
        ox.serialize(reread.quads(), buf, format=fmt.rdf_format(), prefixes=prefixes)
    except (ValueError, OSError) as exc:
        raise WriteError(f"cannot write {fmt.title}: {' '.join(str(exc).split())}") from exc
    text = buf.getvalue()
    if fmt.name in ("turtle", "trig"):  # the prefix declarations in name order, whatever the serialiser's order
        rows = text.split(b"\n")
        head = [x for x in rows[: len(prefixes)] if x.startswith(b"@prefix ")]
        text = b"\n".join([*sorted(head), *rows[len(head) :]])
    out.write(text)


def to_bytes(data: Canonical, fmt: Format, *, header: str = "") -> bytes:
    """:func:`write` into memory."""
    buf = io.BytesIO()
    write(data, fmt, buf, header=header)
    return buf.getvalue()
