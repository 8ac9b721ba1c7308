"""SHACL validation: the shipped graph conforms; each kind of injected error is reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from fmkg.cli import app
from fmkg.quality.validate import validate
from fmkg.rdf.sources import graph_files
from fmkg.store import KnowledgeGraph, open_graph

# Injected errors are checked against the ontology, vocabularies and curated core: enough for every
# shape to apply, and much faster than the whole graph with its imports.
BASE = [p for p in graph_files() if "imported" not in p.parts]

PREFIXES = """
@prefix fm:      <https://w3id.org/fmkg/ontology#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix model:   <https://w3id.org/fmkg/id/model/> .
@prefix org:     <https://w3id.org/fmkg/id/org/> .
"""
GOOD = 'rdfs:label "Injected"@en ; fm:developer org:google ; dcterms:source <https://example.org/x>'

# (what is wrong, Turtle that says it, a phrase the report must contain)
BROKEN = [
    ("no label", "model:x a fm:AIModel ; dcterms:source <https://example.org/x> .", "English label"),
    ("two labels", f'model:x a fm:AIModel ; {GOOD} ; rdfs:label "Other"@en .', "English label"),
    (
        "developer is a model",
        'model:x a fm:AIModel ; rdfs:label "X"@en ; fm:developer model:gpt-3 ; dcterms:source <https://example.org/x> .',
        "organization",
    ),
    ("untyped date", f'model:x a fm:AIModel ; {GOOD} ; fm:releaseDate "2020-01-01" .', "release date"),
    ("negative parameter count", f"model:x a fm:AIModel ; {GOOD} ; fm:parameterCount -5 .", "parameter count"),
    # (Not xsd:int: the store reads every derived integer type as xsd:integer, which conforms.)
    (
        "xsd:decimal parameter count",
        f'model:x a fm:AIModel ; {GOOD} ; fm:parameterCount "7"^^xsd:decimal .',
        "parameter count",
    ),
    ("string parameter count", f'model:x a fm:AIModel ; {GOOD} ; fm:parameterCount "7" .', "parameter count"),
    ("lineage to an organization", f"model:x a fm:AIModel ; {GOOD} ; fm:fineTunedFrom org:google .", "not a model"),
    ("no source", 'model:x a fm:AIModel ; rdfs:label "X"@en .', "source"),
    ("dangling IRI", f"model:x a fm:AIModel ; {GOOD} ; fm:basedOn model:no-such-model .", "never described"),
    ("typo in a property", f"model:x a fm:AIModel ; {GOOD} ; fm:develper org:google .", "never described"),
    (
        "derivation cycle",
        f"model:x a fm:AIModel ; {GOOD} ; fm:fineTunedFrom model:y .\n"
        f'model:y a fm:AIModel ; rdfs:label "Y"@en ; dcterms:source <https://example.org/y> ; fm:distilledFrom model:x .',
        "cycle",
    ),
]


def test_shipped_graph_conforms(shipped: KnowledgeGraph) -> None:
    report = validate(shipped)
    assert report.conforms, report.text()
    assert report.problems == ()


@pytest.mark.parametrize(("case", "turtle", "phrase"), BROKEN, ids=[b[0] for b in BROKEN])
def test_injected_error_is_reported(tmp_path: Path, case: str, turtle: str, phrase: str) -> None:
    path = tmp_path / "injected.ttl"
    path.write_text(PREFIXES + turtle + "\n", encoding="utf-8")
    with open_graph([*BASE, path], default=False, cache=False) as kg:
        report = validate(kg)
    assert not report.conforms
    text = report.text()
    assert phrase in text, text
    assert "does not conform" in text.splitlines()[-1]


def test_cli_exit_codes(runner, tmp_path: Path) -> None:
    ok = runner.invoke(app, ["validate", "--no-default", *[str(p) for p in BASE]])
    assert ok.exit_code == 0, ok.output
    assert ok.output.startswith("conforms")

    broken = tmp_path / "broken.ttl"
    broken.write_text(PREFIXES + BROKEN[3][1] + "\n", encoding="utf-8")
    bad = runner.invoke(app, ["validate", "--no-default", *[str(p) for p in BASE], str(broken)])
    assert bad.exit_code == 1
    assert "Injected (model:x) fm:releaseDate:" in bad.output

    unparsable = tmp_path / "unparsable.ttl"
    unparsable.write_text(PREFIXES + "model:x a fm:AIModel\n model:y .\n", encoding="utf-8")
    err = runner.invoke(app, ["validate", str(unparsable)])
    assert err.exit_code == 2
    assert f"{unparsable}:9:" in err.output


def test_sparql_constraints_see_every_focus_node_in_batches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Focus nodes are bound in batches (a VALUES block of 100k IRIs would pass the query size limit):
    batches of one find the same problems as one batch."""
    from fmkg.quality import shacl_sparql

    path = tmp_path / "injected.ttl"
    cycle, dangling = BROKEN[-1][1], BROKEN[-3][1].replace("model:x", "model:z")
    path.write_text(PREFIXES + cycle + "\n" + dangling + "\n", encoding="utf-8")
    with open_graph([*BASE, path], default=False, cache=False) as kg:
        whole = validate(kg)
        monkeypatch.setattr(shacl_sparql, "FOCUS_BATCH", 1)
        batched = validate(kg)
    assert not whole.conforms and len(whole.problems) >= 2
    assert sorted(map(str, batched.problems)) == sorted(map(str, whole.problems))


def test_a_graph_too_large_for_pyshacl_is_refused_at_once(runner, monkeypatch: pytest.MonkeyPatch) -> None:
    from fmkg.quality import validate as module

    from .conftest import FIXTURES

    monkeypatch.setattr(module, "MAX_TRIPLES", 10)
    result = runner.invoke(app, ["validate", "--no-default", str(FIXTURES / "tiny.ttl")])
    assert result.exit_code == 2
    assert "SHACL validation reads at most 10" in result.output and len(result.output.strip().splitlines()) == 1
