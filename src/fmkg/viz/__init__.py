"""The interactive graph viewer: one self-contained HTML file, drawn with pyvis and vis-network.

``render(ds, options)`` returns the page; ``build_view`` and ``render_view`` are its two halves
(what to draw, and how it is written out).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fmkg.viz.build import LAYOUTS, SIZES, View, VizOptions, build_view
from fmkg.viz.page import render_view

if TYPE_CHECKING:
    from rdflib import Dataset

__all__ = ["LAYOUTS", "SIZES", "View", "VizOptions", "build_view", "render", "render_view"]


def render(ds: Dataset, options: VizOptions | None = None) -> str:
    """The viewer's HTML for ``ds``: select, size and lay out the graph as ``options`` say, then render it."""
    return render_view(build_view(ds, options))
