"""Loading the knowledge graph: every source file becomes one named graph of an rdflib Dataset.

Queries see the union of all named graphs as their default graph, so a query need not know which
file a fact came from, while ``GRAPH ?g`` still tells it.

Two stores sit behind the same rdflib ``Dataset`` interface:

- ``memory`` (default): rdflib's in-memory store. A parsed graph is cached on disk as a pickle keyed
  by the content of every source file, so a repeated command does not parse Turtle again; a changed
  file changes the key, so the cache is never stale.
- ``oxigraph``: Oxigraph through oxrdflib, in memory or persistent in a directory (``path``). It
  parses with Oxigraph's own parsers and answers SPARQL natively (see :mod:`fmkg.engine`), for graphs
  of millions of triples. A persistent store remembers the key of what it holds and reloads only
  when the sources change.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

from fmkg.errors import FmkgError, LoadError
from fmkg.namespaces import GRAPH, PREFIXES
from fmkg.paths import RDF_SUFFIXES, graph_files, ontology_dir

QUAD_FORMATS = {"nquads", "trig"}
STORES = ("memory", "oxigraph")
_MARKER = "fmkg-sources.sha256"


def new_dataset(store: str = "memory", path: Path | None = None) -> Dataset:
    """An empty dataset whose default graph is the union of its named graphs, with fmkg's prefixes."""
    if store == "memory":
        if path is not None:
            raise FmkgError("--store-path needs --store oxigraph (the memory store is cached automatically)")
        ds = Dataset(default_union=True)
    elif store == "oxigraph":
        import pyoxigraph
        from oxrdflib import OxigraphStore

        inner = pyoxigraph.Store(str(path)) if path is not None else pyoxigraph.Store()
        ds = Dataset(store=OxigraphStore(store=inner), default_union=True)
    else:
        raise FmkgError(f"unknown store {store!r}; choose from {', '.join(STORES)}")
    for prefix, iri in PREFIXES.items():
        ds.bind(prefix, iri, override=True, replace=True)
    return ds


def is_oxigraph(ds: Dataset) -> bool:
    """Whether ``ds`` is backed by Oxigraph (queries then run natively there)."""
    return type(ds.store).__name__ == "OxigraphStore"


def graph_iri(path: Path) -> URIRef:
    """The named graph a file is loaded into: ``graph:<relative path>`` for shipped files, else its file URI."""
    path = path.resolve()
    try:
        rel = path.relative_to(ontology_dir().resolve())
    except ValueError:
        return URIRef(path.as_uri())
    return GRAPH[rel.with_suffix("").as_posix()]


def rdf_format(path: Path) -> str:
    """The rdflib parser name for a file, from its suffix."""
    try:
        return RDF_SUFFIXES[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(RDF_SUFFIXES))
        raise LoadError(path, f"unknown RDF file type {path.suffix!r} (known: {known})") from None


_LINE = re.compile(r"line (\d+)")


def parse_file(ds: Dataset, path: Path) -> None:
    """Parse one file into ``ds``; a file that cannot be read or parsed raises :class:`LoadError`."""
    fmt = rdf_format(path)
    if is_oxigraph(ds):
        _parse_oxigraph(ds, path, fmt)
        return
    try:
        data = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LoadError(path, f"cannot read: {exc}") from exc
    try:
        if fmt in QUAD_FORMATS:
            ds.parse(data=data, format=fmt, publicID=graph_iri(path))
        else:
            ds.graph(graph_iri(path)).parse(data=data, format=fmt, publicID=path.resolve().as_uri())
    except Exception as exc:  # rdflib's parsers raise many unrelated types
        raise _load_error(path, exc) from exc


_OX_FORMATS = {
    "turtle": "TURTLE",
    "nt": "N_TRIPLES",
    "nquads": "N_QUADS",
    "trig": "TRIG",
    "xml": "RDF_XML",
    "json-ld": "JSON_LD",
}


def _parse_oxigraph(ds: Dataset, path: Path, fmt: str) -> None:
    import pyoxigraph

    inner = ds.store._inner  # type: ignore[attr-defined]
    to_graph = None if fmt in QUAD_FORMATS else pyoxigraph.NamedNode(str(graph_iri(path)))
    try:
        inner.bulk_load(
            path=str(path),
            format=getattr(pyoxigraph.RdfFormat, _OX_FORMATS[fmt]),
            base_iri=path.resolve().as_uri(),
            to_graph=to_graph,
        )
    except SyntaxError as exc:
        raise LoadError(path, f"syntax error: {exc.msg}", line=exc.lineno) from exc
    except (OSError, ValueError) as exc:
        raise LoadError(path, " ".join(str(exc).split())) from exc


