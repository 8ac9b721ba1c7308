"""The SPARQL editor at /query: its page, its files, and every named query opened with its parameters bound.

The editor in a real browser is tested in ``tests/test_viz_browser.py``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from fmkg.rdf.namespaces import PREFIXES
from fmkg.server import editor
from fmkg.server.app import ServerConfig, create_app
from fmkg.sparql.library import library
from fmkg.store import KnowledgeGraph

QUERIES = sorted(library())


@pytest.fixture(scope="module")
def client(shipped: KnowledgeGraph) -> Iterator[TestClient]:
    with TestClient(create_app(shipped, ServerConfig(workers=2))) as c:
        yield c


def test_the_editor_page_lists_every_named_query_with_its_parameters(client: TestClient) -> None:
    response = client.get("/query")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    for name, query in library().items():
        assert f'data-name="{name}"' in page
        for param in query.params:
            assert f'name="{param.name}"' in page
    assert 'value="dall-e"' in page  # the example value of ancestors' model


def test_the_page_config_is_json_that_cannot_close_its_script(client: TestClient) -> None:
    page = client.get("/query").text
    start = page.index('<script id="fmkg-editor-config" type="application/json">') + len(
        '<script id="fmkg-editor-config" type="application/json">'
    )
    config = json.loads(page[start : page.index("</script>", start)])
    assert config["prefixes"] == dict(sorted(PREFIXES.items()))
    assert config["query"].startswith("PREFIX fm: ")  # the first query declares what it uses
    assert config["idBase"] == "https://w3id.org/fmkg/id/"


@pytest.mark.parametrize("name", QUERIES)
def test_every_named_query_opens_bound_and_runs_on_the_endpoint(client: TestClient, name: str) -> None:
    response = client.get(f"/query/examples/{name}")
    assert response.status_code == 200, response.text
    body = response.json()
    if library()[name].params:
        assert "VALUES (" in body["query"]
    answer = client.post("/sparql", data={"query": body["query"]}, headers={"Accept": "*/*"})
    assert answer.status_code == 200, answer.text


def test_a_parameter_is_bound_as_the_entity_it_names(client: TestClient) -> None:
    body = client.get("/query/examples/ancestors", params={"model": "Alpaca"}).json()
    assert "VALUES (?model) { (<https://w3id.org/fmkg/id/model/alpaca>) }" in body["query"]
    rows = client.post(
        "/sparql", data={"query": body["query"]}, headers={"Accept": "application/sparql-results+json"}
    ).json()["results"]["bindings"]
    assert {r["ancestor"]["value"] for r in rows} >= {"https://w3id.org/fmkg/id/model/llama"}


def test_an_ambiguous_name_says_what_else_it_could_mean(client: TestClient) -> None:
    body = client.get("/query/examples/entity-facts", params={"entity": "Stable Diffusion"}).json()
    assert "(<https://w3id.org/fmkg/id/model/stable-diffusion>)" in body["query"]  # the model, before the app
    assert body["notes"] and "also names app:stable-diffusion" in body["notes"][0]


@pytest.mark.parametrize(
    ("path", "params", "status", "words"),
    [
        ("/query/examples/no-such-query", {}, 404, "no named query"),
        ("/query/examples/ancestors", {"model": "no such model at all"}, 400, "no entity"),
        ("/query/examples/ancestors", {"modle": "gpt-3"}, 400, "no parameter modle"),
        ("/query/examples/models-by-year", {"year": "twenty"}, 400, "not an integer"),
        ("/query/examples/ancestors", {"model": '"> } DROP ALL ; SELECT * {'}, 400, "no entity"),
    ],
)
def test_bad_example_requests_are_one_line_json_errors(
    client: TestClient, path: str, params: dict[str, str], status: int, words: str
) -> None:
    response = client.get(path, params=params)
    assert response.status_code == status
    assert words in response.json()["error"] and "\n" not in response.json()["error"]


@pytest.mark.parametrize("name", sorted(editor.ASSETS))
def test_the_editor_files_are_served(client: TestClient, name: str) -> None:
    if not editor.installed() and editor.ASSETS[name][0] == "vendor":
        pytest.skip(f"the editor is not installed: run {editor.INSTALL}")
    response = client.get(f"/editor/{name}")
    assert response.status_code == 200 and len(response.content) > 100
    assert response.headers["content-type"].split(";")[0] in ("text/javascript", "text/css")


def test_prefix_completion_reads_the_servers_prefixes(client: TestClient) -> None:
    assert client.get("/editor/prefixes.json").json() == PREFIXES


@pytest.mark.parametrize("path", ["VERSION", "__init__.py", "editor.html", "..%2F__init__.py", "%2e%2e", "x.js"])
def test_nothing_else_is_served_from_the_editor_folder(client: TestClient, path: str) -> None:
    assert client.get(f"/editor/{path}").status_code == 404


def test_without_the_vendored_editor_the_page_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(editor, "installed", lambda: False)
    page = editor.render_page("0")
    assert editor.INSTALL in page and 'form action="sparql"' in page and "yasgui.min.js" not in page


def test_example_values_come_from_the_query_header() -> None:
    assert editor.example_values(library()["has-lineage"]) == {"model": "dall-e", "ancestor": "gpt-3"}
