"""Imports of the real reference data sets (skipped when ../shared/reference is absent): the shipped
graph is what the documented command makes, other releases import the same way, and a sample of
merged models agrees with the sources."""

from __future__ import annotations

import csv
import io
import random
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDFS, SKOS

from fmkg import importers
from fmkg.importers.matching import name_key
from fmkg.importers.merge import ImportResult
from fmkg.importers.readers import LINE, load_yaml
from fmkg.rdf.namespaces import FM, GRAPH, ID
from fmkg.rdf.sources import graph_files
from fmkg.rdf.terms import from_ox
from fmkg.store import KnowledgeGraph, open_graph

from .conftest import SHARED

EPOCH_CSV = SHARED / "epoch" / "notable_ai_models.csv"
ECOSYSTEM = SHARED / "ecosystem-graphs"
BASE = [p for p in graph_files() if "imported" not in p.parts]

pytestmark = [
    pytest.mark.shared,
    pytest.mark.skipif(not EPOCH_CSV.is_file() or not ECOSYSTEM.is_dir(), reason="../shared/reference is absent"),
]


def named_graph(kg: KnowledgeGraph, name: URIRef) -> Graph:
    """One named graph of ``kg`` as an rdflib Graph, terms as the store holds them."""
    g = Graph()
    for q in kg.quads([str(name)]):
        g.add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))
    return g


def stored_graph(turtle: bytes) -> Graph:
    """Turtle read the way a store reads it (numbers in canonical form), as an rdflib Graph."""
    store = ox.Store()
    store.load(turtle, format=ox.RdfFormat.TURTLE)
    g = Graph()
    for q in store:
        g.add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))
    return g


def shipped_release(key: str) -> str | None:
    g = Graph().parse(importers.shipped_path(key), format="turtle")
    version = g.value(GRAPH[f"data/imported/{key}"], DCTERMS.hasVersion)
    return None if version is None else str(version)


@pytest.fixture(scope="module")
def regenerated() -> list[ImportResult]:
    releases = {k: v for k in importers.REFERENCE if (v := shipped_release(k)) is not None}
    return importers.import_reference(SHARED, releases=releases)


def test_the_shipped_imports_are_what_the_documented_command_makes(regenerated: list[ImportResult]) -> None:
    for result in regenerated:
        shipped = importers.shipped_path(result.info.key).read_bytes()
        made = importers.turtle(result)
        # The same graph first (a clearer failure), then the same bytes: the writer is deterministic.
        assert isomorphic(stored_graph(made), stored_graph(shipped)), (
            f"regenerate {result.info.key}: see docs/importing.md"
        )
        assert made == shipped, f"regenerate {result.info.key}: see docs/importing.md"


def test_the_reference_counts(regenerated: list[ImportResult]) -> None:
    by_key = {r.info.key: r for r in regenerated}
    keys = ("epoch", "epoch-all", "ecosystem-graphs", "modelforest", "huggingface")
    epoch, full, eco, forest, hub = (by_key[k] for k in keys)
    assert epoch.summary.records == 952 and eco.summary.records == 639
    assert full.summary.records == 2228 - 3  # three rows of the database's own bookkeeping name no model
    assert full.summary.merged >= 900  # most notable models are in the full database too: one entity each
    assert forest.summary.records == 156
    assert hub.summary.records == 1077 + 952  # Hub records and cards, every one read
    assert hub.summary.tolerated["records not read"] == 0
    assert epoch.summary.merged >= 60  # the curated core was cross-checked against Epoch
    assert eco.summary.merged >= 100  # Ecosystem Graphs overlaps the core and Epoch


@pytest.fixture(scope="module")
def base() -> Iterator[KnowledgeGraph]:
    with open_graph(BASE, default=False, cache=False) as kg:
        yield kg


def facts(result: ImportResult, props: tuple[URIRef, ...]) -> set[tuple[str, str, str]]:
    return {(str(s), str(p), str(o)) for p in props for s, _, o in result.graph.triples((None, p, None))}


def test_another_epoch_release_with_other_columns(base: KnowledgeGraph, tmp_path: Path) -> None:
    """Renamed, reordered, missing and extra columns: the same models, dates and numbers."""
    rows = list(csv.DictReader(EPOCH_CSV.open(encoding="utf-8", newline="")))
    renames = {"Model": "System", "Organization": "Organisation(s)", "Parameters": "Parameter count"}
    dropped = {"Base model", "Training dataset", "Abstract", "Link"}
    columns = [c for c in reversed(list(rows[0])) if c not in dropped]
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow([*(renames.get(c, c) for c in columns), "A column of a future release"])
    for row in rows:
        writer.writerow([*(row[c] for c in columns), "x"])
    other = tmp_path / "other-release.csv"
    other.write_text(buf.getvalue(), encoding="utf-8")

    original = importers.run("epoch", [EPOCH_CSV], output=tmp_path / "a.ttl", context=base)
    changed = importers.run("epoch", [other], output=tmp_path / "b.ttl", context=base)
    props = (FM.releaseDate, FM.parameterCount, FM.developer, FM.trainingCompute, FM.access)
    assert facts(changed, props) == facts(original, props)
    assert changed.summary.records == original.summary.records
    assert not facts(changed, (FM.derivedFrom, FM.fineTunedFrom, FM.trainedOn))


