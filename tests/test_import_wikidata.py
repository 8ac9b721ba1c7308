"""Wikidata: the shipped query and the importer of its SPARQL 1.1 JSON results."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import SKOS, XSD
from rdflib.plugins.sparql import prepareQuery

from fmkg import importers
from fmkg.cli import app
from fmkg.importers import wikidata
from fmkg.importers.merge import ImportResult
from fmkg.rdf.namespaces import FM, ID, WD
from fmkg.rdf.sources import graph_files
from fmkg.store import open_graph

from .conftest import FIXTURES

HERE = FIXTURES / "import" / "wikidata"
BASE = [p for p in graph_files() if "imported" not in p.parts]


def model(slug: str) -> URIRef:
    return ID[f"model/{slug}"]


@pytest.fixture(scope="module")
def result() -> ImportResult:
    with open_graph(BASE, default=False, cache=False) as base:
        return importers.run("wikidata", [HERE / "results.json"], output=Path("wd.ttl"), context=base)


def test_the_shipped_query_parses_and_projects_what_the_importer_reads() -> None:
    text = wikidata.QUERY.read_text(encoding="utf-8")
    names = [str(v) for v in prepareQuery(text).algebra["PV"]]
    assert {f.name for f in wikidata.FIELDS} <= set(names)
    assert "wd:Q115305900" in text  # large language model


def test_the_query_is_printed_by_the_cli(runner) -> None:
    out = runner.invoke(app, ["import", "wikidata-query"])
    assert out.exit_code == 0 and "SELECT" in out.output


def test_items_are_models_with_their_qid(result: ImportResult) -> None:
    assert (model("example-wiki-model"), SKOS.exactMatch, WD.Q999990001) in result.graph


def test_based_on_is_resolved_by_qid_then_by_name(result: ImportResult) -> None:
    g = result.graph
    assert (model("example-wiki-model"), FM.basedOn, model("example-wiki-base")) in g  # another result
    assert (model("example-wiki-model"), FM.basedOn, model("gpt-3")) in g  # the curated GPT-3, by name
    assert (model("example-wiki-orphan"), FM.unresolvedReference, Literal("Q999990005")) in g


def test_developers_are_matched_by_qid(result: ImportResult) -> None:
    assert (model("example-wiki-model"), FM.developer, ID["org/google"]) in result.graph  # wd:Q95
    lab = result.graph.value(model("example-wiki-base"), FM.developer)
    assert (lab, SKOS.exactMatch, WD.Q999990009) in result.graph


@pytest.mark.parametrize(
    ("value", "precision", "expected"),
    [
        ("2023-01-01T00:00:00Z", "9", Literal("2023", datatype=XSD.gYear)),
        ("2023-05-01T00:00:00Z", "10", Literal("2023-05", datatype=XSD.gYearMonth)),
        ("2023-05-17T00:00:00Z", "11", Literal("2023-05-17", datatype=XSD.date)),
        ("2023-05-01T00:00:00Z", "", Literal("2023-05", datatype=XSD.gYearMonth)),  # no precision: no invented day
        ("2023-05-17T00:00:00Z", "", Literal("2023-05-17", datatype=XSD.date)),
        ("2000-01-01T00:00:00Z", "7", None),  # a century
    ],
)
def test_dates_keep_wikidata_precision(value: str, precision: str, expected: Literal | None) -> None:
    assert wikidata.wikidata_date(value, precision) == expected


def test_dates_in_the_import(result: ImportResult) -> None:
    assert (model("example-wiki-model"), FM.releaseDate, Literal("2023", datatype=XSD.gYear)) in result.graph
