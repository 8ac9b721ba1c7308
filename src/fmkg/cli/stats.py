"""``fmkg stats``: how big the graph is, where its facts come from and how complete they are."""

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

app = typer.Typer()

FORMATS = ("table", "json")


@app.command()
def stats(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    output: OutputOption = None,
    data: DataOption = None,
    no_default: NoDefaultOption = False,
    store: StoreOption = None,
    store_path: StorePathOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    """Count entities per class, edges per relation and facts per source; coverage, conflicts, unresolved names."""
    from fmkg.graph.stats import compute

    if fmt not in FORMATS:
        raise FmkgError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
    result = compute(open_graph(ctx, data, no_default, store, store_path, no_cache))
    emit(result.to_json() if fmt == "json" else result.table(), output)
