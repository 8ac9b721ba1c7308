"""The memory and Oxigraph stores answer alike; the parse cache is keyed by content and never stale."""

from __future__ import annotations

import gc
import shlex
import time
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Dataset, URIRef
from rdflib.compare import isomorphic
from rdflib.plugins.sparql import prepareQuery

from fmkg import engine, queries, sparqltext
from fmkg.cli import app
from fmkg.errors import LoadError
from fmkg.store import is_oxigraph, load

from .conftest import FIXTURES

LIBRARY = queries.library()


def example_params(nq: queries.NamedQuery) -> dict[str, str]:
    args = shlex.split(nq.examples[0])
    return dict(args[i + 1].split("=", 1) for i, a in enumerate(args) if a in ("--param", "-p"))


def normal(value: object) -> str:
    # GROUP_CONCAT's order is left to the engine by SPARQL: compare its parts as a set.
    text = "" if value is None else str(value)
    return ", ".join(sorted(text.split(", ")))


@pytest.fixture(scope="module")
def oxigraph() -> Dataset:
    ds = load(store="oxigraph")
    assert is_oxigraph(ds)
    return ds


@pytest.mark.parametrize("name", sorted(LIBRARY))
def test_named_query_gives_the_same_rows_on_both_stores(shipped: Dataset, oxigraph: Dataset, name: str) -> None:
    nq = LIBRARY[name]
    mem = engine.run(shipped, nq, example_params(nq))
    ox = engine.run(oxigraph, nq, example_params(nq))
    assert mem.type == ox.type
    if mem.type == "SELECT":
        assert [str(v) for v in ox.vars or []] == [str(v) for v in mem.vars or []]
        assert Counter(tuple(normal(x) for x in r) for r in ox) == Counter(tuple(normal(x) for x in r) for r in mem)
    elif mem.type == "ASK":
        assert ox.askAnswer == mem.askAnswer
    else:
        assert isomorphic(ox.graph, mem.graph)


def test_both_stores_hold_the_same_quads(shipped: Dataset, oxigraph: Dataset) -> None:
    assert len(oxigraph) == len(shipped)
    assert {g.identifier for g in oxigraph.graphs() if len(g)} == {g.identifier for g in shipped.graphs() if len(g)}


def test_oxigraph_syntax_error_is_one_line(oxigraph: Dataset) -> None:
    with pytest.raises(engine.QuerySyntaxError, match=r"<query>:1:\d+: SPARQL syntax error"):
        engine.query(oxigraph, "SELECT ?x WHERE { ?x ?y }")


def test_oxigraph_parse_error_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix a: <http://x/> .\na:b a:c a:d .\na:e a:f\n a:g a:h .\n", encoding="utf-8")
    with pytest.raises(LoadError) as info:
        load([bad], default=False, store="oxigraph")
    assert info.value.path == str(bad) and info.value.line is not None


def test_values_bind_without_splicing() -> None:
    hostile = engine.Literal('x" } ; DROP ALL ; SELECT * { "')
    text = sparqltext.with_values("SELECT ?s WHERE { ?s ?p ?o }", {"o": hostile})
    assert hostile.n3() in text
    assert [str(v) for v in prepareQuery(text).algebra["PV"]] == ["s"]
    choices = sparqltext.with_choices("ASK { ?a ?b ?c }", "a", [URIRef("http://a"), URIRef("http://b")])
    assert "VALUES ?a { <http://a> <http://b> }" in choices
    prepareQuery(choices)


def test_cache_is_reused_and_never_stale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FMKG_CACHE_DIR", str(tmp_path / "cache"))
    data = tmp_path / "data.ttl"
    data.write_bytes((FIXTURES / "tiny.ttl").read_bytes())
    first = load([data], default=False)
    assert len(list((tmp_path / "cache").glob("*.pickle"))) == 1
    again = load([data], default=False)
    assert set(again.quads()) == set(first.quads())
    data.write_text(data.read_text(encoding="utf-8").replace('"Base One"@en', '"Base Uno"@en'), encoding="utf-8")
    changed = load([data], default=False)
    assert (None, None, engine.Literal("Base Uno", lang="en")) in changed
    assert len(list((tmp_path / "cache").glob("*.pickle"))) == 2


def test_persistent_oxigraph_store_reloads_only_on_change(tmp_path: Path) -> None:
    data = tmp_path / "data.ttl"
    data.write_bytes((FIXTURES / "tiny.ttl").read_bytes())
    store = tmp_path / "store"
    ds = load([data], default=False, store="oxigraph", path=store)
    n = len(ds)
    del ds
    gc.collect()  # release the store's lock
    marker = (store / "fmkg-sources.sha256").stat().st_mtime_ns
    time.sleep(0.01)
    again = load([data], default=False, store="oxigraph", path=store)
    assert len(again) == n
    assert (store / "fmkg-sources.sha256").stat().st_mtime_ns == marker
    del again
    gc.collect()
    data.write_text(data.read_text(encoding="utf-8") + '\n<http://x/a> <http://x/b> "c" .\n', encoding="utf-8")
    changed = load([data], default=False, store="oxigraph", path=store)
    assert len(changed) == n + 1


def test_global_store_option(runner) -> None:
    out = runner.invoke(
        app, ["--store", "oxigraph", "query", "has-lineage", "-p", "model=alpaca", "-p", "ancestor=llama"]
    )
    assert (out.exit_code, out.output) == (0, "true\n")
    bad = runner.invoke(app, ["--store", "bogus", "query", "timeline"])
    assert bad.exit_code == 2 and "unknown store" in bad.output
