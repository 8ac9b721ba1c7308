"""Golden answers: every named query on a small fixture graph gives exactly the expected rows, on both stores.

The fixture (``tests/fixtures/golden/``) is three source files over the ontology (the third shaped as
the Hub importer writes), made so that each query has
something to find, including disagreements between sources. The expected answers are in
``expected.json``, one entry per case; after changing a query or the fixture, regenerate them with
``FMKG_UPDATE_GOLDEN=1 pytest tests/test_named_queries.py`` and read the diff before committing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Literal
from rdflib.term import Node

from fmkg.rdf.sources import ontology_dir
from fmkg.sparql import engine, library
from fmkg.store import KnowledgeGraph, QueryResult, open_graph

GOLDEN = Path(__file__).parent / "fixtures" / "golden"
EXPECTED = GOLDEN / "expected.json"
LIBRARY = library.library()

#: (case id, query name, parameters): at least one case per named query.
CASES: list[tuple[str, str, dict[str, str]]] = [
    ("ancestors", "ancestors", {"model": "Small"}),
    ("applications", "applications", {}),
    ("concepts", "concepts", {}),
    ("conflicts", "conflicts", {}),
    ("descendant-licenses", "descendant-licenses", {"model": "base"}),
    ("descendants", "descendants", {"model": "Base"}),
    ("descendants-of-a-leaf", "descendants", {"model": "small"}),
    ("entity-facts", "entity-facts", {"entity": "orphan"}),
    ("risks", "foundation-model-risks-and-attributes", {}),
    ("has-lineage-yes", "has-lineage", {"model": "small", "ancestor": "base"}),
    ("has-lineage-no", "has-lineage", {"model": "base", "ancestor": "small"}),
    ("hub-top-descendants", "hub-top-descendants", {"model": "base"}),
    ("quantizations-and-adapters", "quantizations-and-adapters", {"model": "base"}),
    ("family-depth", "family-depth", {"model": "base"}),
    ("family-variants", "family-variants", {"family": "base family"}),
    ("lineage-confidence", "lineage-confidence", {}),
    ("descendants-of-a-family", "descendants", {"model": "Base family"}),
    ("largest-models", "largest-models", {}),
    ("license-conflicts", "license-conflicts", {}),
    ("lineage-edges", "lineage-edges", {}),
    ("model-card", "model-card", {"model": "tuned"}),
    ("models-by-architecture", "models-by-architecture", {"architecture": "transformer"}),
    ("models-by-modality", "models-by-modality", {"modality": "text"}),
    ("models-by-organization", "models-by-organization", {"org": "Acme Research"}),
    ("models-by-year", "models-by-year", {"year": "2021"}),
    ("models-per-organization", "models-per-organization", {}),
    ("open-weight-models", "open-weight-models", {}),
    ("organization-models-before", "organization-models-before", {"org": "globex", "year": "2022"}),
    ("powered-by-model", "powered-by-model", {"model": "Tuned"}),
    ("releases-per-year", "releases-per-year", {}),
    ("sources", "sources", {"entity": "base"}),
    ("timeline", "timeline", {}),
    ("unresolved-references", "unresolved-references", {}),
]


@pytest.fixture(scope="module", params=["oxigraph", "memory"])
def golden(request: pytest.FixtureRequest) -> Iterator[KnowledgeGraph]:
    files = [ontology_dir() / "fmkg.ttl", GOLDEN / "curated.ttl", GOLDEN / "imported.ttl", GOLDEN / "hub.ttl"]
    with open_graph(files, default=False, backend=request.param, cache=False) as kg:
        yield kg


def _term(term: Node | None) -> str | None:
    if term is None:
        return None
    # Graph names of fixture files are file: IRIs of this checkout; the golden file names them relatively.
    return term.n3().replace(GOLDEN.resolve().as_uri() + "/", "golden:")


def _cell(var: str, term: Node | None) -> str | None:
    # GROUP_CONCAT's order is left to the engine: its parts are compared sorted.
    if isinstance(term, Literal) and ", " in term and var.endswith(("Label", "classes")):
        term = Literal(", ".join(sorted(term.split(", "))), lang=term.language, datatype=term.datatype)
    return _term(term)


def answer(result: QueryResult) -> object:
    """A JSON-able, order-preserving form of an answer: rows of N3 terms, a boolean, or sorted triples."""
    if result.type == "SELECT":
        return {
            "vars": result.vars,
            "rows": [[_cell(v, t) for v, t in zip(result.vars, r, strict=True)] for r in result],
        }
    if result.type == "ASK":
        return {"ask": result.askAnswer}
    return {"triples": sorted(" ".join(str(_term(t)) for t in triple) for triple in result.triples)}


def _expected() -> dict[str, object]:
    return json.loads(EXPECTED.read_text(encoding="utf-8")) if EXPECTED.exists() else {}


def test_every_named_query_has_a_golden_case() -> None:
    assert set(LIBRARY) - {name for _, name, _ in CASES} == set()
    assert set(_expected()) == {case for case, _, _ in CASES}


@pytest.mark.parametrize(("case", "name", "params"), CASES, ids=[c[0] for c in CASES])
def test_named_query_gives_the_golden_answer(
    golden: KnowledgeGraph, case: str, name: str, params: dict[str, str]
) -> None:
    got = answer(engine.run(golden, LIBRARY[name], params))
    if os.environ.get("FMKG_UPDATE_GOLDEN") == "1" and golden.backend == "oxigraph":
        data = _expected()
        data[case] = got
        EXPECTED.write_text(
            json.dumps(dict(sorted(data.items())), indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    assert got == _expected()[case]
