"""``fmkg build``: regenerate ``exports/`` (every export format, the viewer, the ontology's documentation)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fmkg.cli import app
from fmkg.cli.options import DataOption, NoDefaultOption, open_graph


@app.command()
def build(
    out: Annotated[Path, typer.Option("--out", help="The folder to write.")] = Path("exports"),
    check: Annotated[
        bool,
        typer.Option("--check", help="Write nothing; exit 1 when the folder is missing a file or one is out of date."),
    ] = False,
    data: DataOption = None,
    no_default: NoDefaultOption = False,
) -> None:
    """Build the shipped artifacts: the graph in every export format, graph.html and ontology.html."""
    from fmkg.build import build as run_build
    from fmkg.build import stale

    ds = open_graph(data, no_default)
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
