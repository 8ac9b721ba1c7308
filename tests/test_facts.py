"""Facts the curated core must answer, asked the way a user would: through fmkg query."""

from __future__ import annotations

import itertools
import json

import pytest
from rdflib import URIRef
from rdflib.namespace import RDF

from fmkg.cli import app
from fmkg.rdf.namespaces import FM, ID
from fmkg.sparql.text import with_prefixes
from fmkg.store import KnowledgeGraph


def run_json(runner, *args: str) -> list[dict[str, str]]:
    result = runner.invoke(app, ["query", *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    return [{k: v["value"] for k, v in b.items()} for b in doc["results"]["bindings"]]


def test_dall_e_is_derived_from_gpt3(runner) -> None:
    rows = run_json(runner, "ancestors", "--param", "model=DALL·E")
    assert {"ancestorLabel": "GPT-3", "relation": "based on"}.items() <= rows[0].items()
    ask = runner.invoke(app, ["query", "has-lineage", "-p", "model=dall-e", "-p", "ancestor=GPT-3"])
    assert (ask.exit_code, ask.output) == (0, "true\n")


def test_gpt3_does_not_descend_from_dall_e(runner) -> None:
    ask = runner.invoke(app, ["query", "has-lineage", "-p", "model=gpt-3", "-p", "ancestor=dall-e"])
    assert (ask.exit_code, ask.output) == (1, "false\n")


def test_bert_by_google_in_2018(runner) -> None:
    rows = run_json(runner, "organization-models-before", "-p", "org=Google", "-p", "year=2019")
    bert = [r for r in rows if r["modelLabel"] == "BERT"]
    assert bert and bert[0]["released"].startswith("2018-")
    assert bert[0]["architectureLabel"] == "encoder-only transformer"


def test_bard_powered_by_lamda(runner) -> None:
    rows = run_json(runner, "powered-by-model", "-p", "model=LaMDA")
    assert any(r["applicationLabel"] == "Bard" and r["released"].startswith("2023-03") for r in rows)


def test_chatgpt_released_november_2022_and_powered_by_gpt35(runner) -> None:
    rows = run_json(runner, "applications")
    chatgpt = {r["modelLabel"] for r in rows if r["applicationLabel"] == "ChatGPT"}
    assert "GPT-3.5 Turbo" in chatgpt
    timeline = run_json(runner, "timeline")
    assert any(r["entityLabel"] == "ChatGPT" and r["released"].startswith("2022-11") for r in timeline)


def test_gpt_series_is_a_chain_of_successors(shipped: KnowledgeGraph) -> None:
    m = ID["model/"]
    chain = [URIRef(f"{m}{s}") for s in ("gpt-4", "gpt-3.5", "gpt-3", "gpt-2", "gpt")]
    for newer, older in itertools.pairwise(chain):
        assert (newer, FM.successorOf, older) in shipped


@pytest.mark.parametrize("iri", ["transformer", "encoder-decoder-transformer", "evolved-transformer"])
def test_transformer_architectures_exist(shipped: KnowledgeGraph, iri: str) -> None:
    assert (ID[f"architecture/{iri}"], RDF.type, FM.Architecture) in shipped


def test_core_is_large_enough(shipped: KnowledgeGraph) -> None:
    models = set(shipped.query(with_prefixes("SELECT DISTINCT ?m WHERE { ?m a/rdfs:subClassOf* fm:AIModel }")))
    orgs = {o for o in shipped.objects(None, FM.developer) if (o, RDF.type, FM.Organization) in shipped}
    assert len(models) >= 95, "the overview's models plus at least 80 more"
    assert len(orgs) >= 20
    typed_edges = {
        p
        for p in (FM.fineTunedFrom, FM.distilledFrom, FM.quantizedFrom, FM.mergedFrom, FM.adapterOf, FM.basedOn)
        if next(shipped.triples((None, p, None)), None) is not None
    }
    assert len(typed_edges) == 6, "every lineage sub-property is used at least once"


def test_every_model_has_a_source(shipped: KnowledgeGraph) -> None:
    unsourced = list(
        shipped.query(
            with_prefixes(
                "SELECT ?m WHERE { ?m a/rdfs:subClassOf* fm:AIModel FILTER NOT EXISTS { ?m dcterms:source ?s } }"
            )
        )
    )
    assert unsourced == []
