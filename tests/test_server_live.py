"""``fmkg serve`` as a real process on a loopback port, queried by a client nobody here wrote (SPARQLWrapper)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any
from xml.dom.minidom import Document

import pytest
from rdflib import Graph, URIRef
from SPARQLWrapper import CSV, JSON, POST, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed
from typer.testing import CliRunner

from fmkg.cli import app

pytestmark = pytest.mark.slow  # a real browser or server per test

MODELS = """PREFIX fm: <https://w3id.org/fmkg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?model ?label WHERE {
  ?model fm:developer <https://w3id.org/fmkg/id/org/openai> ; rdfs:label ?label .
} ORDER BY ?model"""
GPT3 = "https://w3id.org/fmkg/id/model/gpt-3"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"fmkg serve exited with {process.returncode}: {process.stderr.read().decode()}")  # type: ignore[union-attr]
        try:
            with opener.open(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"fmkg serve did not answer at {url} within {seconds} s")


@contextlib.contextmanager
def running(*options: str) -> Iterator[tuple[str, list[str]]]:
    """``fmkg serve`` with ``options`` on a free port: its base URL, and (after the block) what it logged."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "fmkg", "serve", "--port", str(port), *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "no_proxy": "127.0.0.1,localhost"},
    )
    logged: list[str] = []
    try:
        wait_until_up(f"http://127.0.0.1:{port}/health", process)
        yield f"http://127.0.0.1:{port}/", logged
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        assert process.stderr is not None
        logged.append(process.stderr.read().decode("utf-8", "replace"))
        process.stderr.close()


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with running("--timeout", "2") as (base, _):
        yield base + "sparql"


def client(endpoint: str, query: str, fmt: str, method: str | None = None) -> Any:
    sparql = SPARQLWrapper(endpoint)
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    if method:
        sparql.setMethod(method)
    return sparql.query().convert()


@pytest.mark.parametrize("method", [None, POST])
def test_json(endpoint: str, method: str | None) -> None:
    data = client(endpoint, MODELS, JSON, method)
    assert data["head"]["vars"] == ["model", "label"]
    rows = [(b["model"]["value"], b["label"]["value"]) for b in data["results"]["bindings"]]
    assert (GPT3, "GPT-3") in rows


def test_xml(endpoint: str) -> None:
    doc = client(endpoint, MODELS, XML)
    assert isinstance(doc, Document)
    uris = [node.firstChild.data for node in doc.getElementsByTagName("uri")]
    assert GPT3 in uris


def test_csv(endpoint: str) -> None:
    text = client(endpoint, MODELS, CSV).decode("utf-8")
    lines = text.splitlines()
    assert lines[0] == "model,label"
    assert f"{GPT3},GPT-3" in lines


def test_tsv(endpoint: str) -> None:
    text = client(endpoint, MODELS, TSV).decode("utf-8")
    lines = text.splitlines()
    assert lines[0] == "?model\t?label"
    assert f'<{GPT3}>\t"GPT-3"@en' in lines


def test_construct_turtle(endpoint: str) -> None:
    query = f"CONSTRUCT {{ <{GPT3}> ?p ?o }} WHERE {{ <{GPT3}> ?p ?o }}"
    data = client(endpoint, query, TURTLE)
    g = Graph().parse(data=data, format="turtle")
    assert len(g) > 10 and all(s == URIRef(GPT3) for s in g.subjects())


def test_ask(endpoint: str) -> None:
    data = client(endpoint, f"ASK {{ <{GPT3}> ?p ?o }}", JSON)
    assert data["boolean"] is True


def test_malformed_query(endpoint: str) -> None:
    with pytest.raises(QueryBadFormed, match="syntax error"):
        client(endpoint, "SELECT ?x WHERE { ?x ", JSON)


def test_update_refused(endpoint: str) -> None:
    sparql = SPARQLWrapper(endpoint)
    sparql.setMethod(POST)
    sparql.setQuery("INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }")
    with pytest.raises(urllib.error.HTTPError) as info:
        sparql.query()
    assert info.value.code == 403 and b"read-only" in info.value.read()


