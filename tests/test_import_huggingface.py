"""Hugging Face model cards: base_model with base_model_relation, licence, pipeline tag, datasets, languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

from fmkg import importers
from fmkg.errors import LoadError
from fmkg.importers import huggingface
from fmkg.importers.merge import ImportResult
from fmkg.rdf.namespaces import FM, ID
from fmkg.rdf.sources import graph_files
from fmkg.store import open_graph

from .conftest import FIXTURES

HERE = FIXTURES / "import" / "huggingface"
BASE = [p for p in graph_files() if "imported" not in p.parts]


def model(slug: str) -> URIRef:
    return ID[f"model/{slug}"]


@pytest.fixture(scope="module")
def result() -> ImportResult:
    with open_graph(BASE, default=False, cache=False) as base:
        return importers.run("huggingface", [HERE], output=Path("hf.ttl"), context=base)


@pytest.mark.parametrize(
    ("child", "prop", "parent"),
    [
        ("example-tuned-7b", FM.fineTunedFrom, "mistral-7b"),  # by the repository id's name part
        ("example-merge-13b", FM.mergedFrom, "example-tuned-7b"),
        ("example-merge-13b", FM.mergedFrom, "mistral-7b"),
        ("example-tuned-7b-gguf", FM.quantizedFrom, "example-tuned-7b"),
    ],
)
def test_base_model_relation_types_the_edge(result: ImportResult, child: str, prop: URIRef, parent: str) -> None:
    assert (model(child), prop, model(parent)) in result.graph


def test_an_unknown_base_model_is_kept_unresolved(result: ImportResult) -> None:
    adapter = model("example-lora-adapter")
    assert (adapter, FM.unresolvedReference, Literal("meta-llama/Llama-2-7b-hf")) in result.graph
    assert (adapter, FM.license, ID["license/llama-2-community-license"]) in result.graph


def test_card_facts(result: ImportResult) -> None:
    g = result.graph
    tuned = model("example-tuned-7b")
    assert (tuned, RDF.type, FM.LanguageModel) in g  # pipeline_tag text-generation
    assert set(g.objects(tuned, DCTERMS.language)) == {
        Literal("en", datatype=XSD.language),
        Literal("fr", datatype=XSD.language),
    }
    assert (tuned, FM.license, ID["license/apache-2.0"]) in g
    dataset = g.value(tuned, FM.trainedOn)
    assert (dataset, DCTERMS.source, URIRef("https://huggingface.co/datasets/example-org/example-instructions")) in g


def test_a_repository_id_is_a_name_and_a_source(result: ImportResult) -> None:
    gguf = model("example-tuned-7b-gguf")
    assert (gguf, DCTERMS.source, URIRef("https://huggingface.co/example-org/Example-Tuned-7B-GGUF")) in result.graph


def test_license_other_reads_license_name(result: ImportResult) -> None:
    lic = result.graph.value(model("example-merge-13b"), FM.license)
    assert str(result.graph.value(lic, RDFS.label)) == "example-community-license"


def test_front_matter_errors_name_file_and_line() -> None:
    bad = HERE.parent / "huggingface-bad"
    with pytest.raises(LoadError, match="malformed YAML") as info:
        huggingface.read([bad / "README.md"])
    assert info.value.line is not None and info.value.line >= 2
    with pytest.raises(LoadError, match="no model name"):
        huggingface.read([bad / "no-name.md"])


def test_an_unclosed_front_matter_is_an_error(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    card.write_text("---\nlicense: mit\n# Example\n", encoding="utf-8")
    with pytest.raises(LoadError, match="not closed") as info:
        huggingface.read([card])
    assert info.value.line == 1