def plain(value: object) -> object:
    """A YAML value as an older release might write it: no {value, explanation} objects."""
    if isinstance(value, dict):
        return plain(value["value"]) if "value" in value else None
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def flow(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{text}"'


def test_another_ecosystem_release_in_an_older_style(base: KnowledgeGraph, tmp_path: Path) -> None:
    """Plain strings for objects, flow lists, comments and other key spellings: the same graph."""
    keys = {"organization": "organisation", "license": "licence", "created_date": "date"}
    folder = tmp_path / "assets"
    folder.mkdir()
    for path in sorted((ECOSYSTEM / "assets").glob("*.yaml")):
        assets = [
            {k: plain(v) for k, v in a.items() if k != LINE}
            for doc in load_yaml(path.read_text(encoding="utf-8"), path)
            for a in doc
        ]
        lines = [f"# {path.name}, rewritten in an older style"]
        for asset in assets:
            assert isinstance(asset, dict)
            kept = [(k, v) for k, v in asset.items() if k not in ("description", "analysis") and v is not None]
            for i, (key, value) in enumerate(kept):
                lines.append(f"{'  ' if i else '- '}{keys.get(key, key)}: {flow(value)}  # a comment")
        (folder / path.name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    original = importers.run("ecosystem-graphs", [ECOSYSTEM], output=tmp_path / "a.ttl", context=base)
    older = importers.run("ecosystem-graphs", [tmp_path], output=tmp_path / "b.ttl", context=base)
    props = (FM.trainedOn, FM.poweredBy, FM.dependsOn, FM.developer, FM.releaseDate, FM.license, FM.parameterCount)
    assert facts(older, props) == facts(original, props)
    assert older.summary.unresolved == original.summary.unresolved


@pytest.fixture(scope="module")
def epoch_rows() -> list[dict[str, str]]:
    return list(csv.DictReader(EPOCH_CSV.open(encoding="utf-8", newline="")))


def names_index(ds: KnowledgeGraph) -> dict[str, set[str]]:
    index: dict[str, set[str]] = defaultdict(set)
    for prop in (RDFS.label, SKOS.altLabel):
        for s, _, o in ds.triples((None, prop, None)):
            if str(s).startswith(f"{ID}model/"):
                index[name_key(str(o))].add(str(s))
    return index


def test_every_epoch_row_is_a_model_of_the_shipped_graph(shipped: KnowledgeGraph, epoch_rows) -> None:
    index = names_index(shipped)
    missing = [r["Model"] for r in epoch_rows if not index.get(name_key(r["Model"]))]
    assert missing == []


def test_a_sample_of_models_agrees_with_epoch(shipped: KnowledgeGraph, epoch_rows) -> None:
    epoch_graph = named_graph(shipped, GRAPH["data/imported/epoch"])
    index = names_index(shipped)
    for row in random.Random(1).sample(epoch_rows, 40):
        [entity] = [URIRef(i) for i in index[name_key(row["Model"])] if (URIRef(i), None, None) in epoch_graph]
        date = row["Publication date"]
        assert any(str(d) == date for d in epoch_graph.objects(entity, FM.releaseDate)), row["Model"]
        if row["Parameters"]:
            count = round(float(row["Parameters"]))
            assert Literal(count) in set(epoch_graph.objects(entity, FM.parameterCount)), row["Model"]
        devs = {str(n) for o in epoch_graph.objects(entity, FM.developer) for n in shipped.objects(o, RDFS.label)}
        names = {str(n) for o in epoch_graph.objects(entity, FM.developer) for n in shipped.objects(o, SKOS.altLabel)}
        for org in filter(None, (o.strip() for o in row["Organization"].split(","))):
            assert org in devs | names or any(org.startswith(d) for d in devs), (row["Model"], org, devs)


@pytest.mark.parametrize(
    ("child", "prop", "parent", "graph"),
    [
        ("instructgpt", FM.fineTunedFrom, "gpt-3-175b", "epoch"),  # "GPT-3 175B (davinci)" is GPT-3 175B
        ("flan-t5", FM.fineTunedFrom, "t5", "epoch"),  # "Flan-T5 11B" and "T5-11B" are curated aliases
        ("bloomz", FM.fineTunedFrom, "bloom", "epoch"),
        ("llava", FM.fineTunedFrom, None, "epoch"),  # based on "Vicuna-13B v0", a name Epoch has no row for
    ],
)
def test_lineage_from_epoch(shipped: KnowledgeGraph, child: str, prop: URIRef, parent: str | None, graph: str) -> None:
    g = named_graph(shipped, GRAPH[f"data/imported/{graph}"])
    if parent is None:
        assert (ID[f"model/{child}"], FM.unresolvedReference, Literal("Vicuna-13B v0")) in g
    else:
        assert (ID[f"model/{child}"], prop, ID[f"model/{parent}"]) in g


def test_ecosystem_graphs_edges(shipped: KnowledgeGraph) -> None:
    g = named_graph(shipped, GRAPH["data/imported/ecosystem-graphs"])
    assert (ID["app/bard"], FM.poweredBy, ID["model/lamda"]) in g
    assert (ID["app/ai-test-kitchen"], FM.poweredBy, ID["model/lamda"]) in g
    assert (ID["dataset/c4"], None, None) in g  # CRFM's C4 is the curated C4
    assert not list(g.triples((ID["dataset/c4-2"], None, None)))
