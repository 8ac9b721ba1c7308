"""``fmkg build``: regenerate ``exports/`` (every export format, the viewer, the ontology's documentation,
the static site of entity pages)."""

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


@app.command()
def build(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", help="The folder to write.")] = Path("exports"),
    check: Annotated[
        bool,
        typer.Option("--check", help="Write nothing; exit 1 when the folder is missing a file or one is out of date."),
    ] = False,
    data: DataOption = None,
    no_default: NoDefaultOption = False,
    store: StoreOption = None,
    store_path: StorePathOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    """Build the shipped artifacts: the graph in every export format, graph.html, ontology.html and the
    static site of entity pages (site/)."""
    from fmkg.export.artifacts import build as run_build
    from fmkg.export.artifacts import stale

    ds = open_graph(ctx, data, no_default, store, store_path, no_cache)
    if check:
        problems = stale(ds, out)
        for p in problems:
            typer.echo(p)
        if problems:
            typer.echo(f"{out} is stale: run 'fmkg build' to regenerate it", err=True)
            raise typer.Exit(1)
        typer.echo(f"{out} is up to date")
        return
    for path in run_build(ds, out):
        typer.echo(f"wrote {path} ({path.stat().st_size:,} bytes)")
