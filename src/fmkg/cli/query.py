"""``fmkg query`` and ``fmkg queries``: run SPARQL and browse the named query library."""

from __future__ import annotations

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
from fmkg.errors import FmkgError
from fmkg.rdf import formats

app = typer.Typer()

_ROWS = ", ".join(f.name for f in formats.select(kinds=["results"]))
_GRAPHS = ", ".join(f.name for f in formats.select(kinds=["graph", "dataset"], parse=True))


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
    ctx: typer.Context,
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
            "--format",
            "-f",
            help=f"For SELECT and ASK: {_ROWS}. For CONSTRUCT and DESCRIBE: {_GRAPHS} (short names such as "
            "nt, ttl, xml, json-ld, nq work too).",
        ),
    ] = "table",
    output: OutputOption = None,
    limit: Annotated[
        int | None,
        typer.Option("--max-rows", help="Stop after this many rows (or triples).", show_default=False),
    ] = None,
    allow_service: Annotated[
        bool,
        typer.Option(
            "--allow-service", help="Run SERVICE clauses (federated queries), which reach out to other endpoints."
        ),
    ] = False,
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
    data: DataOption = None,
    no_default: NoDefaultOption = False,
    store: StoreOption = None,
    store_path: StorePathOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    """Run a SPARQL query on the graph, or on a SPARQL endpoint. ASK queries print true or false and exit 0 or 1."""
    from fmkg.sparql import engine, library, results
    from fmkg.sparql.params import bind_params
    from fmkg.sparql.text import check

    nq = library.get(sparql)
    info = check(nq.text, source=str(nq.path), allow_service=allow_service)
    chosen = results.choose(fmt, info.form)
    if limit is not None and limit < 1:
        raise FmkgError("--max-rows must be at least 1")
    kg = open_graph(ctx, data, no_default, store, store_path, no_cache)
    bound = bind_params(nq, _params(param), kg)
    for note in bound.notes:
        typer.echo(f"fmkg: note: {note}", err=True)
    if endpoint:
        from fmkg.remote.query import remote_query

        result = remote_query(endpoint, nq.text, bound.values)
    else:
        result = engine.run(kg, nq, bound=bound, max_rows=limit, allow_service=allow_service)
    emit(results.render(result, chosen), output)
    if result.type == "ASK" and not result.askAnswer:
        raise typer.Exit(1)


@app.command()
def queries(
    name: Annotated[
        str | None, typer.Argument(help="Show this query in full: description, parameters, columns, example and text.")
    ] = None,
) -> None:
    """List the shipped named queries, or show one."""
    from fmkg.sparql import library as lib

    shipped = lib.library()
    if name is None:
        width = max(len(n) for n in shipped)
        for q in shipped.values():
            params = " ".join(f"{p.name}=<{p.type}>" for p in q.params)
            typer.echo(f"{q.name.ljust(width)}  {q.title}" + (f"  [{params}]" if params else ""))
        return
    if name not in shipped:
        raise FmkgError(f"no named query {name!r}; run 'fmkg queries' to list them")
    q = shipped[name]
    typer.echo(f"{q.name}: {q.title}\n\n{q.description}\n")
    for p in q.params:
        typer.echo(f"  --param {p.name}=<{p.type}>  {p.doc}")
    if q.columns:
        typer.echo(f"\ncolumns: {', '.join(q.columns)}")
    for ex in q.examples:
        typer.echo(f"example: {ex}")
    typer.echo(f"\n{q.text}", nl=False)
