"""Push the graph into a real Oxigraph server and run every named query there: the same rows as locally."""

from __future__ import annotations

import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.plugins.sparql import prepareQuery
from typer.testing import CliRunner

from fmkg.cli import app
from fmkg.errors import FmkgError, QueryError
from fmkg.quality.validate import merged_graph
from fmkg.rdf.terms import TermError, from_ox, nt
from fmkg.remote.push import DEFAULT, batches, push, targets, update_requests
from fmkg.remote.query import prepare, remote_query
from fmkg.sparql import engine, library
from fmkg.sparql.library import NamedQuery
from fmkg.sparql.params import bind_params
from fmkg.sparql.text import values_block, with_prefixes, with_values
from fmkg.store import KnowledgeGraph, QueryResult, open_graph
from tests.conftest import FIXTURES

LIBRARY = library.library()
NAMES = sorted(LIBRARY)
COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
DEFAULT_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def oxigraph_binary() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.is_file() else shutil.which("oxigraph")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Oxigraph:
    """An ``oxigraph serve`` on a free loopback port with a fresh data directory, stopped by :meth:`stop`."""

    def __init__(self, binary: str, location: Path, *extra: str) -> None:
        self.base = f"http://127.0.0.1:{free_port()}"
        self.process = subprocess.Popen(
            [binary, "serve", "--location", str(location), "--bind", self.base.removeprefix("http://"), *extra],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        self.query, self.store, self.update = f"{self.base}/query", f"{self.base}/store", f"{self.base}/update"
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        ask = f"{self.query}?{urllib.parse.urlencode({'query': 'ASK {}'})}"
        deadline = time.monotonic() + 30
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"oxigraph exited: {self.process.stderr.read().decode()}")  # type: ignore[union-attr]
            try:
                with opener.open(ask, timeout=2):
                    return
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("oxigraph did not start within 30 s") from None
                time.sleep(0.05)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stderr is not None:
            self.process.stderr.close()


@pytest.fixture(scope="module")
def binary() -> str:
    found = oxigraph_binary()
    if found is None:
        pytest.skip("the oxigraph binary is missing: pip install -e '.[dev]' installs it (PyPI package 'oxigraph')")
    return found


@pytest.fixture
def oxigraph(binary: str, tmp_path: Path) -> Iterator[Oxigraph]:
    """A fresh, empty Oxigraph (its default graph is a graph of its own, not the union)."""
    server = Oxigraph(binary, tmp_path / "oxigraph")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def store(binary: str, shipped: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Oxigraph]:
    """A fresh Oxigraph holding the shipped graph, pushed with the Graph Store Protocol and the defaults:
    each file's named graph, plus the merge in the default graph (Oxigraph's default graph is not the union)."""
    server = Oxigraph(binary, tmp_path_factory.mktemp("oxigraph"))
    try:
        report = push(shipped, server.store)
        assert report.graphs[DEFAULT] == len(shipped)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeGraph]:
    """Two small sources that share a triple (and one with blank nodes): the merge is smaller than their sum."""
    extra = tmp_path_factory.mktemp("small") / "extra.ttl"
    extra.write_text(
        "@prefix fm: <https://w3id.org/fmkg/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix model: <https://w3id.org/fmkg/id/model/> .\n"
        "@prefix org: <https://w3id.org/fmkg/id/org/> .\n"
        'org:acme rdfs:label "Acme Research"@en .\n'
        'model:extra-one rdfs:label "Extra One"@en ; fm:developer org:acme ; fm:trainingCompute 3.14e23 ;\n'
        '    fm:note [ rdfs:label "a blank node" ; fm:next [ rdfs:label "another" ] ] .\n',
        encoding="utf-8",
    )
    with open_graph([FIXTURES / "tiny.ttl", extra], default=False, cache=False) as kg:
        yield kg


def remote_run(endpoint: str, nq: NamedQuery, params: Mapping[str, str], kg: KnowledgeGraph) -> QueryResult:
    """A named query on an endpoint, its parameters bound as locally (what ``fmkg query -e`` does)."""
    return remote_query(endpoint, nq.text, bind_params(nq, params, kg).values)


