"""The SPARQL 1.1 Protocol endpoint, through Starlette's test client: requests, formats, limits."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import os
import socket
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF
from starlette.testclient import TestClient

from fmkg.server import Limits, ServerConfig, create_app
from fmkg.server.app import viewer_html
from fmkg.server.description import SD, named_graph_sizes
from fmkg.server.protocol import negotiate
from fmkg.server.worker import Answer, run_in_child
from fmkg.store import new_dataset

COUNT_MODELS = "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m fm:developer ?org }"
MODELS = "SELECT ?m ?label WHERE { ?m fm:developer org:openai ; rdfs:label ?label } ORDER BY ?m"
CARD = "CONSTRUCT { model:gpt-3 ?p ?o } WHERE { model:gpt-3 ?p ?o }"
RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"


@pytest.fixture(scope="module")
def client(shipped: Dataset) -> Iterator[TestClient]:
    with TestClient(create_app(shipped)) as c:
        yield c


def synthetic(n: int = 400) -> Dataset:
    """A small graph on which a three-way cross product has n**3 rows: far too many to finish."""
    ex = Namespace("http://example.org/")
    ds = new_dataset()
    g = ds.graph(URIRef("http://example.org/graph"))
    for i in range(n):
        g.add((ex[f"s{i}"], ex.p, Literal(i)))
    return ds


def json_rows(text: str) -> list[dict[str, str]]:
    data = json.loads(text)
    return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]


# --- the three ways to send a query -----------------------------------------------------------


def test_get_post_form_and_post_direct_agree(client: TestClient) -> None:
    by_get = client.get("/sparql", params={"query": MODELS})
    by_form = client.post("/sparql", data={"query": MODELS})
    direct = client.post("/sparql", content=MODELS, headers={"Content-Type": "application/sparql-query"})
    for response in (by_get, by_form, direct):
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/sparql-results+json")
    rows = json_rows(by_get.text)
    assert rows and {"m": "https://w3id.org/fmkg/id/model/gpt-3", "label": "GPT-3"} in rows
    assert json_rows(by_form.text) == rows == json_rows(direct.text)


def test_answers_match_the_local_engine(client: TestClient, shipped: Dataset) -> None:
    from fmkg import engine

    local = engine.query(shipped, COUNT_MODELS)
    response = client.get("/sparql", params={"query": COUNT_MODELS})
    assert json_rows(response.text) == [{"n": str(next(iter(local))[0])}]


# --- content negotiation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("text/html, */*;q=0.1", "application/sparql-results+json"),
        ("text/csv;q=0.5, text/tab-separated-values", "text/tab-separated-values"),
        ("", "application/sparql-results+json"),
    ],
)
def test_select_formats(client: TestClient, accept: str, media_type: str) -> None:
    response = client.get("/sparql", params={"query": MODELS}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert "Accept" in response.headers["vary"]


def test_select_formats_carry_the_same_rows(client: TestClient) -> None:
    expected = json_rows(client.get("/sparql", params={"query": MODELS}).text)
    pairs = [(r["m"], r["label"]) for r in expected]

    xml = client.get("/sparql", params={"query": MODELS}, headers={"Accept": "application/sparql-results+xml"})
    root = ET.fromstring(xml.content)
    xml_pairs = [
        tuple(b.find(f"{RESULTS_NS}binding[@name='{n}']/*").text for n in ("m", "label"))  # type: ignore[union-attr]
        for b in root.iter(f"{RESULTS_NS}result")
    ]
    assert xml_pairs == pairs

    text = client.get("/sparql", params={"query": MODELS}, headers={"Accept": "text/csv"}).text
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == ["m", "label"] and [tuple(r) for r in table[1:]] == pairs

    tsv = client.get("/sparql", params={"query": MODELS}, headers={"Accept": "text/tab-separated-values"}).text
    lines = tsv.splitlines()
    assert lines[0] == "?m\t?label"
    assert lines[1:] == [f'<{m}>\t"{label}"@en' for m, label in pairs]


@pytest.mark.parametrize("name", ["json", "xml", "csv", "tsv"])
def test_format_parameter(client: TestClient, name: str) -> None:
    # What SPARQLWrapper and a browser form send alongside (or instead of) an Accept header.
    response = client.get("/sparql", params={"query": MODELS, "format": name}, headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert name in response.headers["content-type"].split(";")[0].replace("tab-separated-values", "tsv")


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
@pytest.mark.parametrize(
    ("accept", "media_type", "rdflib_format"),
    [
        ("text/turtle", "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/ld+json", "application/ld+json", "json-ld"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("*/*", "text/turtle", "turtle"),
    ],
)
def test_graph_formats(client: TestClient, shipped: Dataset, accept: str, media_type: str, rdflib_format: str) -> None:
    from fmkg import engine

    response = client.get("/sparql", params={"query": CARD}, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type
    got = Graph().parse(data=response.content, format=rdflib_format)
    expected = engine.query(shipped, CARD).graph
    assert expected is not None and len(got) == len(expected) > 10
    assert isomorphic(got, expected)


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml"])
def test_ask(client: TestClient, accept: str) -> None:
    query = "ASK { model:dall-e fm:basedOn model:gpt-3 }"
    response = client.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200
    if "json" in accept:
        assert json.loads(response.text)["boolean"] is True
    else:
        assert ET.fromstring(response.content).find(f"{RESULTS_NS}boolean").text == "true"  # type: ignore[union-attr]


def test_negotiation_rules() -> None:
    assert negotiate("SELECT", "text/csv;q=0.9, application/sparql-results+xml").key == "xml"
    assert negotiate("SELECT", "application/*").key == "json"
    assert negotiate("SELECT", "text/*").key == "csv"
    assert negotiate("SELECT", "application/sparql-results+json;q=0, */*").key == "xml"
    assert negotiate("ASK", "text/csv").key == "json"  # CSV is defined for SELECT only
    assert negotiate("CONSTRUCT", "application/json").key == "jsonld"
    assert negotiate("DESCRIBE", None).key == "turtle"
    assert negotiate("SELECT", "text/csv", hint="tsv").key == "tsv"


# --- the service description ------------------------------------------------------------------


def test_service_description(client: TestClient, shipped: Dataset) -> None:
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=response.text, format="turtle")
    sd = Namespace(SD)
    service = g.value(predicate=RDF.type, object=sd.Service)
    assert service is not None
    assert g.value(service, sd.endpoint) == URIRef("http://testserver/sparql")
    assert (service, sd.supportedLanguage, sd.SPARQL11Query) in g
    formats = {str(f).rsplit("/", 1)[1] for f in g.objects(service, sd.resultFormat)}
    assert {"SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV"} <= formats
    assert {"Turtle", "N-Triples", "JSON-LD"} <= formats
    dataset = g.value(service, sd.defaultDataset)
    names = {str(g.value(n, sd.name)) for n in g.objects(dataset, sd.namedGraph)}
    assert names == set(named_graph_sizes(shipped))
    assert "https://w3id.org/fmkg/graph/fmkg" in names


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_service_description_as_json_ld(client: TestClient) -> None:
    response = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert response.headers["content-type"].startswith("application/ld+json")
    g = Graph().parse(data=response.text, format="json-ld")
    assert (None, URIRef(SD + "supportedLanguage"), URIRef(SD + "SPARQL11Query")) in g


# --- CORS, health, viewer ---------------------------------------------------------------------


def test_cors(client: TestClient) -> None:
    origin = {"Origin": "https://yasgui.example"}
    preflight = client.options(
        "/sparql",
        headers={**origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"},
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "content-type" in preflight.headers["access-control-allow-headers"].lower()
    response = client.get("/sparql", params={"query": MODELS}, headers=origin)
    assert response.headers["access-control-allow-origin"] == "*"


def test_health(client: TestClient, shipped: Dataset) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["triples"] == len(shipped)


def test_viewer(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "<html" in response.text.lower()


def test_viewer_without_the_viz_module(shipped: Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "fmkg.viz", None)  # import fails as if it were not installed
    page = viewer_html(shipped, len(shipped), 3)
    assert 'href="sparql"' in page and f"{len(shipped)} triples" in page


# --- safe by default --------------------------------------------------------------------------


def test_update_is_refused(client: TestClient, shipped: Dataset) -> None:
    before = len(shipped)
    update = "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }"
    refused = [
        client.post("/sparql", content=update, headers={"Content-Type": "application/sparql-update"}),
        client.post("/sparql", data={"update": update}),
        client.get("/sparql", params={"update": update}),
        client.get("/sparql", params={"query": update}),
        client.post("/sparql", data={"query": "DROP ALL"}),
    ]
    for response in refused:
        assert response.status_code == 403, response.text
        assert "read-only" in response.text
    assert len(shipped) == before


def test_malformed_query_is_400_with_the_parser_message(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "SELECT ?x WHERE {\n  ?x ?y\n}"})
    assert response.status_code == 400
    assert "SPARQL syntax error" in response.text and "query:" in response.text
    unknown_prefix = client.get("/sparql", params={"query": "SELECT * WHERE { ?s nope:p ?o }"})
    assert unknown_prefix.status_code == 400 and "nope" in unknown_prefix.text


@pytest.mark.parametrize(
    ("query", "why"),
    [
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE"),
        ("SELECT * FROM <http://127.0.0.1:9/data.ttl> WHERE { ?s ?p ?o }", "FROM"),
    ],
)
def test_no_outside_data(client: TestClient, query: str, why: str) -> None:
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 400 and why in response.text


@pytest.mark.parametrize(
    ("method", "kwargs", "status"),
    [
        ("post", {"content": "x", "headers": {"Content-Type": "text/plain"}}, 415),
        ("post", {"data": {"format": "json"}}, 400),
        ("put", {"content": "x"}, 405),
        ("post", {"content": "#" * 1_000_001, "headers": {"Content-Type": "application/sparql-query"}}, 413),
        ("get", {"params": {"query": "ASK {}", "default-graph-uri": "http://example.org/g"}}, 400),
    ],
)
def test_bad_requests(client: TestClient, method: str, kwargs: dict[str, object], status: int) -> None:
    response = getattr(client, method)("/sparql", **kwargs)
    assert response.status_code == status, response.text


def live_children() -> set[int]:
    """Processes whose parent is this one, zombies left out."""
    me, found = os.getpid(), set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == me and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def test_slow_query_is_cut_off() -> None:
    app = create_app(synthetic(), ServerConfig(limits=Limits(timeout=1.0)))
    before = live_children()
    with TestClient(app) as c:
        started = time.monotonic()
        response = c.get(
            "/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"}
        )
        elapsed = time.monotonic() - started
        assert response.status_code == 503
        assert "time limit of 1 s" in response.text
        assert elapsed < 5
        # The server goes on answering, and the query's process is gone.
        fine = c.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
        assert fine.status_code == 200 and json_rows(fine.text) == [{"n": "400"}]
    deadline = time.monotonic() + 5
    while live_children() - before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not live_children() - before


def test_result_caps() -> None:
    app = create_app(synthetic(50), ServerConfig(limits=Limits(max_rows=20, max_bytes=20_000)))
    with TestClient(app) as c:
        ok = c.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 20"})
        assert ok.status_code == 200 and len(json_rows(ok.text)) == 20
        rows = c.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
        assert rows.status_code == 413 and "more than 20 rows" in rows.text
        triples = c.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"})
        assert triples.status_code == 413 and "triples" in triples.text
        big = 'SELECT ?y WHERE { BIND(CONCAT("a", "%s") AS ?y) }' % ("z" * 30_000)
        too_big = c.post("/sparql", data={"query": big})
        assert too_big.status_code == 413 and "bytes" in too_big.text


# --- the query process ------------------------------------------------------------------------


def _connect() -> Answer:
    with socket.socket() as sock:
        sock.settimeout(1)
        sock.connect(("127.0.0.1", 9))
    return Answer(200, "text/plain", b"connected")


def _sleep() -> Answer:
    time.sleep(30)
    return Answer(200, "text/plain", b"woke up")


def test_query_process_has_no_network() -> None:
    answer = asyncio.run(run_in_child(_connect, Limits(timeout=5)))
    assert answer.status == 500 and b"socket.connect is not allowed" in answer.body


def test_query_process_is_killed_at_the_time_limit() -> None:
    started = time.monotonic()
    answer = asyncio.run(run_in_child(_sleep, Limits(timeout=0.5)))
    assert answer.status == 503 and time.monotonic() - started < 3
