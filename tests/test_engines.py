"""Oxigraph and rdflib answer alike: every named query and aggregate queries, compared as multisets."""

from __future__ import annotations

import shlex
from collections import Counter

import pytest
from rdflib.compare import isomorphic

from fmkg.cli import app
from fmkg.errors import QuerySyntaxError
from fmkg.sparql import engine, library
from fmkg.store import KnowledgeGraph, QueryResult

LIBRARY = library.library()

#: Aggregates a user writes: counts with and without DISTINCT, grouped, over the merge and per graph.
AGGREGATES = {
    "count-all": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "count-openai": "SELECT (COUNT(?m) AS ?n) WHERE { ?m fm:developer org:openai }",
    "count-distinct-developers": "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?m fm:developer ?o }",
    "per-developer": "SELECT ?o (COUNT(?m) AS ?n) WHERE { ?m fm:developer ?o } GROUP BY ?o",
    "per-graph": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "per-class": "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c HAVING (COUNT(?s) > 2)",
    "labels-of-gpt": "SELECT ?l WHERE { ?m rdfs:label ?l FILTER(STRSTARTS(STR(?l), 'GPT')) }",
    "sum-params": "SELECT (SUM(?p) AS ?total) (MAX(?p) AS ?most) WHERE { ?m fm:parameterCount ?p }",
    "years": "SELECT ?y (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m fm:releaseDate ?d BIND(SUBSTR(STR(?d), 1, 4) AS ?y) } GROUP BY ?y",
    "optional": "SELECT ?m ?lic WHERE { ?m fm:fineTunedFrom ?p OPTIONAL { ?m fm:license ?lic } }",
    "path": "SELECT ?x WHERE { ?x (fm:fineTunedFrom|fm:adapterOf|fm:basedOn)+ model:llama }",
    "ask": "ASK { model:alpaca fm:fineTunedFrom model:llama }",
}


def example_params(nq: library.NamedQuery) -> dict[str, str]:
    args = shlex.split(nq.examples[0]) if nq.examples else []
    return dict(args[i + 1].split("=", 1) for i, a in enumerate(args) if a in ("--param", "-p"))


def normal(value: object) -> str:
    # GROUP_CONCAT's order is left to the engine by SPARQL: compare its parts as a set.
    text = "" if value is None else str(value)
    return ", ".join(sorted(text.split(", ")))


def same(a: QueryResult, b: QueryResult) -> None:
    assert a.type == b.type
    if a.type == "SELECT":
        assert a.vars == b.vars
        assert Counter(tuple(normal(x) for x in r) for r in a) == Counter(tuple(normal(x) for x in r) for r in b)
    elif a.type == "ASK":
        assert a.askAnswer == b.askAnswer
    else:
        assert isomorphic(a.graph, b.graph)


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_named_query_gives_the_same_rows_on_both_stores(
    shipped: KnowledgeGraph, shipped_memory: KnowledgeGraph, name: str
) -> None:
    nq = LIBRARY[name]
    same(engine.run(shipped, nq, example_params(nq)), engine.run(shipped_memory, nq, example_params(nq)))


@pytest.mark.parametrize("name", sorted(AGGREGATES))
def test_aggregates_count_each_fact_once_on_both_stores(
    shipped: KnowledgeGraph, shipped_memory: KnowledgeGraph, name: str
) -> None:
    text = AGGREGATES[name]
    same(shipped.query(text), shipped_memory.query(text))


def test_a_fact_from_three_sources_is_counted_once(shipped: KnowledgeGraph) -> None:
    n = int(str(shipped.query(AGGREGATES["count-openai"]).rows[0][0]))
    per_source = shipped.query("SELECT ?g WHERE { GRAPH ?g { ?m fm:developer org:openai } }").rows
    distinct = {r[0] for r in shipped.query("SELECT ?m WHERE { ?m fm:developer org:openai }")}
    assert n == len(distinct) < len(per_source)


def test_both_stores_hold_the_same_graphs(shipped: KnowledgeGraph, shipped_memory: KnowledgeGraph) -> None:
    assert len(shipped) == len(shipped_memory)
    assert shipped.graph_sizes() == shipped_memory.graph_sizes()


@pytest.mark.parametrize("backend", ["shipped", "shipped_memory"])
def test_syntax_error_is_one_line_with_its_position(backend: str, request: pytest.FixtureRequest) -> None:
    kg: KnowledgeGraph = request.getfixturevalue(backend)
    with pytest.raises(QuerySyntaxError, match=r"<query>:1:\d+: SPARQL syntax error"):
        kg.query("SELECT ?x WHERE { ?x ?y }")


@pytest.mark.parametrize("position", ["before", "after"])
def test_store_option_in_either_position(runner, position: str) -> None:
    query = ["query", "has-lineage", "-p", "model=alpaca", "-p", "ancestor=llama"]
    args = ["--store", "memory", *query] if position == "before" else [*query, "--store", "memory"]
    out = runner.invoke(app, args)
    assert (out.exit_code, out.output) == (0, "true\n")
    bad = runner.invoke(app, ["query", "timeline", "--store", "bogus"])
    assert bad.exit_code == 2 and "unknown store" in bad.output