def example_params(nq: NamedQuery) -> dict[str, str]:
    args = shlex.split(nq.examples[0])
    return dict(args[i + 1].split("=", 1) for i, a in enumerate(args) if a in ("--param", "-p"))


def group_concat_columns(text: str) -> dict[str, str]:
    """The projected GROUP_CONCAT columns of a query, with their separators."""
    found = {}
    for m in re.finditer(r"\(\s*GROUP_CONCAT\s*\(", text, re.IGNORECASE):
        depth, end = 0, m.start()
        for end in range(m.start(), len(text)):
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            if depth == 0:
                break
        expression = text[m.start() : end + 1]
        if name := re.search(r"\bAS\s+[?$](\w+)\s*\)$", expression, re.IGNORECASE):
            sep = re.search(r'separator\s*=\s*"([^"]*)"', expression, re.IGNORECASE)
            found[name.group(1)] = sep.group(1) if sep else " "
    return found


def comparable(result: QueryResult, text: str) -> Counter[tuple[object, ...]]:
    """The rows as a multiset of terms. A GROUP_CONCAT value is compared as its sorted parts: the
    order of the parts is not defined."""
    concat = group_concat_columns(text)
    rows: Counter[tuple[object, ...]] = Counter()
    for row in result:
        cells: list[object] = []
        for name, term in zip(result.vars, row, strict=True):
            if name in concat and isinstance(term, Literal):
                cells.append(("GROUP_CONCAT", tuple(sorted(str(term).split(concat[name])))))
            else:
                cells.append(term)
        rows[tuple(cells)] += 1
    return rows


def counts(endpoint: str) -> dict[str, int]:
    return {str(r[0]): int(r[1]) for r in remote_query(endpoint, COUNTS)}


def default_count(endpoint: str) -> int:
    return int(remote_query(endpoint, DEFAULT_COUNT).rows[0].n)


def sizes(kg: KnowledgeGraph) -> dict[str, int]:
    return {g: n for g, n in kg.graph_sizes().items() if n}


@pytest.mark.parametrize("name", NAMES)
def test_named_query_gives_the_same_rows_remotely(store: Oxigraph, shipped: KnowledgeGraph, name: str) -> None:
    nq = LIBRARY[name]
    params = example_params(nq)
    local = engine.run(shipped, nq, params)
    there = remote_run(store.query, nq, params, shipped)
    assert there.type == local.type
    if local.type == "ASK":
        assert there.askAnswer is local.askAnswer is not None
    elif local.type == "SELECT":
        assert there.vars == local.vars
        expected = comparable(local, nq.text)
        assert sum(expected.values()) > 0
        assert comparable(there, nq.text) == expected
    else:
        assert len(local.triples) > 0
        assert isomorphic(there.graph, local.graph)


def test_named_graphs_arrive_whole(store: Oxigraph, shipped: KnowledgeGraph) -> None:
    assert counts(store.query) == sizes(shipped)
    assert default_count(store.query) == len(shipped)


# --- push: where the data lands -------------------------------------------------------------------


