"""Exporting the graph in every format of the registry (:mod:`fmkg.rdf.formats`), deterministically.

:func:`prepare` selects the named graphs of a part (ontology, data or all), optionally adds what the
ontology implies in the named graph ``graph:inferred`` (:mod:`fmkg.quality.infer`), and puts the
result in the canonical form of :mod:`fmkg.rdf.write`; :func:`export` writes it. Dataset formats
(N-Quads, TriG, HexTuples) keep the named graphs; the other formats write their merge. The same
graph gives the same bytes in every run, on every store.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, TYPE_CHECKING

from fmkg.errors import FmkgError
from fmkg.rdf import formats
from fmkg.rdf.sources import part_of

if TYPE_CHECKING:
    import pyoxigraph as ox

    from fmkg.rdf.formats import Format
    from fmkg.rdf.write import Canonical
    from fmkg.store import KnowledgeGraph

PARTS = ("ontology", "data", "all")

#: The formats ``fmkg export`` writes, in the registry's order.
EXPORT_FORMATS = formats.select(export=True)


class ExportError(FmkgError):
    """An export cannot be made: an unknown format or part, or a writer that failed."""


def get_format(name: str) -> Format:
    """The export format a user means by ``name`` (``nt``, ``ttl``, ``json-ld``, ``csv``, ...)."""
    return formats.find(name, EXPORT_FORMATS)


def check_part(part: str) -> str:
    """``part`` if it is one of :data:`PARTS`, else an :class:`ExportError`."""
    if part not in PARTS:
        raise ExportError(f"--part {part!r}: choose from {', '.join(PARTS)}")
    return part


def _graphs(kg: KnowledgeGraph, part: str) -> list[str]:
    return [g for g in kg.graph_sizes() if part == "all" or part_of(g) == part]


def inferred(kg: KnowledgeGraph, graphs: list[str]) -> list[ox.Triple]:
    """What the rules infer from ``graphs`` together with the ontology's graphs, not already stated."""
    from fmkg.quality.infer import infer

    basis = {g for g in kg.graph_sizes() if part_of(g) == "ontology"} | set(graphs)
    return infer(q.triple for q in kg.quads(sorted(basis))).triples


def prepare(kg: KnowledgeGraph, *, part: str = "all", infer: bool = False, dataset: bool = False) -> Canonical:
    """What an export writes: the graphs of ``part`` (with ``graph:inferred`` if asked), canonical.

    With ``dataset`` the named graphs are kept, else they are merged.
    """
    import pyoxigraph as ox

    from fmkg.quality.infer import INFERRED
    from fmkg.rdf import write

    check_part(part)
    graphs = _graphs(kg, part)
    extra = inferred(kg, graphs) if infer else []

    def source() -> Iterator[ox.Quad | ox.Triple]:
        if dataset:
            yield from kg.quads(graphs)
            name = ox.NamedNode(str(INFERRED))
            yield from (ox.Quad(t.subject, t.predicate, t.object, name) for t in extra)
            return
        if part == "all":
            yield from kg.merged()
        else:
            yield from (q.triple for q in kg.quads(graphs))
        yield from extra

    return write.canonical(source(), dataset=dataset)


def export(kg: KnowledgeGraph, fmt: Format | str, out: IO[bytes], *, part: str = "all", infer: bool = False) -> None:
    """Write ``kg`` (or one part of it) in format ``fmt`` to ``out``; with ``infer``, add ``graph:inferred``."""
    spec = get_format(fmt) if isinstance(fmt, str) else fmt
    data = prepare(kg, part=part, infer=infer, dataset=spec.kind == "dataset")
    write_prepared(data, spec, out)


def write_prepared(data: Canonical, spec: Format, out: IO[bytes]) -> None:
    """Write canonical data in ``spec`` (an RDF syntax or a property-graph format)."""
    from fmkg.rdf import write

    try:
        if spec.kind == "property-graph":
            from fmkg.export.property_graph import WRITERS, property_graph

            WRITERS[spec.name](property_graph(data.quads()), out)  # type: ignore[arg-type]
        else:
            write.write(data, spec, out)
    except FmkgError:
        raise
    except (ValueError, OSError, KeyError) as exc:
        raise ExportError(f"cannot write {spec.name}: {' '.join(str(exc).split()) or type(exc).__name__}") from exc


def to_bytes(kg: KnowledgeGraph, fmt: Format | str, *, part: str = "all", infer: bool = False) -> bytes:
    """:func:`export` into memory."""
    import io

    buf = io.BytesIO()
    export(kg, fmt, buf, part=part, infer=infer)
    return buf.getvalue()