def test_slow_query_cut_off(endpoint: str) -> None:
    started = time.monotonic()
    with pytest.raises(urllib.error.HTTPError) as info:
        client(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", JSON)
    assert info.value.code == 503 and b"time limit" in info.value.read()
    assert time.monotonic() - started < 10
    assert client(endpoint, f"ASK {{ <{GPT3}> ?p ?o }}", JSON)["boolean"] is True


def test_service_description(endpoint: str) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(endpoint, headers={"Accept": "application/ld+json"})
    with opener.open(request, timeout=10) as response:
        data = json.loads(response.read())
    assert "http://www.w3.org/ns/sparql-service-description#Service" in json.dumps(data)


# --- slow clients ------------------------------------------------------------------------------

READ_TIMEOUT = 1.0


def trickle(base: str, data: bytes) -> socket.socket:
    """A connection that sent ``data`` (part of a request) and then nothing more."""
    host, port = base.removeprefix("http://").rstrip("/").split(":")
    conn = socket.create_connection((host, int(port)), timeout=10)
    conn.sendall(data)
    return conn


def answer_of(conn: socket.socket) -> tuple[bytes, float]:
    """What the server sent before it closed the connection, and after how many seconds."""
    started, received = time.monotonic(), b""
    while chunk := conn.recv(65536):
        received += chunk
    return received, time.monotonic() - started


PARTIAL = {
    "headers": b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\nAccept: ",
    "nothing": b"",
    "body": b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
    b"Content-Length: 100\r\n\r\nASK {",
}


def test_slow_clients_are_cut_off_and_others_still_served() -> None:
    with running("--read-timeout", str(READ_TIMEOUT)) as (base, logged):
        slow = [trickle(base, PARTIAL[kind]) for kind in PARTIAL for _ in range(100)]
        # while 300 slow clients hold connections, an ordinary query is answered at once
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        started = time.monotonic()
        with opener.open(base + "sparql?query=ASK%7B%7D", timeout=10) as response:
            assert response.status == 200
        assert time.monotonic() - started < READ_TIMEOUT
        answers = [answer_of(conn) for conn in slow]
        for conn in slow:
            conn.close()
        for received, seconds in answers:
            assert received.startswith(b"HTTP/1.1 408 "), received[:80]
            assert seconds < READ_TIMEOUT + 3
        # a kept-alive connection that sends its next request in time is not cut off
        conn = trickle(base, b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(READ_TIMEOUT * 1.5)  # idle between requests: the keep-alive limit's, not the read timeout's
        conn.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        received, _ = answer_of(conn)
        conn.close()
        assert received.count(b"HTTP/1.1 200 ") == 2
    assert "Traceback" not in logged[0] and "ClientDisconnect" not in logged[0], logged[0]


# --- the command line, without starting a server ----------------------------------------------


@pytest.fixture
def no_server(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """uvicorn.run recording its arguments instead of serving; gc.freeze left alone in the test process."""
    import gc

    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: calls.append(kwargs))
    monkeypatch.setattr(gc, "freeze", lambda: None)
    return calls


def test_serve_binds_to_loopback_by_default(no_server: list[dict[str, Any]]) -> None:
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 0, result.output
    calls = no_server
    assert calls[0]["host"] == "127.0.0.1" and calls[0]["port"] == 8000
    assert "warning" not in result.output


def test_serve_warns_when_public(no_server: list[dict[str, Any]]) -> None:
    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--port", "8001"])
    assert result.exit_code == 0
    assert "warning: listening on 0.0.0.0" in result.output
    assert no_server[0]["host"] == "0.0.0.0"


def test_serve_rejects_bad_limits() -> None:
    result = CliRunner().invoke(app, ["serve", "--timeout", "0"])
    assert result.exit_code == 2 and "must be positive" in result.output
