"""Rendering a :class:`~fmkg.viz.view.View` as one self-contained HTML page.

fmkg renders its own template (``template.html``) with Jinja, autoescape on. From pyvis it takes
vis-network's JS and CSS, read from the installed package and inlined, so the page needs no network
(fmkg never copies them into its own tree). pyvis's own template is not used: it loads Bootstrap and
vis-network from CDNs and writes node titles as HTML.

Data reaches the page only as JSON inside ``<script type="application/json">``, with ``<``, ``>``
and ``&`` written as ``\\u003c``, ``\\u003e`` and ``\\u0026``; the page's script sets text with
``textContent`` and gives vis-network plain-text tooltips.
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fmkg.graph.network import FLOW_RELATIONS
from fmkg.rdf.terms import compact
from fmkg.viz.style import Style, load_style
from fmkg.viz.view import View

if TYPE_CHECKING:
    from markupsafe import Markup

HERE = Path(__file__).resolve().parent
VIS_VERSION = "vis-9.1.2"

#: Above this many nodes, edges are hidden while dragging or zooming to keep the page fluid.
LARGE = 2500
#: Above this many nodes, edges are drawn fainter so that nodes stand out.
BUSY = 1000

_SCRIPT_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def script_safe(json_text: str) -> str:
    """JSON text made safe inside ``<script>``: no ``<``, ``>`` or ``&`` (valid JSON either way)."""
    return json_text.translate(_SCRIPT_ESCAPES)


def to_script_json(value: object) -> str:
    """``value`` as compact JSON that is safe inside ``<script>``."""
    return script_safe(json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def node_size(weight: int) -> float:
    """A node's radius in pixels: grows with the log of its importance."""
    return round(min(56.0, 9.0 + 5.5 * math.log2(1 + weight)), 1)


def _pyvis_dir() -> Path:
    import pyvis

    return Path(pyvis.__file__).resolve().parent / "templates"


@cache
def _asset(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if "</script" in text.lower() or "</style" in text.lower():
        raise ValueError(f"{path} cannot be inlined: it contains a closing script or style tag")
    return text


def vis_assets() -> tuple[str, str]:
    """vis-network's JS and CSS, from the installed pyvis package (never copied into fmkg)."""
    lib = _pyvis_dir() / "lib" / VIS_VERSION
    return _asset(lib / "vis-network.min.js"), _asset(lib / "vis-network.css")


def _vis_nodes(view: View) -> list[dict[str, Any]]:
    style = load_style()
    out = []
    for n in sorted(view.graph.nodes):
        d = view.graph.nodes[n]
        cls = style.class_of(d["classes"], d["kind"])
        size = round(node_size(int(d["importance"])) * cls.scale, 1)
        node: dict[str, Any] = {
            "id": d["id"],
            "label": d["label"],
            "group": cls.key,
            "x": d["x"],
            "y": d["y"],
            "size": size,
        }
        if size > 20:  # labels of important nodes stay readable further out
            node["font"] = {"size": round(10 + size / 4)}
        out.append(node)
    return out


def _vis_edges(view: View) -> list[dict[str, Any]]:
    g = view.graph
    ids = {n: g.nodes[n]["id"] for n in g.nodes}
    rows = sorted((ids[u], k, ids[v]) for u, v, k in g.edges(keys=True))
    return [{"id": f"e{i}", "from": s, "to": o, "rel": k} for i, (s, k, o) in enumerate(rows)]


def _vis_options(view: View, style: Style) -> dict[str, Any]:
    large = view.graph.number_of_nodes() > LARGE
    busy = view.graph.number_of_nodes() > BUSY
    groups = {
        c.key: {
            "shape": c.shape,
            "color": {
                "background": c.color,
                "border": "#333333",
                "highlight": {"background": c.color, "border": "#000000"},
                "hover": {"background": c.color, "border": "#000000"},
            },
        }
        for c in (*style.classes, style.default)
    }
    return {
        "autoResize": True,
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False, "randomSeed": 1},
        "interaction": {
            "hover": True,
            "tooltipDelay": 120,
            "hideEdgesOnDrag": large,
            "hideEdgesOnZoom": large,
            "multiselect": False,
            "navigationButtons": False,
            "keyboard": {"enabled": True, "bindToWindow": False},
        },
        "nodes": {
            "shape": "dot",
            "borderWidth": 1,
            "borderWidthSelected": 3,
            "font": {
                "size": 11,
                "face": "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif",
                "color": "#1d2433",
                "strokeWidth": 3,
                "strokeColor": "#ffffff",
            },
        },
        "edges": {
            "smooth": False,
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.45}},
            "color": {"inherit": False, "opacity": 0.6 if busy else 0.9},
            "selectionWidth": 1.5,
            "hoverWidth": 0.5,
        },
        "groups": groups,
    }


