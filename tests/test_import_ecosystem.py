"""Stanford CRFM's Ecosystem Graphs: untyped dependencies become typed edges where the input allows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS, XSD

from fmkg import importers
from fmkg.errors import LoadError
from fmkg.importers import ecosystem
from fmkg.importers.merge import ImportResult
from fmkg.rdf.namespaces import FM, ID
from fmkg.rdf.sources import graph_files
from fmkg.store import KnowledgeGraph, open_graph

from .conftest import FIXTURES

HERE = FIXTURES / "import"
BASE = [p for p in graph_files() if "imported" not in p.parts]


def iri(kind: str, slug: str) -> URIRef:
    return ID[f"{kind}/{slug}"]


@pytest.fixture(scope="module")
def base() -> Iterator[KnowledgeGraph]:
    with open_graph(BASE, default=False, cache=False) as kg:
        yield kg


@pytest.fixture(scope="module")
def current(base: KnowledgeGraph) -> ImportResult:
    return importers.run("ecosystem-graphs", [HERE / "ecosystem"], output=Path("eg.ttl"), context=base)


def test_a_model_depending_on_a_dataset_is_trained_on_it(current: ImportResult) -> None:
    trained = set(current.graph.objects(iri("model", "example-chat-7b"), FM.trainedOn))
    assert trained == {iri("dataset", "example-corpus"), iri("dataset", "the-pile")}


def test_an_application_depending_on_a_model_is_powered_by_it(current: ImportResult) -> None:
    powered = set(current.graph.objects(iri("app", "example-assistant"), FM.poweredBy))
    assert powered == {iri("model", "example-chat-7b"), iri("model", "gpt-3")}


def test_a_model_depending_on_a_model_merely_depends_on_it(current: ImportResult) -> None:
    g = current.graph
    chat = iri("model", "example-chat-7b")
    assert (chat, FM.dependsOn, iri("model", "llama")) in g
    assert not any((chat, p, iri("model", "llama")) in g for p in (FM.derivedFrom, FM.fineTunedFrom, FM.basedOn))


def test_a_dependency_on_nothing_known_is_kept_unresolved(current: ImportResult) -> None:
    g = current.graph
    assert (iri("model", "example-chat-7b"), FM.unresolvedReference, Literal("Nonexistent Thing 42")) in g
    assert (iri("dataset", "example-corpus"), FM.unresolvedReference, Literal("Common Crawl")) in g
    assert current.summary.unresolved == 2
    assert (None, RDFS.label, Literal("Nonexistent Thing 42", lang="en")) not in g  # nothing invented


def test_values_and_objects_read_alike(current: ImportResult) -> None:
    g = current.graph
    corpus = iri("dataset", "example-corpus")
    assert (corpus, FM.releaseDate, Literal("2022-03-01", datatype=XSD.date)) in g  # {value, explanation}
    assert (iri("model", "example-chat-7b"), FM.license, iri("license", "apache-2.0")) in g
    assert (iri("model", "example-chat-7b"), FM.parameterCount, Literal(7000000000, datatype=XSD.integer)) in g
    assert (iri("model", "example-chat-7b"), FM.access, iri("access", "open-weights")) in g


def test_an_existing_entity_gets_no_second_label(current: ImportResult) -> None:
    gpt3 = iri("model", "gpt-3")
    assert (gpt3, RDFS.label, None) not in current.graph
    assert (gpt3, FM.releaseDate, Literal("2020-06-11", datatype=XSD.date)) in current.graph
    assert current.summary.merged == 1
    assert current.summary.conflicts == 1  # its date differs from the curated one


def test_an_older_style_reads_the_same_way(base: KnowledgeGraph) -> None:
    data = ecosystem.read([HERE / "ecosystem-old"])
    names = {r.name: r for r in data.records}
    assert set(names) == {"Example Old 1", "Example Old 2", "Example Old Data"}
    old1 = names["Example Old 1"]
    assert old1.developers == ["Example Lab", "Example Institute of Technology"]  # "X and Y" is two
    assert [r.name for r in old1.refs] == ["Example Corpus"]  # a plain string where a list is expected
    assert old1.parameters == 1500000000
    assert old1.licenses == ["MIT"]
    assert names["Example Old Data"].kind == "dataset"  # no type key: told by its keys
    assert names["Example Old 2"].parameters is None  # a range
    assert data.counts["sizes not read as parameter counts"] == 1
    result = importers.run("ecosystem-graphs", [HERE / "ecosystem-old"], output=Path("x.ttl"), context=base)
    assert (iri("model", "example-old-2"), FM.dependsOn, iri("model", "example-old-1")) in result.graph


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Google", ["Google"]),
        ("Meta, CMU, UC Berkeley", ["Meta", "CMU", "UC Berkeley"]),
        ("ByteDance and University of Maryland, College Park", ["ByteDance", "University of Maryland, College Park"]),
        ("University of Science and Technology of China", ["University of Science and Technology of China"]),
        ("Center for Medicine and Imaging", ["Center for Medicine and Imaging"]),
        ("Runway AI, Inc.", ["Runway AI, Inc."]),
    ],
)
def test_organizations_in_one_value(value: str, expected: list[str]) -> None:
    keep = ("University of Maryland, College Park",)
    assert ecosystem.split_organizations(value, keep) == expected


def write(folder: Path, text: str) -> Path:
    (folder / "assets").mkdir(parents=True, exist_ok=True)
    (folder / "assets" / "x.yaml").write_text(text, encoding="utf-8")
    return folder


def test_an_ambiguous_dependency_is_reported_not_guessed(base: KnowledgeGraph, tmp_path: Path) -> None:
    folder = write(
        tmp_path,
        "- {type: model, name: Example Twin, organization: Example Lab}\n"
        "- {type: application, name: Example Twin, organization: Example Lab}\n"
        "- {type: application, name: Example User, organization: Example Lab, dependencies: [Example Twin]}\n",
    )
    result = importers.run("ecosystem-graphs", [folder], output=tmp_path / "x.ttl", context=base)
    user = iri("app", "example-user")
    assert (user, FM.poweredBy, None) not in result.graph
    assert (user, FM.unresolvedReference, Literal("Example Twin")) in result.graph
    assert result.summary.ambiguous == 1
    assert any("ambiguous" in w for w in result.summary.warnings)


def test_one_name_for_two_things_is_kept_apart(base: KnowledgeGraph, tmp_path: Path) -> None:
    folder = write(
        tmp_path,
        "- {type: model, name: Example Homonym, organization: Example Lab, created_date: 2019-01-01}\n"
        "- {type: model, name: Example Homonym, organization: Other Lab, created_date: 2023-01-01}\n"
        "- {type: model, name: Example Same, organization: Example Lab, created_date: 2019-01-01}\n"
        "- {type: model, name: Example Same, organization: Example Lab, created_date: 2019-02-01}\n",
    )
    result = importers.run("ecosystem-graphs", [folder], output=tmp_path / "x.ttl", context=base)
    g = result.graph
    assert (iri("model", "example-homonym"), RDFS.label, None) in g
    assert (iri("model", "example-homonym-2"), RDFS.label, None) in g
    assert (iri("model", "example-same-2"), None, None) not in g  # same developer: one model
    assert len(set(g.objects(iri("model", "example-same"), FM.releaseDate))) == 2  # both dates kept
    assert result.summary.duplicates == 1


def test_a_dependency_already_typed_by_another_source_is_not_repeated(base: KnowledgeGraph, tmp_path: Path) -> None:
    # The curated core says Alpaca was fine-tuned from LLaMA: "depends on" would say less.
    folder = write(tmp_path, "- {type: model, name: Alpaca, organization: Stanford, dependencies: [LLaMA]}\n")
    result = importers.run("ecosystem-graphs", [folder], output=tmp_path / "x.ttl", context=base)
    assert (iri("model", "alpaca"), FM.dependsOn, None) not in result.graph
    assert result.summary.tolerated["dependencies typed by another source"] == 1


def test_errors_name_file_and_line() -> None:
    with pytest.raises(LoadError) as info:
        ecosystem.read([HERE / "ecosystem-noname"])
    assert info.value.line == 4
    with pytest.raises(LoadError, match="malformed YAML") as bad:
        ecosystem.read([HERE / "ecosystem-bad"])
    assert bad.value.line == 4


def test_a_file_that_is_not_a_list_of_assets_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="expected a list of assets"):
        ecosystem.read([write(tmp_path / "scalar", "just a string\n")])
    (tmp_path / "empty").mkdir()
    with pytest.raises(LoadError, match=r"no \.yaml asset files"):
        ecosystem.read([tmp_path / "empty"])


@pytest.mark.parametrize(
    ("modality", "classes"),
    [
        ("text; text", {"LanguageModel"}),
        ("text", {"LanguageModel"}),
        ("text; code", {"CodeModel"}),
        ("text; image", {"TextToImageModel"}),
        ("image, text; text", {"MultimodalModel"}),
        ("image, text", {"MultimodalModel"}),  # one list: which way is not said, but two media are multimodal
        ("text; video", {"VideoGenerationModel"}),
        ("audio; audio", {"SpeechModel"}),
        ("unknown", set()),
        ("molecules, tasks", set()),
        ("", set()),
    ],
)
def test_a_models_modality_puts_it_in_its_classes(modality: str, classes: set[str]) -> None:
    from fmkg.importers.ecosystem import modality_classes

    assert {c.split("#")[-1] for c in modality_classes(modality)} == classes
