"""Output formats of fmkg query, checked by parsing them back."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import rdflib
from rdflib import Graph
from rdflib.compare import isomorphic

from fmkg.cli import app
from fmkg.sparql.engine import run
from fmkg.sparql.library import get

ARGS = ["models-by-organization", "-p", "org=openai"]


def test_table(runner) -> None:
    out = runner.invoke(app, ["query", *ARGS]).output
    assert out.splitlines()[0].split()[:2] == ["model", "modelLabel"]
    assert "model:gpt-3" in out
    assert out.rstrip().endswith("rows)")


def test_json_is_sparql_results_json(runner) -> None:
    doc = json.loads(runner.invoke(app, ["query", *ARGS, "-f", "json"]).output)
    assert doc["head"]["vars"][:2] == ["model", "modelLabel"]
    gpt3 = next(b for b in doc["results"]["bindings"] if b["model"]["value"].endswith("/gpt-3-175b"))
    assert gpt3["model"]["type"] == "uri"
    assert gpt3["parameters"] == {
        "type": "literal",
        "value": "175000000000",
        "datatype": "http://www.w3.org/2001/XMLSchema#integer",
    }


def test_csv(runner) -> None:
    rows = list(csv.DictReader(io.StringIO(runner.invoke(app, ["query", *ARGS, "-f", "csv"]).output)))
    assert any(r["modelLabel"] == "GPT-3 175B" and r["parameters"] == "175000000000" for r in rows)


def test_tsv_uses_rdf_term_syntax(runner) -> None:
    lines = runner.invoke(app, ["query", *ARGS, "-f", "tsv"]).output.splitlines()
    assert lines[0].startswith("?model\t?modelLabel")
    assert any('<https://w3id.org/fmkg/id/model/gpt-3>\t"GPT-3"@en' in line for line in lines)


def test_ask_json(runner) -> None:
    out = runner.invoke(app, ["query", "has-lineage", "-p", "model=codex", "-p", "ancestor=gpt-3", "-f", "json"])
    assert json.loads(out.output) == {"head": {}, "boolean": True}


@pytest.mark.parametrize(("fmt", "rdf"), [("turtle", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_construct_formats_parse_back_to_the_same_graph(
    runner, shipped, monkeypatch: pytest.MonkeyPatch, fmt: str, rdf: str
) -> None:
    out = runner.invoke(app, ["query", "model-card", "-p", "model=bert", "-f", fmt])
    assert out.exit_code == 0, out.output
    expected = run(shipped, get("model-card"), {"model": "bert"}).graph
    assert len(expected) > 0
    # Terms are compared exactly as written: rdflib would otherwise rewrite the lexical form of
    # numeric literals ("285000000000000000000"^^xsd:double -> "2.85e+20") while parsing.
    monkeypatch.setattr(rdflib, "NORMALIZE_LITERALS", False)
    assert isomorphic(Graph().parse(data=out.output, format=rdf), expected)


def test_graph_format_for_select_is_an_error(runner) -> None:
    out = runner.invoke(app, ["query", *ARGS, "-f", "turtle"])
    assert out.exit_code == 2
    assert "SELECT query gives rows" in out.output


def test_output_file_is_written(runner, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    out = runner.invoke(app, ["query", *ARGS, "-f", "csv", "-o", str(target)])
    assert out.exit_code == 0 and out.output == ""
    assert target.read_text(encoding="utf-8").startswith("model,modelLabel")
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_failed_query_leaves_output_untouched(runner, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("previous", encoding="utf-8")
    out = runner.invoke(app, ["query", "SELECT ?x WHERE {", "-o", str(target)])
    assert out.exit_code == 2
    assert target.read_text(encoding="utf-8") == "previous"