@pytest.mark.parametrize("protocol", ["gsp", "update"])
def test_push_fills_named_graphs_and_the_default_graph(
    oxigraph: Oxigraph, small: KnowledgeGraph, protocol: str
) -> None:
    endpoint = oxigraph.store if protocol == "gsp" else oxigraph.update
    report = push(small, endpoint, protocol=protocol, batch_size=3)
    expected = sizes(small)
    assert len(expected) == 2 and sum(expected.values()) > len(small)  # one triple is in both sources
    assert report.graphs == {**expected, DEFAULT: len(small)}
    assert report.triples == sum(expected.values()) + len(small)
    sent = targets(small)
    per_graph = 1 if protocol == "gsp" else None
    assert report.requests == sum(per_graph or len(list(update_requests(i, x, 3))) for i, x in sent) >= 3
    # Each source in its own named graph, whole ...
    assert counts(oxigraph.query) == expected
    for iri in expected:
        there = remote_query(oxigraph.query, f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}")
        local = Graph()
        for q in small.quads([iri]):
            local.add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))
        assert isomorphic(there.graph, local)
    # ... and the merge in the default graph, each fact once, blank nodes and literals as they are.
    assert default_count(oxigraph.query) == len(small)
    merge = remote_query(oxigraph.query, "CONSTRUCT WHERE { ?s ?p ?o }")
    assert isomorphic(merge.graph, merged_graph(small))
    # So a plain query on the store sees the data, as locally.
    ask = "ASK { model:child-one fm:fineTunedFrom model:base-one . model:extra-one fm:developer org:acme }"
    assert remote_query(oxigraph.query, ask).askAnswer is True
    # Pushing again replaces: nothing doubles.
    push(small, endpoint, protocol=protocol, batch_size=3)
    assert counts(oxigraph.query) == expected and default_count(oxigraph.query) == len(small)
    assert isomorphic(remote_query(oxigraph.query, "CONSTRUCT WHERE { ?s ?p ?o }").graph, merged_graph(small))


def test_push_without_the_default_graph(oxigraph: Oxigraph, small: KnowledgeGraph) -> None:
    report = push(small, oxigraph.store, default_graph=False)
    assert report.graphs == sizes(small) and DEFAULT not in report.graphs
    assert counts(oxigraph.query) == sizes(small)
    assert default_count(oxigraph.query) == 0


def test_cli_push_reports_the_default_graph(oxigraph: Oxigraph) -> None:
    files = [str(FIXTURES / "tiny.ttl")]
    base = ["push", "--endpoint", oxigraph.store, "--no-default", "--data", files[0]]
    runner = CliRunner()
    plain = runner.invoke(app, base, catch_exceptions=False)
    assert plain.exit_code == 0, plain.output
    with open_graph([FIXTURES / "tiny.ttl"], default=False, cache=False) as tiny:
        n = len(tiny)
    assert f"pushed {2 * n} triples into 1 named graph and the default graph at " in plain.output
    assert re.search(rf"^\s*{n} triples  default graph", plain.output, re.MULTILINE)
    assert default_count(oxigraph.query) == n
    skipped = runner.invoke(app, [*base, "--no-default-graph", "--graph", "https://example.org/other"])
    assert skipped.exit_code == 0, skipped.output
    assert f"pushed {n} triples into 1 named graph at " in skipped.output and "default graph" not in skipped.output
    assert counts(oxigraph.query)["https://example.org/other"] == n


def test_push_with_sparql_update(binary: str, shipped: KnowledgeGraph, tmp_path: Path) -> None:
    server = Oxigraph(binary, tmp_path / "store", "--union-default-graph")
    try:
        # Oxigraph's --union-default-graph makes the default graph the union of the named graphs: no copy needed.
        report = push(shipped, server.update, protocol="update", batch_size=1500, default_graph=False)
        expected = sizes(shipped)
        assert report.graphs == expected and report.requests >= len(expected)
        # Pushing again replaces: nothing doubles.
        push(shipped, server.update, protocol="update", default_graph=False)
        assert counts(server.query) == expected
        ask = remote_run(server.query, LIBRARY["has-lineage"], {"model": "alpaca", "ancestor": "llama"}, shipped)
        assert ask.askAnswer is True
    finally:
        server.stop()


