"""The source files of the shipped graph (ontology, vocabularies, data), its shapes and queries, and
the named graph each file is loaded into."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fmkg.rdf.namespaces import GRAPH

#: The installed package directory (wheel installs are unpacked, so plain paths work).
PACKAGE = Path(__file__).resolve().parents[1]

#: Folders under the ontology directory that hold graph content (everything but shapes and queries).
GRAPH_DIRS = (".", "vocabularies", "data")


@cache
def ontology_dir() -> Path:
    """The ``ontology/`` directory: package data in a wheel, the repository's folder in a checkout."""
    packaged = PACKAGE / "ontology"
    if packaged.is_dir():
        return packaged
    checkout = PACKAGE.parents[1] / "ontology"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError("the shipped ontology/ directory is missing from this installation")


def graph_files(root: Path | None = None) -> list[Path]:
    """The RDF files of the shipped graph in a stable order: TBox, vocabularies, then data."""
    from fmkg.rdf.formats import rdf_suffixes

    root = root or ontology_dir()
    suffixes = rdf_suffixes()
    found: list[Path] = []
    for sub in GRAPH_DIRS:
        folder = root / sub
        pattern = "*" if sub == "." else "**/*"
        found += sorted(p for p in folder.glob(pattern) if p.is_file() and p.suffix in suffixes)
    return found


def shapes_files(root: Path | None = None) -> list[Path]:
    """The SHACL shapes files."""
    return sorted((root or ontology_dir()).joinpath("shapes").glob("*.ttl"))


def queries_dir(root: Path | None = None) -> Path:
    """The directory of named ``.rq`` queries."""
    return (root or ontology_dir()) / "queries"


def graph_iri(path: Path) -> str:
    """The named graph a file is loaded into: ``graph:<relative path>`` for shipped files, else its file URI."""
    path = path.resolve()
    try:
        rel = path.relative_to(ontology_dir().resolve())
    except ValueError:
        return path.as_uri()
    return f"{GRAPH}{rel.with_suffix('').as_posix()}"


def part_of(graph_name: str) -> str:
    """``"ontology"`` for the graphs of ``ontology/*.ttl`` and ``vocabularies/``, else ``"data"``.

    Graph names are those :func:`graph_iri` gives: ``graph:fmkg``, ``graph:vocabularies/concepts``,
    ``graph:data/core``. Files added with ``--data`` and inferred triples are data.
    """
    if not graph_name.startswith(str(GRAPH)) or graph_name == f"{GRAPH}inferred":
        return "data"
    rel = graph_name[len(str(GRAPH)) :]
    return "ontology" if "/" not in rel or rel.startswith("vocabularies/") else "data"
