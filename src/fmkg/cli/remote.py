"""``fmkg push``: load the graph into a triple store (SPARQL 1.1 Graph Store Protocol or Update)."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from fmkg.cli.options import DataOption, NoCacheOption, NoDefaultOption, StoreOption, StorePathOption, open_graph

app = typer.Typer()

#: Environment variable holding the password for --user.
PASSWORD_VARIABLE = "FMKG_ENDPOINT_PASSWORD"


@app.command()
def push(
    ctx: typer.Context,
    endpoint: Annotated[
        str,
        typer.Option(
            "--endpoint",
            help="The store's Graph Store Protocol URL (--protocol gsp; Oxigraph: /store, Fuseki: /DATASET/data) "
            "or SPARQL Update URL (--protocol update; Oxigraph: /update, Fuseki: /DATASET/update).",
            show_default=False,
        ),
    ],
    graph: Annotated[
        str | None,
        typer.Option(
            "--graph",
            help="Put all triples into this one named graph, instead of one named graph per source file.",
            show_default=False,
        ),
    ] = None,
    protocol: Annotated[
        str, typer.Option("--protocol", help="gsp: PUT each graph; update: DROP it, then INSERT DATA in batches.")
    ] = "gsp",
    default_graph: Annotated[
        bool,
        typer.Option(
            "--default-graph/--no-default-graph",
            help="Also put the merge of all sources into the store's default graph, so that plain queries see it.",
        ),
    ] = True,
    batch_size: Annotated[int, typer.Option("--batch-size", help="Triples per INSERT DATA request.")] = 2000,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds to wait for each request.")] = 120.0,
    user: Annotated[
        str | None,
        typer.Option(
            "--user",
            help=f"User for HTTP Basic authentication; the password is read from ${PASSWORD_VARIABLE} or asked for.",
            show_default=False,
        ),
    ] = None,
    data: DataOption = None,
    no_default: NoDefaultOption = False,
    store: StoreOption = None,
    store_path: StorePathOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    """Load the graph into a triple store, replacing the graphs it sends; prints what went where."""
    from fmkg.remote.http import Auth
    from fmkg.remote.push import DEFAULT, push

    auth = None
    if user is not None:
        password = os.environ.get(PASSWORD_VARIABLE)
        if password is None:
            password = typer.prompt(f"password for {user}", hide_input=True)
        auth = Auth(user, password)
    kg = open_graph(ctx, data, no_default, store, store_path, no_cache)
    report = push(
        kg,
        endpoint,
        protocol=protocol,
        graph=graph,
        default_graph=default_graph,
        batch_size=batch_size,
        timeout=timeout,
        auth=auth,
    )
    for iri, count in report.graphs.items():
        where = "default graph (the merge: plain queries see it)" if iri == DEFAULT else iri
        typer.echo(f"{count:>8} triples  {where}")
    named = sum(1 for iri in report.graphs if iri != DEFAULT)
    typer.echo(
        f"pushed {report.triples} triples into {named} named graph{'s' if named != 1 else ''}"
        + (" and the default graph" if DEFAULT in report.graphs else "")
        + f" at {endpoint} in {report.requests} request{'s' if report.requests != 1 else ''}, "
        f"{report.seconds:.2f} s ({protocol})"
    )
