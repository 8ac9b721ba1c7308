"""Options shared by every command that reads the graph."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rdflib import Dataset

DataOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--data",
        "-d",
        help="An RDF file (Turtle, N-Triples, TriG, ...) to add to the graph; repeatable.",
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


@dataclass
class GraphSettings:
    """The global options (``fmkg --store ... COMMAND``) that say where and how the graph is loaded."""

    store: str = "memory"
    store_path: Path | None = None
    cache: bool = True


SETTINGS = GraphSettings()


def open_graph(data: list[Path] | None, no_default: bool) -> Dataset:
    """Load the graph a command reads, as its --data and --no-default options and the global options say."""
    from fmkg.errors import FmkgError
    from fmkg.store import load

    if no_default and not data:
        raise FmkgError("--no-default needs at least one --data file")
    return load(
        data or [], default=not no_default, store=SETTINGS.store, path=SETTINGS.store_path, cache=SETTINGS.cache
    )


def emit(text: str, output: Path | None) -> None:
    """Print ``text`` or write it atomically to ``output``."""
    if output is None:
        typer.echo(text, nl=False)
    else:
        from fmkg.fileio import write_atomic

        write_atomic(output, text)
