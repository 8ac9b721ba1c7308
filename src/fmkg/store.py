"""Loading the knowledge graph: every source file becomes one named graph of an rdflib Dataset.

Queries see the union of all named graphs as their default graph, so a query need not know which
file a fact came from, while ``GRAPH ?g`` still tells it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from rdflib import Dataset, Graph, URIRef

from fmkg.errors import LoadError
from fmkg.namespaces import GRAPH, PREFIXES
from fmkg.paths import RDF_SUFFIXES, graph_files, ontology_dir

QUAD_FORMATS = {"nquads", "trig"}


def new_dataset() -> Dataset:
    """An empty dataset whose default graph is the union of its named graphs, with fmkg's prefixes."""
    ds = Dataset(default_union=True)
    for prefix, iri in PREFIXES.items():
        ds.bind(prefix, iri, override=True, replace=True)
    return ds


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


def load(paths: Iterable[Path | str] = (), *, default: bool = True) -> Dataset:
    """Load the shipped graph (unless ``default`` is false) plus ``paths`` into one dataset."""
    files = graph_files() if default else []
    files += [Path(p) for p in paths]
    ds = new_dataset()
    for path in files:
        if not path.is_file():
            raise LoadError(path, "no such file")
        parse_file(ds, path)
    return ds


def merged(ds: Dataset) -> Graph:
    """All triples of the dataset in one plain graph (named graphs dropped), with its prefixes."""
    g = Graph()
    for prefix, iri in ds.namespaces():
        g.bind(prefix, iri, override=True, replace=True)
    for s, p, o, _ in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    return g
