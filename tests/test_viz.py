"""The HTML viewer without a browser: what is selected, sizes, layouts, escaping, determinism, the CLI."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS
from typer.testing import CliRunner

from fmkg.cli import app
from fmkg.errors import FmkgError
from fmkg.rdf.namespaces import FM, ID
from fmkg.store import KnowledgeGraph, open_graph
from fmkg.viz import LAYOUTS, VizOptions, build_view, render, render_view
from fmkg.viz.layout import layout
from fmkg.viz.page import VIS_VERSION, script_safe, to_script_json
from fmkg.viz.style import SHAPES, load_style
from fmkg.viz.view import entity_graph, importance, parse_relations, select

XSS = "<img src=x onerror=alert(1)>"
MODEL, ORG, DATASET = (Namespace(f"{ID}{kind}/") for kind in ("model", "org", "dataset"))
DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")


def synthetic(models: int, seed: int = 1) -> Graph:
    """A made-up graph: ``models`` models in families, one organisation per ten, some datasets."""
    rng = random.Random(seed)
    g = Graph()
    orgs = max(1, models // 10)
    for i in range(orgs):
        g.add((ORG[f"org-{i}"], RDF.type, FM.Organization))
        g.add((ORG[f"org-{i}"], RDFS.label, Literal(f"Org {i}", lang="en")))
    for i in range(max(1, models // 25)):
        d = DATASET[f"data-{i}"]
        g.add((d, RDF.type, FM.Dataset))
        g.add((d, RDFS.label, Literal(f"Corpus {i}", lang="en")))
    for i in range(models):
        m = MODEL[f"m-{i}"]
        g.add((m, RDF.type, FM.LargeLanguageModel if i % 3 else FM.TextToImageModel))
        g.add((m, RDFS.label, Literal(f"Model {i}", lang="en")))
        g.add((m, FM.developer, ORG[f"org-{rng.randrange(orgs)}"]))
        year = 2015 + i * 10 // max(models, 1)
        g.add((m, FM.releaseDate, Literal(f"{year}-{rng.randint(1, 12):02d}-01", datatype=DATE)))
        g.add((m, DCTERMS.source, URIRef(f"https://example.org/m/{i}")))
        if i and rng.random() < 0.6:
            g.add((m, FM.fineTunedFrom, MODEL[f"m-{rng.randrange(max(0, i - 50), i)}"]))
        if rng.random() < 0.2:
            g.add((m, FM.trainedOn, DATASET[f"data-{rng.randrange(max(1, models // 25))}"]))
    return g


def family() -> Graph:
    """A hand-made family: base <- chat <- chat-quant, base <- coder; an app on chat; an evil name."""
    g = Graph()
    facts = {
        "base": ("Base LM", "2020-01-01", "acme"),
        "chat": ("Chat LM", "2021-06-01", "acme"),
        "quant": ("Chat LM 4-bit", "2022-03-01", "other"),
        "coder": ("Coder LM", "2021-09-01", "other"),
        "lonely": ("Lonely LM", "2019-05-01", "other"),
        "evil": (XSS, "2022-01-01", "acme"),
    }
    for org, label in (("acme", "Acme AI"), ("other", "Other Lab")):
        g.add((ORG[org], RDF.type, FM.Organization))
        g.add((ORG[org], RDFS.label, Literal(label, lang="en")))
    for slug, (label, date, org) in facts.items():
        g.add((MODEL[slug], RDF.type, FM.LargeLanguageModel))
        g.add((MODEL[slug], RDFS.label, Literal(label, lang="en")))
        g.add((MODEL[slug], FM.releaseDate, Literal(date, datatype=DATE)))
        g.add((MODEL[slug], FM.developer, ORG[org]))
    g.add((MODEL.chat, FM.fineTunedFrom, MODEL.base))
    g.add((MODEL.quant, FM.quantizedFrom, MODEL.chat))
    g.add((MODEL.coder, FM.basedOn, MODEL.base))
    g.add((MODEL.evil, FM.fineTunedFrom, MODEL.chat))
    g.add((MODEL.evil, DCTERMS.description, Literal(f"</script><script>alert(2)</script>{XSS}", lang="en")))
    g.add((MODEL.evil, DCTERMS.source, URIRef("javascript:alert(3)")))
    app_iri = ID["app/helper"]
    g.add((app_iri, RDF.type, FM.Application))
    g.add((app_iri, RDFS.label, Literal("Helper", lang="en")))
    g.add((app_iri, FM.poweredBy, MODEL.chat))
    g.add((app_iri, FM.developer, ORG.acme))
    return g


def write(graph: Graph, path: Path) -> Path:
    """``graph`` written to ``path`` (N-Triples or Turtle, by suffix), for ``open_graph`` or ``--data``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    graph.serialize(path, format="nt" if path.suffix == ".nt" else "turtle", encoding="utf-8")
    return path


