"""``fmkg serve``: the graph as a read-only SPARQL 1.1 Protocol endpoint, with the viewer at /."""

from __future__ import annotations

from typing import Annotated

import typer

from fmkg.cli.options import DataOption, NoCacheOption, NoDefaultOption, StoreOption, StorePathOption

app = typer.Typer()


def is_loopback(host: str) -> bool:
    """Whether ``host`` is an address of this machine only (127.0.0.0/8, ::1, localhost)."""
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on; anything but loopback makes the server public.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port to listen on.")] = 8000,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds a query may run before it is cut off (answer 503).")
    ] = 10.0,
    max_rows: Annotated[
        int,
        typer.Option("--max-rows", help="Most rows of a SELECT, or triples of a CONSTRUCT/DESCRIBE (more: 413)."),
    ] = 10_000,
    max_bytes: Annotated[
        int, typer.Option("--max-bytes", help="Most bytes of one answer, in any format (more: 413).")
    ] = 20_000_000,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            "--concurrency",
            help="Worker processes answering queries at once (default: twice the cores, at least 4); others wait.",
            show_default=False,
        ),
    ] = None,
    read_timeout: Annotated[
        float,
        typer.Option("--read-timeout", help="Seconds a client may take to send one whole request (then 408)."),
    ] = 10.0,
    max_connections: Annotated[
        int, typer.Option("--max-connections", help="Connections held open at once; more are answered 503.")
    ] = 1000,
    cache_mb: Annotated[
        int,
        typer.Option("--cache-mb", help="MiB of answers kept for requests that come again (0: keep none)."),
    ] = 64,
    access_log: Annotated[bool, typer.Option("--access-log", help="Log every request.")] = False,
    data: DataOption = None,
    no_default: NoDefaultOption = False,
    store: StoreOption = None,
    store_path: StorePathOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    """Serve the graph over the SPARQL 1.1 Protocol at /sparql (read-only), with the viewer at / and /health."""
    from fmkg.cli.options import open_graph
    from fmkg.errors import FmkgError
    from fmkg.server import Limits, ServerConfig, create_app, transport

    numbers = (timeout, max_rows, max_bytes, read_timeout, max_connections, 1 if workers is None else workers)
    if min(numbers) <= 0:
        raise FmkgError(
            "--timeout, --max-rows, --max-bytes, --read-timeout, --max-connections and --workers must be positive"
        )
    if not is_loopback(host):
        typer.echo(
            f"fmkg: warning: listening on {host}: the endpoint is reachable from other machines "
            "(it is read-only and has no authentication)",
            err=True,
        )
    # Workers share one copy in memory of a small store: faster than each reading it from disk.
    kg = open_graph(ctx, data, no_default, store, store_path, no_cache).resident()
    limits = Limits(timeout=timeout, max_rows=max_rows, max_bytes=max_bytes)
    if cache_mb < 0:
        raise FmkgError("--cache-mb must be 0 (no cache) or more")
    config = ServerConfig(limits=limits, cache_bytes=cache_mb * 1024 * 1024, prerender_viewer=True)
    if workers is not None:
        config = ServerConfig(limits=limits, workers=workers, cache_bytes=cache_mb * 1024 * 1024, prerender_viewer=True)
    application = create_app(kg, config)
    shown = f"[{host}]" if ":" in host else host
    typer.echo(
        f"fmkg: {len(kg)} triples ({kg.backend}) at http://{shown}:{port}/sparql (viewer at /); Ctrl-C stops",
        err=True,
    )
    bounds = transport.Bounds(read_timeout=read_timeout, max_connections=max_connections)
    transport.run(application, host, port, bounds, log_level="warning", access_log=access_log)