def _facts(view: View) -> dict[str, dict[str, Any]]:
    g = view.graph
    ids = {n: g.nodes[n]["id"] for n in g.nodes}
    out: dict[str, dict[str, Any]] = {}
    style = load_style()
    for n in sorted(g.nodes):
        d = g.nodes[n]
        row: dict[str, Any] = {
            "iri": n,
            "label": d["label"],
            "class": style.class_of(d["classes"], d["kind"]).key,
            "primary": bool(d["primary"]),
            "weight": int(d["importance"]),
        }
        devs = [ids.get(x, x) for x in d["developers"]]
        extra: dict[str, Any] = {
            "developers": devs,
            "developerLabels": [g.nodes[x]["label"] if x in g else x.rsplit("/", 1)[-1] for x in d["developers"]],
            "released": d["released"],
            "year": d["year"],
            "parameters": d["parameters"],
            "modalities": d["modalities"],
            "architecture": d["architecture"],
            "license": d["license"],
            "access": d["access"],
            "description": d["description"],
            "aliases": d["alt_labels"],
            "sources": d["sources"],
            "sameAs": d["same_as"],
        }
        row.update({k: v for k, v in extra.items() if v not in (None, "", [])})
        out[d["id"]] = row
    return out


def page_data(view: View) -> dict[str, Any]:
    """Everything besides nodes and edges that the page's script reads: legend, filters, facts, axis."""
    style = load_style()
    g = view.graph
    facts = _facts(view)
    class_counts: dict[str, int] = {}
    for row in facts.values():
        class_counts[row["class"]] = class_counts.get(row["class"], 0) + 1
    rel_counts: dict[str, int] = {}
    for _, _, k in g.edges(keys=True):
        rel_counts[k] = rel_counts.get(k, 0) + 1
    flow = {compact(r) for r in FLOW_RELATIONS}
    classes = [
        {"key": c.key, "label": c.label, "color": c.color, "shape": c.shape, "count": class_counts[c.key]}
        for c in (*style.classes, style.default)
        if class_counts.get(c.key)
    ]
    relations = []
    for key, label in view.relations.items():
        e = style.edge(key)
        dashes = list(e.dashes) if isinstance(e.dashes, tuple) else e.dashes
        relations.append(
            {
                "key": key,
                "label": label,
                "color": e.color,
                "width": e.width,
                "dashes": dashes,
                "flow": key in flow,
                "count": rel_counts.get(key, 0),
            }
        )
    org_counts: dict[str, int] = {}
    for row in facts.values():
        for dev in row.get("developers", []):
            org_counts[dev] = org_counts.get(dev, 0) + 1
    orgs = sorted(
        ({"id": o, "label": facts[o]["label"], "count": c} for o, c in org_counts.items() if o in facts),
        key=lambda o: (str(o["label"]).casefold(), str(o["id"])),
    )
    years = sorted({row["year"] for row in facts.values() if row.get("year")})
    modalities = sorted({m for row in facts.values() for m in row.get("modalities", [])}, key=str.casefold)
    return {
        "title": view.options.title,
        "layout": view.options.layout,
        "sizeBy": view.options.size,
        "total": view.total_nodes,
        "sampled": view.sampled,
        "focus": g.nodes[view.focus]["id"] if view.focus and view.focus in g else None,
        "classes": classes,
        "relations": relations,
        "orgs": orgs,
        "years": [years[0], years[-1]] if years else None,
        "modalities": modalities,
        "axis": [{"x": t.x, "label": t.label} for t in view.axis],
        "facts": facts,
    }


def _environment() -> Any:
    from jinja2 import Environment, FileSystemLoader
    from markupsafe import Markup

    env = Environment(
        loader=FileSystemLoader(str(HERE)),
        autoescape=True,
        keep_trailing_newline=True,
    )

    def markup_json(value: object) -> Markup:
        return Markup(to_script_json(value))

    def markup_json_text(value: str) -> Markup:
        return Markup(script_safe(value))

    env.filters["script_json"] = markup_json
    env.filters["script_json_text"] = markup_json_text
    return env


def _inline(text: str) -> Markup:
    from markupsafe import Markup

    return Markup(text)


def render_view(view: View) -> str:
    """The HTML page of a view: one file, every script and style inline, deterministic byte for byte.

    fmkg renders its own template (``template.html``) with Jinja, autoescape on; from pyvis it takes
    only vis-network's JS and CSS (:func:`vis_assets`), which it inlines.
    """
    from fmkg import __version__

    style = load_style()
    env = _environment()
    vis_js, vis_css = vis_assets()
    template = env.get_template("template.html")
    html: str = template.render(
        nodes=_vis_nodes(view),
        edges=_vis_edges(view),
        heading=view.options.title,
        options=json.dumps(_vis_options(view, style)),
        fmkg_version=__version__,
        page=page_data(view),
        vis_js=_inline(vis_js),
        vis_css=_inline(vis_css),
        viewer_js=_inline(_asset(HERE / "viewer.js")),
        viewer_css=_inline(_asset(HERE / "viewer.css")),
    )
    return html
