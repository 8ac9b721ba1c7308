"""The SPARQL 1.1 Protocol endpoint, through Starlette's test client: requests, formats, limits, workers."""

from __future__ import annotations

import csv
import io
import json
import os
import socket
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF
from starlette.testclient import TestClient

from fmkg.rdf import formats
from fmkg.rdf.terms import from_ox
from fmkg.server import Limits, ServerConfig, create_app
from fmkg.server.answer import handler
from fmkg.server.description import SD
from fmkg.server.pool import Answer, Handler, Pool
from fmkg.server.protocol import negotiate
from fmkg.store import KnowledgeGraph, open_graph

COUNT_MODELS = "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m fm:developer ?org }"
MODELS = "SELECT ?m ?label WHERE { ?m fm:developer org:openai ; rdfs:label ?label } ORDER BY ?m"
CARD = "CONSTRUCT { model:gpt-3 ?p ?o } WHERE { model:gpt-3 ?p ?o }"
#: A three-way cross product: 64 million rows on the 400-triple synthetic graph, seconds past any limit here.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"


# --- processes ----------------------------------------------------------------------------------


def descendants() -> dict[int, int]:
    """Live processes below this one (children, grandchildren, ...), zombies left out: pid -> parent pid."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != "Z":
            parents[int(stat.parent.name)] = int(fields[1])
    found: dict[int, int] = {}
    frontier = {os.getpid()}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier and pid not in found}
        found.update({pid: parents[pid] for pid in frontier})
    return found


def wait_for(condition: Callable[[], bool], seconds: float = 5.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def assert_none_left(before: dict[int, int]) -> None:
    """Every process started since ``before`` is gone (a SIGKILL takes a moment to land)."""
    assert wait_for(lambda: not set(descendants()) - set(before)), set(descendants()) - set(before)


@pytest.fixture
def no_leaks() -> Iterator[None]:
    before = descendants()
    yield
    assert_none_left(before)


# --- graphs and clients -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(shipped: KnowledgeGraph) -> Iterator[TestClient]:
    before = descendants()
    with TestClient(create_app(shipped, ServerConfig(workers=2))) as c:
        yield c
    assert_none_left(before)  # the app's lifespan stopped its pool


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeGraph]:
    """A graph of 400 triples on which a three-way cross product has 400**3 rows: far too many to finish."""
    path = tmp_path_factory.mktemp("synthetic") / "synthetic.ttl"
    path.write_text(
        "".join(f"<http://example.org/s{i}> <http://example.org/p> {i} .\n" for i in range(400)), encoding="utf-8"
    )
    with open_graph([path], default=False, cache=False) as kg:
        yield kg


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


def test_answers_match_the_local_engine(client: TestClient, shipped: KnowledgeGraph) -> None:
    local = shipped.query(COUNT_MODELS)
    response = client.get("/sparql", params={"query": COUNT_MODELS})
    assert int(local.rows[0].n) > 10
    assert json_rows(response.text) == [{"n": str(local.rows[0].n)}]


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
    assert pairs

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
def test_graph_formats(
    client: TestClient, shipped: KnowledgeGraph, accept: str, media_type: str, rdflib_format: str
) -> None:
    response = client.get("/sparql", params={"query": CARD}, headers={"Accept": accept})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type
    expected = shipped.query(CARD).graph
    assert len(expected) > 10
    # The terms exactly as the store holds them (pyoxigraph keeps lexical forms) ...
    exact = Graph()
    for t in ox.parse(response.content, format=formats.by_media_type(media_type).rdf_format()):  # type: ignore[arg-type]
        exact.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))
    assert isomorphic(exact, expected)
    # ... and as a client nobody here wrote reads them (rdflib rewrites numeric literals in its own form).
    got = Graph().parse(data=response.content, format=rdflib_format)
    assert isomorphic(got, Graph().parse(data=expected.serialize(format="nt"), format="nt"))


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "application/sparql-results+xml"])
def test_ask(client: TestClient, accept: str) -> None:
    query = "ASK { model:dall-e fm:basedOn model:gpt-3 }"
    response = client.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200
    if "json" in accept:
        assert json.loads(response.text)["boolean"] is True
    else:
        assert ET.fromstring(response.content).find(f"{RESULTS_NS}boolean").text == "true"  # type: ignore[union-attr]
    no = client.get(
        "/sparql", params={"query": "ASK { model:gpt-3 fm:basedOn model:dall-e }"}, headers={"Accept": accept}
    )
    assert no.status_code == 200 and ("false" in no.text)


def test_negotiation_rules() -> None:
    assert negotiate("SELECT", "text/csv;q=0.9, application/sparql-results+xml").name == "xml"
    assert negotiate("SELECT", "application/*").name == "json"
    assert negotiate("SELECT", "text/*").name == "csv"
    assert negotiate("SELECT", "application/sparql-results+json;q=0, */*").name == "xml"
    assert negotiate("ASK", "text/csv").name == "json"  # CSV is defined for SELECT only
    assert negotiate("CONSTRUCT", "application/json").name == "jsonld"
    assert negotiate("DESCRIBE", None).name == "turtle"
    assert negotiate("SELECT", "text/csv", hint="tsv").name == "tsv"


# --- the service description ------------------------------------------------------------------


def test_service_description(client: TestClient, shipped: KnowledgeGraph) -> None:
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=response.text, format="turtle")
    sd = Namespace(SD)
    service = g.value(predicate=RDF.type, object=sd.Service)
    assert service is not None
    assert g.value(service, sd.endpoint) == URIRef("http://testserver/sparql")
    assert (service, sd.supportedLanguage, sd.SPARQL11Query) in g
    assert (service, sd.feature, sd.UnionDefaultGraph) in g
    assert (service, sd.feature, sd.BasicFederatedQuery) not in g
    formats = {str(f).rsplit("/", 1)[1] for f in g.objects(service, sd.resultFormat)}
    assert {"SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV"} <= formats
    assert {"Turtle", "N-Triples", "JSON-LD"} <= formats
    dataset = g.value(service, sd.defaultDataset)
    names = {str(g.value(n, sd.name)) for n in g.objects(dataset, sd.namedGraph)}
    assert names == {iri for iri, n in shipped.graph_sizes().items() if n}
    assert "https://w3id.org/fmkg/graph/fmkg" in names


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


def test_health(client: TestClient, shipped: KnowledgeGraph) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["triples"] == len(shipped) > 1000
    assert body["graphs"] == sum(1 for n in shipped.graph_sizes().values() if n)
    assert body["store"] == shipped.backend == "oxigraph"


def test_viewer(tiny: KnowledgeGraph, no_leaks: None) -> None:
    # The viewer of the small graph (the shipped graph's takes seconds to lay out; test_viz covers it).
    with TestClient(create_app(tiny, ServerConfig(workers=1))) as c:
        response = c.get("/")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert "<html" in response.text.lower()
        assert "Base One" in response.text
        assert c.get("/").text == response.text  # rendered once


def test_viewer_without_the_viz_module(tiny: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch, no_leaks: None) -> None:
    monkeypatch.setitem(sys.modules, "fmkg.viz", None)  # import fails (in the workers too) as if not installed
    with TestClient(create_app(tiny, ServerConfig(workers=1))) as c:
        response = c.get("/")
    assert response.status_code == 200
    page = response.text
    graphs = sum(1 for n in tiny.graph_sizes().values() if n)
    assert 'href="sparql"' in page and f"{len(tiny)} triples in {graphs} named" in page
    assert "{{" not in page


# --- safe by default --------------------------------------------------------------------------

PROBE = "ASK { <http://example.org/a> <http://example.org/b> <http://example.org/c> }"


def test_update_is_refused(client: TestClient, shipped: KnowledgeGraph) -> None:
    update = "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }"
    refused = [
        client.post("/sparql", content=update, headers={"Content-Type": "application/sparql-update"}),
        client.post("/sparql", data={"update": update}),
        client.get("/sparql", params={"update": update}),
        client.get("/sparql", params={"query": update}),
        client.post("/sparql", data={"query": "DROP ALL"}),
        client.post("/sparql", content="CLEAR DEFAULT", headers={"Content-Type": "application/sparql-query"}),
    ]
    for response in refused:
        assert response.status_code == 403, response.text
        assert "read-only" in response.text
    # Nothing changed, seen by the server's workers and by this process.
    assert json.loads(client.get("/sparql", params={"query": PROBE}).text)["boolean"] is False
    assert shipped.query(PROBE).askAnswer is False
    assert json_rows(client.get("/sparql", params={"query": COUNT_ALL}).text) == [{"n": str(len(shipped))}]


def test_malformed_query_is_400_with_the_parser_message(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "SELECT ?x WHERE {\n  ?x ?y\n}"})
    assert response.status_code == 400
    assert "SPARQL syntax error" in response.text and "query:" in response.text
    unknown_prefix = client.get("/sparql", params={"query": "SELECT * WHERE { ?s nope:p ?o }"})
    # Oxigraph's parser says where, and that the prefix is not declared (it does not name it).
    assert unknown_prefix.status_code == 400 and "query:1:" in unknown_prefix.text
    assert "prefix not found" in unknown_prefix.text.lower()


@pytest.mark.parametrize(
    ("query", "why"),
    [
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE"),
        ("SELECT * WHERE { ?s ?p ?o SERVICE SILENT <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE"),
        ("SELECT * FROM <http://127.0.0.1:9/data.ttl> WHERE { ?s ?p ?o }", "FROM"),
        ("SELECT * FROM NAMED <file:///etc/passwd> WHERE { GRAPH ?g { ?s ?p ?o } }", "FROM"),
        ("SELECT * WHERE " + "{ " * 300 + "?s ?p ?o" + " }" * 300, "nested"),
    ],
)
def test_no_outside_data(client: TestClient, query: str, why: str) -> None:
    response = client.get("/sparql", params={"query": query})
    assert response.status_code == 400 and why in response.text, response.text


@pytest.mark.parametrize(
    ("method", "kwargs", "status"),
    [
        ("post", {"content": "x", "headers": {"Content-Type": "text/plain"}}, 415),
        ("post", {"data": {"format": "json"}}, 400),
        ("put", {"content": "x"}, 405),
        ("delete", {}, 405),
        ("post", {"content": "#" * 1_000_001, "headers": {"Content-Type": "application/sparql-query"}}, 413),
        ("post", {"data": {"query": "#" * 1_000_001}}, 413),
        ("get", {"params": {"query": "ASK {}", "default-graph-uri": "http://example.org/g"}}, 400),
        ("get", {"params": {"query": "ASK {}", "named-graph-uri": "http://example.org/g"}}, 400),
        ("get", {"params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400),
        ("get", {"params": {"query": "   "}}, 400),
    ],
)
def test_bad_requests(client: TestClient, method: str, kwargs: dict[str, object], status: int) -> None:
    response = getattr(client, method)("/sparql", **kwargs)
    assert response.status_code == status, response.text


@pytest.mark.parametrize(
    ("body", "content_type", "why"),
    [
        (b"query=ASK%20%7B%7D\xff", "application/x-www-form-urlencoded", "not UTF-8"),
        (b'ASK { ?s ?p "\xe9t\xe9" }', "application/sparql-query; charset=latin-1", "not UTF-8"),
        (b"\xff\xfeA\x00S\x00K\x00", "application/sparql-query", "not UTF-8"),
        (b"query=%FF%FE%C0%AF", "application/x-www-form-urlencoded", "SPARQL syntax error"),
    ],
)
def test_bad_encodings_are_400(client: TestClient, body: bytes, content_type: str, why: str) -> None:
    response = client.post("/sparql", content=body, headers={"Content-Type": content_type})
    assert response.status_code == 400 and why in response.text, response.text
    # The server goes on answering.
    assert client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).status_code == 200


def test_bad_encoding_in_the_url(client: TestClient) -> None:
    # %FF is no UTF-8: it becomes U+FFFD (a literal that matches nothing), never a crash.
    response = client.get("/sparql?query=ASK%20%7B%20%3Fs%20%3Fp%20%22%FF%22%20%7D")
    assert response.status_code == 200 and json.loads(response.text)["boolean"] is False
    garbled = client.get("/sparql?query=%FF%FE%C0%AF")
    assert garbled.status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2f..%2fetc%2fpasswd",
        "/sparql/..%2f..%2fpyproject.toml",
        "/index.html",
        "/%00",
    ],
)
def test_no_files_are_served(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404, (path, response.status_code)
    assert "root:" not in response.text and "[project]" not in response.text


# --- limits -------------------------------------------------------------------------------------


def test_slow_query_is_cut_off(synthetic: KnowledgeGraph, no_leaks: None) -> None:
    app = create_app(synthetic, ServerConfig(limits=Limits(timeout=0.5), workers=1))
    with TestClient(app) as c:
        started = time.monotonic()
        response = c.get("/sparql", params={"query": SLOW})
        elapsed = time.monotonic() - started
        assert response.status_code == 503
        assert "time limit of 0.5 s" in response.text
        assert elapsed < 4
        # The server goes on answering, with the one worker it has: a fresh one.
        fine = c.get("/sparql", params={"query": COUNT_ALL})
        assert fine.status_code == 200 and json_rows(fine.text) == [{"n": "400"}]
    # no_leaks: the app's pool is gone with its lifespan.


def test_the_worker_past_the_time_limit_is_replaced(synthetic: KnowledgeGraph, no_leaks: None) -> None:
    limits = Limits(timeout=0.5)
    before = descendants()
    pool = Pool(lambda: handler(synthetic.reopened(), limits), limits, size=1)
    try:
        started = set(descendants()) - set(before)
        (zygote,) = [pid for pid in started if descendants()[pid] == os.getpid()]
        workers = {pid for pid, parent in descendants().items() if parent == zygote}
        assert len(workers) == 1
        with TestClient(create_app(synthetic, ServerConfig(limits=limits, workers=1), pool)) as c:
            cut = c.post("/sparql", data={"query": SLOW})
            assert cut.status_code == 503 and "time limit" in cut.text
            # The worker that ran it was killed; one fresh worker took its place.
            assert wait_for(lambda: not workers & set(descendants()))
            replaced = {pid for pid, parent in descendants().items() if parent == zygote}
            assert len(replaced) == 1 and not replaced & workers
            fine = c.get("/sparql", params={"query": "SELECT ?o WHERE { <http://example.org/s7> ?p ?o }"})
            assert fine.status_code == 200 and json_rows(fine.text) == [{"o": "7"}]
            again = c.get("/sparql", params={"query": COUNT_ALL})
            assert json_rows(again.text) == [{"n": "400"}]
        # An app given a pool leaves it running: the caller owns it.
        assert {pid for pid, parent in descendants().items() if parent == zygote} == replaced
    finally:
        pool.close()


def test_result_caps(tmp_path: Path, no_leaks: None) -> None:
    path = tmp_path / "fifty.ttl"
    path.write_text("".join(f"<http://example.org/s{i}> <http://example.org/p> {i} .\n" for i in range(50)))
    with open_graph([path], default=False, cache=False) as kg:
        app = create_app(kg, ServerConfig(limits=Limits(max_rows=20, max_bytes=20_000), workers=1))
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
            assert c.get("/sparql", params={"query": COUNT_ALL}).status_code == 200


# --- the worker processes -------------------------------------------------------------------------


def _probe(header: dict[str, Any], body: bytes) -> Answer:
    if header.get("kind") == "connect":
        with socket.socket() as sock:
            sock.settimeout(1)
            sock.connect(("127.0.0.1", 9))
        return Answer(200, "text/plain", b"connected")
    if header.get("kind") == "spawn":
        os.system("true")  # refused by the audit hook
        return Answer(200, "text/plain", b"spawned")
    if header.get("kind") == "sleep":
        time.sleep(30)
        return Answer(200, "text/plain", b"woke up")
    if header.get("kind") == "query":  # a query whose body says how long it runs
        time.sleep(float(body or b"0"))
        return Answer(200, "text/plain", body)
    return Answer(200, "text/plain", str(os.getpid()).encode())


def _probe_handler() -> Handler:
    return _probe


@pytest.fixture
def probe_pool(no_leaks: None) -> Iterator[Pool]:
    pool = Pool(_probe_handler, Limits(timeout=0.5), size=1)
    try:
        yield pool
    finally:
        pool.close()


def test_heavy_queries_cannot_fill_the_lane_of_light_ones(no_leaks: None) -> None:
    import threading

    pool = Pool(_probe_handler, Limits(timeout=3.0), size=3, reserved=1)
    try:
        header = {"kind": "query", "accept": "application/sparql-results+json"}  # the same header for all
        assert pool.run(header, b"0").status == 200  # answered at once: known to be light from now on
        heavy = [threading.Thread(target=pool.run, args=(header, b"2.5")) for _ in range(6)]
        for t in heavy:
            t.start()
        time.sleep(0.3)  # the heavy queries hold every worker they may
        started = time.monotonic()
        assert pool.run(header, b"0").status == 200
        assert time.monotonic() - started < 1.0  # the reserved worker answered it
        # another query is not light because it shares the header of a light one: it waits its turn
        assert not pool.is_light(header, b"0.01")
        # a light query slowed down once by a busy machine stays light (the shortest time is kept)
        pool._remember(header, b"0", 2.0)
        assert pool.is_light(header, b"0")
        for t in heavy:
            t.join()
    finally:
        pool.close()


def test_a_request_answered_before_is_answered_from_the_cache(no_leaks: None) -> None:
    pool = Pool(_probe_handler, Limits(timeout=1.0), size=1, cache_bytes=1_000_000)
    try:
        header = {"kind": "query"}
        assert pool.run(header, b"0.3").body == b"0.3"
        started = time.monotonic()
        assert pool.run(header, b"0.3").body == b"0.3"
        assert time.monotonic() - started < 0.1 and pool.cache is not None and pool.cache.hits == 1
        assert pool.run(header, b"0.2").body == b"0.2"  # another query text: run, not taken from the cache
        assert pool.run(header, b"5").status == 503  # a refusal says nothing of the graph: never kept
        assert pool.run(header, b"5").status == 503 and pool.cache.hits == 1
    finally:
        pool.close()


def test_the_cache_drops_the_least_recently_used_answers() -> None:
    from fmkg.server.pool import AnswerCache

    cache = AnswerCache(capacity=1600)
    for n in range(20):
        cache.put(str(n), Answer(200, "text/plain", b"x" * 100))
    assert cache.size <= 1600 and cache.get("0") is None and cache.get("19") is not None
    cache.put("big", Answer(200, "text/plain", b"x" * 200))  # over a sixteenth of the capacity
    assert cache.get("big") is None


def test_workers_have_no_network(probe_pool: Pool) -> None:
    answer = probe_pool.run({"kind": "connect"})
    assert answer.status == 500 and b"socket.connect is not allowed" in answer.body
    spawned = probe_pool.run({"kind": "spawn"})
    assert spawned.status == 500 and b"os.system is not allowed" in spawned.body


def test_worker_is_killed_at_the_time_limit(probe_pool: Pool) -> None:
    first = int(probe_pool.run({"kind": "pid"}).body)
    assert int(probe_pool.run({"kind": "pid"}).body) == first  # one worker answers one request after another
    started = time.monotonic()
    answer = probe_pool.run({"kind": "sleep"})
    assert answer.status == 503 and b"time limit of 0.5 s" in answer.body
    assert time.monotonic() - started < 3
    assert wait_for(lambda: first not in descendants())
    fresh = probe_pool.run({"kind": "pid"})
    assert fresh.status == 200 and int(fresh.body) != first


def test_a_client_that_disconnects_mid_body_is_dropped_quietly(shipped: KnowledgeGraph) -> None:
    import asyncio

    class NoPool:
        def run(self, *args: object, **kwargs: object) -> Answer:  # never reached: the body never arrives
            raise AssertionError("a query ran without a body")

        def close(self) -> None:
            pass

    app = create_app(shipped, ServerConfig(workers=1), pool=NoPool())  # type: ignore[arg-type]
    events = iter([{"type": "http.request", "body": b"query=SEL", "more_body": True}, {"type": "http.disconnect"}])
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return next(events)

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": "/sparql", "raw_path": b"/sparql", "query_string": b"", "root_path": "",
        "headers": [(b"content-type", b"application/x-www-form-urlencoded"), (b"host", b"test")],
        "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 8000),
    }  # fmt: skip
    asyncio.run(app(scope, receive, send))  # no exception escapes: uvicorn would log it as a traceback
    assert sent[0]["status"] == 400
