"""Loading the knowledge graph into a store: :func:`open_graph` gives a :class:`KnowledgeGraph`.

Stores (``backend``):

- ``oxigraph`` (default): Oxigraph. With ``cache`` (the default) the graph lives in a persistent,
  content-keyed store in the cache folder (see :mod:`fmkg.store.cache`): the first command builds it,
  later ones open it read-only in milliseconds. ``location`` puts a persistent store in a folder of
  your own instead; ``cache=False`` loads into memory for this process only.
- ``memory``: rdflib's in-memory store and SPARQL engine, loaded for this process.

Every source file becomes one named graph; the default graph is their merge.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from fmkg.errors import FmkgError, LoadError
from fmkg.store.graph import Backend, KnowledgeGraph, Source, build_names
from fmkg.store.results import QueryResult, Row

BACKENDS = ("oxigraph", "memory")

__all__ = ["BACKENDS", "KnowledgeGraph", "QueryResult", "Row", "Source", "open_graph", "source_files"]


def source_files(paths: Iterable[Path | str] = (), *, default: bool = True) -> list[Path]:
    """The files a graph is loaded from: the shipped ones (unless ``default`` is false), then ``paths``."""
    from fmkg.rdf.parse import check_file
    from fmkg.rdf.sources import graph_files

    files = graph_files() if default else []
    files += [Path(p) for p in paths]
    if not files:
        raise FmkgError("nothing to load: --no-default needs at least one --data file")
    seen: set[str] = set()
    for f in files:
        check_file(f)
        key = str(f.resolve())
        if key in seen:
            raise LoadError(f, "given twice")
        seen.add(key)
    return files


def open_graph(
    paths: Iterable[Path | str] = (),
    *,
    default: bool = True,
    backend: str = "oxigraph",
    location: Path | str | None = None,
    cache: bool | None = None,
) -> KnowledgeGraph:
    """Load the shipped graph (unless ``default`` is false) plus ``paths`` (see the module docstring).

    ``cache`` defaults to true unless ``$FMKG_NO_CACHE`` is ``1``.
    """
    if backend not in BACKENDS:
        raise FmkgError(f"unknown store {backend!r}; choose from {', '.join(BACKENDS)}")
    files = source_files(paths, default=default)
    if cache is None:
        cache = os.environ.get("FMKG_NO_CACHE") != "1"
    if backend == "memory":
        if location is not None:
            raise FmkgError("--store-path needs the oxigraph store (the memory store lives in this process only)")
        from fmkg.store.memory import MemoryBackend

        impl, loaded = MemoryBackend.load(files)
        return _graph(impl, loaded)
    from fmkg.store.oxigraph import OxigraphBackend

    if location is None and not cache:
        impl_ox, loaded = OxigraphBackend.in_memory(files)
        return _graph(impl_ox, loaded)
    return _persistent(files, Path(location) if location is not None else None)


def _graph(
    impl: Backend, loaded: list[dict[str, object]], location: Path | None = None, count: int | None = None
) -> KnowledgeGraph:
    sources = tuple(Source(str(d["path"]), str(d["graph"]), int(str(d["triples"]))) for d in loaded)
    if count is None:
        result = impl.run("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", source="count")
        count = int(str(result.rows[0][0]))
    return KnowledgeGraph(impl, sources, count, location)


def _persistent(files: list[Path], location: Path | None) -> KnowledgeGraph:
    """The content-keyed persistent store for ``files``: in the cache, or at ``location``."""
    from fmkg.names.index import NameIndex
    from fmkg.store import cache, oxigraph
    from fmkg.store.lineage_index import LineageIndex

    key = cache.sources_key(files)
    target = location if location is not None else cache.cache_dir() / "stores" / key

    def build(folder: Path) -> cache.Manifest:
        store = oxigraph.create(folder / "oxigraph")
        loaded = oxigraph.load_files(store, files)
        triples = oxigraph.count_merged(store)
        names = build_names(KnowledgeGraph(oxigraph.OxigraphBackend(store), (), triples), folder / "names.sqlite")
        draft = KnowledgeGraph(oxigraph.OxigraphBackend(store), (), triples, _names=names)
        LineageIndex.build(draft, folder / "lineage.sqlite").close()
        names.close()
        oxigraph.finish(store, triples)
        del draft, store
        return cache.Manifest(key, loaded, triples)

    for attempt in (1, 2):
        try:
            manifest = cache.ensure(target, key, build, owned=location is None)
        except OSError as exc:
            raise LoadError(target, f"cannot build the store: {exc.strerror or exc}") from None
        try:
            impl = oxigraph.OxigraphBackend.open(target / "oxigraph")
            NameIndex.open(target / "names.sqlite").close()
            LineageIndex.open(target / "lineage.sqlite").close()
        except LoadError as exc:
            if location is not None:  # a user's folder: theirs to remove
                raise LoadError(target, f"{exc}; remove the folder and fmkg builds the store again") from None
            if attempt == 2:
                raise
            cache.discard(target)  # a damaged cached store (a full disk, a crash, a hand): built again
            continue
        return _graph(impl, manifest.sources, target, manifest.triples)
    raise AssertionError("unreachable")
