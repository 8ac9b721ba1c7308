"""Options shared by the commands that read the graph, and the settings they carry in the context.

``--store``, ``--store-path`` and ``--no-cache`` work before the command (``fmkg --store memory query``)
and after it (``fmkg query --store memory``); the latter wins. The settings live in the click
context object (:class:`Settings`), never in a global.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from fmkg.store import KnowledgeGraph

DataOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--data",
        "-d",
        help="An RDF file (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML) to add to the graph; repeatable.",
        show_default=False,
    ),
]
NoDefaultOption = Annotated[
    bool,
    typer.Option("--no-default", help="Leave out the shipped graph: use only the --data files."),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", help="Write to this file (atomically) instead of standard output.", show_default=False
    ),
]
StoreOption = Annotated[
    str | None,
    typer.Option(
        "--store",
        envvar="FMKG_STORE",
        help="Where the graph lives: oxigraph (default; a persistent store in the cache) or memory (rdflib).",
        show_default=False,
    ),
]
StorePathOption = Annotated[
    Path | None,
    typer.Option(
        "--store-path",
        envvar="FMKG_STORE_PATH",
        help="A folder for a persistent Oxigraph store of your own, rebuilt only when the sources change.",
        show_default=False,
    ),
]
NoCacheOption = Annotated[
    bool,
    typer.Option("--no-cache", help="Load the graph into memory for this command instead of the cached store."),
]


@dataclass(frozen=True)
class Settings:
    """Where and how the graph is loaded: the global options, overridden by a command's own."""

    store: str = "oxigraph"
    store_path: Path | None = None
    cache: bool = True

    def override(self, store: str | None, store_path: Path | None, no_cache: bool) -> Settings:
        """These settings with a command's own options put over them."""
        out = self
        if store is not None:
            out = replace(out, store=store)
        if store_path is not None:
            out = replace(out, store_path=store_path)
        if no_cache:
            out = replace(out, cache=False)
        return out


def settings(ctx: typer.Context) -> Settings:
    """The settings of the root command (``fmkg --store ...``)."""
    root = ctx.find_root()
    found = root.obj
    return found if isinstance(found, Settings) else Settings()


def open_graph(
    ctx: typer.Context,
    data: list[Path] | None,
    no_default: bool,
    store: str | None = None,
    store_path: Path | None = None,
    no_cache: bool = False,
) -> KnowledgeGraph:
    """Load the graph a command reads, as its options and the global options say."""
    from fmkg.errors import FmkgError
    from fmkg.store import open_graph as load

    if no_default and not data:
        raise FmkgError("--no-default needs at least one --data file")
    chosen = settings(ctx).override(store, store_path, no_cache)
    return load(
        data or [], default=not no_default, backend=chosen.store, location=chosen.store_path, cache=chosen.cache
    )


def emit(data: str | bytes, output: Path | None) -> None:
    """Print ``data`` or write it atomically to ``output`` (see :mod:`fmkg.output`)."""
    import sys

    raw = data.encode("utf-8") if isinstance(data, str) else data
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(raw)
        sys.stdout.buffer.flush()
    else:
        from fmkg.output import write_atomic

        write_atomic(output, raw)


def choice(value: str, choices: tuple[str, ...], option: str) -> str:
    """``value`` when it is one of ``choices``, else a one-line error naming the option."""
    from fmkg.errors import FmkgError

    if value not in choices:
        raise FmkgError(f"{option} {value!r}: choose from {', '.join(choices)}")
    return value
