"""``fmkg query`` and ``fmkg queries``: run SPARQL and browse the named query library."""

from __future__ import annotations

from typing import Annotated

import typer

from fmkg.cli import app
from fmkg.cli.options import DataOption, NoDefaultOption, OutputOption, emit, open_graph
from fmkg.errors import FmkgError


def _params(values: list[str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise FmkgError(f"--param {item!r}: expected NAME=VALUE")
        out[name.strip().lstrip("?$")] = value
    return out


@app.command()
def query(
    sparql: Annotated[
        str,
        typer.Argument(
            metavar="QUERY",
            help="Inline SPARQL, a path to a .rq file, or the name of a shipped query (see 'fmkg queries').",
        ),
    ],
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            "-p",
            help="NAME=VALUE bound to ?NAME; models and organizations by slug, label or alias. Repeatable.",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format", "-f", help="table|csv|tsv|json for SELECT and ASK; turtle|jsonld|nt for CONSTRUCT and DESCRIBE."
        ),
    ] = "table",
    output: OutputOption = None,
    data: DataOption = None,
    no_default: NoDefaultOption = False,
    endpoint: Annotated[
        str | None,
        typer.Option(
            "--endpoint",
            "-e",
            help="Run the query on this SPARQL endpoint (SPARQL 1.1 Protocol) instead of the local graph; "
            "--param names are still resolved on the local graph.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Run a SPARQL query on the graph, or on a SPARQL endpoint. ASK queries print true or false and exit 0 or 1."""
    from fmkg import engine, queries
    from fmkg.results import FORMATS, render

    if fmt not in FORMATS:
        raise FmkgError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    nq = queries.get(sparql)
    params = _params(param)
    ds = open_graph(data, no_default)
    if endpoint:
        from fmkg import remote

        result = remote.run(endpoint, nq, params, ds)
    else:
        result = engine.run(ds, nq, params)
    try:
        text = render(result, fmt)
    except ValueError as exc:
        raise FmkgError(str(exc)) from None
    emit(text, output)
    if result.type == "ASK" and not result.askAnswer:
        raise typer.Exit(1)


@app.command()
def queries(
    name: Annotated[
        str | None, typer.Argument(help="Show this query in full: description, parameters, columns, example and text.")
    ] = None,
) -> None:
    """List the shipped named queries, or show one."""
    from fmkg import queries as lib

    library = lib.library()
    if name is None:
        width = max(len(n) for n in library)
        for q in library.values():
            params = " ".join(f"{p.name}=<{p.type}>" for p in q.params)
            typer.echo(f"{q.name.ljust(width)}  {q.title}" + (f"  [{params}]" if params else ""))
        return
    if name not in library:
        raise FmkgError(f"no named query {name!r}; run 'fmkg queries' to list them")
    q = library[name]
    typer.echo(f"{q.name}: {q.title}\n\n{q.description}\n")
    for p in q.params:
        typer.echo(f"  --param {p.name}=<{p.type}>  {p.doc}")
    if q.columns:
        typer.echo(f"\ncolumns: {', '.join(q.columns)}")
    for ex in q.examples:
        typer.echo(f"example: {ex}")
    typer.echo(f"\n{q.text}", nl=False)
