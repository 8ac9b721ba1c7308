"""Regression tests for issue #11 (one fast, correct engine), one per bug it reported."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from fmkg.cli import app
from fmkg.store import KnowledgeGraph

XSD_DOUBLE = "http://www.w3.org/2001/XMLSchema#double"


def test_the_default_store_answers_the_regex_queries_that_timed_out(runner: CliRunner) -> None:
    # Both took over 120 s on the old default (rdflib's memory store).
    text = (
        "SELECT ?r WHERE { ?d rdfs:label ?dl . FILTER(regex(str(?dl),'^DALL.?E$','i'))"
        " ?d ?r ?g . ?g rdfs:label ?gl . FILTER(regex(str(?gl),'^GPT-3$','i'))"
        " ?r rdfs:subPropertyOf* prov:wasDerivedFrom }"
    )
    result = runner.invoke(app, ["query", text, "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert "https://w3id.org/fmkg/ontology#basedOn" in result.output


@pytest.mark.parametrize(
    ("text", "distinct"),
    [
        ("SELECT (COUNT(?m) AS ?n) WHERE { ?m fm:developer org:openai }", "COUNT(DISTINCT ?m)"),
        ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", None),
    ],
)
def test_counts_are_set_counts_on_every_store(
    shipped: KnowledgeGraph, shipped_memory: KnowledgeGraph, text: str, distinct: str | None
) -> None:
    # The union default graph counted a triple once per named graph holding it (104 against 68).
    texts = [text] + ([text.replace("COUNT(?m)", distinct)] if distinct else [])
    counts = {int(str(kg.query(q).rows[0][0])) for kg in (shipped, shipped_memory) for q in texts}
    assert len(counts) == 1


def test_construct_output_keeps_the_value_of_a_double(runner: CliRunner, tmp_path: Path) -> None:
    # CONSTRUCT printed 5.915882e+17 for "5.9158815e+17"^^xsd:double, a different number.
    data = tmp_path / "d.ttl"
    data.write_text(f'<http://example.org/m> <http://example.org/c> "5.9158815e+17"^^<{XSD_DOUBLE}> .\n')
    for fmt in ("ntriples", "turtle", "rdfxml", "jsonld"):
        result = runner.invoke(
            app, ["query", "--data", str(data), "--no-default", "CONSTRUCT WHERE { ?s ?p ?o }", "--format", fmt]
        )
        assert result.exit_code == 0, result.output
        syntax = {"ntriples": ox.RdfFormat.N_TRIPLES, "turtle": ox.RdfFormat.TURTLE,
                  "rdfxml": ox.RdfFormat.RDF_XML, "jsonld": ox.RdfFormat.JSON_LD}[fmt]  # fmt: skip
        (triple,) = list(ox.parse(result.output.encode(), format=syntax))
        assert triple.object.datatype.value == XSD_DOUBLE
        assert float(triple.object.value) == 5.9158815e17


def test_store_option_works_before_and_after_the_command(runner: CliRunner) -> None:
    text = "SELECT (COUNT(?m) AS ?n) WHERE { ?m fm:developer org:openai }"
    before = runner.invoke(app, ["--store", "memory", "query", text, "--format", "csv"])
    after = runner.invoke(app, ["query", "--store", "memory", text, "--format", "csv"])
    default = runner.invoke(app, ["query", text, "--format", "csv"])
    assert before.exit_code == after.exit_code == default.exit_code == 0
    assert before.output == after.output == default.output
