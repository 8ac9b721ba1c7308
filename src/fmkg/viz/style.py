"""The viewer's colours and shapes per class and per relation, read from ``style.toml`` (data, not code)."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

STYLE_FILE = Path(__file__).with_name("style.toml")

#: vis-network shapes whose size the viewer controls (shapes with the label inside would ignore it).
SHAPES = ("dot", "square", "diamond", "triangle", "triangleDown", "star", "hexagon")


@dataclass(frozen=True)
class ClassStyle:
    """How nodes of one class are drawn and named in the legend."""

    key: str
    label: str
    color: str
    shape: str
    scale: float = 1.0


@dataclass(frozen=True)
class EdgeStyle:
    """How edges of one relation are drawn."""

    color: str
    width: float
    dashes: bool | tuple[int, ...]


@dataclass(frozen=True)
class Style:
    """Every class style in order of precedence, the fallbacks, and the edge styles."""

    classes: tuple[ClassStyle, ...]
    default: ClassStyle
    kinds: dict[str, str]
    relations: dict[str, EdgeStyle]
    edge_default: EdgeStyle

    def class_of(self, classes: Iterable[str], kind: str | None = None) -> ClassStyle:
        """The style of the first listed class an entity has; else its IRI kind's; else the default."""
        have = set(classes)
        for c in self.classes:
            if c.key in have:
                return c
        by_key = {c.key: c for c in self.classes}
        return by_key.get(self.kinds.get(kind or "", ""), self.default)

    def edge(self, relation: str) -> EdgeStyle:
        """The style of a relation's edges (``fm:fineTunedFrom``, ...)."""
        return self.relations.get(relation, self.edge_default)


def _edge(raw: dict[str, object]) -> EdgeStyle:
    dashes = raw.get("dashes", False)
    return EdgeStyle(
        color=str(raw["color"]),
        width=float(raw.get("width", 1)),  # type: ignore[arg-type]
        dashes=tuple(int(d) for d in dashes) if isinstance(dashes, list) else bool(dashes),
    )


def _class(raw: dict[str, object], key: str = "") -> ClassStyle:
    shape = str(raw.get("shape", "dot"))
    if shape not in SHAPES:
        raise ValueError(f"{STYLE_FILE}: class {raw.get('key', key)!r} has shape {shape!r}; use one of {SHAPES}")
    scale = float(raw.get("scale", 1.0))  # type: ignore[arg-type]
    return ClassStyle(str(raw.get("key", key)), str(raw["label"]), str(raw["color"]), shape, scale)


def parse_style(text: str) -> Style:
    """A :class:`Style` from the text of a style TOML file."""
    raw = tomllib.loads(text)
    return Style(
        classes=tuple(_class(c) for c in raw.get("class", [])),
        default=_class(raw["default"], "default"),
        kinds={str(k): str(v) for k, v in raw.get("kind", {}).items()},
        relations={str(r["key"]): _edge(r) for r in raw.get("relation", [])},
        edge_default=_edge(raw["edge_default"]),
    )


@cache
def load_style() -> Style:
    """The shipped style (``fmkg/viz/style.toml``)."""
    return parse_style(STYLE_FILE.read_text(encoding="utf-8"))
