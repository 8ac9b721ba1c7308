"""The coverage targets of issue #12 on the shipped graph: how many models, typed lineage edges and
families it holds, how many models are typed only as the generic fm:AIModel, how many open-weight
models have a licence, and how many references dangle. Prints a Markdown table, the figure beside
each target; exits 1 when a target is missed (so it can gate a release, not a test run).

    .venv/bin/python bench/coverage.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PREFIXES = """PREFIX fm: <https://w3id.org/fmkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
"""
LINEAGE = "fm:derivedFrom fm:fineTunedFrom fm:distilledFrom fm:quantizedFrom fm:mergedFrom fm:adapterOf fm:basedOn"
COUNTS = {
    "models": "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m rdf:type/rdfs:subClassOf* fm:AIModel }",
    "typed lineage edges": f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?c ?p ?q WHERE {{ VALUES ?p {{ {LINEAGE} }} ?c ?p ?q }} }}",
    "families": "SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE { ?f rdf:type fm:ModelFamily }",
    "variants": "SELECT (COUNT(DISTINCT ?v) AS ?n) WHERE { ?v fm:variantOf ?f }",
    "models typed only fm:AIModel": """SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE {
        ?m rdf:type fm:AIModel .
        FILTER NOT EXISTS { ?m rdf:type ?c . FILTER(?c != fm:AIModel) ?c rdfs:subClassOf+ fm:AIModel } }""",
    "open-weight models": """SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE {
        ?m fm:access ?a . FILTER(STRSTARTS(STR(?a), "https://w3id.org/fmkg/id/access/open-weights")) }""",
    "open-weight models with a licence": """SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE {
        ?m fm:access ?a ; fm:license ?l . FILTER(STRSTARTS(STR(?a), "https://w3id.org/fmkg/id/access/open-weights")) }""",
    "dangling references": f"""SELECT (COUNT(DISTINCT ?q) AS ?n) WHERE {{
        VALUES ?p {{ {LINEAGE} fm:variantOf fm:developer fm:license fm:trainedOn fm:poweredBy }}
        ?s ?p ?q . FILTER(isIRI(?q)) FILTER NOT EXISTS {{ ?q rdf:type ?t }} }}""",
}


def figures() -> dict[str, int]:
    """Each count of :data:`COUNTS` on the shipped graph."""
    sys.path.insert(0, str(ROOT / "src"))
    from fmkg.store import open_graph

    with open_graph() as kg:
        return {name: int(next(iter(kg.query(PREFIXES + q)))[0]) for name, q in COUNTS.items()}  # type: ignore[arg-type]


def targets(f: dict[str, int]) -> list[tuple[str, str, str, bool]]:
    """(target, measured, ratio, met) for each target of #12."""
    only = f["models typed only fm:AIModel"] / f["models"]
    licensed = f["open-weight models with a licence"] / max(f["open-weight models"], 1)
    return [
        ("at least 3,000 models", f"{f['models']:,}", "", f["models"] >= 3000),
        ("at least 700 typed lineage edges", f"{f['typed lineage edges']:,}", "", f["typed lineage edges"] >= 700),
        ("at least 150 families", f"{f['families']:,} ({f['variants']:,} variants)", "", f["families"] >= 150),
        ("0 dangling references", f"{f['dangling references']:,}", "", f["dangling references"] == 0),
        ("at most 10% of models typed only as fm:AIModel", f"{f['models typed only fm:AIModel']:,}", f"{only:.1%}", only <= 0.10),
        ("licence known for at least 80% of open-weight models",
         f"{f['open-weight models with a licence']:,} of {f['open-weight models']:,}", f"{licensed:.1%}", licensed >= 0.80),
    ]  # fmt: skip


def main() -> int:
    rows = targets(figures())
    print("| target | measured | share | met |\n| --- | --- | --- | --- |")
    for target, measured, share, met in rows:
        print(f"| {target} | {measured} | {share} | {'yes' if met else 'no'} |")
    return 0 if all(met for *_, met in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