def load(graph: Graph, folder: Path, backend: str = "oxigraph") -> KnowledgeGraph:
    """``graph`` alone (no shipped graph) in a store in memory."""
    return open_graph([write(graph, folder / "graph.nt")], default=False, backend=backend, cache=False)


def ids(view_or_set: object) -> set[str]:
    nodes = view_or_set.graph.nodes if hasattr(view_or_set, "graph") else view_or_set  # type: ignore[attr-defined]
    return {str(n).rsplit("/", 2)[-2] + ":" + str(n).rsplit("/", 1)[-1] for n in nodes}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeGraph]:
    with load(family(), tmp_path_factory.mktemp("viz-small")) as kg:
        yield kg


# -- selection ------------------------------------------------------------------------------------

ALL_TINY = {
    "model:base",
    "model:chat",
    "model:quant",
    "model:coder",
    "model:lonely",
    "model:evil",
    "app:helper",
    "org:acme",
    "org:other",
}


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (VizOptions(), ALL_TINY),
        (VizOptions(focus="Chat LM"), {"model:chat", "model:base", "model:quant", "model:evil", "app:helper"}),
        (VizOptions(focus="chat", depth=1), {"model:chat", "model:base", "model:quant", "model:evil", "app:helper"}),
        (VizOptions(focus="base", depth=1), {"model:base", "model:chat", "model:coder"}),
        (VizOptions(focus="quant"), {"model:quant", "model:chat", "model:base"}),
        (VizOptions(orgs=("Acme AI",)), {"model:base", "model:chat", "model:evil", "app:helper"}),
        (VizOptions(since=2021, until=2021), {"model:chat", "model:coder"}),
        (VizOptions(since=2022), {"model:quant", "model:evil"}),
        (VizOptions(orgs=("other",), until=2020), {"model:lonely"}),
    ],
    ids=["all", "focus", "focus-depth-1", "focus-down-1", "focus-leaf", "org", "years", "since", "org-and-year"],
)
def test_options_select_the_right_subgraph(small: KnowledgeGraph, options: VizOptions, expected: set[str]) -> None:
    view = build_view(small, options)
    primary = {i for i in ids(view) if not i.startswith("org:")}
    assert primary == expected - {"org:acme", "org:other"}
    # the organisations drawn are exactly those the drawn entities link to
    orgs = {i for i in ids(view) if i.startswith("org:")}
    linked = {
        "org:" + d.rsplit("/", 1)[-1] for n in view.graph.nodes for d in view.graph.nodes[n]["developers"] if primary
    }
    assert orgs == (linked if options != VizOptions() else {"org:acme", "org:other"})


def test_relations_choose_the_edges(small: KnowledgeGraph) -> None:
    view = build_view(small, VizOptions(relations=("fineTunedFrom", "quantized from")))
    assert {k for _, _, k in view.graph.edges(keys=True)} == {"fm:fineTunedFrom", "fm:quantizedFrom"}
    assert not any(i.startswith("org:") for i in ids(view))  # no developer edges: no organisations


