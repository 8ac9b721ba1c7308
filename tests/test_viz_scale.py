"""A focused view reads only the focus's neighbourhood (three SPARQL queries), and draws the same entities
as a view read from every triple of the graph."""

from __future__ import annotations

import pytest

from fmkg.store import KnowledgeGraph
from fmkg.viz import VizOptions, build_view
from fmkg.viz import view as view_module


@pytest.mark.parametrize("store", ["shipped", "shipped_memory"])
@pytest.mark.parametrize(("focus", "depth"), [("llama", None), ("gpt-3", 1), ("bert", 2)])
def test_neighbourhood_view_draws_what_the_full_view_draws(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, store: str, focus: str, depth: int | None
) -> None:
    kg: KnowledgeGraph = request.getfixturevalue(store)
    options = VizOptions(focus=focus, depth=depth, layout="lineage")
    read: list[int] = []
    neighbourhood = view_module.neighbourhood

    def counted(*args: object) -> list[object]:
        out = neighbourhood(*args)  # type: ignore[arg-type]
        read.append(len(out))
        return out  # type: ignore[return-value]

    monkeypatch.setattr(view_module, "neighbourhood", counted)
    local = build_view(kg, options)
    assert read and 0 < read[0] < len(kg) / 2  # the focused view did not read the whole graph

    # the same view, read from every triple of the graph
    monkeypatch.setattr(view_module, "neighbourhood", lambda kg, focus, relations: list(kg.triples()))
    full = build_view(kg, options)
    assert full.graph.number_of_nodes() > 3
    assert set(local.graph.nodes) == set(full.graph.nodes)
    assert set(local.graph.edges(keys=True)) == set(full.graph.edges(keys=True))
    labels = {n: d["label"] for n, d in full.graph.nodes(data=True)}
    assert {n: d["label"] for n, d in local.graph.nodes(data=True)} == labels
