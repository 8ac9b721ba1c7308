"""Node positions computed in Python with a fixed seed, so the same graph always gives the same picture.

- ``force``: a force-directed (Fruchterman-Reingold) layout in numpy; exact repulsion for small
  graphs, and for large ones exact repulsion between near nodes (a grid, shifted each round) plus
  sampled repulsion from far ones, so it stays near-linear in the number of nodes.
- ``lineage``: a hierarchical top-down layout: every family (connected by lineage) is layered from
  its roots down to its descendants; families are packed in rows, models without lineage in a grid
  below, organisations in a row above.
- ``timeline``: release date on the x axis (with year ticks), one lane per developer.

Coordinates are in vis-network's pixels at zoom 1, rounded to whole pixels.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx
    import numpy as np

Positions = dict[str, tuple[float, float]]
SEED = 20240601

#: Ideal distance between linked nodes, in pixels.
SPACING = 90.0


@dataclass(frozen=True)
class Tick:
    """A mark on the timeline's x axis."""

    x: float
    label: str


@dataclass
class Placement:
    """Where every node goes, and the x axis ticks of a timeline."""

    positions: Positions
    axis: list[Tick] = field(default_factory=list)


def force_layout(g: nx.MultiDiGraph, *, seed: int = SEED, iterations: int | None = None) -> Placement:
    """A force-directed layout of each connected piece, the largest in the middle, the rest packed below."""
    import networkx as nx

    label = {n: str(g.nodes[n].get("label", n)).casefold() for n in g.nodes}
    pieces = sorted((sorted(c) for c in nx.weakly_connected_components(g)), key=lambda c: (-len(c), label[c[0]], c[0]))
    boxes = [_spread(g.subgraph(piece), piece, seed, iterations) for piece in pieces]
    return Placement(_pack(boxes, gap=SPACING))


def _spread(g: nx.MultiDiGraph, nodes: list[str], seed: int, iterations: int | None) -> Positions:
    """ForceAtlas2-like forces (linear attraction, repulsion weighted by degree), scaled to :data:`SPACING`."""
    import numpy as np

    n = len(nodes)
    if n == 1:
        return {nodes[0]: (0.0, 0.0)}
    index = {v: i for i, v in enumerate(nodes)}
    pairs = sorted({(min(index[u], index[v]), max(index[u], index[v])) for u, v in g.edges() if u != v})
    ei = np.array([p[0] for p in pairs], dtype=np.int64)
    ej = np.array([p[1] for p in pairs], dtype=np.int64)
    mass = 1.0 + np.bincount(ei, minlength=n) + np.bincount(ej, minlength=n)
    rng = np.random.default_rng(seed + n)
    x, y = ((rng.random((2, n)) - 0.5) * math.sqrt(n) * 2).copy()
    rounds = iterations or (min(250, 40 + 5 * n) if n <= 3000 else 150 if n <= 8000 else 100)
    step0 = math.sqrt(n)
    for it in range(rounds):
        fx, fy = _exact_repulsion(x, y, mass) if n <= 400 else _sampled_repulsion(x, y, mass, rng)
        dx, dy = x[ei] - x[ej], y[ei] - y[ej]  # linear attraction along edges
        fx += np.bincount(ej, weights=dx, minlength=n) - np.bincount(ei, weights=dx, minlength=n)
        fy += np.bincount(ej, weights=dy, minlength=n) - np.bincount(ei, weights=dy, minlength=n)
        pull = 0.5 * mass / (np.hypot(x, y) + 1.0)  # gravity
        fx -= pull * x
        fy -= pull * y
        length = np.hypot(fx, fy) + 1e-9
        scale = np.minimum(length, step0 * (1 - it / rounds) ** 2 + 0.05) / length
        x += fx * scale
        y += fy * scale
    factor = SPACING / max(_typical_gap(x, y, rng), 1e-6)
    x, y = (x - x.mean()) * factor, (y - y.mean()) * factor
    return {v: (float(x[i]), float(y[i])) for i, v in enumerate(nodes)}


def _spans(boxes: list[Positions], pad: float) -> list[tuple[float, float, float, float]]:
    """Each box's left, top, width and height, the sizes grown by ``pad``."""
    out = []
    for box in boxes:
        xs, ys = [p[0] for p in box.values()], [p[1] for p in box.values()]
        out.append((min(xs), min(ys), max(xs) - min(xs) + pad, max(ys) - min(ys) + pad))
    return out


