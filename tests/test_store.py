"""Loading: one named graph per file, clear errors naming file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset, URIRef

from fmkg.errors import LoadError
from fmkg.namespaces import FM, GRAPH
from fmkg.paths import graph_files, ontology_dir
from fmkg.store import graph_iri, load

from .conftest import FIXTURES


def test_every_shipped_file_is_its_own_named_graph(shipped: Dataset) -> None:
    names = {g.identifier for g in shipped.graphs() if len(g)}
    assert names == {graph_iri(p) for p in graph_files()}
    assert GRAPH["data/core"] in names
    assert GRAPH["fmkg"] in names


def test_shapes_and_queries_are_not_part_of_the_graph() -> None:
    files = graph_files()
    assert all("shapes" not in p.parts and p.suffix != ".rq" for p in files)
    assert ontology_dir() / "fmkg.ttl" in files


def test_data_files_add_to_the_shipped_graph(shipped: Dataset) -> None:
    ds = load([FIXTURES / "tiny.ttl"])
    assert len(ds) == len(shipped) + len(load([FIXTURES / "tiny.ttl"], default=False))
    assert (URIRef("https://w3id.org/fmkg/id/model/base-one"), None, None) in ds


def test_no_default_uses_only_the_given_files() -> None:
    ds = load([FIXTURES / "tiny.ttl"], default=False)
    assert (None, FM.fineTunedFrom, None) in ds
    assert (URIRef("https://w3id.org/fmkg/id/model/gpt-3"), None, None) not in ds


def test_turtle_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix a: <http://x/> .\na:b a:c a:d .\na:e a:f\n a:g a:h .\n", encoding="utf-8")
    with pytest.raises(LoadError) as info:
        load([bad], default=False)
    assert info.value.path == str(bad)
    assert info.value.line == 4
    assert str(info.value).startswith(f"{bad}:4: ")


def test_missing_file_is_a_load_error(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="no such file"):
        load([tmp_path / "nope.ttl"], default=False)


def test_unknown_suffix_is_a_load_error(tmp_path: Path) -> None:
    odd = tmp_path / "data.xyz"
    odd.write_text("", encoding="utf-8")
    with pytest.raises(LoadError, match="unknown RDF file type"):
        load([odd], default=False)