def test_concept_relations_add_concept_nodes(shipped: KnowledgeGraph) -> None:
    view = build_view(shipped, VizOptions(focus="llama", depth=1, relations=("fineTunedFrom", "license")))
    kinds = {view.graph.nodes[n]["kind"] for n in view.graph.nodes}
    assert "license" in kinds


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["fineTunedFrom"], (FM.fineTunedFrom,)),
        (["fm:basedOn,developer"], (FM.basedOn, FM.developer)),
        (["fine-tuned from", "Fine Tuned From"], (FM.fineTunedFrom,)),
    ],
)
def test_parse_relations(names: list[str], expected: tuple[URIRef, ...]) -> None:
    assert parse_relations(names) == expected


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (VizOptions(relations=("likes",)), "unknown relation"),
        (VizOptions(layout="circle"), "--layout"),
        (VizOptions(size="mass"), "--size"),
        (VizOptions(depth=2), "--depth needs --focus"),
        (VizOptions(focus="chat", depth=0), "at least 1"),
        (VizOptions(since=2023, until=2020), "after"),
        (VizOptions(max_nodes=3), "--focus MODEL"),
    ],
)
def test_bad_options_are_errors(small: KnowledgeGraph, options: VizOptions, message: str) -> None:
    with pytest.raises(FmkgError, match=re.escape(message)):
        build_view(small, options)


def test_unknown_focus_suggests_names(small: KnowledgeGraph) -> None:
    with pytest.raises(FmkgError, match="did you mean"):
        build_view(small, VizOptions(focus="Chat LN"))


def test_sample_keeps_the_most_important(small: KnowledgeGraph) -> None:
    view = build_view(small, VizOptions(max_nodes=4, sample=True))
    assert view.sampled
    assert view.graph.number_of_nodes() <= 4
    assert "model:base" in ids(view)  # the root of the family has the most downstream


def test_select_without_filters_is_everything(small: KnowledgeGraph) -> None:
    g = entity_graph(small.triples())
    assert select(g) == set(g.nodes)


def test_entity_graph_reads_the_same_from_a_store_and_from_rdflib(small: KnowledgeGraph) -> None:
    from_store = entity_graph(small.triples())
    from_rdflib = entity_graph(family())
    assert dict(from_store.nodes(data=True)) == dict(from_rdflib.nodes(data=True))
    assert set(from_store.edges(keys=True)) == set(from_rdflib.edges(keys=True))
    assert from_store.number_of_nodes() == len(ALL_TINY)


# -- importance -----------------------------------------------------------------------------------


def test_importance_counts_everything_downstream(small: KnowledgeGraph) -> None:
    g = entity_graph(small.triples())
    weight = {ids([n]).pop(): w for n, w in importance(g).items()}
    assert weight["model:base"] == 5  # chat, quant, evil, coder, helper
    assert weight["model:chat"] == 3  # quant, evil, helper
    assert weight["model:quant"] == 0
    assert weight["org:acme"] == 4 + 2  # base, chat, evil, helper developed; quant and coder downstream of them
    degree = {ids([n]).pop(): w for n, w in importance(g, "degree").items()}
    assert degree["model:lonely"] == 1


def test_importance_survives_cycles() -> None:
    g = Graph()
    g.add((MODEL.a, FM.fineTunedFrom, MODEL.b))
    g.add((MODEL.b, FM.fineTunedFrom, MODEL.a))
    g.add((MODEL.c, FM.fineTunedFrom, MODEL.a))
    weight = {ids([n]).pop(): w for n, w in importance(entity_graph(g)).items()}
    assert weight == {"model:a": 2, "model:b": 2, "model:c": 0}


# -- layouts --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", LAYOUTS)
def test_layouts_are_deterministic_and_place_every_node(name: str) -> None:
    flow = {"fm:fineTunedFrom", "fm:trainedOn"}
    first = layout(entity_graph(synthetic(900, seed=3)), name, flow=flow)
    again = layout(entity_graph(synthetic(900, seed=3)), name, flow=flow)
    g = entity_graph(synthetic(900, seed=3))
    assert first.positions == again.positions
    assert set(first.positions) == set(g.nodes)
    spots = set(first.positions.values())
    assert len(spots) > 0.97 * len(first.positions), "nodes should not pile up on the same spot"


def test_lineage_puts_parents_above_children(small: KnowledgeGraph) -> None:
    view = build_view(small, VizOptions(layout="lineage"))
    y = {ids([n]).pop(): view.graph.nodes[n]["y"] for n in view.graph.nodes}
    assert y["model:base"] < y["model:chat"] < y["model:quant"]


