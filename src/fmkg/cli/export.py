"""``fmkg export``: write the graph in an RDF or graph-tool format, deterministically and atomically."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from fmkg.cli.options import (
    DataOption,
    NoCacheOption,
    NoDefaultOption,
    OutputOption,
    StoreOption,
    StorePathOption,
    open_graph,
)
from fmkg.rdf import formats

app = typer.Typer()

_CHOICES = formats.names(formats.select(export=True))


@app.command()
def export(
    ctx: typer.Context,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help=f"Output format: {_CHOICES} (csvzip: a zip of nodes.csv and edges.csv).",
            show_default=False,
        ),
    ],
    output: OutputOption = None,
    part: Annotated[
        str,
        typer.Option("--part", help="ontology (fmkg.ttl and vocabularies), data (data files and --data) or all."),
    ] = "all",
    infer: Annotated[
        bool,
        typer.Option(
            "--infer",
            help="Add what the ontology implies (inverses, super-properties, transitive lineage, super-classes) "
            "in the named graph graph:inferred.",
        ),
    ] = False,
    data: DataOption = None,
    no_default: NoDefaultOption = False,
    store: StoreOption = None,
    store_path: StorePathOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    """Export the graph as RDF or for graph tools; the same graph always gives the same bytes."""
    from fmkg import export as lib
    from fmkg.output import open_output

    spec = lib.get_format(fmt)  # fail on a bad format or part before loading anything
    lib.check_part(part)
    kg = open_graph(ctx, data, no_default, store, store_path, no_cache)
    if output is None:
        sys.stdout.flush()
        lib.export(kg, spec, sys.stdout.buffer, part=part, infer=infer)
        sys.stdout.buffer.flush()
        return
    with open_output(output) as fh:
        lib.export(kg, spec, fh, part=part, infer=infer)