def _load_error(path: Path, exc: Exception) -> LoadError:
    lines = getattr(exc, "lines", None)  # notation3.BadSyntax: 0-based line index
    if isinstance(lines, int):
        why = getattr(exc, "_why", None) or str(exc)
        return LoadError(path, f"Turtle syntax error: {why}", line=lines + 1)
    line = getattr(exc, "lineno", None) or getattr(exc, "line", None)
    message = " ".join(str(exc).split()) or type(exc).__name__
    if line is None and (m := _LINE.search(message)):
        line = int(m.group(1))
    return LoadError(path, message, line=line if isinstance(line, int) else None)


def sources_key(files: Sequence[Path]) -> str:
    """A key for the exact content of ``files`` (and the code that parses them)."""
    from importlib.metadata import version

    import rdflib

    from fmkg import __version__

    h = hashlib.sha256(f"fmkg {__version__} rdflib {rdflib.__version__} py {sys.version_info[:2]}".encode())
    for f in files:
        h.update(str(f.resolve()).encode() + b"\0")
        try:
            h.update(f.read_bytes())
        except OSError as exc:
            raise LoadError(f, f"cannot read: {exc}") from exc
        h.update(b"\0")
    h.update(version("pyoxigraph").encode())
    return h.hexdigest()


def cache_dir() -> Path:
    """Where parsed graphs are cached: ``$FMKG_CACHE_DIR``, else ``$XDG_CACHE_HOME/fmkg`` or ``~/.cache/fmkg``."""
    if env := os.environ.get("FMKG_CACHE_DIR"):
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "fmkg"


def _load_memory_cached(files: list[Path]) -> Dataset:
    from fmkg.fileio import write_atomic

    key = sources_key(files)
    cached = cache_dir() / f"{key}.pickle"
    ds = None
    # No cache yet, or one written by another version: parse. The cyclic garbage collector is
    # paused while the graph's objects are rebuilt: it would scan them again and again, and
    # unpickling takes about half as long without it.
    gc.disable()
    try:
        with contextlib.suppress(OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            ds = pickle.loads(cached.read_bytes())
    finally:
        gc.enable()
    if not isinstance(ds, Dataset):
        ds = new_dataset()
        for path in files:
            parse_file(ds, path)
        with contextlib.suppress(OSError):  # a read-only home is no reason to fail; the next run parses again
            write_atomic(cached, pickle.dumps(ds, protocol=pickle.HIGHEST_PROTOCOL))
    ds.fmkg_cache_path = cached  # type: ignore[attr-defined]  # lets fmkg.resolve cache its name index beside it
    return ds


def _load_oxigraph_persistent(files: list[Path], path: Path) -> Dataset:
    key = sources_key(files)
    marker = path / _MARKER
    fresh = marker.is_file() and marker.read_text(encoding="utf-8").strip() == key
    ds = new_dataset("oxigraph", path)
    if not fresh:
        inner = ds.store._inner  # type: ignore[attr-defined]
        inner.clear()
        for f in files:
            parse_file(ds, f)
        inner.flush()
        marker.write_text(key + "\n", encoding="utf-8")
    return ds


def load(
    paths: Iterable[Path | str] = (),
    *,
    default: bool = True,
    store: str = "memory",
    path: Path | str | None = None,
    cache: bool = True,
) -> Dataset:
    """Load the shipped graph (unless ``default`` is false) plus ``paths`` into one dataset.

    ``store`` is ``memory`` or ``oxigraph``; ``path`` makes an Oxigraph store persistent in that
    directory. ``cache`` lets the memory store reuse a parse of the same file contents.
    """
    files = graph_files() if default else []
    files += [Path(p) for p in paths]
    for f in files:
        if not f.is_file():
            raise LoadError(f, "no such file")
    if store == "memory" and path is None and cache and os.environ.get("FMKG_NO_CACHE") != "1":
        return _load_memory_cached(files)
    if store == "oxigraph" and path is not None:
        return _load_oxigraph_persistent(files, Path(path))
    ds = new_dataset(store, Path(path) if path is not None else None)
    for f in files:
        parse_file(ds, f)
    return ds


def merged(ds: Dataset) -> Graph:
    """All triples of the dataset in one plain graph (named graphs dropped), with its prefixes."""
    g = Graph()
    for prefix, iri in ds.namespaces():
        g.bind(prefix, iri, override=True, replace=True)
    for s, p, o, _ in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    return g
