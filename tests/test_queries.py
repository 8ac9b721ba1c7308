"""The named query library: documented headers, standard SPARQL, answers on the shipped graph."""

from __future__ import annotations

import re
import shlex

import pytest
from rdflib.plugins.sparql import prepareQuery

from fmkg.errors import QueryError, QuerySyntaxError
from fmkg.rdf.namespaces import FM, LINEAGE
from fmkg.sparql import engine, library
from fmkg.store import KnowledgeGraph

LIBRARY = library.library()
NAMES = sorted(LIBRARY)

SUB_PROPERTIES = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX fm: <https://w3id.org/fmkg/ontology#>
SELECT ?p WHERE { ?p rdfs:subPropertyOf* fm:derivedFrom }
"""


def example_params(nq: library.NamedQuery) -> dict[str, str]:
    """The --param values of the query's documented example."""
    assert nq.examples, f"{nq.name} has no example"
    args = shlex.split(nq.examples[0])
    return dict(args[i + 1].split("=", 1) for i, a in enumerate(args) if a in ("--param", "-p"))


def test_library_is_large_enough() -> None:
    assert len(LIBRARY) >= 15


@pytest.mark.parametrize("name", NAMES)
def test_header_documents_the_query(name: str) -> None:
    nq = LIBRARY[name]
    assert nq.title and nq.description, "title and description are required"
    form = prepareQuery(nq.text).algebra.name
    if form == "SelectQuery":
        projected = [str(v) for v in prepareQuery(nq.text).algebra["PV"]]
        assert list(nq.columns) == projected, "the columns line must list the projected variables"
    for p in nq.params:
        assert re.search(rf"[?$]{p.name}\b", nq.text), f"param {p.name} is not a variable of the query"
        assert p.doc


@pytest.mark.parametrize("name", NAMES)
def test_query_declares_its_own_prefixes(name: str) -> None:
    # Parsing with no initNs: the file must run unchanged in any SPARQL tool or triple store.
    prepareQuery(LIBRARY[name].text)


@pytest.mark.parametrize("name", NAMES)
def test_example_gives_an_answer(shipped: KnowledgeGraph, name: str) -> None:
    nq = LIBRARY[name]
    result = engine.run(shipped, nq, example_params(nq))
    if result.type == "ASK":
        assert result.askAnswer is True
    elif result.type == "SELECT":
        assert len(list(result)) > 0
    else:
        assert len(result.graph) > 0


def lineage_paths(text: str) -> list[set[str]]:
    return [set(m.split("|")) for m in re.findall(r"\((fm:\w+(?:\|fm:\w+)+)\)", text)]


@pytest.mark.parametrize("name", NAMES)
def test_lineage_paths_list_every_lineage_property(shipped: KnowledgeGraph, name: str) -> None:
    declared = {f"fm:{str(p).removeprefix(str(FM))}" for (p,) in shipped.query(SUB_PROPERTIES)}
    assert declared == {f"fm:{p.removeprefix(str(FM))}" for p in LINEAGE}
    for path in lineage_paths(LIBRARY[name].text):  # and, to treat a family as its variants, fm:variantOf
        assert path - {"fm:variantOf"} == declared, f"{name}: a lineage path must list all of {sorted(declared)}"


def test_missing_parameter_is_an_error(shipped: KnowledgeGraph) -> None:
    with pytest.raises(QueryError, match="missing parameter model"):
        engine.run(shipped, LIBRARY["ancestors"], {})


def test_unknown_parameter_is_an_error(shipped: KnowledgeGraph) -> None:
    with pytest.raises(QueryError, match="unknown parameter"):
        engine.run(shipped, LIBRARY["ancestors"], {"model": "bert", "colour": "red"})


def test_syntax_error_has_a_position(shipped: KnowledgeGraph) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        shipped.query("SELECT ?x WHERE {\n  ?x ?y\n}")
    assert re.search(r"<query>:\d+:\d+: SPARQL syntax error", str(info.value))


def test_values_are_bound_not_spliced(shipped: KnowledgeGraph) -> None:
    # A value that would change the query if pasted into its text is just a string literal.
    hostile = '" } UNION { ?s ?p ?o } #'
    nq = library.get("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?s WHERE { ?s rdfs:label ?name }")
    rows = list(engine.run(shipped, nq, {"name": f'"{hostile}"'}))
    assert rows == []


def test_inline_query_with_undeclared_entity_parameter(shipped: KnowledgeGraph) -> None:
    nq = library.get("PREFIX fm: <https://w3id.org/fmkg/ontology#> SELECT ?p WHERE { ?model fm:developer ?p }")
    rows = list(engine.run(shipped, nq, {"model": "DALL·E"}))
    assert [str(r[0]) for r in rows] == ["https://w3id.org/fmkg/id/org/openai"]


def test_unknown_named_query_is_an_error() -> None:
    with pytest.raises(QueryError, match="no named query"):
        library.get("no-such-query")


def test_long_inline_query_on_one_line(shipped: KnowledgeGraph) -> None:
    text = "SELECT ?m WHERE { ?m a <https://w3id.org/fmkg/ontology#Organization> }" + " " * 300 + "LIMIT 1"
    assert len(list(engine.run(shipped, library.get(text)))) == 1
