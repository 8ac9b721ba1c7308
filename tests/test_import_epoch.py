"""Epoch AI's CSV: columns by name, typed lineage, datasets, resolution against the curated core."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from fmkg import importers
from fmkg.errors import LoadError
from fmkg.importers import epoch
from fmkg.importers.merge import ImportResult
from fmkg.rdf.namespaces import FM, ID
from fmkg.rdf.sources import graph_files
from fmkg.sparql import engine, library
from fmkg.store import KnowledgeGraph, open_graph

from .conftest import FIXTURES

HERE = FIXTURES / "import" / "epoch"
BASE = [p for p in graph_files() if "imported" not in p.parts]


def model(slug: str) -> URIRef:
    return ID[f"model/{slug}"]


@pytest.fixture(scope="module")
def base() -> Iterator[KnowledgeGraph]:
    with open_graph(BASE, default=False, cache=False) as kg:
        yield kg


@pytest.fixture(scope="module")
def current(base: KnowledgeGraph) -> ImportResult:
    return importers.run("epoch", [HERE / "current.csv"], output=Path("epoch.ttl"), context=base)


def test_a_curated_model_keeps_its_iri(current: ImportResult) -> None:
    g = current.graph
    gpt3 = model("gpt-3-175b")
    assert (gpt3, FM.parameterCount, Literal(175000000000, datatype=XSD.integer)) in g
    assert (gpt3, RDFS.label, None) not in g  # "GPT-3 175B (davinci)" is already a name of GPT-3 175B
    assert (None, RDFS.label, Literal("GPT-3 175B (davinci)", lang="en")) not in g
    assert current.summary.merged == 1


def test_base_model_with_finetune_compute_is_fine_tuned_from(current: ImportResult) -> None:
    assert (model("example-instruct-175b"), FM.fineTunedFrom, model("gpt-3-175b")) in current.graph


def test_base_models_without_finetune_compute_are_derived_from(current: ImportResult) -> None:
    g = current.graph
    mixed = model("example-mixed-7b")
    assert (mixed, FM.derivedFrom, model("llama-65b")) in g  # "LLaMA-65B" names the variant, not the family
    assert (mixed, FM.unresolvedReference, Literal("Mystery Base 7B")) in g
    assert current.summary.unresolved == 1


def test_training_datasets_are_split_outside_parentheses(current: ImportResult) -> None:
    g = current.graph
    labels = {str(g.value(d, RDFS.label)) for d in g.objects(model("example-vision-1b"), FM.trainedOn)}
    assert labels == {"BookCorpus (BooksCorpus, Toronto Book Corpus)"}  # "Unspecified unreleased" names nothing
    assert len(set(g.objects(model("gpt-3-175b"), FM.trainedOn))) == 3


def test_facts_are_typed(current: ImportResult) -> None:
    g = current.graph
    vision = model("example-vision-1b")
    assert (vision, FM.parameterCount, Literal(249000000, datatype=XSD.integer)) in g
    assert (vision, FM.releaseDate, Literal("2021-06", datatype=XSD.gYearMonth)) in g
    assert (model("example-mixed-7b"), FM.releaseDate, Literal("2023", datatype=XSD.gYear)) in g
    assert (model("example-fused-2b"), FM.parameterCount, None) not in g  # "unknown"
    assert (model("gpt-3-175b"), FM.trainingCompute, Literal(3.14e23, datatype=XSD.double)) in g


def test_links_and_the_data_set_are_sources(current: ImportResult) -> None:
    sources = set(current.graph.objects(model("example-vision-1b"), DCTERMS.source))
    assert sources == {
        URIRef("https://example.org/vision"),
        URIRef("https://arxiv.org/abs/0000.00001"),
        URIRef("https://epoch.ai/data/notable-ai-models"),
    }
    assert set(current.graph.objects(model("example-mixed-7b"), DCTERMS.source)) == {URIRef(epoch.INFO.iri)}


def test_organizations_resolve_to_the_curated_ones(current: ImportResult) -> None:
    g = current.graph
    assert (model("example-fused-2b"), FM.developer, ID["org/google"]) in g  # "Google Brain"
    devs = set(g.objects(model("example-vision-1b"), FM.developer))
    assert ID["org/carnegie-mellon-university"] in devs
    assert (
        ID["org/carnegie-mellon-university"],
        SKOS.altLabel,
        Literal("Carnegie Mellon University (CMU)", lang="en"),
    ) in g
    assert (ID["org/example-lab"], RDFS.label, Literal("Example Lab", lang="en")) in g


def test_access_levels(current: ImportResult) -> None:
    g = current.graph
    assert (model("example-instruct-175b"), FM.access, ID["access/closed"]) in g  # "Unreleased"
    assert (model("example-mixed-7b"), FM.access, ID["access/hosted"]) in g
    assert (model("example-vision-1b"), FM.access, ID["access/open-weights-unrestricted"]) in g


def test_an_older_release_with_other_columns_reads_the_same_way(base: KnowledgeGraph) -> None:
    data = epoch.read([HERE / "older.csv"])
    assert [r.name for r in data.records] == ["Example Older 1", "GPT-3 175B (davinci)", "Example Older 2"]
    assert "base" in data.columns_missing and "Country" in data.columns_extra
    older = data.records[2]
    assert older.developers == ["Example Lab", "Example University"]
    assert older.parameters == 2500000000
    result = importers.run("epoch", [HERE / "older.csv"], output=Path("epoch.ttl"), context=base)
    assert (model("gpt-3-175b"), FM.parameterCount, Literal(175000000000, datatype=XSD.integer)) in result.graph


@pytest.mark.parametrize(
    ("name", "line", "phrase"),
    [
        ("malformed.csv", 3, "malformed CSV"),
        ("no-name.csv", 3, "row 2 has no model name (column 'Model')"),
        ("no-name-column.csv", 1, "no column for the model's name"),
        ("ragged.csv", 2, "row 1 has 5 cells but the header has 3 columns"),
    ],
)
def test_errors_name_file_and_line(name: str, line: int, phrase: str) -> None:
    with pytest.raises(LoadError) as info:
        epoch.read([HERE / name])
    assert info.value.line == line
    assert phrase in str(info.value)
    assert str(info.value).startswith(f"{HERE / name}:{line}: ")


def test_a_tab_separated_release(tmp_path: Path) -> None:
    tsv = tmp_path / "models.tsv"
    tsv.write_text("Publication date\tModel\n2020-01-01\tExample Tab\n", encoding="utf-8")
    [rec] = epoch.read([tsv]).records
    assert (rec.name, str(rec.dates[0])) == ("Example Tab", "2020-01-01")


def test_invalid_utf8_is_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"Model,Organization\nExample,\xff\xfe\n")
    with pytest.raises(LoadError, match="not UTF-8") as info:
        epoch.read([bad])
    assert info.value.line == 2


def test_conflicting_dates_are_both_kept_and_listed(base: KnowledgeGraph, tmp_path: Path) -> None:
    csv = tmp_path / "conflict.csv"
    csv.write_text("Model,Publication date\nGPT-3 175B (davinci),2020-06-11\n", encoding="utf-8")
    out = tmp_path / "conflict.ttl"
    result = importers.run("epoch", [csv], output=out, context=base)
    assert result.summary.conflicts == 1
    importers.write(result, out)
    with open_graph([*BASE, out], default=False, cache=False) as kg:
        dates = {str(d) for d in kg.objects(model("gpt-3-175b"), FM.releaseDate)}
        found = {(str(r.entity), str(r.value), str(r.graph)) for r in engine.run(kg, library.get("conflicts"))}
    assert dates == {"2020-05-28", "2020-06-11"}  # the curated date is not overwritten
    assert (str(model("gpt-3-175b")), "2020-06-11", out.resolve().as_uri()) in found
    assert (str(model("gpt-3-175b")), "2020-05-28", "https://w3id.org/fmkg/graph/data/core") in found


def test_a_lineage_edge_that_would_make_a_cycle_is_refused(base: KnowledgeGraph, tmp_path: Path) -> None:
    csv = tmp_path / "cycle.csv"
    # The curated core says DALL-E is based on GPT-3: GPT-3 cannot derive from DALL-E.
    csv.write_text("Model,Base model\nGPT-3 175B (davinci),DALL-E\nExample Self,Example Self\n", encoding="utf-8")
    result = importers.run("epoch", [csv], output=tmp_path / "x.ttl", context=base)
    assert (model("gpt-3-175b"), FM.derivedFrom, None) not in result.graph  # a variant of the GPT-3 family
    assert result.summary.refused == 1
    assert (model("example-self"), FM.derivedFrom, None) not in result.graph


def test_a_domain_puts_a_model_in_its_class(current: ImportResult) -> None:
    g = current.graph
    assert (model("example-vision-1b"), RDF.type, FM.VisionModel) in g
    assert (model("example-mixed-7b"), RDF.type, FM.LanguageModel) in g


@pytest.fixture(scope="module")
def full(base: KnowledgeGraph) -> ImportResult:
    return importers.run("epoch-all", [HERE / "all.csv"], output=Path("epoch-all.ttl"), context=base)


def test_the_full_database_is_credited_as_itself(full: ImportResult) -> None:
    g = full.graph
    source = URIRef("https://epoch.ai/data/ai-models")
    assert (full.graph_iri, PROV.wasDerivedFrom, source) in g
    assert (model("example-vision-net"), DCTERMS.source, source) in g
    assert (model("example-vision-net"), RDF.type, FM.VisionModel) in g
    assert (model("example-protein-model"), RDF.type, FM.AIModel) in g  # "Biology" names a field, not a kind


def test_the_full_database_merges_with_what_is_known(full: ImportResult) -> None:
    g = full.graph
    assert (model("gpt-3-175b"), RDFS.label, None) not in g  # known by its Epoch name: merged, not added
    assert full.summary.merged >= 1
    # a base model named by size resolves to that variant; with a fine-tune compute, it is a fine-tune
    assert (model("example-tune-7b"), FM.fineTunedFrom, model("llama-7b")) in g


def test_a_foundation_model_flag_is_not_a_base_model(full: ImportResult) -> None:
    g = full.graph
    assert not [o for o in g.objects(model("example-protein-model"), None) if "true" in str(o).lower()]
    assert (model("example-protein-model"), FM.unresolvedReference, None) not in g


def test_a_row_of_only_bookkeeping_is_skipped_and_counted(full: ImportResult) -> None:
    # the full database has rows with nothing but its own confidence and modification time
    assert full.summary.tolerated["rows that name no model and state no fact"] == 1