def test_timeline_orders_by_release_date(small: KnowledgeGraph) -> None:
    view = build_view(small, VizOptions(layout="timeline"))
    x = {ids([n]).pop(): view.graph.nodes[n]["x"] for n in view.graph.nodes}
    assert x["model:lonely"] < x["model:base"] < x["model:chat"] < x["model:coder"] < x["model:quant"]
    assert [t.label for t in view.axis] == ["2019", "2020", "2021", "2022"]


# -- the page -------------------------------------------------------------------------------------


def page_json(html: str, block: str) -> object:
    m = re.search(rf'<script type="application/json" id="fmkg-{block}">(.*?)</script>', html, re.S)
    assert m, block
    return json.loads(m.group(1))


def test_page_is_deterministic(small: KnowledgeGraph, tmp_path: Path) -> None:
    with load(family(), tmp_path) as again:
        assert render(small) == render(again)


@pytest.mark.parametrize("name", LAYOUTS)
def test_same_graph_gives_byte_identical_html(name: str, tmp_path: Path) -> None:
    # loaded twice, once in each store: the page does not depend on the store or on load order
    with (
        load(synthetic(300), tmp_path / "ox") as ox,
        load(synthetic(300), tmp_path / "mem", backend="memory") as mem,
    ):
        assert render(ox, VizOptions(layout=name)) == render(mem, VizOptions(layout=name))


def test_page_is_self_contained(small: KnowledgeGraph) -> None:
    html = render(small)
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=[\"']?(https?:)?//", html, re.I)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//|@import", html)
    assert "Content-Security-Policy" in html
    assert len(re.findall(r"^<script>", html, re.M)) == 2  # vis-network and the viewer, both inline


def _pyvis_asset(name: str) -> str:
    """A file of vis-network as the installed pyvis package ships it (read here, not through fmkg)."""
    import pyvis

    return (Path(pyvis.__file__).resolve().parent / "templates" / "lib" / VIS_VERSION / name).read_text("utf-8")


def test_page_inlines_vis_network_from_pyvis(small: KnowledgeGraph) -> None:
    html = render(small)
    js, css = _pyvis_asset("vis-network.min.js"), _pyvis_asset("vis-network.css")
    assert len(js) > 100_000
    assert f"<script>{js}</script>" in html  # the library itself, byte for byte, inline
    assert f"<style>{css}</style>" in html
    assert not re.search(r"<script\b[^>]*\bsrc\s*=", html, re.I)  # no script is fetched, from anywhere
    assert not re.search(r"""(src|href)\s*=\s*["']?https?:""", html, re.I)
    assert not re.search(r"bootstrap|cdnjs|jsdelivr|unpkg", html, re.I)  # pyvis's own (CDN) template is unused


def test_rendering_leaves_pyvis_alone(small: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch) -> None:
    """fmkg renders its own template: it neither builds a pyvis ``Network`` nor assigns pyvis internals."""
    import pyvis
    import pyvis.network

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("fmkg.viz built a pyvis Network")

    monkeypatch.setattr(pyvis.network.Network, "__init__", refuse)
    before = {m: dict(vars(m)) for m in (pyvis, pyvis.network, pyvis.network.Network)}
    html = render(small)
    after = {m: dict(vars(m)) for m in (pyvis, pyvis.network, pyvis.network.Network)}
    for m, attrs in before.items():
        changed = {k for k in attrs.keys() | after[m].keys() if attrs.get(k, refuse) is not after[m].get(k, refuse)}
        assert not changed, f"{m!r}: {sorted(changed)}"
    assert len(page_json(html, "nodes")) == len(ALL_TINY)  # type: ignore[arg-type]


def test_escaping_keeps_names_as_text(small: KnowledgeGraph) -> None:
    html = render(small)
    assert XSS not in html
    assert "<img" not in html
    assert "</script><script>alert(2)" not in html
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in html
    facts = page_json(html, "data")["facts"]  # type: ignore[index]
    assert facts["model:evil"]["label"] == XSS  # the JSON still carries the name as it is
    assert "sources" not in facts["model:evil"]  # javascript: links never become links
    nodes = page_json(html, "nodes")
    assert {n["label"] for n in nodes} >= {XSS}  # type: ignore[union-attr,index]


