"""The Hugging Face importer: repository ids as identity, the Hub's typed lineage, exact facts, bulk
input that warns and goes on, and the inputs it reads (JSON Lines, Parquet, cards in two layouts)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD
from typer.testing import CliRunner

from fmkg import importers
from fmkg.cli import app
from fmkg.errors import LoadError
from fmkg.importers import huggingface as hub
from fmkg.importers.huggingface.inputs import repo_id_from_path
from fmkg.importers.huggingface.triples import hub_iri
from fmkg.importers.merge import ImportResult
from fmkg.rdf.namespaces import FM, ID
from fmkg.rdf.sources import graph_files
from fmkg.store import KnowledgeGraph, open_graph

from .conftest import FIXTURES, SHARED

HERE = FIXTURES / "import" / "huggingface"
RECORDS = HERE / "hub-2025-04-22.jsonl"
CARDS = HERE / "cards"
BASE = [p for p in graph_files() if "imported" not in p.parts]


#: Repositories the curated graph knows (ontology/data/huggingface.ttl): they are the curated model.
CURATED = {"meta-llama/Llama-2-7b-hf": f"{ID}model/llama-2-7b"}


def model(repo: str) -> URIRef:
    return URIRef(CURATED.get(repo) or hub_iri("model", repo))


@pytest.fixture(scope="module")
def base() -> Iterator[KnowledgeGraph]:
    with open_graph(BASE, default=False, cache=False) as kg:
        yield kg


@pytest.fixture(scope="module")
def result(base: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> ImportResult:
    out = tmp_path_factory.mktemp("hf") / "hf.ttl"
    return importers.run("huggingface", [CARDS, RECORDS], output=out, context=base)


def test_a_repository_id_is_the_identity(result: ImportResult) -> None:
    g, m = result.graph, model("example-org/Example-Tuned-7B")
    assert str(m) == f"{ID}model/hf--example-org--example-tuned-7b"
    assert (m, FM.huggingFaceId, Literal("example-org/Example-Tuned-7B")) in g
    assert (m, FM.huggingFacePage, URIRef("https://huggingface.co/example-org/Example-Tuned-7B")) in g
    assert (m, RDFS.label, Literal("example-org/Example-Tuned-7B", lang="en")) in g
    assert (m, FM.developer, URIRef(f"{ID}org/hf--example-org")) in g


def test_a_known_owner_is_its_organization(result: ImportResult) -> None:
    assert (model("meta-llama/Llama-2-7b-hf"), FM.developer, URIRef(f"{ID}org/meta")) in result.graph


def test_a_curated_repository_is_the_curated_model(result: ImportResult) -> None:
    # microsoft/phi-2 is model:phi-2 by the crosswalk, so the adapter on the Hub hangs under it
    g = result.graph
    assert (model("someone/phi-2-chat-lora"), FM.adapterOf, URIRef(f"{ID}model/phi-2")) in g
    assert (model("microsoft/phi-2"), None, None) not in g


@pytest.mark.parametrize(
    ("child", "prop", "parent"),
    [
        ("example-org/Example-Tuned-7B", FM.fineTunedFrom, "mistralai/Mistral-7B-v0.1"),  # a typed tag
        ("example-org/Example-Tuned-7B-GGUF", FM.quantizedFrom, "example-org/Example-Tuned-7B"),
        ("example-org/Example-Merge-13B", FM.mergedFrom, "mistralai/Mistral-7B-v0.1"),  # the card's relation
        ("example-org/Example-LoRA", FM.adapterOf, "meta-llama/Llama-2-7b-hf"),  # inferred: peft
        ("someone/two-way-merge", FM.mergedFrom, "someone/phi-2-chat-lora"),  # inferred: mergekit
    ],
)
def test_lineage_is_typed_as_the_hub_types_it(result: ImportResult, child: str, prop: URIRef, parent: str) -> None:
    target = URIRef(f"{ID}model/phi-2") if parent == "microsoft/phi-2" else model(parent)
    assert (model(child), prop, target) in result.graph
    assert not set(result.graph.triples((model(child), FM.derivedFrom, None)))


def test_an_inferred_relation_records_its_rule(result: ImportResult) -> None:
    g = result.graph
    rules = {
        (s_, str(g.value(st, RDF.object)), str(g.value(st, FM.inferredBy)))
        for st in g.subjects(RDF.type, RDF.Statement)
        if (s_ := str(g.value(st, RDF.subject)))
    }
    assert (str(model("example-org/Example-LoRA")), str(model("meta-llama/Llama-2-7b-hf")),
            "library_name is peft: an adapter") in rules  # fmt: skip
    assert any(r[0] == str(model("someone/two-way-merge")) and "merge tool" in r[2] for r in rules)
    # a relation the Hub states is not marked as inferred
    assert not any(r[0] == str(model("example-org/Example-Tuned-7B-GGUF")) for r in rules)


def test_facts_the_hub_states_exactly(result: ImportResult) -> None:
    g, m = result.graph, model("example-org/Example-Tuned-7B")
    assert (m, FM.parameterCount, Literal(7241732096, datatype=XSD.integer)) in g
    assert (m, FM.repositoryCreated, Literal("2024-03-01T10:00:00.000Z", datatype=XSD.dateTime)) in g
    assert (m, FM.releaseDate, None) not in g  # a repository's date is not a release date
    assert (m, FM.license, URIRef(f"{ID}license/apache-2.0")) in g
    assert (m, FM.pipelineTag, Literal("text-generation")) in g
    assert (m, FM.library, Literal("transformers")) in g
    assert (m, FM.architectureClass, Literal("MistralForCausalLM")) in g
    assert (m, FM.modelType, Literal("mistral")) in g
    assert (m, FM.gated, Literal(False)) in g
    assert (m, RDF.type, FM.LanguageModel) in g
    assert {str(o) for o in g.objects(m, DCTERMS.language)} == {"en", "fr"}
    dataset = URIRef(f"{ID}dataset/hf--example-org--example-instructions")
    assert (m, FM.trainedOn, dataset) in g
    assert (
        dataset,
        FM.huggingFacePage,
        URIRef("https://huggingface.co/datasets/example-org/example-instructions"),
    ) in g
    llama = model("meta-llama/Llama-2-7b-hf")
    assert (llama, FM.gated, Literal(True)) in g
    assert (llama, FM.license, URIRef(f"{ID}license/llama-2-community-license")) in g


def test_popularity_is_dated(result: ImportResult) -> None:
    g, m = result.graph, model("example-org/Example-Tuned-7B")
    obs = g.value(m, FM.popularity)
    assert obs is not None
    assert (obs, DCTERMS.date, Literal("2025-04-22", datatype=XSD.date)) in g  # from the file's name
    assert (obs, FM.downloads, Literal(1200, datatype=XSD.integer)) in g
    assert (obs, FM.likes, Literal(15, datatype=XSD.integer)) in g


def test_other_license_reads_license_name(result: ImportResult) -> None:
    lic = result.graph.value(model("example-org/Example-Merge-13B"), FM.license)
    assert result.graph.value(lic, RDFS.label) == Literal("example-community-license", lang="en")


def test_a_base_model_outside_the_input_is_described_so_no_edge_dangles(result: ImportResult) -> None:
    g = result.graph
    for _, _, parent in g.triples((None, FM.fineTunedFrom, None)):
        assert (parent, RDF.type, None) in g or str(parent) == f"{ID}model/phi-2"
    assert (model("mistralai/Mistral-7B-v0.1"), FM.huggingFaceId, Literal("mistralai/Mistral-7B-v0.1")) in g


def test_bad_and_thin_records_are_warnings_that_are_counted(result: ImportResult) -> None:
    s = result.summary
    assert s.tolerated["records not read"] == 2
    assert s.tolerated["thin records (an id and nothing else)"] == 1
    assert any(w.startswith(f"{RECORDS}:4: records not read") for w in s.warnings)
    assert any(w.startswith(f"{RECORDS}:5: records not read: malformed JSON") for w in s.warnings)
    assert (model("someone/empty"), FM.huggingFaceId, None) in result.graph


def test_strict_makes_a_bad_record_an_error(base: KnowledgeGraph, tmp_path: Path) -> None:
    with pytest.raises(LoadError, match=r"hub-2025-04-22.jsonl:4: .* is not a Hub repository id"):
        importers.run("huggingface", [RECORDS], output=tmp_path / "x.ttl", context=base, strict=True)


def test_card_and_record_of_one_repository_are_one_entity(result: ImportResult) -> None:
    assert result.summary.duplicates == 2  # Example-Tuned-7B and its GGUF: a card and a record each
    labels = list(result.graph.objects(model("example-org/Example-Tuned-7B"), RDFS.label))
    assert len(labels) == 1


def test_the_card_prose_is_never_read(result: ImportResult) -> None:
    assert "FIXTURE CARD TEXT" not in importers.turtle(result).decode()


@pytest.mark.parametrize(
    ("path", "top", "repo"),
    [
        ("cards/acme/Model-1/README.md", "cards", "acme/Model-1"),
        ("hub/models--acme--Model-1/snapshots/abc/README.md", "hub", "acme/Model-1"),
        ("cards/README.md", "cards", ""),
    ],
)
def test_repository_id_from_where_a_card_lies(path: str, top: str, repo: str) -> None:
    assert repo_id_from_path(Path(path), Path(top)) == repo


def test_streamed_ntriples_equal_the_turtle(base: KnowledgeGraph, result: ImportResult, tmp_path: Path) -> None:
    lines: list[str] = []
    hub.stream([CARDS, RECORDS], lines.append, context=base, graph_iri=str(result.graph_iri))
    streamed = Graph().parse(data="\n".join(lines), format="nt")
    assert set(streamed) == set(result.graph)


def test_parquet_dump_reads_like_the_records(base: KnowledgeGraph, tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    from datetime import datetime

    rows = [json.loads(line) for line in RECORDS.read_text().splitlines()[:3]]
    card = "---\nlicense: apache-2.0\nbase_model: mistralai/Mistral-7B-v0.1\n---\n# prose"
    table = pa.table(
        {
            "modelId": [r["id"] for r in rows],
            "author": [r["author"] for r in rows],
            "createdAt": [datetime.fromisoformat(r["createdAt"].replace("Z", "+00:00")) for r in rows],
            "downloads": [r["downloads"] for r in rows],
            "likes": [r["likes"] for r in rows],
            "tags": [r["tags"] for r in rows],
            "pipeline_tag": [r.get("pipeline_tag") for r in rows],
            "library_name": [r.get("library_name") for r in rows],
            "card": [card, None, None],
        }
    )
    path = tmp_path / "dump-2025-04-22.parquet"
    pq.write_table(table, path)
    lines: list[str] = []
    h = hub.stream([path], lines.append, context=base, graph_iri="urn:x")
    g = Graph().parse(data="\n".join(lines), format="nt")
    assert h.summary.entities == 3
    m = model("example-org/Example-Tuned-7B")
    assert (m, FM.fineTunedFrom, model("mistralai/Mistral-7B-v0.1")) in g
    assert (m, FM.repositoryCreated, Literal("2024-03-01T10:00:00Z", datatype=XSD.dateTime)) in g
    assert (model("example-org/Example-Tuned-7B-GGUF"), FM.quantizedFrom, m) in g


def test_cli_streams_ntriples_and_twice_gives_no_diff(tmp_path: Path) -> None:
    runner = CliRunner()
    outs = []
    for n in (1, 2):
        out = tmp_path / f"run{n}" / "hub.nt"
        result = runner.invoke(app, ["import", "huggingface", str(RECORDS), str(CARDS), "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert "triples" in result.output
        outs.append(out.read_bytes())
    # the graph is named for its file, so compare without the provenance lines
    first, second = ([ln for ln in o.splitlines() if b"/run" not in ln] for o in outs)
    assert first == second


def test_from_hub_needs_a_filter() -> None:
    result = CliRunner().invoke(app, ["import", "huggingface", "--from-hub"])
    assert result.exit_code == 2
    assert "--author" in result.output


def test_filters_without_from_hub_are_refused() -> None:
    result = CliRunner().invoke(app, ["import", "huggingface", str(RECORDS), "--author", "x"])
    assert result.exit_code == 2
    assert "--from-hub" in result.output


SLICE = SHARED / "huggingface"


@pytest.mark.skipif(not SLICE.is_dir(), reason="../shared/reference is not here")
def test_the_shared_slice_imports_whole(base: KnowledgeGraph) -> None:
    """Every record and card imported, distinct repositories distinct, >= 95% of the Hub's typed
    base-model edges resolved inside the import, parameter counts equal to safetensors.total."""
    records = [json.loads(line) for line in (SLICE / "hub-models.jsonl").read_text().splitlines()]
    lines: list[str] = []
    h = hub.stream([SLICE / "hub-models.jsonl", SLICE / "cards"], lines.append, context=base, graph_iri="urn:x")
    s = h.summary
    cards = sum(1 for _ in (SLICE / "cards").rglob("README.md"))
    assert s.records == len(records) + cards
    assert s.tolerated["records not read"] == 0
    assert s.entities == len({r["id"].lower() for r in records} | {
        "/".join(p.relative_to(SLICE / "cards").parts[:2]).lower() for p in (SLICE / "cards").rglob("README.md")
    })  # fmt: skip
    g = Graph().parse(data="\n".join(lines), format="nt")
    ids = {r["id"].lower() for r in records}
    typed = [
        (r["id"], t.split(":", 2))
        for r in records
        for t in r["tags"]
        if t.startswith("base_model:") and t.count(":") >= 2
    ]
    inside = [(child, rel, parent) for child, (_, rel, parent) in typed if parent.lower() in ids]
    assert len(inside) >= 0.95 * len(typed)
    props = {
        "finetune": FM.fineTunedFrom,
        "adapter": FM.adapterOf,
        "quantized": FM.quantizedFrom,
        "merge": FM.mergedFrom,
    }
    crosswalk = {str(o).lower(): s_ for s_, o in base.subject_objects(FM.huggingFaceId)}
    for child, rel, parent in inside:
        me = crosswalk.get(child.lower(), model(child))
        target = crosswalk.get(parent.lower(), model(parent))
        assert (me, props[rel], target) in g, (child, rel, parent)
    for r in records:
        if total := (r.get("safetensors") or {}).get("total"):
            me = crosswalk.get(r["id"].lower(), model(r["id"]))
            assert (me, FM.parameterCount, Literal(total, datatype=XSD.integer)) in g


@pytest.mark.parametrize(
    ("name", "content", "why"),
    [
        ("dump.parquet", b"not parquet at all", "not a readable Parquet file"),
        ("records.txt", b"{}", "not a Hub input"),
        ("empty.jsonl", b"\n\nnot json\n", "nothing imported: malformed JSON"),
    ],
)
def test_a_bad_hub_input_is_a_one_line_error_and_writes_nothing(
    tmp_path: Path, name: str, content: bytes, why: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    out = tmp_path / "out.nt"
    result = CliRunner().invoke(app, ["import", "huggingface", str(path), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert why in result.output and str(path) in result.output
    assert "Traceback" not in result.output
    assert not out.exists() and [p.name for p in tmp_path.iterdir()] == [name]


def test_an_inferred_edge_gives_way_to_the_hubs_type_wherever_it_comes(base: KnowledgeGraph, tmp_path: Path) -> None:
    # The first record of a repository has only an untyped tag (a fine-tune, inferred); a later one
    # has the Hub's type for the same edge. The Hub's type wins, though it came second.
    records = tmp_path / "hub.jsonl"
    rows = [
        {"id": "someone/child", "tags": ["base_model:someone/base"]},
        {"id": "someone/child", "tags": ["base_model:adapter:someone/base"]},
        {"id": "someone/base", "tags": []},
        {"id": "someone/other", "tags": ["base_model:someone/base"]},
    ]
    records.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    g = importers.run("huggingface", [records], output=tmp_path / "x.ttl", context=base).graph
    child, other, parent = model("someone/child"), model("someone/other"), model("someone/base")
    assert set(g.predicate_objects(child)) >= {(FM.adapterOf, parent)}
    assert (child, FM.fineTunedFrom, parent) not in g
    assert (other, FM.fineTunedFrom, parent) in g  # nothing typed it otherwise: the inferred edge stays
    assert {g.value(st, RDF.subject) for st in g.subjects(RDF.type, RDF.Statement)} == {other}


@pytest.mark.parametrize("strict", [False, True])
def test_the_scratch_ledger_is_deleted(
    base: KnowledgeGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, strict: bool
) -> None:
    import tempfile

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    if strict:
        with pytest.raises(LoadError):
            importers.run("huggingface", [RECORDS], output=tmp_path / "x.ttl", context=base, strict=True)
    else:
        importers.run("huggingface", [RECORDS], output=tmp_path / "x.ttl", context=base)
    assert not list(scratch.iterdir())
