"""A focused view on a large graph reads only the focus's neighbourhood, and draws the same entities."""

from __future__ import annotations

import pytest
from rdflib import Dataset

from fmkg.viz import VizOptions, build, build_view


@pytest.mark.parametrize(("focus", "depth"), [("llama", None), ("gpt-3", 1), ("bert", 2)])
def test_neighbourhood_view_draws_what_the_full_view_draws(
    shipped: Dataset, monkeypatch: pytest.MonkeyPatch, focus: str, depth: int | None
) -> None:
    options = VizOptions(focus=focus, depth=depth, layout="lineage")
    full = build_view(shipped, options)
    monkeypatch.setattr(build, "LOCAL_VIEW_TRIPLES", 0)
    local = build_view(shipped, options)
    assert set(local.graph.nodes) == set(full.graph.nodes)
    assert set(local.graph.edges(keys=True)) == set(full.graph.edges(keys=True))
    labels = {n: d["label"] for n, d in full.graph.nodes(data=True)}
    assert {n: d["label"] for n, d in local.graph.nodes(data=True)} == labels