def test_escaping_in_the_title(small: KnowledgeGraph) -> None:
    html = render(small, VizOptions(title=XSS))
    assert XSS not in html
    assert "<title>&lt;img src=x onerror=alert(1)&gt;</title>" in html


@pytest.mark.parametrize(
    ("text", "safe"), [("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028")]
)
def test_script_json_escapes(text: str, safe: str) -> None:
    assert to_script_json(text) == f'"{safe}"'
    assert json.loads(script_safe(json.dumps(text))) == text


def test_page_data_matches_the_view(small: KnowledgeGraph) -> None:
    view = build_view(small)
    html = render_view(view)
    nodes = page_json(html, "nodes")
    edges = page_json(html, "edges")
    assert len(nodes) == view.graph.number_of_nodes()  # type: ignore[arg-type]
    assert len(edges) == view.graph.number_of_edges()  # type: ignore[arg-type]
    data = page_json(html, "data")
    assert {c["key"] for c in data["classes"]} == {"fm:LargeLanguageModel", "fm:Organization", "fm:Application"}  # type: ignore[index]
    assert data["years"] == [2019, 2022]  # type: ignore[index]


# -- style ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("cls", load_style().classes, ids=lambda c: c.key)
def test_class_styles(cls: object) -> None:
    assert re.fullmatch(r"#[0-9a-f]{6}", cls.color)  # type: ignore[attr-defined]
    assert cls.shape in SHAPES  # type: ignore[attr-defined]


def test_every_ontology_class_of_entities_has_a_style(shipped: KnowledgeGraph) -> None:
    from rdflib.namespace import OWL

    styled = {c.key for c in load_style().classes}
    classes = {
        f"fm:{str(c).rsplit('#', 1)[-1]}" for c in shipped.subjects(RDF.type, OWL.Class) if str(c).startswith(str(FM))
    }
    assert len(classes) > 10
    # not drawn as nodes: source graphs, and popularity observations (figures about a model)
    assert classes - styled <= {"fm:Artifact", "fm:SourceGraph", "fm:PopularityObservation"}


def test_first_listed_class_wins() -> None:
    style = load_style()
    assert style.class_of(["fm:LargeLanguageModel", "fm:CodeModel"]).key == "fm:CodeModel"
    assert style.class_of([], "org").key == "fm:Organization"
    assert style.class_of([], None) == style.default


# -- the command ----------------------------------------------------------------------------------


def test_cli_writes_the_page(runner: CliRunner, tmp_path: Path) -> None:
    data = write(family(), tmp_path / "tiny.ttl")
    out = tmp_path / "out" / "graph.html"
    result = runner.invoke(
        app, ["viz", "--no-default", "--data", str(data), "-o", str(out), "--layout", "lineage", "--focus", "chat"]
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert len(page_json(html, "nodes")) == 7  # type: ignore[arg-type]  # 5 entities and 2 organisations


@pytest.mark.parametrize(
    ("args", "code"), [(["--layout", "circle"], 2), (["--focus", "nothing-like-this"], 1), (["--max-nodes", "2"], 2)]
)
def test_cli_errors(runner: CliRunner, tmp_path: Path, args: list[str], code: int) -> None:
    data = write(family(), tmp_path / "tiny.ttl")
    result = runner.invoke(app, ["viz", "--no-default", "--data", str(data), "-o", str(tmp_path / "x.html"), *args])
    assert result.exit_code == code, result.output
    assert not (tmp_path / "x.html").exists()


def test_shipped_graph_renders(shipped: KnowledgeGraph) -> None:
    view = build_view(shipped)
    models = {str(s) for s, _, _ in shipped.triples() if str(s).startswith(str(MODEL))}
    drawn = {n for n in view.graph.nodes if n.startswith(str(MODEL))}
    assert drawn == models
    assert view.graph.number_of_nodes() > 100
