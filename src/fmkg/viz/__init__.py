"""The interactive graph viewer: one self-contained HTML file with vis-network (from pyvis), offline.

``render(kg, options)`` returns the page; :func:`~fmkg.viz.view.build_view` (what to draw: read,
select, size and lay out) and :func:`~fmkg.viz.page.render_view` (how it is written out) are its halves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fmkg.viz.view import LAYOUTS, SIZES, View, VizOptions, build_view

if TYPE_CHECKING:
    from fmkg.store import KnowledgeGraph

__all__ = ["LAYOUTS", "SIZES", "View", "VizOptions", "build_view", "render", "render_view"]


def render_view(view: View) -> str:
    """The HTML of a view (see :func:`fmkg.viz.page.render_view`)."""
    from fmkg.viz.page import render_view as render_page

    return render_page(view)


def render(kg: KnowledgeGraph, options: VizOptions | None = None) -> str:
    """The viewer's HTML for ``kg``: select, size and lay out the graph as ``options`` say, then render it."""
    return render_view(build_view(kg, options))
