"""Where the shipped ontology, data, shapes and queries are, installed or in a source checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path

#: The installed package directory (wheel installs are unpacked, so plain paths work).
PACKAGE = Path(__file__).resolve().parent

#: Folders under the ontology directory that hold graph content (everything but shapes and queries).
GRAPH_DIRS = (".", "vocabularies", "data")
RDF_SUFFIXES = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".nq": "nquads",
    ".trig": "trig",
    ".jsonld": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
}


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
    root = root or ontology_dir()
    found: list[Path] = []
    for sub in GRAPH_DIRS:
        folder = root / sub
        pattern = "*" if sub == "." else "**/*"
        found += sorted(p for p in folder.glob(pattern) if p.is_file() and p.suffix in RDF_SUFFIXES)
    return found


def shapes_files(root: Path | None = None) -> list[Path]:
    """The SHACL shapes files."""
    return sorted((root or ontology_dir()).joinpath("shapes").glob("*.ttl"))


def queries_dir(root: Path | None = None) -> Path:
    """The directory of named ``.rq`` queries."""
    return (root or ontology_dir()) / "queries"


def internal_query(name: str) -> str:
    """The text of one of fmkg's own queries (``src/fmkg/sparql/NAME.rq``)."""
    return (PACKAGE / "sparql" / f"{name}.rq").read_text(encoding="utf-8")
