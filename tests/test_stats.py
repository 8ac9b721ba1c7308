"""``fmkg stats``: counts per class, relation and source; coverage; conflicts; unresolved references."""

from __future__ import annotations

import json
from pathlib import Path

from fmkg.cli import app
from fmkg.graph.stats import compute
from fmkg.store import KnowledgeGraph

from .conftest import FIXTURES

TINY = FIXTURES / "tiny.ttl"


def test_counts_of_a_small_graph(tiny: KnowledgeGraph) -> None:
    s = compute(tiny)
    assert s.totals["models"] == len({m for m, _, _ in tiny.triples() if "/id/model/" in str(m)})
    assert s.relations.get("fm:fineTunedFrom") == 1
    assert s.relations.get("fm:quantizedFrom") == 1
    assert s.typed_relations >= 2
    assert [src.graph for src in s.sources] == [TINY.resolve().as_uri()]
    assert 0.0 <= min(s.coverage.values()) <= max(s.coverage.values()) <= 1.0
    assert s.conflicts == 0 and s.unresolved == 0


def test_shipped_counts(shipped: KnowledgeGraph) -> None:
    s = compute(shipped)
    assert s.totals["models"] >= 1000
    assert s.classes["fm:Organization"] == s.totals["organizations"]
    assert {src.graph for src in s.sources} >= {"data/core", "data/imported/epoch", "data/imported/ecosystem-graphs"}
    assert s.conflicts > 0 and s.conflicting_entities <= s.conflicts
    assert s.unresolved >= s.unresolved_names > 0
    assert set(s.coverage) == {"developer", "date", "parameters", "license"}


def test_cli_table_and_json(runner) -> None:
    table = runner.invoke(app, ["stats", "--data", str(TINY), "--no-default"])
    assert table.exit_code == 0, table.output
    for heading in ("totals", "entities per class", "edges per relation", "coverage of models", "per source"):
        assert heading in table.output
    doc = runner.invoke(app, ["stats", "--format", "json", "--data", str(TINY), "--no-default"])
    assert doc.exit_code == 0
    data = json.loads(doc.output)
    assert {"totals", "classes", "relations", "sources", "coverage", "conflicts", "unresolved"} <= set(data)


def test_cli_unknown_format(runner) -> None:
    result = runner.invoke(app, ["stats", "--format", "xml", "--data", str(TINY), "--no-default"])
    assert result.exit_code == 2
    assert "unknown format" in result.output


def test_cli_writes_to_a_file(runner, tmp_path: Path) -> None:
    out = tmp_path / "stats.json"
    result = runner.invoke(app, ["stats", "-f", "json", "-o", str(out), "--data", str(TINY), "--no-default"])
    assert result.exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["totals"]["models"] >= 1