def test_push_into_one_named_graph(oxigraph: Oxigraph, shipped: KnowledgeGraph) -> None:
    result = CliRunner().invoke(
        app,
        ["push", "--endpoint", oxigraph.store, "--graph", "https://example.org/fmkg", "--no-default-graph"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert re.search(rf"pushed {len(shipped)} triples into 1 named graph at ", result.output)
    assert counts(oxigraph.query) == {"https://example.org/fmkg": len(shipped)}
    assert default_count(oxigraph.query) == 0
    # The default-graph-uri parameter of the SPARQL Protocol, given in the endpoint URL, picks it.
    endpoint = f"{oxigraph.query}?default-graph-uri={urllib.parse.quote('https://example.org/fmkg', safe='')}"
    nq = LIBRARY["descendants"]
    there = remote_run(endpoint, nq, {"model": "llama"}, shipped)
    expected = comparable(engine.run(shipped, nq, {"model": "llama"}), nq.text)
    assert sum(expected.values()) > 0 and comparable(there, nq.text) == expected


def test_push_refuses_bad_arguments(small: KnowledgeGraph) -> None:
    # Nothing is sent: the arguments are checked first (the endpoint does not exist).
    nowhere = f"http://127.0.0.1:{free_port()}/store"
    with pytest.raises(FmkgError, match="unknown protocol"):
        push(small, nowhere, protocol="ftp")
    with pytest.raises(FmkgError, match="batch size"):
        push(small, nowhere, protocol="update", batch_size=0)
    with pytest.raises(TermError):
        push(small, nowhere, graph="http://example.org/> } DROP ALL ; <x")


# --- what a push sends, no server needed ------------------------------------------------------------


def test_targets(small: KnowledgeGraph) -> None:
    default = targets(small)
    assert [iri for iri, _ in default] == [*sizes(small), DEFAULT]
    assert [len(lines) for _, lines in default] == [*sizes(small).values(), len(small)]
    # The default graph is the set merge of the sources (blank node labels aside).
    ground = [{x for x in lines if "_:" not in x} for _, lines in default]
    assert set.union(*ground[:-1]) == ground[-1] and sum(map(len, ground[:-1])) > len(ground[-1])
    one = targets(small, "https://example.org/g")
    assert [iri for iri, _ in one] == ["https://example.org/g", DEFAULT] and one[0][1] == one[1][1]
    assert [iri for iri, _ in targets(small, default_graph=False)] == list(sizes(small))


def test_batches_keep_blank_nodes_together(small: KnowledgeGraph) -> None:
    (_, lines), *_ = [t for t in targets(small) if t[0] == DEFAULT]
    linked = [x for x in lines if "_:" in x]
    assert len(linked) >= 4
    parts = list(batches(lines, 2))
    assert sorted(x for b in parts for x in b) == sorted(lines)
    holding = [b for b in parts if any("_:" in x for x in b)]
    assert len(holding) == 1 and sorted(x for x in holding[0] if "_:" in x) == sorted(linked)


def test_update_requests() -> None:
    lines = ["<http://e/a> <http://e/p> <http://e/b> .", "<http://e/c> <http://e/p> <http://e/d> ."]
    named = list(update_requests("http://e/g", lines, 1))
    assert len(named) == 2 and named[0].startswith("DROP SILENT GRAPH <http://e/g> ;\nINSERT DATA {")
    assert "DROP" not in named[1] and "GRAPH <http://e/g> {" in named[1]
    default = list(update_requests(DEFAULT, lines, 5))
    assert default == [f"DROP SILENT DEFAULT ;\nINSERT DATA {{\n{lines[0]}\n{lines[1]}\n}}"]
    assert list(update_requests("http://e/g", [], 5)) == ["DROP SILENT GRAPH <http://e/g>"]


# --- queries on an endpoint ----------------------------------------------------------------------


def test_cli_query_on_an_endpoint(store: Oxigraph) -> None:
    runner = CliRunner()
    args = ["query", "ancestors", "--param", "model=dall-e", "--format", "csv"]
    local = runner.invoke(app, args)
    there = runner.invoke(app, [*args, "--endpoint", store.query])
    assert there.exit_code == 0, there.output
    assert there.output == local.output and "GPT-3" in there.output
    ask = runner.invoke(app, ["query", "has-lineage", "-p", "model=gpt-3", "-p", "ancestor=dall-e", "-e", store.query])
    assert ask.exit_code == 1 and ask.output.strip() == "false"
    inline = runner.invoke(app, ["query", "SELECT ?d WHERE { model:gpt-3 fm:releaseDate ?d }", "-e", store.query])
    assert inline.exit_code == 0 and "2020-05-28" in inline.output


def test_hostile_values_stay_values(store: Oxigraph, shipped: KnowledgeGraph) -> None:
    hostile = '" } UNION { ?s ?p ?o } #\n"""'
    nq = library.get("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?s WHERE { ?s rdfs:label ?name }")
    assert list(remote_run(store.query, nq, {"name": f'"{hostile}"'}, shipped)) == []
    # The same query with a label that exists finds it: the value did reach the store as a value.
    found = remote_query(store.query, nq.text, {"name": Literal("GPT-3", lang="en")})
    assert URIRef("https://w3id.org/fmkg/id/model/gpt-3") in {r.s for r in found}


def test_updates_are_not_sent(store: Oxigraph) -> None:
    with pytest.raises(QueryError, match="Update"):
        remote_query(store.query, "DROP ALL")
    assert default_count(store.query) > 0


def test_unreachable_endpoint() -> None:
    result = CliRunner().invoke(
        app, ["query", "ancestors", "-p", "model=bert", "-e", f"http://127.0.0.1:{free_port()}/"]
    )
    assert result.exit_code == 2 and "cannot connect" in result.output


# --- building the query that is sent, no server needed -----------------------------------------


def parses(text: str) -> str:
    prepareQuery(text)
    return text


def test_values_go_into_the_where_group() -> None:
    term = URIRef("https://w3id.org/fmkg/id/model/gpt-3")
    sent = parses(with_values("SELECT ?x WHERE { ?m <p> ?x FILTER(?x > 1) }", {"m": term}))
    assert sent.index("VALUES (?m) { (<https://w3id.org/fmkg/id/model/gpt-3>) }") < sent.index("?m <p>")
    ask = parses(with_values("ASK { ?m <p> ?x }", {"m": term}))
    assert ask.startswith("ASK {\n  VALUES")
    construct = parses(with_values("CONSTRUCT { ?m <p> ?x } WHERE { ?m <q> ?x }", {"m": term}))
    assert construct.index("VALUES") > construct.index("WHERE")
    short = parses(with_values("CONSTRUCT WHERE { ?m <p> ?x }", {"m": term}))
    assert short.rstrip().endswith("VALUES (?m) { (<https://w3id.org/fmkg/id/model/gpt-3>) }")
    sub = parses(with_values("SELECT * WHERE { SELECT ?m WHERE { ?m <p> ?x } }", {"m": term}))
    assert "VALUES" in sub
    tricky = 'SELECT ?x WHERE { # a comment with { braces\n ?x <p> "WHERE { }" }'
    assert parses(with_values(tricky, {"x": term})).count("VALUES") == 1


def test_terms_are_written_in_ntriples_form() -> None:
    assert nt(Literal('say "hi"\n')) == '"say \\"hi\\"\\n"'
    assert nt(Literal("x", lang="en")) == '"x"@en'
    assert nt(Literal(5)) == '"5"^^<http://www.w3.org/2001/XMLSchema#integer>'
    with pytest.raises(TermError):
        nt(URIRef("http://example.org/> } DROP ALL ; <x"))
    with pytest.raises(QueryError):
        values_block({"x) } DROP ALL": Literal(1)})


def test_prefixes_are_declared_for_inline_queries() -> None:
    sent = with_prefixes("PREFIX fm: <https://example.org/other#> SELECT * WHERE { ?m fm:x model:gpt-3 }")
    assert "PREFIX model: <https://w3id.org/fmkg/id/model/>" in sent
    assert sent.count("PREFIX fm:") == 1
    parses(sent)
    text, form = prepare("ASK { ?m fm:developer org:openai }", {"m": URIRef("https://w3id.org/fmkg/id/model/gpt-3")})
    assert form == "ASK" and "PREFIX org: <https://w3id.org/fmkg/id/org/>" in text and "VALUES (?m)" in text
    parses(text)
