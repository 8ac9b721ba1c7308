"""The ``fmkg`` command line: thin commands over the library, errors mapped to exit codes in one place.

Each module here is one command group with its own ``typer.Typer``, joined below with ``add_typer``.
Modules import only typer and light fmkg modules at the top, so ``fmkg --help`` loads nothing heavy.
"""

from __future__ import annotations

import signal
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from fmkg.cli import bench, build, explore, export, importing, query, remote, serve, stats, validate, viz
from fmkg.cli.options import NoCacheOption, Settings, StoreOption, StorePathOption
from fmkg.errors import FmkgError


def _is_usage_error(exc: Exception) -> bool:
    """Whether click (or typer's copy of it) raised this for a bad command line: click reports it, exit 2."""
    return any(c.__module__.endswith("click.exceptions") for c in type(exc).__mro__)


class FmkgGroup(TyperGroup):
    """Runs a command and turns any :class:`FmkgError` into one line on stderr and its exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except FmkgError as exc:
            typer.echo(f"fmkg: error: {exc}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except BrokenPipeError:  # `fmkg export ... | head`: the reader left; nothing more to say
            sys.stderr.close()
            raise typer.Exit(0) from None
        except KeyboardInterrupt:
            typer.echo("fmkg: interrupted", err=True)
            raise typer.Exit(130) from None
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except Exception as exc:  # a bug: one line, the traceback when asked for
            import os

            if os.environ.get("FMKG_DEBUG") == "1" or _is_usage_error(exc):
                raise
            message = " ".join(str(exc).split()) or type(exc).__name__
            typer.echo(f"fmkg: internal error: {type(exc).__name__}: {message} (FMKG_DEBUG=1 shows where)", err=True)
            raise typer.Exit(70) from None


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
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
    store: StoreOption = None,
    store_path: StorePathOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    """fmkg: the open knowledge graph of foundation models."""
    ctx.obj = Settings().override(store, store_path, no_cache)


for group in (query, explore, stats, validate, export, build, viz, serve, remote, importing, bench):
    app.add_typer(group.app)


def _terminate(signum: int, _frame: object) -> None:
    # SIGTERM ends fmkg like Ctrl-C: clean-up runs, so no temporary file is left behind.
    raise SystemExit(128 + signum)


#: The cycle collector's first threshold for a command: a command builds many objects that refcounting
#: frees, few cycles, and the default (700) made the collector a third of a lineage of 50,000 models.
GC_THRESHOLD = 100_000


def main() -> None:
    """Console-script entry point."""
    import gc

    signal.signal(signal.SIGTERM, _terminate)
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
    app()


__all__ = ["app", "main"]
