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
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Dataset, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.sparql import prepareQuery
from rdflib.query import Result
from typer.testing import CliRunner

from fmkg import engine, queries, remote, sparqltext
from fmkg.cli import app
from fmkg.errors import QueryError

LIBRARY = queries.library()
NAMES = sorted(LIBRARY)


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
                time.sleep(0.1)

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


@pytest.fixture(scope="module")
def store(binary: str, shipped: Dataset, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Oxigraph]:
    """A fresh Oxigraph holding the shipped graph, pushed with the Graph Store Protocol: each file's
    named graph, plus every triple in the default graph (Oxigraph's default graph is not the union)."""
    server = Oxigraph(binary, tmp_path_factory.mktemp("oxigraph"))
    try:
        report = remote.push(shipped, server.store, into_default=True)
        assert report.graphs[""] == len(shipped)
        yield server
    finally:
        server.stop()


def example_params(nq: queries.NamedQuery) -> dict[str, str]:
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


def comparable(result: Result, text: str) -> Counter[tuple[object, ...]]:
    """The rows as a multiset of terms. A GROUP_CONCAT value is compared as its sorted parts: the
    order of the parts is not defined, and Oxigraph keeps a language tag common to them all (as
    CONCAT does) where rdflib gives a plain literal."""
    names = [str(v) for v in result.vars or []]
    concat = group_concat_columns(text)
    rows: Counter[tuple[object, ...]] = Counter()
    for row in result:
        cells: list[object] = []
        for name, term in zip(names, row, strict=True):  # type: ignore[call-overload]
            if name in concat and isinstance(term, Literal):
                cells.append(("GROUP_CONCAT", tuple(sorted(str(term).split(concat[name])))))
            else:
                cells.append(term)
        rows[tuple(cells)] += 1
    return rows


@pytest.mark.parametrize("name", NAMES)
def test_named_query_gives_the_same_rows_remotely(store: Oxigraph, shipped: Dataset, name: str) -> None:
    nq = LIBRARY[name]
    params = example_params(nq)
    local = engine.run(shipped, nq, params)
    there = remote.run(store.query, nq, params, shipped)
    assert there.type == local.type
    if local.type == "ASK":
        assert there.askAnswer == local.askAnswer
    elif local.type == "SELECT":
        assert [str(v) for v in there.vars or []] == [str(v) for v in local.vars or []]
        expected = comparable(local, nq.text)
        assert sum(expected.values()) > 0
        assert comparable(there, nq.text) == expected
    else:
        assert local.graph is not None and there.graph is not None
        assert isomorphic(there.graph, local.graph)


def test_named_graphs_arrive_whole(store: Oxigraph, shipped: Dataset) -> None:
    counts = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    there = {str(r[0]): int(r[1]) for r in remote.remote_query(store.query, counts)}  # type: ignore[index]
    local = {str(g.identifier): len(g) for g in shipped.graphs() if g.identifier != DATASET_DEFAULT_GRAPH_ID and len(g)}
    assert there == local


def test_push_with_sparql_update(binary: str, shipped: Dataset, tmp_path: Path) -> None:
    server = Oxigraph(binary, tmp_path / "store", "--union-default-graph")
    try:
        report = remote.push(shipped, server.update, protocol="update", batch_size=1500)
        sizes = {str(g.identifier): len(g) for g in shipped.graphs() if len(g)}
        assert report.graphs == sizes and report.requests >= len(sizes)
        # Pushing again replaces: nothing doubles.
        remote.push(shipped, server.update, protocol="update")
        counts = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        there = {str(r[0]): int(r[1]) for r in remote.remote_query(server.query, counts)}  # type: ignore[index]
        assert there == sizes
        # Oxigraph's --union-default-graph makes the default graph the union of the named graphs.
        ask = remote.run(server.query, LIBRARY["has-lineage"], {"model": "alpaca", "ancestor": "llama"}, shipped)
        assert ask.askAnswer is True
    finally:
        server.stop()