def _pack(boxes: list[Positions], gap: float) -> Positions:
    """The first layout in the middle, the others in rows below it, left to right (shelf packing)."""
    out: Positions = {}
    if not boxes:
        return out
    spans = _spans(boxes, 0.0)
    area = sum((w + gap) * (h + gap) for _, _, w, h in spans[1:])
    width = max(spans[0][2], math.sqrt(area) * 1.6, gap * 8)
    left = -width / 2
    x, y, row_h = left, spans[0][1] + spans[0][3] + gap * 2.5 - spans[0][1] - spans[0][3] / 2, 0.0
    for i, (box, (x0, y0, w, h)) in enumerate(zip(boxes, spans, strict=True)):
        if i == 0:
            dx, dy = -(x0 + w / 2), -(y0 + h / 2)
        else:
            if x > left and x + w > left + width:
                x, y, row_h = left, y + row_h + gap, 0.0
            dx, dy = x - x0, y - y0
            x += w + gap
            row_h = max(row_h, h)
        for n, (px, py) in box.items():
            out[n] = (round(px + dx), round(py + dy))
    return out


def _typical_gap(x: np.ndarray, y: np.ndarray, rng: np.random.Generator, probes: int = 400) -> float:
    """The median distance from a node to its nearest neighbour (over a sample of nodes, for speed)."""
    import numpy as np

    picks = rng.choice(len(x), size=min(probes, len(x)), replace=False)
    d = np.hypot(x[picks][:, None] - x[None, :], y[picks][:, None] - y[None, :])
    d[np.arange(len(picks)), picks] = np.inf
    return float(np.median(d.min(axis=1)))


