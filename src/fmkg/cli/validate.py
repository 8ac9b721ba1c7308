"""``fmkg validate``: SHACL validation with a readable report and exit codes 0, 1 and 2."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fmkg.cli import app
from fmkg.cli.options import NoDefaultOption, OutputOption, emit, open_graph


@app.command()
def validate(
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
    no_default: NoDefaultOption = False,
    output: OutputOption = None,
) -> None:
    """Check the graph against the SHACL shapes: exit 0 if it conforms, 1 if not, 2 if a file cannot be loaded."""
    from fmkg.validate import load_shapes
    from fmkg.validate import validate as run_validation

    ds = open_graph(paths, no_default)
    report = run_validation(ds, load_shapes(shapes) if shapes else None)
    emit(report.text(), output)
    if not report.conforms:
        raise typer.Exit(1)
