"""Entity pages as Linked Data: 303 from an entity IRI by Accept, documents in every RDF syntax that an
independent parser reads, escaped HTML, and the static site ``fmkg build`` writes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from starlette.testclient import TestClient

from fmkg.export.artifacts import stale
from fmkg.rdf import formats
from fmkg.server.app import ServerConfig, create_app
from fmkg.site import entity, static
from fmkg.store import KnowledgeGraph, open_graph

from .conftest import FIXTURES

GPT3 = "https://w3id.org/fmkg/id/model/gpt-3"


@pytest.fixture(scope="module")
def client(shipped: KnowledgeGraph) -> Iterator[TestClient]:
    with TestClient(create_app(shipped, ServerConfig(workers=2))) as c:
        yield c


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    """The tiny graph plus a model whose label and source are markup."""
    folder = tmp_path_factory.mktemp("hostile")
    data = folder / "hostile.ttl"
    data.write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<https://w3id.org/fmkg/id/model/evil> rdfs:label "<script>alert(1)</script>" ;\n'
        "  <http://purl.org/dc/terms/source> <javascript:alert(2)> ;\n"
        "  <https://w3id.org/fmkg/ontology#fineTunedFrom> <https://w3id.org/fmkg/id/model/base-one> .\n",
        encoding="utf-8",
    )
    return open_graph([FIXTURES / "tiny.ttl", data], default=False, cache=False)


@pytest.mark.parametrize(
    ("accept", "location"),
    [
        ("text/html,application/xhtml+xml;q=0.9,*/*;q=0.8", "/page/model/gpt-3"),
        ("text/turtle", "/data/model/gpt-3.ttl"),
        ("application/n-triples", "/data/model/gpt-3.nt"),
        ("application/ld+json", "/data/model/gpt-3.jsonld"),
        ("application/rdf+xml", "/data/model/gpt-3.rdf"),
        ("*/*", "/page/model/gpt-3"),
    ],
)
def test_an_entity_iri_redirects_to_the_document_the_client_accepts(
    client: TestClient, accept: str, location: str
) -> None:
    response = client.get("/id/model/gpt-3", headers={"Accept": accept}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == location
    assert "Accept" in response.headers["vary"]
    assert 'rel="describedby"; type="text/turtle"' in response.headers["link"]


@pytest.mark.parametrize("name", entity.DOCUMENT_FORMATS)
def test_every_document_parses_and_holds_the_entity_s_triples(
    client: TestClient, shipped: KnowledgeGraph, name: str
) -> None:
    fmt = formats.find(name)
    response = client.get(f"/data/model/gpt-3{fmt.suffix}")
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == fmt.media_type
    assert "<https://w3id.org/fmkg/id/model/gpt-3.ttl>" not in response.headers["link"]
    got = Graph().parse(data=response.content, format={"jsonld": "json-ld", "rdfxml": "xml"}.get(name, name))
    expected = Graph()
    for t in shipped.triples((URIRef(GPT3), None, None)):
        expected.add(t)
    for t in shipped.triples((None, None, URIRef(GPT3))):
        expected.add(t)
    # rdflib's parsers rewrite some lexical forms (doubles): read the expected triples the same way.
    assert isomorphic(got, Graph().parse(data=expected.serialize(format="nt"), format="nt"))


def test_the_suffix_form_of_the_iri_is_the_document_itself(client: TestClient) -> None:
    by_suffix = client.get("/id/model/gpt-3.ttl", follow_redirects=False)
    assert by_suffix.status_code == 200
    assert by_suffix.content == client.get("/data/model/gpt-3.ttl").content


def test_the_html_page_is_the_fact_card_with_lineage(client: TestClient) -> None:
    page = client.get("/id/model/llama", headers={"Accept": "text/html"})  # follows the 303
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    text = page.text
    assert "<h1>LLaMA" in text and 'id="lineage-down"' in text
    assert 'href="/page/org/meta"' in text or 'href="/page/org/meta-ai"' in text
    assert 'href="/#focus=model:llama"' in text
    assert 'rel="alternate"; type="application/ld+json"' in page.headers["link"]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/id/model/no-such-model", 404),
        ("/page/model/no-such-model", 404),
        ("/data/model/gpt-3", 404),
        ("/data/model/gpt-3.html", 404),
        ("/id/model/..%2f..%2fetc%2fpasswd", 404),
        ("/id/Model/gpt-3", 404),
        ("/page/model/%3Cscript%3E", 404),
        ("/id/model", 404),
    ],
)
def test_unknown_and_malformed_entity_paths(client: TestClient, path: str, status: int) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == status
    assert "<script>" not in response.headers["content-type"] and "root:" not in response.text


def test_labels_and_links_are_escaped(hostile: KnowledgeGraph) -> None:
    html = entity.render_html(entity.page_of(hostile, "https://w3id.org/fmkg/id/model/evil"), entity.Links())
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'href="javascript:' not in html  # only http(s) values become links
    base = entity.render_html(entity.page_of(hostile, "https://w3id.org/fmkg/id/model/base-one"), entity.Links())
    assert "&lt;script&gt;" in base  # its child, listed in the lineage down, escaped too


def test_the_static_site_links_only_to_files_it_has(tiny: KnowledgeGraph) -> None:
    site = dict(static.files(tiny))
    assert "site/index.html" in site and "site/page/model/base-one.html" in site
    assert {f"site/data/model/base-one{formats.find(n).suffix}" for n in entity.STATIC_FORMATS} <= set(site)
    have = set(site) | {"graph.html"}
    for name, data in site.items():
        if not name.endswith(".html"):
            continue
        for href in re.findall(r'href="([^"#]+)', data.decode("utf-8")):
            if href.startswith(("http://", "https://")):
                continue
            target = (Path("/x") / name).parent.joinpath(href).resolve().relative_to("/x").as_posix()
            assert target in have, (name, href)


def test_build_writes_the_site_and_check_sees_changes(tmp_path: Path) -> None:
    from fmkg.export.artifacts import build
    from fmkg.rdf.sources import ontology_dir

    tiny = open_graph([ontology_dir() / "fmkg.ttl", FIXTURES / "tiny.ttl"], default=False, cache=False)
    out = tmp_path / "exports"
    build(tiny, out)
    assert (out / "site" / "page" / "model" / "child-one.html").is_file()
    assert stale(tiny, out) == []
    (out / "site" / "page" / "model" / "child-one.html").write_text("changed", encoding="utf-8")
    (out / "site" / "page" / "model" / "gone.html").write_text("old", encoding="utf-8")
    problems = stale(tiny, out)
    assert any("child-one.html: out of date" in p for p in problems)
    assert any("gone.html: not part of the site any more" in p for p in problems)


def test_the_static_site_s_json_ld_links_one_context_and_reads_as_the_inline_document(tiny: KnowledgeGraph) -> None:
    import json

    site = dict(static.files(tiny))
    doc = json.loads(site["site/data/model/base-one.jsonld"])
    assert doc["@context"] == "../../context.jsonld"  # relative to data/{kind}/: the site's one copy
    assert (Path("/x/site/data/model") / doc["@context"]).resolve().as_posix() == "/x/site/context.jsonld"
    context = json.loads(site["site/context.jsonld"])
    inline = entity.description(tiny, "https://w3id.org/fmkg/id/model/base-one", formats.find("jsonld"))
    doc["@context"] = context["@context"]
    got = Graph().parse(data=json.dumps(doc), format="json-ld")
    assert isomorphic(got, Graph().parse(data=inline, format="json-ld"))
