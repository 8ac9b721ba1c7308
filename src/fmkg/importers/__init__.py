"""Importing public data sets into fmkg: one module per source, one named graph per import.

``REGISTRY`` lists the importers in import order (curated core, then Epoch, then Ecosystem Graphs,
then the optional ones): each import resolves names against the curated core and the imports before
it, never against those after it, so the result does not depend on what was imported last.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fmkg.importers import ecosystem, epoch, huggingface, modelforest, wikidata
from fmkg.importers.records import SourceData, SourceInfo

if TYPE_CHECKING:
    from fmkg.importers.merge import ImportResult, Progress
    from fmkg.store import KnowledgeGraph

Reader = Callable[..., SourceData]
Runner = Callable[..., "ImportResult"]


@dataclass(frozen=True)
class Importer:
    """A registered importer: the source it reads, and either the function that reads it into records
    (resolved by name in :mod:`fmkg.importers.merge`) or, for a source that identifies its entities
    itself, the function that imports it whole."""

    info: SourceInfo
    read: Reader | None
    argument: str  # what the command line takes, e.g. "CSV"
    runner: Runner | None = None


#: The importers, in import order.
REGISTRY: dict[str, Importer] = {
    "epoch": Importer(epoch.INFO, epoch.read, "CSV"),
    "epoch-all": Importer(epoch.ALL_INFO, epoch.read, "CSV"),
    "ecosystem-graphs": Importer(ecosystem.INFO, ecosystem.read, "DIR"),
    "modelforest": Importer(modelforest.INFO, modelforest.read, "DIR"),
    "huggingface": Importer(huggingface.INFO, None, "FILE...", runner=huggingface.run),
    "wikidata": Importer(wikidata.INFO, wikidata.read, "JSON"),
}

#: The sources that ``fmkg import reference`` imports into the shipped graph, with their places in a
#: copy of the reference data (globs relative to its folder).
REFERENCE: dict[str, tuple[str, ...]] = {
    "epoch": ("epoch/notable_ai_models.csv",),
    "epoch-all": ("epoch/all_ai_models.csv",),
    "ecosystem-graphs": ("ecosystem-graphs",),
    "modelforest": ("modelforest",),
    "huggingface": ("huggingface/hub-models.jsonl", "huggingface/cards"),
}


def shipped_path(key: str) -> Path:
    """Where the shipped graph keeps the import of source ``key``."""
    from fmkg.rdf.sources import ontology_dir

    return ontology_dir() / "data" / "imported" / f"{key}.ttl"


def context_files(key: str) -> list[Path]:
    """The files an import of ``key`` resolves against: the shipped graph without the imports of
    ``key`` and of the sources after it."""
    from fmkg.rdf.sources import graph_files

    later = list(REGISTRY)[list(REGISTRY).index(key) :]
    skip = {shipped_path(k).resolve() for k in later}
    return [p for p in graph_files() if p.resolve() not in skip]


def load_context(key: str, extra: Iterable[Path] = ()) -> KnowledgeGraph:
    """The graph that an import of ``key`` resolves names against (with ``extra`` files, e.g. the
    graphs of the sources imported before it in the same run), in memory."""
    from fmkg.store import open_graph

    return open_graph([*context_files(key), *extra], default=False, cache=False)


def run(
    key: str,
    paths: Iterable[Path],
    *,
    output: Path | None = None,
    release: str | None = None,
    context: KnowledgeGraph | None = None,
    progress: Progress | None = None,
    strict: bool = False,
) -> ImportResult:
    """Read ``paths`` with importer ``key`` and build its graph (nothing is written: see :func:`write`).

    The graph is named for ``output``, or for the shipped file when ``output`` is None. ``strict``
    makes a record that cannot be read an error for importers that otherwise warn and go on (the
    others always stop at one).
    """
    from rdflib import URIRef

    from fmkg.errors import FmkgError
    from fmkg.importers.merge import build
    from fmkg.rdf.sources import graph_iri

    if key not in REGISTRY:
        raise FmkgError(f"no importer {key!r}; choose from {', '.join(REGISTRY)}")
    importer = REGISTRY[key]
    target = output or shipped_path(key)
    ds = context if context is not None else load_context(key)
    if importer.runner is not None:
        return importer.runner(
            list(paths), context=ds, graph_iri=graph_iri(target), release=release, progress=progress, strict=strict
        )
    assert importer.read is not None
    data = importer.read(list(paths), release=release)
    return build(importer.info, data, ds, URIRef(graph_iri(target)), progress)


def header(result: ImportResult) -> str:
    """The comment at the top of an import's Turtle: where it comes from, its licence and credit."""
    info = result.info
    licence = f", licence {info.license}" if info.license else ""
    return (
        f"Imported from {info.title} ({info.iri}){licence}.\n"
        f"Credit: {info.citation}\n"
        "Facts only (names, dates, organisations, numbers, links, licences); no text of the source is copied.\n"
        "Generated by fmkg's importer: do not edit by hand. Regenerate it as docs/importing.md says."
    )


def turtle(result: ImportResult) -> bytes:
    """The Turtle of an import, in canonical form: the same input always gives the same bytes."""
    from fmkg.rdf import formats, write

    return write.to_bytes(write.canonical(write.stored(result.triples()), dataset=False), formats.find("turtle"),
                          header=header(result))  # fmt: skip


def write(result: ImportResult, path: Path) -> None:
    """Write an import atomically: a reader sees the old file or the new one, never half of either."""
    from fmkg.output import write_atomic

    write_atomic(path, turtle(result))


def reference_inputs(directory: Path) -> dict[str, list[Path]]:
    """The input files of each reference source in a copy of the reference data."""
    from fmkg.errors import LoadError

    inputs: dict[str, list[Path]] = {}
    for key, patterns in REFERENCE.items():
        inputs[key] = []
        for pattern in patterns:
            found = sorted(directory.glob(pattern))
            if not found:
                raise LoadError(directory / pattern, f"the reference copy has no {pattern} for {key}")
            inputs[key] += found
    return inputs


def import_reference(
    directory: Path, *, releases: Mapping[str, str] | None = None, progress: Progress | None = None
) -> list[ImportResult]:
    """Import every reference source in order, each resolving against those before it; nothing is
    written (see :func:`write`), so a failure in the second leaves the first unwritten too."""
    import tempfile

    inputs = reference_inputs(directory)
    results: list[ImportResult] = []
    with tempfile.TemporaryDirectory(prefix="fmkg-import-") as scratch:
        earlier: list[Path] = []
        first = next(iter(inputs))
        for key, paths in inputs.items():
            ds = load_context(first, earlier)
            result = run(key, paths, release=(releases or {}).get(key), context=ds, progress=progress)
            ds.close()
            results.append(result)
            # The next source resolves its names against this one (read from a scratch file; only the
            # merged graph is matched, so the scratch file's graph name does not matter).
            staged = Path(scratch) / f"{key}.ttl"
            staged.write_bytes(turtle(result))
            earlier.append(staged)
    return results


__all__ = [
    "REFERENCE",
    "REGISTRY",
    "Importer",
    "context_files",
    "import_reference",
    "load_context",
    "run",
    "shipped_path",
    "turtle",
    "write",
]
