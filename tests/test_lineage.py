"""Lineage, paths, fact cards, search and checks, through the library and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from fmkg.cli import app
from fmkg.graph.lineage import lineage, lineage_from
from fmkg.graph.network import lineage_graph, to_networkx
from fmkg.rdf.namespaces import FM
from fmkg.store import KnowledgeGraph

from .conftest import FIXTURES

TINY = ["--no-default", "--data", str(FIXTURES / "tiny.ttl")]
M = "https://w3id.org/fmkg/id/model/"


def test_networkx_conversion_keeps_literals_out(shipped: KnowledgeGraph) -> None:
    g = to_networkx(shipped)
    assert not any(isinstance(n, Literal) or not n.startswith("http") for n in g.nodes)
    gpt3 = g.nodes[M + "gpt-3"]
    assert gpt3["label"] == "GPT-3"
    assert gpt3["released"] == "2020-05-28"
    assert "org:openai" in gpt3["developers"]
    assert {d["relation"] for _, _, d in g.out_edges(M + "dall-e", data=True)} >= {"fm:basedOn", "fm:developer"}


def test_dall_e_ancestors_include_gpt3(runner) -> None:
    out = runner.invoke(app, ["lineage", "DALL·E", "--direction", "up", "--format", "json"])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.output)
    assert doc["root"] == M + "dall-e"
    assert {"child": M + "dall-e", "relation": "fm:basedOn", "label": "based on", "parent": M + "gpt-3"} in doc["edges"]
    assert next(n for n in doc["nodes"] if n["iri"] == M + "gpt-3")["distance"] == 1


def test_llama_descendants_span_several_edge_types(shipped: KnowledgeGraph) -> None:
    lin = lineage(lineage_graph(shipped), M + "llama", "down")
    relations = {e.relation for e in lin.edges}
    assert len(relations) >= 3, relations
    assert {"fm:fineTunedFrom", "fm:adapterOf"} <= relations
    assert all(attrs["distance"] <= 0 for attrs in lin.nodes.values())
    assert M + "alpaca" in lin.nodes
    # Read straight from the store (what the CLI does), the family is the same.
    direct = lineage_from(shipped, URIRef(M + "llama"), "down")
    assert direct.edges == lin.edges
    assert direct.nodes == lin.nodes


@pytest.mark.parametrize(
    ("depth", "expected"),
    [(1, {"child-one"}), (2, {"child-one", "grandchild-q"}), (None, {"child-one", "grandchild-q"})],
)
def test_depth_limits_generations(runner, depth: int | None, expected: set[str]) -> None:
    args = ["lineage", "base-one", "--direction", "down", "-f", "json", *TINY]
    if depth:
        args += ["--depth", str(depth)]
    doc = json.loads(runner.invoke(app, args).output)
    assert {n["iri"].rsplit("/", 1)[1] for n in doc["nodes"]} - {"base-one"} == expected


def test_tree_and_dot(runner) -> None:
    tree = runner.invoke(app, ["lineage", "Grandchild Q", "--direction", "up", *TINY]).output
    assert tree.splitlines() == [
        "Grandchild Q (model:grandchild-q)",
        "ancestors:",
        "  └── quantized from: Child One (model:child-one, 2022)",
        "      └── fine tuned from: Base One (model:base-one, 2021-03-01)",
        "  (2 ancestors over 2 generations; fine tuned from 1, quantized from 1)",
    ]
    dot = runner.invoke(app, ["lineage", "base-one", "-f", "dot", *TINY]).output
    assert dot.startswith("digraph lineage {")
    assert f'"{M}child-one" -> "{M}base-one" [label="fine tuned from"];' in dot


def test_model_without_lineage_is_a_tree_of_one(runner) -> None:
    out = runner.invoke(app, ["lineage", "gpt-4"])
    assert out.exit_code == 0
    assert out.output.splitlines()[0] == "GPT-4 (model:gpt-4)"


def test_show_json_keys(runner) -> None:
    out = runner.invoke(app, ["show", "GPT-3 175B", "--format", "json"])
    assert out.exit_code == 0, out.output
    card = json.loads(out.output)
    assert {"iri", "label", "types", "developers", "released", "parameters", "derived_from", "sources"} <= set(card)
    assert card["label"] == "GPT-3 175B" and card["parameters"] == 175000000000 and card["released"] == "2020-05-28"
    assert card["developers"] == [{"iri": "https://w3id.org/fmkg/id/org/openai", "label": "OpenAI"}]
    for key in ("types", "developers", "licenses"):
        assert card[key], key
        assert all(set(item) == {"iri", "label"} and item["label"] for item in card[key]), key
    assert "https://w3id.org/fmkg/ontology#LargeLanguageModel" in {t["iri"] for t in card["types"]}
    assert "https://arxiv.org/abs/2005.14165" in card["sources"]
    assert all(f["graph"].startswith("https://w3id.org/fmkg/graph/") for f in card["facts"])


def test_show_text_names_the_graph_of_every_fact(runner) -> None:
    out = runner.invoke(app, ["show", "Codex"]).output
    line = next(row for row in out.splitlines() if row.strip().startswith("fine-tuned from"))
    assert line.split()[-3:] == ["GPT-3", "(model:gpt-3)", "[data/core]"]
    assert "sources:" in out and "https://arxiv.org/abs/2107.03374" in out


def test_misspelt_name_gets_suggestions(runner) -> None:
    out = runner.invoke(app, ["show", "chat gtp"])
    assert out.exit_code == 1
    assert "did you mean" in out.output and "ChatGPT" in out.output


def test_path_between_entities(runner) -> None:
    out = runner.invoke(app, ["path", "Alpaca", "LLaMA 7B", "--format", "json"])
    doc = json.loads(out.output)
    assert [(s["relation"], s["forward"]) for s in doc["steps"]] == [("fm:fineTunedFrom", True)]
    text = runner.invoke(app, ["path", "LLaMA 7B", "Alpaca"]).output
    assert text == "LLaMA 7B (model:llama-7b) <--fine-tuned from-- Alpaca (model:alpaca)\n"


def test_search(runner) -> None:
    out = runner.invoke(app, ["search", "dall e", "--format", "json"])
    hits = json.loads(out.output)
    assert hits[0]["iri"] == M + "dall-e" and hits[0]["score"] == 1.0
    nothing = runner.invoke(app, ["search", "zzzzqqqq"])
    assert nothing.exit_code == 1


def test_check_finds_no_cycles_in_the_shipped_graph(runner) -> None:
    out = runner.invoke(app, ["check"])
    assert out.exit_code == 0, out.output
    assert out.output.splitlines()[-1].startswith("0 errors")
    assert "Alpaca (model:alpaca) is under" in out.output


def test_check_reports_a_cycle(runner, tmp_path: Path) -> None:
    loop = tmp_path / "loop.ttl"
    loop.write_text(
        f"@prefix fm: <{FM}> .\n<{M}a> fm:fineTunedFrom <{M}b> .\n<{M}b> fm:mergedFrom <{M}a> .\n", encoding="utf-8"
    )
    out = runner.invoke(app, ["check", "--no-default", "--data", str(loop)])
    assert out.exit_code == 1
    assert "error: lineage cycle" in out.output


def test_node_attributes_are_read_in_batches_that_agree(
    shipped: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One query for every node went past the query size cap at 100k models (a RefusedQuery).
    from fmkg.graph import network

    whole = network.node_attributes(shipped, [str(n) for n, _ in shipped.subject_objects(FM.developer)][:300])
    monkeypatch.setattr(network, "NODE_BATCH", 7)
    assert network.node_attributes(shipped, list(whole)) == whole
    assert any(a["developers"] for a in whole.values())


@pytest.mark.parametrize("root", ["llama", "phi-2", "deepseek-r1", "alpaca", "gpt-4", "bert"])
@pytest.mark.parametrize("direction", ["up", "down", "both"])
def test_the_lineage_index_answers_as_sparql_does(shipped: KnowledgeGraph, root: str, direction: str) -> None:
    """A persistent store walks its lineage index; the same graph without it reads SPARQL: same lineage."""
    import dataclasses

    from fmkg.rdf.namespaces import ID

    assert shipped.lineage_index is not None
    plain = dataclasses.replace(shipped, location=None, _names=shipped.names, _lineage=None)
    assert plain.lineage_index is None
    iri = URIRef(f"{ID}model/{root}")
    indexed, read = lineage_from(shipped, iri, direction), lineage_from(plain, iri, direction)  # type: ignore[arg-type]
    assert indexed.nodes == read.nodes
    assert indexed.edges == read.edges


@pytest.mark.parametrize("root", ["llama", "phi-2", "mistral-7b", "alpaca"])
@pytest.mark.parametrize("direction", ["up", "down", "both"])
@pytest.mark.parametrize(("depth", "limit"), [(None, 1), (None, 25), (2, 10), (None, None)])
def test_a_tree_read_lazily_from_the_index_is_the_tree_of_the_whole_lineage(
    shipped: KnowledgeGraph, root: str, direction: str, depth: int | None, limit: int | None
) -> None:
    """With a limit, the tree walks integer ids and reads only the models it shows: same text."""
    import dataclasses

    from fmkg.graph.lineage import render_tree, tree_from
    from fmkg.rdf.namespaces import ID

    iri = URIRef(f"{ID}model/{root}")
    whole = render_tree(lineage_from(shipped, iri, direction, depth), limit)  # type: ignore[arg-type]
    assert tree_from(shipped, iri, direction, depth, limit) == whole  # type: ignore[arg-type]
    plain = dataclasses.replace(shipped, location=None, _names=shipped.names, _lineage=None)
    assert tree_from(plain, iri, direction, depth, limit) == whole  # type: ignore[arg-type]


def test_the_tree_shows_a_limited_number_of_lines_and_counts_them_all(runner) -> None:
    out = runner.invoke(app, ["lineage", "phi-2", "--direction", "down", "--limit", "3"])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[1] == "descendants:"
    assert sum(1 for line in lines if "── " in line) == 3
    shown = len({line.split("(model:")[1].split(")")[0].split(",")[0] for line in lines if "── " in line})
    total = int(lines[-1].split()[0].strip("("))
    assert total > 3
    assert lines[-2] == (
        f"  ... {total - shown} more descendants not shown "
        "(--limit 0 shows the whole tree; --format json lists every model)"
    )
    everything = runner.invoke(app, ["lineage", "phi-2", "--direction", "down", "--limit", "0"])
    assert "not shown" not in everything.output
    assert sum(1 for line in everything.output.splitlines() if "── " in line) >= total
    refused = runner.invoke(app, ["lineage", "phi-2", "--limit", "-1"])
    assert refused.exit_code != 0
    assert "--limit must be 0 (all) or more" in refused.output
