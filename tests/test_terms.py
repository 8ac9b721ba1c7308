"""Short names for people: ``prefix:local`` by the longest namespace, however it is found."""

from __future__ import annotations

import pytest

from fmkg.rdf.terms import DISPLAY_PREFIXES, compact, shorten
from fmkg.store import KnowledgeGraph


def longest_namespace(value: str, prefixes: tuple[tuple[str, str], ...] = DISPLAY_PREFIXES) -> str:
    """The rule, written plainly: the longest namespace that leaves a local part, ties by prefix name."""
    found = [(p, ns) for p, ns in prefixes if value.startswith(ns) and len(value) > len(ns)]
    if not found:
        return value
    prefix, ns = min(found, key=lambda kv: (-len(kv[1]), kv[0]))
    return f"{prefix}:{value[len(ns) :]}"


def test_every_iri_of_the_shipped_graph_is_shortened_by_the_rule(shipped: KnowledgeGraph) -> None:
    iris = {
        t.value for q in shipped.quads() for t in (q.subject, q.predicate, q.object) if type(t).__name__ == "NamedNode"
    }
    assert len(iris) > 5000
    for iri in iris:
        assert shorten(iri) == longest_namespace(iri), iri


@pytest.mark.parametrize(
    "value",
    [
        "https://w3id.org/fmkg/id/model/",  # a namespace alone has no local part
        "https://w3id.org/fmkg/id/model/a/b",  # the local part may hold a "/"
        "https://w3id.org/fmkg/id/model/hf--a--b#x",
        "https://w3id.org/fmkg/id/",
        "https://example.org/x",
        "urn:x",
        "#a",
        "",
    ],
)
def test_edge_cases_follow_the_rule(value: str) -> None:
    assert shorten(value) == longest_namespace(value)
    assert compact(value) == longest_namespace(value)


def test_namespaces_that_do_not_end_at_a_separator_still_work() -> None:
    prefixes = (("isbn", "urn:isbn:"), ("x", "urn:x"))
    assert shorten("urn:xyz", prefixes) == longest_namespace("urn:xyz", prefixes) == "x:yz"
    assert shorten("urn:isbn:123", prefixes) == "isbn:123"