def _exact_repulsion(x: np.ndarray, y: np.ndarray, mass: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    dx = x[:, None] - x[None, :]
    dy = y[:, None] - y[None, :]
    w = mass[:, None] * mass[None, :] / (dx * dx + dy * dy + 1e-6)
    return (dx * w).sum(axis=1), (dy * w).sum(axis=1)


def _sampled_repulsion(
    x: np.ndarray, y: np.ndarray, mass: np.ndarray, rng: np.random.Generator, samples: int = 24, window: int = 6
) -> tuple[np.ndarray, np.ndarray]:
    """Repulsion from a random sample of all nodes (unbiased), plus exactly between nodes sharing a grid cell."""
    import numpy as np

    n = len(x)
    others = rng.integers(0, n, size=(n, samples))
    dx = x[:, None] - x[others]
    dy = y[:, None] - y[others]
    w = mass[:, None] * mass[others] * ((n - 1) / samples) / (dx * dx + dy * dy + 1e-6)
    fx, fy = (dx * w).sum(axis=1), (dy * w).sum(axis=1)
    spread = math.sqrt(float(x.var() + y.var()))
    cell = max(spread / math.sqrt(n) * 2, 1e-3)  # about four nodes a cell when evenly spread
    shift = rng.random(2) * cell
    key = np.floor((x + shift[0]) / cell).astype(np.int64) * 1_000_003 + np.floor((y + shift[1]) / cell).astype(
        np.int64
    )
    order = np.argsort(key, kind="stable")
    skey = key[order]
    for s in range(1, window + 1):
        same = skey[:-s] == skey[s:]
        if not same.any():
            break
        a, b = order[:-s][same], order[s:][same]
        ddx, ddy = x[a] - x[b], y[a] - y[b]
        push = mass[a] * mass[b] / (ddx * ddx + ddy * ddy + 1e-6)
        fx += np.bincount(a, weights=ddx * push, minlength=n) - np.bincount(b, weights=ddx * push, minlength=n)
        fy += np.bincount(a, weights=ddy * push, minlength=n) - np.bincount(b, weights=ddy * push, minlength=n)
    return fx, fy


# -- lineage --------------------------------------------------------------------------------------


def _levels(g: nx.DiGraph) -> dict[str, int]:
    """Longest-path depth from the roots (nodes without parents); edges point child -> parent."""
    import networkx as nx

    cond = nx.condensation(g)
    level: dict[int, int] = {}
    for c in reversed(list(nx.topological_sort(cond))):  # parents first
        level[c] = max((level[p] + 1 for p in cond.successors(c)), default=0)
    mapping = cond.graph["mapping"]
    return {n: level[mapping[n]] for n in g.nodes}


def _layer_family(g: nx.DiGraph, members: list[str], label: Callable[[str], str]) -> dict[int, list[str]]:
    """The layers of one family (roots first), each ordered by barycentres to keep crossings few."""
    sub = g.subgraph(members)
    level = _levels(sub)
    layers: dict[int, list[str]] = defaultdict(list)
    for n in sorted(members, key=lambda n: (label(n).casefold(), n)):
        layers[level[n]].append(n)
    depth = max(layers) + 1
    for sweep in range(4):
        down = sweep % 2 == 0
        for lv in range(1, depth) if down else range(depth - 2, -1, -1):
            ref = {
                n: i / max(1, len(layers[lv - 1 if down else lv + 1]))
                for i, n in enumerate(layers[lv - 1 if down else lv + 1])
            }
            current = {n: i / max(1, len(layers[lv])) for i, n in enumerate(layers[lv])}

            def bary(n: str, ref: dict[str, float] = ref, down: bool = down) -> float:
                got = [ref[m] for m in (sub.successors(n) if down else sub.predecessors(n)) if m in ref]
                return sum(got) / len(got) if got else -1.0

            layers[lv].sort(key=lambda n: (b if (b := bary(n)) >= 0 else current[n], current[n]))
    return dict(layers)


def _grid(nodes: list[str], x0: float, y0: float, per_row: int, dx: float, dy: float) -> Positions:
    """``nodes`` in rows of ``per_row``, each row centred on the widest."""
    out: Positions = {}
    full = min(per_row, len(nodes))
    for i, n in enumerate(nodes):
        row, col = divmod(i, per_row)
        in_row = min(per_row, len(nodes) - row * per_row)
        out[n] = (x0 + (col + (full - in_row) / 2) * dx, y0 + row * dy)
    return out


def lineage_layout(g: nx.MultiDiGraph, *, flow: set[str], wrap: int = 36) -> Placement:
    """Families top-down (ancestors above descendants), wide layers wrapped, packed in rows.

    Organisations and concepts sit in a block above, in the order of what they link to; entities
    without lineage in a grid below, grouped by developer.
    """
    import networkx as nx

    dx, dy, sub_dy = SPACING * 1.25, SPACING * 1.8, SPACING * 0.75

    def label(n: str) -> str:
        return str(g.nodes[n].get("label", n))

    tree = nx.DiGraph()
    tree.add_edges_from((u, v) for u, v, k in g.edges(keys=True) if k in flow and u != v)
    families = sorted(
        (sorted(c) for c in nx.weakly_connected_components(tree)), key=lambda c: (-len(c), label(c[0]).casefold())
    )
    boxes: list[Positions] = []
    for fam in families:
        layers = _layer_family(tree, fam, label)
        width = min(wrap, max(len(row) for row in layers.values()))
        box: Positions = {}
        y = 0.0
        for lv in sorted(layers):
            row = layers[lv]
            box.update(_grid(row, -(min(width, len(row)) - 1) / 2 * dx, y, width, dx, sub_dy))
            y += (math.ceil(len(row) / width) - 1) * sub_dy + dy
        boxes.append(box)
    pos = _pack_rows(boxes, gap=dx)

    def dev_key(n: str) -> tuple[str, str, str]:
        devs = [d for d in g.nodes[n].get("developers") or [] if d in g]
        return (label(devs[0]).casefold() if devs else "~", str(g.nodes[n].get("released", "")), n)

    xs = [p[0] for p in pos.values()] or [0.0]
    ys = [p[1] for p in pos.values()] or [0.0]
    per_row = max(12, int((max(xs) - min(xs)) // dx) + 1)
    alone = sorted((n for n in g.nodes if n not in pos and g.nodes[n].get("primary")), key=dev_key)
    pos.update(_grid(alone, min(xs), max(ys) + dy * 1.5, per_row, dx, sub_dy))

    def want(n: str) -> tuple[float, str]:
        linked = [pos[m][0] for m in (*g.predecessors(n), *g.successors(n)) if m in pos]
        return (sum(linked) / len(linked) if linked else math.inf, n)

    rest = sorted((n for n in g.nodes if n not in pos), key=want)
    rows = math.ceil(len(rest) / per_row)
    pos.update(_grid(rest, min(xs), min(ys) - dy * 1.5 - rows * sub_dy, per_row, dx, sub_dy))
    return Placement({n: (round(px), round(py)) for n, (px, py) in pos.items()})


def _pack_rows(boxes: list[Positions], gap: float) -> Positions:
    """Boxes left to right in rows about as wide as the whole is tall (shelf packing), tops aligned."""
    out: Positions = {}
    if not boxes:
        return out
    spans = _spans(boxes, gap)
    area = sum(w * h for _, _, w, h in spans)
    width = max(max(w for _, _, w, _ in spans), math.sqrt(area) * 1.5)
    x = y = row_h = 0.0
    for box, (x0, y0, w, h) in zip(boxes, spans, strict=True):
        if x > 0 and x + w > width:
            x, y, row_h = 0.0, y + row_h + gap, 0.0
        for n, (px, py) in box.items():
            out[n] = (px - x0 + x, py - y0 + y)
        x += w + gap
        row_h = max(row_h, h)
    return out


# -- timeline -------------------------------------------------------------------------------------


def _when(released: str) -> tuple[int, float] | None:
    """A release date (``2020``, ``2020-05``, ``2020-05-28``) as its year and the fraction of it gone."""
    parts = released.split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else 7
        day = int(parts[2][:2]) if len(parts) > 2 else 1
    except (ValueError, IndexError):
        return None
    return year, min(0.999, (month - 1) / 12 + (day - 1) / 366)


def timeline_layout(g: nx.MultiDiGraph, *, lanes: int = 24) -> Placement:
    """Release date on the x axis, one lane for each of the busiest developers and one for all others.

    Years are as wide as their number of releases needs (a year with one model takes little room),
    so decades of early models and crowded recent years both stay readable. Entities without a date
    (datasets, organisations) sit just before the first dated entity they link to, else at the far left.
    """
    row_h, gap_x = SPACING * 0.6, SPACING * 1.3
    when = {n: _when(str(g.nodes[n].get("released", ""))) for n in g.nodes}
    per_year: dict[int, int] = defaultdict(int)
    for w in when.values():
        if w is not None:
            per_year[w[0]] += 1
    start: dict[int, float] = {}
    x = 0.0
    years = range(min(per_year), max(per_year) + 1) if per_year else range(0)
    width: dict[int, float] = {}
    for year in years:
        start[year] = x
        width[year] = max(SPACING * 1.5, SPACING * 0.9 * math.sqrt(per_year.get(year, 0)) * 1.6)
        x += width[year]

    xpos: dict[str, float] = {}
    for n, w in when.items():
        if w is not None:
            xpos[n] = start[w[0]] + w[1] * width[w[0]]
    for n in sorted(g.nodes):
        if n not in xpos:
            linked = [xpos[m] for m in (*g.predecessors(n), *g.successors(n)) if m in xpos]
            if linked:
                xpos[n] = min(linked) - gap_x * 0.6
    undated_x = min(xpos.values(), default=0.0) - SPACING * 3

    def lane_of(n: str) -> str:
        d = g.nodes[n]
        if d.get("kind") == "org":
            return n
        devs = sorted((x for x in d.get("developers", []) if x in g), key=lambda x: (g.nodes[x]["label"].casefold(), x))
        return devs[0] if devs else ""

    members: dict[str, list[str]] = defaultdict(list)
    for n in g.nodes:
        members[lane_of(n)].append(n)
    busiest = sorted(
        (o for o in members if o and len(members[o]) > 2),
        key=lambda o: (-len(members[o]), g.nodes[o]["label"].casefold(), o),
    )
    own = set(busiest[:lanes])
    order = sorted(own, key=lambda o: (min(xpos.get(m, math.inf) for m in members[o]), g.nodes[o]["label"].casefold()))
    grouped = [*order, "*"]
    lane_members: dict[str, list[str]] = defaultdict(list)
    for lane, ms in members.items():
        lane_members[lane if lane in own else "*"].extend(ms)

    pos: Positions = {}
    y = 0.0
    for lane in grouped:
        ends: list[float] = []
        items = sorted(lane_members[lane], key=lambda m: (xpos.get(m, undated_x), m))
        for m in items:
            x = xpos.get(m, undated_x)
            row = next((r for r, end in enumerate(ends) if end + gap_x <= x), len(ends))
            if row == len(ends):
                ends.append(x)
            ends[row] = x
            pos[m] = (x, y + row * row_h)
        y += max(len(ends), 1) * row_h + SPACING * 1.2
    axis = [Tick(round(start[year]), str(year)) for year in years]
    return Placement({n: (round(px), round(py)) for n, (px, py) in pos.items()}, axis)


def layout(g: nx.MultiDiGraph, name: str, *, flow: set[str]) -> Placement:
    """Positions for every node of ``g`` by the named layout (``force``, ``lineage`` or ``timeline``)."""
    if name == "lineage":
        return lineage_layout(g, flow=flow)
    if name == "timeline":
        return timeline_layout(g)
    return force_layout(g)
