"""``fmkg validate``: SHACL validation with a readable report and exit codes 0, 1 and 2."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fmkg.cli.options import (
    DataOption,
    NoCacheOption,
    NoDefaultOption,
    OutputOption,
    StoreOption,
    StorePathOption,
    emit,
    open_graph,
)

app = typer.Typer()


@app.command()
def validate(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="RDF files to check together with the shipped graph (with --no-default: alone).", show_default=False
        ),
    ] = None,
    shapes: Annotated[
        list[Path] | None,
        typer.Option(
            "--shapes", help="SHACL shapes file to use instead of the shipped shapes; repeatable.", show_default=False
        ),
    ] = None,
    data: DataOption = None,
    no_default: NoDefaultOption = False,
    output: OutputOption = None,
    store: StoreOption = None,
    store_path: StorePathOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    """Check the graph against the SHACL shapes: exit 0 if it conforms, 1 if not, 2 if a file cannot be loaded."""
    from fmkg.quality.validate import load_shapes
    from fmkg.quality.validate import validate as run_validation

    kg = open_graph(ctx, [*(paths or []), *(data or [])], no_default, store, store_path, no_cache)
    report = run_validation(kg, load_shapes(shapes) if shapes else None)
    emit(report.text(), output)
    if not report.conforms:
        raise typer.Exit(1)
