"""``fmkg viz``: the graph as one interactive HTML file that works offline."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fmkg.cli.options import (
    DataOption,
    NoCacheOption,
    NoDefaultOption,
    StoreOption,
    StorePathOption,
    open_graph,
)

app = typer.Typer()

DEFAULT_OUTPUT = Path("fmkg-graph.html")


@app.command()
def viz(
    ctx: typer.Context,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The HTML file to write (atomically).")
    ] = DEFAULT_OUTPUT,
    focus: Annotated[
        str | None,
        typer.Option(
            "--focus",
            help="Draw only this model (or app, dataset) with its ancestors and descendants.",
            show_default=False,
        ),
    ] = None,
    depth: Annotated[
        int | None,
        typer.Option(
            "--depth", help="With --focus: how many generations to follow (default: all).", show_default=False
        ),
    ] = None,
    org: Annotated[
        list[str] | None,
        typer.Option("--org", help="Only what this organisation developed; repeatable.", show_default=False),
    ] = None,
    since: Annotated[
        int | None, typer.Option("--since", help="Only entities released in or after this year.", show_default=False)
    ] = None,
    until: Annotated[
        int | None, typer.Option("--until", help="Only entities released in or before this year.", show_default=False)
    ] = None,
    relations: Annotated[
        list[str] | None,
        typer.Option(
            "--relations",
            "-r",
            help="The relations to draw, e.g. fineTunedFrom,basedOn,developer (repeatable or comma-separated; "
            "license, architecture, inputModality, ... add concept nodes). Default: lineage, successor, powered by, "
            "trained on, developer, depends on.",
            show_default=False,
        ),
    ] = None,
    layout: Annotated[
        str,
        typer.Option("--layout", help="force|lineage|timeline: force-directed, top-down lineage, or by release date."),
    ] = "force",
    size: Annotated[
        str, typer.Option("--size", help="Node size by: descendants (everything downstream) or degree.")
    ] = "descendants",
    max_nodes: Annotated[
        int, typer.Option("--max-nodes", help="Refuse to draw more nodes than this (see --sample).")
    ] = 20_000,
    sample: Annotated[
        bool, typer.Option("--sample", help="Above --max-nodes, draw the most important entities instead of refusing.")
    ] = False,
    title: Annotated[str | None, typer.Option("--title", help="The page's title.", show_default=False)] = None,
    data: DataOption = None,
    no_default: NoDefaultOption = False,
    store: StoreOption = None,
    store_path: StorePathOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    """Draw the graph as one self-contained HTML file: search, filters, focus mode, legend; no network needed."""
    from fmkg.output import write_atomic
    from fmkg.viz import VizOptions, build_view, render_view
    from fmkg.viz.view import DEFAULT_TITLE

    options = VizOptions(
        focus=focus,
        depth=depth,
        orgs=tuple(org or ()),
        since=since,
        until=until,
        relations=tuple(relations or ()),
        layout=layout,
        size=size,
        max_nodes=max_nodes,
        sample=sample,
        title=title or DEFAULT_TITLE,
    )
    options.check()
    kg = open_graph(ctx, data, no_default, store, store_path, no_cache)
    view = build_view(kg, options)
    html = render_view(view)
    write_atomic(output, html)
    g = view.graph
    typer.echo(
        f"wrote {output}: {g.number_of_nodes()} nodes, {g.number_of_edges()} edges, "
        f"{len(html.encode('utf-8')) / 1e6:.1f} MB ({options.layout} layout)",
        err=True,
    )
