"""``fmkg export``: write the graph in an RDF or graph-tool format, deterministically and atomically."""

from __future__ import annotations

from typing import Annotated

import typer

from fmkg.cli import app
from fmkg.cli.options import DataOption, NoDefaultOption, OutputOption, open_graph

#: Listed here so that ``--help`` needs no import of the library; a test checks it against the registry.
FORMAT_NAMES = "turtle, ntriples, nquads, trig, jsonld, rdfxml, hextuples, graphml, gexf, csv"


@app.command()
def export(
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help=f"Output format: {FORMAT_NAMES} (csv: a zip of nodes.csv and edges.csv).",
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
) -> None:
    """Export the graph as RDF or for graph tools; the same graph always gives the same bytes."""
    from fmkg import export as lib
    from fmkg.fileio import write_atomic

    spec = lib.get_format(fmt)  # fail on a bad format or part before loading anything
    lib.check_part(part)
    ds = open_graph(data, no_default)
    result = lib.export(ds, spec.name, part=part, infer=infer)
    if output is None:
        typer.echo(result, nl=False)
    else:
        write_atomic(output, result)
