"""``fmkg import``: read a public data set into one named graph of its own, with its provenance."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from fmkg.errors import FmkgError

if TYPE_CHECKING:
    from fmkg.importers.merge import ImportResult, Progress

app = typer.Typer()
import_app = typer.Typer(
    help="Import a public data set into the graph: one named graph per source, with its provenance. "
    "Without -o the result replaces that source's graph in the shipped ontology/data/imported/.",
    no_args_is_help=True,
)
app.add_typer(import_app, name="import")

OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="Write the graph (Turtle) to this file instead of into the shipped graph; atomically.",
        show_default=False,
    ),
]
ReleaseOption = Annotated[
    str | None,
    typer.Option(
        "--release", help="Which release or copy of the data set this is (e.g. 2025-05-28), for the provenance."
    ),
]


@contextmanager
def _progress() -> Iterator[Progress | None]:
    """Progress bars on standard error when it is a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    bars = Progress(
        TextColumn("{task.description:>10}"), BarColumn(), MofNCompleteColumn(), console=Console(stderr=True)
    )
    tasks: dict[str, object] = {}

    def update(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bars.add_task(stage, total=total)
        bars.update(tasks[stage], completed=done)  # type: ignore[arg-type]

    with bars:
        yield update


def _report(results: list[ImportResult], targets: list[Path]) -> None:
    from fmkg.importers.summary import summary_table

    typer.echo(summary_table([r.summary for r in results]), nl=False)
    warnings = [w for r in results for w in r.summary.warnings]
    for w in warnings[:10]:
        typer.echo(f"warning: {w}", err=True)
    if len(warnings) > 10:
        typer.echo(f"warning: ... and {len(warnings) - 10} more", err=True)
    for target in targets:
        typer.echo(f"wrote {target}")


def _run(key: str, paths: list[Path], output: Path | None, release: str | None) -> None:
    from fmkg import importers

    with _progress() as progress:
        result = importers.run(key, paths, output=output, release=release, progress=progress)
    target = output or importers.shipped_path(key)
    importers.write(result, target)
    _report([result], [target])
    later = [k for k in list(importers.REGISTRY)[list(importers.REGISTRY).index(key) + 1 :] if k in importers.REFERENCE]
    if output is None and later and any(importers.shipped_path(k).is_file() for k in later):
        typer.echo(
            f"note: the shipped {', '.join(later)} import was resolved against the previous {key} graph; "
            "regenerate them together with 'fmkg import reference DIR'",
            err=True,
        )


@import_app.command("epoch")
def epoch(
    csv: Annotated[Path, typer.Argument(metavar="CSV", help="Epoch AI's notable AI models, as CSV.")],
    output: OutputOption = None,
    release: ReleaseOption = None,
) -> None:
    """Import Epoch AI's "Data on Notable AI Models" (CSV; columns found by name)."""
    _run("epoch", [csv], output, release)


@import_app.command("ecosystem-graphs")
def ecosystem_graphs(
    directory: Annotated[
        Path, typer.Argument(metavar="DIR", help="A copy of stanford-crfm/ecosystem-graphs (or its assets/ folder).")
    ],
    output: OutputOption = None,
    release: ReleaseOption = None,
) -> None:
    """Import Stanford CRFM's Ecosystem Graphs (assets/*.yaml), typing dependencies where possible."""
    _run("ecosystem-graphs", [directory], output, release)


@import_app.command("huggingface")
def huggingface(
    cards: Annotated[
        list[Path],
        typer.Argument(metavar="README.md...", help="Model cards (README.md with YAML front matter), or folders."),
    ],
    output: OutputOption = None,
    release: ReleaseOption = None,
) -> None:
    """Import Hugging Face model cards: base models and how, licence, pipeline tag, datasets, languages."""
    _run("huggingface", cards, output, release)


@import_app.command("wikidata")
def wikidata(
    results: Annotated[
        Path, typer.Argument(metavar="JSON", help="SPARQL 1.1 JSON results of the query wikidata-models.rq.")
    ],
    output: OutputOption = None,
    release: ReleaseOption = None,
) -> None:
    """Import Wikidata's large language models from the results of the shipped query (see wikidata-query)."""
    _run("wikidata", [results], output, release)


@import_app.command("wikidata-query")
def wikidata_query() -> None:
    """Print the SPARQL query to run at the Wikidata query service for 'fmkg import wikidata'."""
    from fmkg.importers.wikidata import QUERY

    typer.echo(QUERY.read_text(encoding="utf-8"), nl=False)


@import_app.command("reference")
def reference(
    directory: Annotated[
        Path,
        typer.Argument(metavar="DIR", help="A copy of the reference data: epoch/*.csv and ecosystem-graphs/."),
    ],
    release: Annotated[
        list[str] | None,
        typer.Option(
            "--release",
            help="SOURCE=RELEASE for a source's provenance, e.g. epoch=2025-05; repeatable.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Regenerate the shipped imports from the reference data: Epoch, then Ecosystem Graphs, in order."""
    from fmkg import importers

    releases: dict[str, str] = {}
    for item in release or []:
        key, sep, value = item.partition("=")
        if not sep or key not in importers.REFERENCE:
            raise FmkgError(
                f"--release {item!r}: expected SOURCE=RELEASE with SOURCE one of {', '.join(importers.REFERENCE)}"
            )
        releases[key] = value
    with _progress() as progress:
        results = importers.import_reference(directory, releases=releases, progress=progress)
    targets = [importers.shipped_path(r.info.key) for r in results]
    for result, target in zip(results, targets, strict=True):
        importers.write(result, target)
    _report(results, targets)
