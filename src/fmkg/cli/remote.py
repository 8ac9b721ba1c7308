"""``fmkg push``: load the graph into a triple store (SPARQL 1.1 Graph Store Protocol or Update)."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from fmkg.cli import app
from fmkg.cli.options import DataOption, NoDefaultOption

#: Environment variable holding the password for --user.
PASSWORD_VARIABLE = "FMKG_ENDPOINT_PASSWORD"


@app.command()
def push(
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
    into_default: Annotated[
        bool,
        typer.Option(
            "--into-default",
            help="Also put every triple into the store's default graph, for stores whose default graph is not "
            "the union of the named graphs.",
        ),
    ] = False,
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
) -> None:
    """Load the graph into a triple store, replacing the graphs it sends; prints what was pushed."""
    from fmkg import remote
    from fmkg.cli.options import open_graph

    auth = None
    if user is not None:
        password = os.environ.get(PASSWORD_VARIABLE)
        if password is None:
            password = typer.prompt(f"password for {user}", hide_input=True)
        auth = remote.Auth(user, password)
    ds = open_graph(data, no_default)
    report = remote.push(
        ds,
        endpoint,
        protocol=protocol,
        graph=graph,
        into_default=into_default,
        batch_size=batch_size,
        timeout=timeout,
        auth=auth,
    )
    for iri, count in report.graphs.items():
        typer.echo(f"{count:>7} triples  {iri or '(default graph)'}")
    typer.echo(
        f"pushed {report.triples} triples into {len(report.graphs)} graph{'s' if len(report.graphs) != 1 else ''} "
        f"at {endpoint} in {report.requests} request{'s' if report.requests != 1 else ''}, "
        f"{report.seconds:.2f} s ({protocol})"
    )
