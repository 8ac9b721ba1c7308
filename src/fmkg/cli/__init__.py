"""The ``fmkg`` command line: thin commands over the library, errors mapped to exit codes in one place."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from fmkg.errors import FmkgError


class FmkgGroup(TyperGroup):
    """Runs a command and turns any :class:`FmkgError` into one line on stderr and its exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except FmkgError as exc:
            typer.echo(f"fmkg: error: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from None


app = typer.Typer(
    cls=FmkgGroup,
    help="fmkg: the open knowledge graph of foundation models. Query, validate and explore it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        from fmkg import __version__

        typer.echo(f"fmkg {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
    store: Annotated[
        str,
        typer.Option("--store", envvar="FMKG_STORE", help="Where the graph lives: memory (default) or oxigraph."),
    ] = "memory",
    store_path: Annotated[
        Path | None,
        typer.Option(
            "--store-path",
            envvar="FMKG_STORE_PATH",
            help="A directory for a persistent Oxigraph store, loaded once and reused until the sources change.",
            show_default=False,
        ),
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Parse the sources again instead of using the cached graph.")
    ] = False,
) -> None:
    """fmkg: the open knowledge graph of foundation models."""
    from fmkg.cli.options import SETTINGS

    SETTINGS.store, SETTINGS.store_path, SETTINGS.cache = store, store_path, not no_cache


# Commands register themselves on ``app`` when their module is imported.
from fmkg.cli import bench as _bench  # noqa: E402,F401
from fmkg.cli import build as _build  # noqa: E402,F401
from fmkg.cli import explore as _explore  # noqa: E402,F401
from fmkg.cli import export as _export  # noqa: E402,F401
from fmkg.cli import importing as _importing  # noqa: E402,F401
from fmkg.cli import query as _query  # noqa: E402,F401
from fmkg.cli import remote as _remote  # noqa: E402,F401
from fmkg.cli import serve as _serve  # noqa: E402,F401
from fmkg.cli import stats as _stats  # noqa: E402,F401
from fmkg.cli import validate as _validate  # noqa: E402,F401
from fmkg.cli import viz as _viz  # noqa: E402,F401


def main() -> None:
    """Console-script entry point."""
    app()