def test_push_into_one_named_graph(binary: str, shipped: Dataset, tmp_path: Path) -> None:
    server = Oxigraph(binary, tmp_path / "store")
    try:
        result = CliRunner().invoke(
            app, ["push", "--endpoint", server.store, "--graph", "https://example.org/fmkg"], catch_exceptions=False
        )
        assert result.exit_code == 0, result.output
        assert re.search(rf"pushed {len(shipped)} triples into 1 graph at ", result.output)
        count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://example.org/fmkg> { ?s ?p ?o } }"
        assert int(next(iter(remote.remote_query(server.query, count)))[0]) == len(shipped)  # type: ignore[call-overload]
        # The default-graph-uri parameter of the SPARQL Protocol, given in the endpoint URL, picks it.
        endpoint = f"{server.query}?default-graph-uri={urllib.parse.quote('https://example.org/fmkg', safe='')}"
        nq = LIBRARY["descendants"]
        there = remote.run(endpoint, nq, {"model": "llama"}, shipped)
        assert comparable(there, nq.text) == comparable(engine.run(shipped, nq, {"model": "llama"}), nq.text)
    finally:
        server.stop()


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


def test_hostile_values_stay_values(store: Oxigraph, shipped: Dataset) -> None:
    hostile = '" } UNION { ?s ?p ?o } #\n"""'
    nq = queries.get("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?s WHERE { ?s rdfs:label ?name }")
    assert list(remote.run(store.query, nq, {"name": f'"{hostile}"'}, shipped)) == []


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
    sent = parses(sparqltext.with_values("SELECT ?x WHERE { ?m <p> ?x FILTER(?x > 1) }", {"m": term}))
    assert sent.index("VALUES (?m) { (<https://w3id.org/fmkg/id/model/gpt-3>) }") < sent.index("?m <p>")
    ask = parses(sparqltext.with_values("ASK { ?m <p> ?x }", {"m": term}))
    assert ask.startswith("ASK {\n  VALUES")
    construct = parses(sparqltext.with_values("CONSTRUCT { ?m <p> ?x } WHERE { ?m <q> ?x }", {"m": term}))
    assert construct.index("VALUES") > construct.index("WHERE")
    short = parses(sparqltext.with_values("CONSTRUCT WHERE { ?m <p> ?x }", {"m": term}))
    assert short.rstrip().endswith("VALUES (?m) { (<https://w3id.org/fmkg/id/model/gpt-3>) }")
    sub = parses(sparqltext.with_values("SELECT * WHERE { SELECT ?m WHERE { ?m <p> ?x } }", {"m": term}))
    assert "VALUES" in sub
    tricky = 'SELECT ?x WHERE { # a comment with { braces\n ?x <p> "WHERE { }" }'
    assert parses(sparqltext.with_values(tricky, {"x": term})).count("VALUES") == 1


def test_terms_are_written_in_ntriples_form() -> None:
    assert sparqltext.ntriples_term(Literal('say "hi"\n')) == '"say \\"hi\\"\\n"'
    assert sparqltext.ntriples_term(Literal("x", lang="en")) == '"x"@en'
    assert sparqltext.ntriples_term(Literal(5)) == '"5"^^<http://www.w3.org/2001/XMLSchema#integer>'
    with pytest.raises(QueryError):
        sparqltext.ntriples_term(URIRef("http://example.org/> } DROP ALL ; <x"))
    with pytest.raises(QueryError):
        sparqltext.values_block({"x) } DROP ALL": Literal(1)})


def test_prefixes_are_declared_for_inline_queries() -> None:
    sent = remote.with_prefixes("PREFIX fm: <https://example.org/other#> SELECT * WHERE { ?m fm:x model:gpt-3 }")
    assert "PREFIX model: <https://w3id.org/fmkg/id/model/>" in sent
    assert sent.count("PREFIX fm:") == 1
    parses(sent)
