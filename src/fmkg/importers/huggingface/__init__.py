"""Hugging Face Hub models: Hub records (JSON Lines, Parquet) and model cards, keyed by repository id.

:mod:`.inputs` reads the inputs a record at a time, :mod:`.model` reads a record into what the Hub
states (with its typed lineage), :mod:`.triples` writes each model as N-Triples lines, and
:mod:`.fetch` takes a dated snapshot from the Hub when asked. :func:`stream` joins them: one pass,
memory flat in the number of triples, a bad record a warning with its file and line (``strict``
makes it an error). :func:`run` gives the registry's :class:`~fmkg.importers.merge.ImportResult`
for inputs small enough to hold as a graph.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fmkg.importers.records import SourceInfo

if TYPE_CHECKING:
    from fmkg.importers.huggingface.inputs import RawRecord
    from fmkg.importers.huggingface.triples import Emitter
    from fmkg.importers.merge import ImportResult, Progress
    from fmkg.importers.summary import Summary
    from fmkg.store import KnowledgeGraph

INFO = SourceInfo(
    key="huggingface",
    title="Hugging Face Hub model repositories",
    iri="https://huggingface.co/models",
    license=None,
    citation="Model repositories on the Hugging Face Hub (API records and model card front matter), "
    "https://huggingface.co/models",
    reads="Hub records (.jsonl, .parquet) and README.md model cards",
)

#: How many warnings of each kind are kept, with their file and line; the rest are counted.
WARNINGS_PER_KIND = 5

_DATE = re.compile(r"(\d{4}-\d\d-\d\d)")


@dataclass
class HubImport:
    """What a Hub import did: its summary (with how lineage resolved), the lines written, the day observed."""

    summary: Summary
    lines: int = 0
    observed: str | None = None


def observation_date(paths: list[Path], release: str | None) -> str | None:
    """The day the records describe: ``--release`` when it is a date, else the first date in an
    input's file name (``hub-2025-04-22.jsonl``, as ``--from-hub`` writes it)."""
    for text in (release or "", *(p.name for p in paths)):
        if m := _DATE.search(text):
            return m[1]
    return None


def stream(
    paths: Iterable[Path],
    write: Callable[[str], None],
    *,
    context: KnowledgeGraph,
    graph_iri: str,
    release: str | None = None,
    strict: bool = False,
    progress: Progress | None = None,
) -> HubImport:
    """Import Hub inputs, giving each N-Triples line to ``write`` as it is made. (``progress`` is
    accepted for the registry's interface; a stream has no total to show progress against.)"""
    from fmkg.errors import LoadError
    from fmkg.importers.huggingface import inputs
    from fmkg.importers.huggingface.triples import Crosswalk, Emitter
    from fmkg.importers.readers import checksum

    paths = list(paths)
    for p in paths:
        inputs.kind_of_input(p)  # an unknown kind of input fails before anything is written
    observed = observation_date(paths, release)
    em = Emitter(INFO, Crosswalk.from_graph(context), observed=observed)
    summary = em.summary
    first_problem: list[str] = []

    def warn(kind: str, where: str, detail: str) -> None:
        if kind == "records not read" and not first_problem:
            first_problem.extend((where, detail))
        summary.tolerated[kind] += 1
        if summary.tolerated[kind] <= WARNINGS_PER_KIND:
            summary.warnings.append(f"{where}: {kind}: {detail}")

    try:
        lines = _models(inputs.read(paths), em, write, strict, warn)
        if not em.models and first_problem:
            raise LoadError(first_problem[0], f"nothing imported: {first_problem[1]}")
        for line in em.finish():
            write(line)
            lines += 1
        summary.figures.update(em.lineage_figures())
    finally:
        em.close()
    if not observed and summary.records:
        summary.tolerated["popularity figures left out: no date (give --release YYYY-MM-DD)"] += 1
    from rdflib import URIRef

    from fmkg.importers.merge import source_graph
    from fmkg.rdf.terms import nt

    digest = checksum(_files(paths))
    for subject, predicate, obj in source_graph(
        INFO, URIRef(graph_iri), records=summary.records, release=release, checksum=digest
    ):
        write(f"{nt(subject)} {nt(predicate)} {nt(obj)} .")
        lines += 1
    return HubImport(summary, lines, observed)


def _models(
    records: Iterable[RawRecord],
    em: Emitter,
    write: Callable[[str], None],
    strict: bool,
    warn: Callable[[str, str, str], None],
) -> int:
    """Write the lines of every record read (a bad one a warning, or an error when ``strict``); how many lines."""
    from fmkg.errors import LoadError
    from fmkg.importers.huggingface.model import BadRecord, parse

    summary = em.summary
    lines = 0
    for raw in records:
        summary.records += 1
        if raw.data is None:
            if strict:
                raise LoadError(raw.where, raw.problem)
            warn("records not read", raw.where, raw.problem)
            continue
        try:
            m = parse(raw.data, raw.where)
        except BadRecord as exc:
            if strict:
                raise LoadError(raw.where, str(exc)) from None
            warn("records not read", raw.where, str(exc))
            continue
        if m.thin:
            warn("thin records (an id and nothing else)", raw.where, m.repo)
        for what in m.skipped:
            warn("fields not read", raw.where, what)
        for line in em.model(m):
            write(line)
            lines += 1
    return lines


def _files(paths: list[Path]) -> list[Path]:
    from fmkg.importers.huggingface.inputs import card_files

    return [f for p in paths for f in ([c for c, _ in card_files(p)] if p.is_dir() else [p])]


def run(
    paths: Iterable[Path],
    *,
    context: KnowledgeGraph,
    graph_iri: str,
    release: str | None = None,
    strict: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Import Hub inputs into a graph held in memory (for Turtle output and the shipped graph)."""
    from rdflib import Graph, URIRef

    from fmkg.importers.merge import ImportResult

    lines: list[str] = []
    hub = stream(
        paths, lines.append, context=context, graph_iri=graph_iri, release=release, strict=strict, progress=progress
    )
    g = Graph()
    g.parse(data="\n".join(lines), format="nt")
    return ImportResult(INFO, URIRef(graph_iri), g, hub.summary)


__all__ = ["INFO", "HubImport", "observation_date", "run", "stream"]
