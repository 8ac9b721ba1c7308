"""A synthetic graph shaped like the Hugging Face model tree, for benchmarks at scale.

Models are created one after another. About one in eight is a base model; every other model is
derived from an earlier one chosen by preferential attachment (a model that already has many
derivatives is more likely to get another), which gives the heavy-tailed fan-out of the Hub: a few
bases with thousands of fine-tunes, adapters, quantizations and merges, most models with none.
Organizations are drawn from a Zipf-like distribution. Output is streamed as N-Triples, one model
at a time, so a million models (about 12 million triples) never sit in memory as RDF.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import IO

from fmkg.rdf.namespaces import FM, ID
from fmkg.rdf.terms import iri, literal

RDF_TYPE = iri("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = iri("http://www.w3.org/2000/01/rdf-schema#label")
DCT_SOURCE = iri("http://purl.org/dc/terms/source")
XSD = "http://www.w3.org/2001/XMLSchema#"

#: Derivation kinds with their share of derived models, as on the Hub's model tree.
RELATIONS = (("fineTunedFrom", 0.55), ("adapterOf", 0.25), ("quantizedFrom", 0.15), ("mergedFrom", 0.05))
ACCESS = ("open-weights-unrestricted", "open-weights-restricted", "open-weights-non-commercial")
LICENSES = ("apache-2.0", "mit", "cc-by-nc-4.0", "llama-2-community-license")


@dataclass
class Summary:
    """What was generated, and entities worth benchmarking on (a deep model, a hub with ~1,000 descendants)."""

    models: int
    organizations: int
    triples: int
    seed: int
    deep_model: str
    deep_model_depth: int
    hub_model: str
    hub_descendants: int
    biggest_org: str


class _FmTerms(dict[str, str]):
    """fmkg's ontology terms in N-Triples form, written once each."""

    def __missing__(self, name: str) -> str:
        self[name] = iri(f"{FM}{name}")
        return self[name]


FM_TERMS = _FmTerms()


def _iri(kind: str, slug: str) -> str:
    return iri(f"{ID}{kind}/{slug}")


def _lit(text: str, datatype: str | None = None, lang: str | None = None) -> str:
    return literal(text, datatype=f"{XSD}{datatype}" if datatype else None, language=lang)


def _org_lines(count: int) -> Iterator[str]:
    for k in range(count):
        org = _iri("org", f"bench-org-{k}")
        yield f"{org} {RDF_TYPE} {FM_TERMS['Organization']} .\n"
        yield f"{org} {RDFS_LABEL} {_lit(f'Bench Org {k}', lang='en')} .\n"


def generate(out: IO[str], models: int, seed: int = 0) -> Summary:
    """Write ``models`` synthetic models (and their organizations) to ``out`` as N-Triples."""
    if models < 1:
        raise ValueError("--models must be at least 1")
    rng = random.Random(seed)
    n_orgs = max(1, models // 50)
    triples = 0
    for line in _org_lines(n_orgs):
        out.write(line)
        triples += 1
    org_weights = [1.0 / (k + 1) for k in range(n_orgs)]
    cum_orgs = list(_cumulative(org_weights))
    parents: list[tuple[int, ...]] = []
    depth: list[int] = []
    descendants = [0] * models
    urn: list[int] = []  # each model once, plus once per derivative: preferential attachment
    org_counts = [0] * n_orgs
    start = date(2019, 1, 1)
    kinds = [k for k, _ in RELATIONS]
    cum_kinds = list(_cumulative([w for _, w in RELATIONS]))
    for i in range(models):
        base = i == 0 or rng.random() < 0.125
        if base:
            ps: tuple[int, ...] = ()
            kind = ""
        else:
            kind = kinds[_pick(cum_kinds, rng.random())]
            first = urn[rng.randrange(len(urn))]
            second = urn[rng.randrange(len(urn))] if kind == "mergedFrom" else first
            ps = (first,) if second == first else (first, second)
        parents.append(ps)
        depth.append(1 + max((depth[p] for p in ps), default=-1))
        seen: set[int] = set()
        stack = list(ps)
        while stack:  # every ancestor gains a descendant
            a = stack.pop()
            if a not in seen:
                seen.add(a)
                descendants[a] += 1
                stack.extend(parents[a])
        urn.append(i)
        urn.extend(ps)
        org = _pick(cum_orgs, rng.random())
        org_counts[org] += 1
        m = _iri("model", f"bench-{i}")
        released = start + timedelta(days=min(2500, i * 2500 // models + rng.randrange(30)))
        lines = [
            f"{m} {RDF_TYPE} {FM_TERMS['LargeLanguageModel']} .",
            f"{m} {RDFS_LABEL} {_lit(f'Bench Model {i}', lang='en')} .",
            f"{m} {FM_TERMS['developer']} {_iri('org', f'bench-org-{org}')} .",
            f"{m} {FM_TERMS['releaseDate']} {_lit(released.isoformat(), 'date')} .",
            f"{m} {FM_TERMS['access']} {_iri('access', ACCESS[rng.randrange(len(ACCESS))])} .",
            f"{m} {FM_TERMS['license']} {_iri('license', LICENSES[rng.randrange(len(LICENSES))])} .",
            f"{m} {FM_TERMS['architecture']} {_iri('architecture', 'decoder-only-transformer')} .",
            f"{m} {FM_TERMS['inputModality']} {_iri('modality', 'text')} .",
            f"{m} {FM_TERMS['outputModality']} {_iri('modality', 'text')} .",
            f"{m} {DCT_SOURCE} {iri(f'https://huggingface.co/bench-org-{org}/bench-{i}')} .",
        ]
        if base or rng.random() < 0.5:
            params = int(10 ** rng.uniform(6, 12))
            lines.append(f"{m} {FM_TERMS['parameterCount']} {_lit(str(params), 'integer')} .")
        lines += [f"{m} <{FM}{kind}> {_iri('model', f'bench-{p}')} ." for p in ps]
        out.write("\n".join(lines) + "\n")
        triples += len(lines)
    deep = max(range(models), key=lambda k: (depth[k], -k))
    hub = min(range(models), key=lambda k: (abs(descendants[k] - 1000), k))
    biggest = max(range(n_orgs), key=lambda k: (org_counts[k], -k))
    return Summary(
        models=models, organizations=n_orgs, triples=triples, seed=seed,
        deep_model=f"{ID}model/bench-{deep}", deep_model_depth=depth[deep],
        hub_model=f"{ID}model/bench-{hub}", hub_descendants=descendants[hub],
        biggest_org=f"{ID}org/bench-org-{biggest}",
    )  # fmt: skip


def _cumulative(weights: list[float]) -> Iterator[float]:
    total = sum(weights)
    acc = 0.0
    for w in weights:
        acc += w / total
        yield acc


def _pick(cumulative: list[float], u: float) -> int:
    import bisect

    return min(bisect.bisect_left(cumulative, u), len(cumulative) - 1)


def write(path: Path, models: int, seed: int = 0) -> Summary:
    """Generate into ``path`` (N-Triples, written atomically) and a ``.json`` summary beside it."""
    from fmkg.output import write_atomic

    tmp = path.with_name(f".{path.name}.partial")
    try:
        with tmp.open("w", encoding="utf-8", buffering=1 << 20) as fh:
            summary = generate(fh, models, seed)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    write_atomic(path.with_suffix(".json"), json.dumps(summary.__dict__, indent=2) + "\n")
    return summary
