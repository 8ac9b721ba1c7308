"""``fmkg bench generate-hub``: synthetic Hub model records in the Hub API's shape, deterministic,
with the Hub's lineage tags, relation shares and missing fields (compared with the real slice)."""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from fmkg.bench import hub
from fmkg.cli import app

from .conftest import SHARED

SLICE = SHARED / "huggingface" / "hub-models.jsonl"
N = 20_000
OUTSIDE = {repo for repo, _ in hub.OUTSIDE}
RELATIONS = {"finetune", "adapter", "quantized", "merge"}
needs_slice = pytest.mark.skipif(not SLICE.is_file(), reason="../shared/reference is not here")


@pytest.fixture(scope="module")
def generated() -> tuple[list[dict[str, Any]], hub.Summary]:
    out = io.BytesIO()
    summary = hub.generate(out, N, seed=7)
    return [json.loads(line) for line in out.getvalue().decode("utf-8").splitlines()], summary


@pytest.fixture(scope="module")
def real() -> list[dict[str, Any]]:
    return [json.loads(line) for line in SLICE.read_text(encoding="utf-8").splitlines()]


def bases(rec: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """A record's untyped base-model tags, and the relation of each typed one."""
    plain, typed = [], {}
    for tag in rec["tags"]:
        if not tag.startswith("base_model:"):
            continue
        rest = tag.removeprefix("base_model:")
        relation, _, target = rest.partition(":")
        if target and relation in RELATIONS:
            typed[target] = relation
        else:
            plain.append(rest)
    return plain, typed


def relation(rec: dict[str, Any]) -> str:
    """The relation a reader would take: the typed tag's, else the one the other tags imply."""
    _, typed = bases(rec)
    if typed:
        return next(iter(typed.values()))
    tags = set(rec["tags"])
    if "peft" in tags or rec.get("library_name") == "peft":
        return "adapter"
    if tags & {"gguf", "gptq", "awq"}:
        return "quantized"
    if "merge" in tags:
        return "merge"
    return "finetune"


def test_the_same_seed_gives_the_same_bytes(tmp_path: Path) -> None:
    a, b, c = io.BytesIO(), io.BytesIO(), io.BytesIO()
    assert hub.generate(a, 3000, seed=1) == hub.generate(b, 3000, seed=1)
    assert a.getvalue() == b.getvalue()
    hub.generate(c, 3000, seed=2)
    assert c.getvalue() != a.getvalue()
    hub.write(tmp_path / "x.jsonl", 3000, seed=1)
    assert (tmp_path / "x.jsonl").read_bytes() == a.getvalue()
    assert json.loads((tmp_path / "x.json").read_text())["records"] == 3000


@needs_slice
def test_the_keys_are_the_slices(
    generated: tuple[list[dict[str, Any]], hub.Summary], real: list[dict[str, Any]]
) -> None:
    recs, _ = generated
    assert len(recs) == N
    assert {k for r in recs for k in r} == {k for r in real for k in r}
    always = set.intersection(*(set(r) for r in real))
    assert all(always <= set(r) for r in recs)
    assert {k for r in recs for k in r["cardData"]} <= {k for r in real for k in r["cardData"]}
    for key in ("config", "safetensors", "gated", "cardData", "tags", "downloads"):  # the same JSON types
        assert {type(r[key]) for r in recs if key in r} <= {type(r[key]) for r in real if key in r}, key
    for field in ("base_model", "datasets", "language"):  # a string or a list, as cards have them
        assert {type(r["cardData"][field]) for r in recs if field in r["cardData"]} == {str, list}


def test_the_values_look_like_the_hubs(generated: tuple[list[dict[str, Any]], hub.Summary]) -> None:
    recs, _ = generated
    iso = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z")
    created = [r["createdAt"] for r in recs]
    assert created == sorted(created)  # a base model is always older than what derives from it
    for r in recs:
        assert iso.fullmatch(r["createdAt"]) and iso.fullmatch(r["lastModified"])
        assert r["createdAt"] <= r["lastModified"] <= "2025-04-22T00:00:00.000Z"
        assert re.fullmatch(r"[0-9a-f]{40}", r["sha"]) and re.fullmatch(r"[0-9a-f]{24}", r["_id"])
        assert r["id"] == r["modelId"] and r["id"].split("/")[0] == r["author"]
        assert r["gated"] in (False, "auto", "manual") and r["private"] is False and r["disabled"] is False
        assert r["tags"][-1] in ("region:us", "conversational")
        if st := r.get("safetensors"):
            assert st["total"] == sum(st["parameters"].values()) > 0


def test_ids_are_unique(generated: tuple[list[dict[str, Any]], hub.Summary]) -> None:
    recs, _ = generated
    assert len({r["id"].lower() for r in recs}) == N  # the Hub's ids are unique in any case


def test_every_base_model_is_an_earlier_model_or_one_of_a_few_outside(
    generated: tuple[list[dict[str, Any]], hub.Summary],
) -> None:
    recs, summary = generated
    seen: set[str] = set()
    edges = inside = outside = 0
    for r in recs:
        plain, typed = bases(r)
        card = r["cardData"].get("base_model", [])
        assert plain == ([card] if isinstance(card, str) else card)
        assert not typed or set(typed) == set(plain)  # typed tags name the same bases, or there are none
        if len(plain) > 1:
            assert relation(r) == "merge" and len(plain) <= 3
        for b in plain:
            assert b in seen or b in OUTSIDE, f"{r['id']}: base {b} is neither earlier nor outside"
            edges += 1
            inside += b in seen
            outside += b not in seen
        seen.add(r["id"])
    assert (edges, inside, outside) == (summary.base_model_edges, summary.edges_inside, summary.edges_outside)
    assert 0.002 < outside / edges < 0.01


def test_relation_shares(generated: tuple[list[dict[str, Any]], hub.Summary]) -> None:
    recs, summary = generated
    derived = [r for r in recs if bases(r)[0]]
    assert abs(1 - len(derived) / N - 0.125) < 0.01  # about one model in eight is a root
    shares = Counter(relation(r) for r in derived)
    assert dict(shares) == summary.derived  # the untyped ones are inferable from their other tags
    for kind, share in hub.RELATIONS:
        assert abs(shares[kind] / len(derived) - share) < 0.015, kind
    untyped = [r for r in derived if not bases(r)[1]]
    assert len(untyped) == summary.untyped
    assert abs(len(untyped) / len(derived) - 0.05) < 0.01
    assert all("base_model_relation" not in r["cardData"] for r in untyped)


@needs_slice
def test_fields_are_missing_as_often_as_in_the_slice(
    generated: tuple[list[dict[str, Any]], hub.Summary], real: list[dict[str, Any]]
) -> None:
    recs, _ = generated

    def rates(rs: list[dict[str, Any]]) -> dict[str, float]:
        return {
            "config": sum("config" in r for r in rs) / len(rs),
            "safetensors": sum("safetensors" in r for r in rs) / len(rs),
            "pipeline_tag": sum("pipeline_tag" in r for r in rs) / len(rs),
            "library_name": sum("library_name" in r for r in rs) / len(rs),
            "license": sum("license" in r["cardData"] for r in rs) / len(rs),
            "language": sum("language" in r["cardData"] for r in rs) / len(rs),
        }

    ours, theirs = rates(recs), rates(real)
    for key, share in theirs.items():
        assert abs(ours[key] - share) < 0.05, (key, ours[key], share)


def test_the_summary_names_the_largest_root_and_a_deep_leaf(
    generated: tuple[list[dict[str, Any]], hub.Summary],
) -> None:
    recs, summary = generated
    parents = {r["id"]: bases(r)[0] for r in recs}
    children: dict[str, list[str]] = {}
    for child, ps in parents.items():
        for p in ps:
            children.setdefault(p, []).append(child)
    assert parents[summary.largest_root] == []

    def below(root: str) -> int:
        seen, stack = set(), [root]
        while stack:
            for c in children.get(stack.pop(), []):
                if c not in seen:
                    seen.add(c)
                    stack.append(c)
        return len(seen)

    assert below(summary.largest_root) == summary.largest_root_descendants
    roots = [m for m, ps in parents.items() if not ps]
    assert len(roots) == summary.roots
    assert summary.largest_root_descendants >= max(below(r) for r in roots[:200])
    depth: dict[str, int] = {}
    for m, ps in parents.items():  # bases come first; an outside base is one generation up
        depth[m] = 1 + max((depth.get(p, 0) for p in ps), default=-1)
    assert summary.deep_leaf not in children
    assert depth[summary.deep_leaf] == summary.deep_leaf_depth == max(depth.values()) >= 5


def test_generate_hub_command(runner: Any, tmp_path: Path) -> None:
    result = runner.invoke(app, ["bench", "generate-hub", "--help"])
    assert result.exit_code == 0
    assert "--records" in result.output and "--seed" in result.output
    out = tmp_path / "hub.jsonl"
    result = runner.invoke(app, ["bench", "generate-hub", "--records", "500", "--seed", "3", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["records"] == 500
    assert len(out.read_text().splitlines()) == 500
    assert json.loads(out.with_suffix(".json").read_text()) == json.loads(result.output)
    assert not list(tmp_path.glob(".*"))  # no temporary file left
    result = runner.invoke(app, ["bench", "generate-hub", "--records", "0", "-o", str(tmp_path / "none.jsonl")])
    assert result.exit_code != 0 and not (tmp_path / "none.jsonl").exists()
