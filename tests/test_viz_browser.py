"""The HTML viewer in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

The page is opened from a file with every other request refused: it must load without console
errors or requests, draw as many nodes as the graph has, and its search, filters and focus mode must
work. ``scripts/install-browser.sh`` installs the browser; Playwright comes with the dev extras.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from rdflib.namespace import RDF

from fmkg.graph.network import ENTITY_RELATIONS
from fmkg.names.index import kind_of
from fmkg.rdf.namespaces import FM
from fmkg.store import KnowledgeGraph
from fmkg.viz import LAYOUTS, VizOptions, build_view, render, render_view
from tests.test_viz import XSS, family, load, synthetic

pytestmark = pytest.mark.slow  # a real browser or server per test

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

if not CHROMIUM.exists() and not shutil.which("chromium"):
    pytest.skip("no /usr/bin/chromium: run scripts/install-browser.sh", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: pip install -e '.[dev]'")


@dataclass
class Opened:
    """A page opened from a file, with what it logged and what it tried to fetch."""

    page: Any
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def js(self, script: str, arg: object = None) -> Any:
        return self.page.evaluate(script, arg)

    def wait(self, expression: str, timeout: float = 60.0) -> None:
        """Poll ``expression`` until it is true (wait_for_function would need eval, which the page's CSP forbids)."""
        end = time.perf_counter() + timeout
        while not self.page.evaluate(expression):
            if time.perf_counter() > end:
                raise TimeoutError(f"{expression!r} still false after {timeout} s")
            self.page.wait_for_timeout(25)

    def check_clean(self) -> None:
        assert self.errors == [], self.errors
        assert self.requests == [], self.requests
        assert self.dialogs == [], self.dialogs


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    pages: list[Any] = []

    def opener(path: Path, width: int = 1400, height: int = 900) -> Opened:
        page = browser.new_page(viewport={"width": width, "height": height})
        pages.append(page)
        opened = Opened(page)
        url = path.resolve().as_uri()
        page.on("console", lambda m: opened.errors.append(m.text) if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: opened.errors.append(str(e)))

        def dialog(d: Any) -> None:
            opened.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", dialog)

        def route(r: Any) -> None:
            if r.request.url == url:
                r.continue_()
            else:
                opened.requests.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        start = time.perf_counter()
        page.goto(url)
        opened.wait("!!(window.fmkg && window.fmkg.ready)")
        opened.seconds = time.perf_counter() - start
        return opened

    yield opener
    for page in pages:
        page.close()


def expected_nodes(kg: KnowledgeGraph) -> int:
    """The graph's entities counted straight from RDF: models, apps, datasets and what relations link."""
    nodes = {str(s) for s, _, _ in kg.triples() if kind_of(str(s)) in ("model", "app", "dataset")}
    for p in ENTITY_RELATIONS:
        for s, o in kg.subject_objects(p):
            if s != o and str(s).startswith("http") and str(o).startswith("http"):
                nodes.update((str(s), str(o)))
    return len(nodes)


@pytest.fixture(scope="module")
def shipped_pages(shipped: KnowledgeGraph, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("viz")
    out = {}
    for name in LAYOUTS:
        out[name] = folder / f"{name}.html"
        out[name].write_text(render(shipped, VizOptions(layout=name)), encoding="utf-8")
    return out


@pytest.mark.parametrize("name", LAYOUTS)
def test_shipped_graph_loads_clean_with_every_node(
    shipped: KnowledgeGraph, shipped_pages: dict[str, Path], open_page: Any, name: str
) -> None:
    opened = open_page(shipped_pages[name])
    opened.check_clean()
    assert opened.js("fmkg.nodes.length") == expected_nodes(shipped)
    assert opened.js("fmkg.visible") == opened.js("fmkg.nodes.length")
    models = {str(s) for s in shipped.subjects(RDF.type, FM.LargeLanguageModel)}
    drawn = opened.js("Object.values(fmkg.page.facts).filter(f => f.class === 'fm:LargeLanguageModel').length")
    assert drawn <= len(models)
    assert opened.seconds < 20, f"interactive after {opened.seconds:.1f} s"


def test_search_focuses_a_model(shipped_pages: dict[str, Path], open_page: Any) -> None:
    opened = open_page(shipped_pages["force"])
    page = opened.page
    page.fill("#fmkg-search", "gpt-3")
    page.wait_for_selector("#fmkg-suggestions li[data-id]")
    first = page.locator("#fmkg-suggestions li[data-id]").first
    assert first.get_attribute("data-id") == "model:gpt-3"
    page.press("#fmkg-search", "Enter")
    opened.wait("!fmkg.moving", timeout=10)  # the camera's animation
    assert opened.js("fmkg.selected") == "model:gpt-3"
    assert opened.js("fmkg.network.getSelectedNodes()") == ["model:gpt-3"]
    assert page.locator("#fmkg-panel").is_visible()
    assert page.locator("#fmkg-p-label").text_content() == "GPT-3"
    # the node is on screen, in the part that neither the legend nor the panel covers
    at = opened.js("fmkg.network.canvasToDOM(fmkg.network.getPositions(['model:gpt-3'])['model:gpt-3'])")
    legend = page.locator("#fmkg-legend").bounding_box()
    panel = page.locator("#fmkg-panel").bounding_box()
    canvas = page.locator("#fmkg-network").bounding_box()
    assert legend["x"] + legend["width"] < canvas["x"] + at["x"] < panel["x"]
    assert 0 < at["y"] < canvas["height"]
    assert opened.js("fmkg.network.getScale()") >= 1.0  # close enough to read the labels
    opened.check_clean()


def test_search_completes_aliases(shipped_pages: dict[str, Path], open_page: Any) -> None:
    opened = open_page(shipped_pages["force"])
    assert "model:llama" in opened.js("fmkg.search('llama 1')")
    assert opened.js("fmkg.search('zzzz-no-such-thing')") == []


def test_filters_hide_what_they_should(shipped_pages: dict[str, Path], open_page: Any) -> None:
    opened = open_page(shipped_pages["force"])
    page = opened.page
    total = opened.js("fmkg.nodes.length")
    page.select_option("#fmkg-org", "org:openai")
    shown = opened.js("fmkg.visibleIds()")
    assert 5 < len(shown) < total
    facts = opened.js("fmkg.page.facts")
    for i in shown:
        assert not facts[i]["primary"] or "org:openai" in facts[i].get("developers", []), i
    assert "model:gpt-3" in shown and "model:llama" not in shown
    assert opened.js("fmkg.edges.get({filter: e => !e.hidden}).length") == opened.js("fmkg.visibleEdges")

    page.click("#fmkg-reset")
    assert opened.js("fmkg.visible") == total
    page.fill("#fmkg-since", "2023")
    page.fill("#fmkg-until", "2023")
    page.dispatch_event("#fmkg-until", "change")
    shown = opened.js("fmkg.visibleIds()")
    assert shown and all(not facts[i]["primary"] or facts[i].get("year") == 2023 for i in shown)

    opened.js("fmkg.reset(false)")
    page.click("#fmkg-classes li[data-key='fm:Organization']")
    shown = set(opened.js("fmkg.visibleIds()"))
    assert not any(i.startswith("org:") for i in shown)
    assert opened.js("fmkg.edges.get({filter: e => !e.hidden && e.rel === 'fm:developer'}).length") == 0

    opened.js("fmkg.reset(false)")
    page.click("#fmkg-relations li[data-key='fm:trainedOn']")
    assert opened.js("fmkg.edges.get({filter: e => !e.hidden && e.rel === 'fm:trainedOn'}).length") == 0
    assert opened.js("fmkg.visible") == total  # hiding a relation hides edges, not nodes

    opened.js("fmkg.reset(false)")
    opened.js("fmkg.setModality('image')")
    shown = opened.js("fmkg.visibleIds()")
    assert shown and all(not facts[i]["primary"] or "image" in facts[i].get("modalities", []) for i in shown)
    opened.check_clean()


def test_focus_mode_isolates_lineage(shipped_pages: dict[str, Path], open_page: Any) -> None:
    opened = open_page(shipped_pages["lineage"])
    page = opened.page
    opened.js("fmkg.select('model:llama')")
    page.click("#fmkg-p-focus button[data-direction='down']")
    shown = set(opened.js("fmkg.visibleIds()"))
    assert {"model:llama", "model:alpaca", "model:vicuna"} <= shown
    assert "model:gpt-3" not in shown and "model:bert" not in shown
    assert page.locator("#fmkg-focusbar").is_visible()
    up = opened.js("fmkg.focusOn('model:alpaca', 'up', 2)")  # LLaMA 7B, then its family
    shown = set(opened.js("fmkg.visibleIds()"))
    assert {"model:llama-7b", "model:llama"} <= shown and "model:vicuna" not in shown and up == len(shown)
    page.click("#fmkg-unfocus")
    assert opened.js("fmkg.visible") == opened.js("fmkg.nodes.length")
    opened.check_clean()


def test_a_focus_link_from_an_entity_page_opens_the_viewer_focused(
    shipped_pages: dict[str, Path], open_page: Any
) -> None:
    opened = open_page(shipped_pages["lineage"])
    opened.js("window.location.hash = '#focus=model:llama'")
    opened.wait("fmkg.visible < fmkg.nodes.length")
    shown = set(opened.js("fmkg.visibleIds()"))
    assert {"model:llama", "model:alpaca", "model:vicuna"} <= shown and "model:bert" not in shown
    assert opened.js("fmkg.selected") == "model:llama"
    opened.check_clean()


def test_an_entity_page_opens_from_a_file_with_no_network(
    shipped: KnowledgeGraph, tmp_path: Path, browser: Any
) -> None:
    from fmkg.site import entity

    path = tmp_path / "site" / "page" / "model" / "llama.html"
    path.parent.mkdir(parents=True)
    path.write_text(
        entity.render_html(entity.page_of(shipped, "https://w3id.org/fmkg/id/model/llama"), entity.Links("static"))
    )
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    outside: list[str] = []
    page.route(
        "**/*",
        lambda r: r.continue_() if r.request.url == path.as_uri() else (outside.append(r.request.url), r.abort()),
    )
    page.goto(path.as_uri())
    assert outside == []
    assert page.locator("h1").inner_text().startswith("LLaMA")
    assert page.locator("#lineage-down tr").count() > 3
    page.screenshot(path=str(tmp_path / "llama.png"))
    assert (tmp_path / "llama.png").stat().st_size > 10_000
    page.close()


def test_cli_focus_selects_the_model(shipped: KnowledgeGraph, tmp_path: Path, open_page: Any) -> None:
    view = build_view(shipped, VizOptions(focus="alpaca", layout="lineage"))
    path = tmp_path / "alpaca.html"
    path.write_text(render_view(view), encoding="utf-8")
    opened = open_page(path)
    opened.check_clean()
    assert opened.js("fmkg.nodes.length") == view.graph.number_of_nodes()
    assert opened.js("fmkg.selected") == "model:alpaca"


def test_hostile_names_stay_text(tmp_path: Path, open_page: Any) -> None:
    path = tmp_path / "evil.html"
    with load(family(), tmp_path) as kg:
        path.write_text(render(kg, VizOptions(title=XSS)), encoding="utf-8")
    opened = open_page(path)
    page = opened.page
    page.fill("#fmkg-search", "img src")
    page.wait_for_selector("#fmkg-suggestions li[data-id]")
    assert XSS in page.locator("#fmkg-suggestions").inner_text()
    page.press("#fmkg-search", "Enter")
    assert page.locator("#fmkg-p-label").text_content() == XSS
    assert XSS in page.locator("#fmkg-p-description").text_content()
    assert page.locator("#fmkg-title").text_content() == XSS
    assert opened.js("document.querySelectorAll('img').length") == 0
    assert opened.js("document.querySelectorAll('#fmkg-p-sources a').length") == 0  # javascript: is no link
    assert opened.js("fmkg.nodes.get('model:evil').title").startswith(XSS)  # plain text for vis' tooltip
    opened.js("fmkg.network.selectNodes(['model:evil'])")
    page.mouse.move(10, 10)
    page.wait_for_timeout(300)
    opened.check_clean()  # no alert() ran


@pytest.mark.parametrize("models", [2000, 6000])
def test_synthetic_graphs_open_quickly(tmp_path: Path, open_page: Any, models: int) -> None:
    with load(synthetic(models), tmp_path) as kg:
        view = build_view(kg, VizOptions(layout="force"))
    path = tmp_path / f"synthetic-{models}.html"
    path.write_text(render_view(view), encoding="utf-8")
    opened = open_page(path)
    opened.check_clean()
    assert opened.js("fmkg.nodes.length") == view.graph.number_of_nodes()
    assert opened.seconds < 30, f"{view.graph.number_of_nodes()} nodes interactive after {opened.seconds:.1f} s"
    assert opened.js("fmkg.search('Model 7')")[0] == "model:m-7"


# --- the SPARQL editor of `fmkg serve` --------------------------------------------------------------


@pytest.fixture(scope="module")
def served(shipped: KnowledgeGraph) -> Iterator[str]:
    """The shipped graph served on a loopback port by uvicorn in a thread: the base URL."""
    import socket
    import threading

    import uvicorn

    from fmkg.server import ServerConfig, create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(create_app(shipped, ServerConfig(workers=2)), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/"
    server.should_exit = True
    thread.join(timeout=15)


def test_the_editor_runs_a_named_query_with_no_network(served: str, browser: Any, tmp_path: Path) -> None:
    from fmkg.server import editor

    if not editor.installed():
        pytest.skip(f"the editor is not installed: run {editor.INSTALL}")
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    opened = Opened(page)
    page.on("console", lambda m: opened.errors.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: opened.errors.append(str(e)))
    page.route(
        "**/*",
        lambda r: (
            r.continue_() if r.request.url.startswith(served) else (opened.requests.append(r.request.url), r.abort())
        ),
    )
    page.goto(served + "query")
    opened.wait("!!(window.fmkgEditor && window.fmkgEditor.ready)")
    assert page.locator(".CodeMirror").count() == 1  # YASGUI's editor, not the plain form
    assert page.locator(".CodeMirror .cm-keyword").count() > 0  # highlighted

    page.click("#example-ancestors summary")
    page.fill("#example-ancestors input[name=model]", "Alpaca")
    page.click("#example-ancestors button")
    opened.wait("window.fmkgEditor.queries >= 1")
    page.wait_for_selector(".yasr table tbody tr a.fmkg-entity")
    links = opened.js("Array.from(document.querySelectorAll('a.fmkg-entity')).map(a => a.href)")
    assert served + "id/model/llama" in links  # results link to entity pages on this server
    formats = opened.js("Array.from(document.querySelectorAll('#downloads a')).map(a => a.dataset.format)")
    assert formats == ["json", "xml", "csv", "tsv"]
    page.screenshot(path=str(tmp_path / "editor.png"))

    # a download link answers the query in its format
    csv_url = opened.js("document.querySelector('#downloads a[data-format=csv]').href")
    response = page.request.get(csv_url)
    assert response.status == 200 and response.text().startswith("child,childLabel,relation,ancestor,ancestorLabel")

    opened.check_clean()
    # a name that names nothing is said beside the form, and nothing runs (the browser logs the 400)
    page.fill("#example-ancestors input[name=model]", "no such model")
    page.click("#example-ancestors button")
    page.wait_for_selector("#example-ancestors .note.error")
    assert "no entity" in page.locator("#example-ancestors .note").inner_text()

    # fmkg's prefixes are known: a query using them undeclared gets their PREFIX lines, and no error mark
    opened.js("fmkgEditor.yasgui.getTab().setQuery('SELECT ?m WHERE { ?m fm:developer org:google } LIMIT 3'); 0")
    opened.wait("fmkgEditor.yasgui.getTab().getQuery().indexOf('PREFIX org:') >= 0")
    assert "PREFIX fm: <https://w3id.org/fmkg/ontology#>" in opened.js("fmkgEditor.yasgui.getTab().getQuery()")
    assert page.locator(".CodeMirror .parseErrorIcon").count() == 0

    # the user's own CONSTRUCT query, typed into the editor, and its graph downloads
    opened.js("fmkgEditor.yasgui.getTab().setQuery('CONSTRUCT WHERE { model:gpt-3 ?p ?o }'); 0")
    opened.js("fmkgEditor.yasgui.getTab().getYasqe().query(); 0")
    opened.wait("window.fmkgEditor.queries >= 2")
    formats = opened.js("Array.from(document.querySelectorAll('#downloads a')).map(a => a.dataset.format)")
    assert formats == ["turtle", "nt", "json-ld", "xml"]
    assert opened.errors == ["Failed to load resource: the server responded with a status of 400 (Bad Request)"]
    assert opened.requests == []
    page.close()
