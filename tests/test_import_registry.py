"""Every registered importer, on its fixture: valid, deterministic, sourced, provenance-tracked, and
nothing written when its input is malformed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS

from fmkg import importers
from fmkg.cli import app
from fmkg.errors import LoadError
from fmkg.importers.merge import ImportResult
from fmkg.quality.validate import validate
from fmkg.rdf.namespaces import FM
from fmkg.rdf.sources import graph_files
from fmkg.store import KnowledgeGraph, open_graph

from .conftest import FIXTURES

HERE = FIXTURES / "import"
#: The curated core, vocabularies and ontology: what fixture imports resolve against.
BASE = [p for p in graph_files() if "imported" not in p.parts]

#: For each importer: (good inputs, malformed inputs with a phrase of their error message).
CASES: dict[str, tuple[list[Path], list[tuple[Path, str]]]] = {
    "epoch": (
        [HERE / "epoch" / "current.csv"],
        [
            (HERE / "epoch" / "malformed.csv", "malformed CSV"),
            (HERE / "epoch" / "no-name.csv", "no model name"),
            (HERE / "epoch" / "ragged.csv", "cells but the header has"),
        ],
    ),
    "epoch-all": (
        [HERE / "epoch" / "all.csv"],
        [
            (HERE / "epoch" / "malformed.csv", "malformed CSV"),
            (HERE / "epoch" / "no-name.csv", "no model name"),
        ],
    ),
    "modelforest": (
        [HERE / "modelforest"],
        [
            (HERE / "modelforest-bad", "malformed JSON"),
            (HERE / "modelforest-noname", "has no name"),
        ],
    ),
    "ecosystem-graphs": (
        [HERE / "ecosystem"],
        [
            (HERE / "ecosystem-bad", "malformed YAML"),
            (HERE / "ecosystem-noname", "has no name"),
        ],
    ),
    "huggingface": (
        [HERE / "huggingface" / "hub-2025-04-22.jsonl", HERE / "huggingface" / "cards"],
        [
            (HERE / "huggingface-bad" / "README.md", "malformed YAML"),
            (HERE / "huggingface-bad" / "no-name.md", "no repository id"),
        ],
    ),
    "wikidata": (
        [HERE / "wikidata" / "results.json"],
        [
            (HERE / "wikidata" / "malformed.json", "malformed JSON"),
            (HERE / "wikidata" / "no-name.json", "no model name"),
        ],
    ),
}
KEYS = list(importers.REGISTRY)
BAD = [(key, path, phrase) for key in KEYS for path, phrase in CASES[key][1]]


@pytest.fixture(scope="module")
def base() -> Iterator[KnowledgeGraph]:
    with open_graph(BASE, default=False, cache=False) as kg:
        yield kg


@pytest.fixture(scope="module")
def results(base: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> dict[str, ImportResult]:
    out = tmp_path_factory.mktemp("imports")
    return {key: importers.run(key, CASES[key][0], output=out / f"{key}.ttl", context=base) for key in KEYS}


def test_every_importer_has_fixtures() -> None:
    assert set(CASES) == set(importers.REGISTRY)


@pytest.mark.parametrize("key", KEYS)
def test_import_conforms_to_the_shapes(results: dict[str, ImportResult], tmp_path: Path, key: str) -> None:
    path = tmp_path / f"{key}.ttl"
    importers.write(results[key], path)
    with open_graph([*BASE, path], default=False, cache=False) as kg:
        report = validate(kg)
    assert report.conforms, report.text()


@pytest.mark.parametrize("key", KEYS)
def test_output_is_deterministic(base: KnowledgeGraph, results: dict[str, ImportResult], key: str) -> None:
    again = importers.run(
        key, CASES[key][0], output=Path(str(results[key].graph_iri).removeprefix("file://")), context=base
    )
    assert importers.turtle(again) == importers.turtle(results[key])


@pytest.mark.parametrize("key", KEYS)
def test_output_parses_to_the_same_graph(results: dict[str, ImportResult], key: str) -> None:
    parsed = Graph().parse(data=importers.turtle(results[key]), format="turtle")
    assert isomorphic(parsed, results[key].graph)


@pytest.mark.parametrize("key", KEYS)
def test_the_graph_describes_its_source(results: dict[str, ImportResult], key: str) -> None:
    r = results[key]
    g, node = r.graph, r.graph_iri
    assert (node, RDF.type, FM.SourceGraph) in g
    assert (node, PROV.wasDerivedFrom, URIRef(r.info.iri)) in g
    assert g.value(node, DCTERMS.bibliographicCitation) is not None
    assert str(g.value(node, DCTERMS.identifier)).startswith("sha256:")
    assert int(g.value(node, FM.recordCount)) == r.summary.records or key == "wikidata"  # type: ignore[arg-type]
    if r.info.license:
        assert (node, DCTERMS.license, URIRef(r.info.license)) in g


@pytest.mark.parametrize("key", KEYS)
def test_every_new_artifact_has_one_label_and_sources(
    base: KnowledgeGraph, results: dict[str, ImportResult], key: str
) -> None:
    g = results[key].graph
    for kind in (FM.AIModel, FM.Dataset, FM.Application, FM.LanguageModel):
        for entity in g.subjects(RDF.type, kind):
            assert len(list(g.objects(entity, RDFS.label))) == 1
            # the data set, or (for the Hub) the entity's own page on the source's site
            site = results[key].info.iri.split("/")[2]
            sources = {str(o) for o in g.objects(entity, DCTERMS.source)}
            assert results[key].info.iri in sources or any(o.split("/")[2] == site for o in sources), entity
    for entity in set(g.subjects(RDFS.label, None)) & set(base.subjects(RDFS.label, None)):
        pytest.fail(f"{entity} already has a label and gets a second one")


@pytest.mark.parametrize("key", KEYS)
def test_no_text_of_the_source_is_copied(results: dict[str, ImportResult], key: str) -> None:
    assert b"MUST NOT BE COPIED" not in importers.turtle(results[key])


@pytest.mark.parametrize(("key", "path", "phrase"), BAD, ids=[f"{k}-{p.name}" for k, p, _ in BAD])
def test_malformed_input_is_an_error_naming_the_file(base: KnowledgeGraph, key: str, path: Path, phrase: str) -> None:
    with pytest.raises(LoadError) as info:
        importers.run(key, [path], output=Path("unused.ttl"), context=base)
    assert phrase in str(info.value)
    assert str(path) in str(info.value)


@pytest.mark.parametrize(("key", "path", "phrase"), BAD, ids=[f"{k}-{p.name}" for k, p, _ in BAD])
def test_nothing_is_written_after_bad_input(runner, tmp_path: Path, key: str, path: Path, phrase: str) -> None:
    target = tmp_path / "out.ttl"
    shipped = importers.shipped_path(key)
    before = shipped.read_bytes() if shipped.is_file() else None
    for args in (["-o", str(target)], []):
        result = runner.invoke(app, ["import", key, str(path), *args])
        assert result.exit_code == 2, result.output
        assert phrase in result.output
    assert not target.exists()
    assert (shipped.read_bytes() if shipped.is_file() else None) == before
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("key", KEYS)
def test_cli_writes_the_graph_and_a_summary(runner, tmp_path: Path, key: str) -> None:
    target = tmp_path / "out.ttl"
    result = runner.invoke(app, ["import", key, *map(str, CASES[key][0]), "-o", str(target), "--release", "fixture"])
    assert result.exit_code == 0, result.output
    for column in ("records", "added", "merged", "conflicts", "unresolved"):
        assert column in result.output
    g = Graph().parse(target, format="turtle")
    assert (None, DCTERMS.hasVersion, None) in g
