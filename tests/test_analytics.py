"""Graph figures over lineage, on small graphs whose answers are known."""

from __future__ import annotations

import networkx as nx
import pytest

from fmkg.graph import analytics
from fmkg.graph.network import lineage_graph
from fmkg.store import KnowledgeGraph


def tree() -> nx.MultiDiGraph:
    # a <- b <- d, a <- c ; x <- y  (edges point child -> parent)
    g = nx.MultiDiGraph()
    for child, parent in [("b", "a"), ("c", "a"), ("d", "b"), ("y", "x")]:
        g.add_edge(child, parent, relation="fm:fineTunedFrom", label="fine-tuned from")
    for n in g.nodes:
        g.nodes[n]["label"] = n.upper()
    return g


def test_families_are_roots_with_their_descendants() -> None:
    assert [(r.label, r.value) for r in analytics.families(tree())] == [("A", 4.0), ("X", 2.0)]


def test_most_descendants() -> None:
    assert [(r.label, r.value) for r in analytics.most_descendants(tree())] == [("A", 3.0), ("B", 1.0), ("X", 1.0)]


def test_pagerank_sums_to_one_and_ranks_the_root_first() -> None:
    ranked = analytics.pagerank(tree(), top=100)
    assert sum(r.value for r in ranked) == pytest.approx(1.0, abs=1e-5)
    assert ranked[0].label == "A"
    by = {r.label: r.value for r in ranked}
    assert by["C"] == pytest.approx(by["D"])  # both leaves, same inflow (none)
    assert by["B"] > by["C"]


def test_pagerank_of_a_two_cycle_is_even() -> None:
    g = nx.MultiDiGraph([("p", "q"), ("q", "p")])
    assert [r.value for r in analytics.pagerank(g)] == [pytest.approx(0.5), pytest.approx(0.5)]


def test_figures_on_the_shipped_graph(shipped: KnowledgeGraph) -> None:
    g = lineage_graph(shipped)
    names = {r.label for r in analytics.families(g)}
    # the Hub's trees under curated models (DeepSeek-V3 with DeepSeek-R1, phi-2) and a curated family
    # with its variants' descendants (Llama 2)
    assert {"DeepSeek-V3", "phi-2", "Llama 2"} <= names
    per_org = analytics.releases_per_org_year(shipped)
    assert per_org["Google"]["2018"] >= 1


def test_stats_reports_graph_figures(runner) -> None:
    import json

    from fmkg.cli import app

    out = runner.invoke(app, ["stats", "--format", "json"])
    assert out.exit_code == 0, out.output
    graph = json.loads(out.output)["graph"]
    assert {"largest_families", "most_descendants", "pagerank", "releases_per_org_year"} <= set(graph)
    assert "phi-2" in {r["label"] for r in graph["largest_families"]}
    assert graph["releases_per_org_year"]["OpenAI"]["2020"] >= 1
    table = runner.invoke(app, ["stats"]).output
    assert "PageRank over lineage" in table and "largest families" in table
