"""Curated facts that cite Epoch AI's data set agree with it (skipped when ../shared is absent)."""

from __future__ import annotations

import csv
from collections import defaultdict

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS

from fmkg.names.index import normalise
from fmkg.rdf.namespaces import FM
from fmkg.rdf.terms import from_ox
from fmkg.store import KnowledgeGraph

from .conftest import SHARED

EPOCH_CSV = SHARED / "epoch" / "notable_ai_models.csv"
EPOCH = URIRef("https://epoch.ai/data/notable-ai-models")

#: Deliberate differences, each with its reason.
DATE_EXCEPTIONS = {
    "lamda": "dated by Google's I/O announcement of 18 May 2021; Epoch dates a later version of the paper",
}

pytestmark = [
    pytest.mark.shared,
    pytest.mark.skipif(not EPOCH_CSV.is_file(), reason="../shared/reference is absent"),
]


@pytest.fixture(scope="module")
def epoch_rows() -> dict[str, list[dict[str, str]]]:
    rows: dict[str, list[dict[str, str]]] = defaultdict(list)
    with EPOCH_CSV.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            rows[normalise(row["Model"])].append(row)
    return rows


def curated(kg: KnowledgeGraph) -> Graph:
    """The curated core only: imported graphs state the data sets' own values, conflicts included."""
    g = Graph()
    for q in kg.quads([name for name in kg.graph_sizes() if "/imported/" not in name]):
        g.add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))
    return g


def citing_models(g: Graph) -> list[URIRef]:
    return sorted({m for m in g.subjects(DCTERMS.source, EPOCH) if isinstance(m, URIRef)})


def test_facts_agree_with_epoch(shipped: KnowledgeGraph, epoch_rows) -> None:
    checked = 0
    problems = []
    core = curated(shipped)
    for model in citing_models(core):
        names = [*core.objects(model, RDFS.label), *core.objects(model, SKOS.altLabel)]
        rows = [r for n in names for r in epoch_rows.get(normalise(str(n)), [])]
        if not rows:
            continue
        checked += 1
        slug = str(model).rsplit("/", 1)[1]
        for date in core.objects(model, FM.releaseDate):
            if slug not in DATE_EXCEPTIONS and not any(r["Publication date"].startswith(str(date)) for r in rows):
                problems.append(f"{slug}: date {date} not in Epoch ({[r['Publication date'] for r in rows]})")
        for count in core.objects(model, FM.parameterCount):
            epoch_counts = {int(float(r["Parameters"])) for r in rows if r["Parameters"]}
            if epoch_counts and int(count) not in epoch_counts:
                problems.append(f"{slug}: {count} parameters, Epoch says {sorted(epoch_counts)}")
    assert checked >= 60, f"only {checked} models could be matched to Epoch rows by name"
    assert problems == []
