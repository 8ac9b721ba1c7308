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
    _warnings([w for r in results for w in r.summary.warnings])
    for target in targets:
        typer.echo(f"wrote {target}")


def _warnings(warnings: list[str]) -> None:
    for w in warnings[:10]:
        typer.echo(f"warning: {w}", err=True)
    if len(warnings) > 10:
        typer.echo(f"warning: ... and {len(warnings) - 10} more", err=True)


def _run(key: str, paths: list[Path], output: Path | None, release: str | None, *, strict: bool = False) -> None:
    from fmkg import importers

    with _progress() as progress:
        result = importers.run(key, paths, output=output, release=release, progress=progress, strict=strict)
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


@import_app.command("epoch-all")
def epoch_all(
    csv: Annotated[Path, typer.Argument(metavar="CSV", help="Epoch AI's full AI models database, as CSV.")],
    output: OutputOption = None,
    release: ReleaseOption = None,
) -> None:
    """Import Epoch AI's full "AI Models" database (CSV; read as the notable models are, credited to itself)."""
    _run("epoch-all", [csv], output, release)


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


@import_app.command("modelforest")
def modelforest(
    folder: Annotated[
        Path,
        typer.Argument(
            metavar="DIR", help="A copy of MrUnreal/ModelForest (or its data/curated folder, or JSON files)."
        ),
    ],
    output: OutputOption = None,
    release: ReleaseOption = None,
) -> None:
    """Import ModelForest's curated models and typed lineage, each edge with its confidence (JSON)."""
    _run("modelforest", [folder], output, release)


@import_app.command("huggingface")
def huggingface(
    inputs: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="FILE...",
            help="Hub records as JSON Lines (.jsonl, the Hub API's model records), a Parquet dump of Hub "
            "metadata (.parquet), README.md model cards, or folders of cards ({owner}/{name}/README.md or the "
            "huggingface_hub cache layout).",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write the graph here instead of into the shipped graph: FILE.nt streams N-Triples (any "
            "number of records: memory grows with the ids seen, not the triples), other names get canonical Turtle; "
            "atomically.",
            show_default=False,
        ),
    ] = None,
    release: ReleaseOption = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Stop at the first record that cannot be read instead of warning.")
    ] = False,
    from_hub: Annotated[
        bool,
        typer.Option(
            "--from-hub",
            help="Fetch the records from the Hub first (needs network and fmkg[hub]): a dated JSON Lines "
            "snapshot is written to --snapshot-dir, then imported, so the import can be repeated.",
        ),
    ] = False,
    author: Annotated[str | None, typer.Option("--author", help="--from-hub: models of this owner.")] = None,
    search: Annotated[str | None, typer.Option("--search", help="--from-hub: models whose id contains this.")] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="--from-hub: at most this many records.")] = None,
    descendants_of: Annotated[
        str | None,
        typer.Option("--descendants-of", metavar="ID", help="--from-hub: this repository and its model tree."),
    ] = None,
    snapshot_dir: Annotated[
        Path, typer.Option("--snapshot-dir", help="--from-hub: where the snapshot is written.")
    ] = Path(),
) -> None:
    """Import Hugging Face Hub models keyed by repository id, with the Hub's typed lineage and exact facts."""
    from fmkg.importers.huggingface import fetch

    paths = list(inputs or [])
    if from_hub:
        if paths:
            raise FmkgError("give input files or --from-hub, not both")
        if all(v is None for v in (author, search, limit, descendants_of)):
            raise FmkgError(
                "--from-hub needs --author, --search, --descendants-of or --limit: the whole Hub is millions of models"
            )
        snapshot = fetch.snapshot(
            snapshot_dir, author=author, search=search, limit=limit, descendants_of=descendants_of
        )
        typer.echo(f"wrote {snapshot}")
        paths = [snapshot]
    elif any(v is not None for v in (author, search, limit, descendants_of)):
        raise FmkgError("--author, --search, --limit and --descendants-of choose what --from-hub fetches")
    if not paths:
        raise FmkgError("give Hub records, cards or folders of cards to import, or --from-hub")
    if output is not None and output.suffix.lower() == ".nt":
        _stream_hub(paths, output, release, strict)
        return
    _run("huggingface", paths, output, release, strict=strict)


def _stream_hub(paths: list[Path], output: Path, release: str | None, strict: bool) -> None:
    """Stream a Hub import into N-Triples: a line written as each record is read."""
    from fmkg import importers
    from fmkg.importers import huggingface as hub
    from fmkg.importers.summary import summary_table
    from fmkg.output import open_output
    from fmkg.rdf.sources import graph_iri

    context = importers.load_context("huggingface")
    with open_output(output) as fh:

        def write(line: str) -> None:
            fh.write(line.encode("utf-8") + b"\n")

        result = hub.stream(paths, write, context=context, graph_iri=graph_iri(output), release=release, strict=strict)
    typer.echo(summary_table([result.summary]), nl=False)
    _warnings(result.summary.warnings)
    typer.echo(f"wrote {output} ({result.lines:,} triples)")


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
        typer.Argument(
            metavar="DIR",
            help="A copy of the reference data: epoch/*.csv, ecosystem-graphs/ and huggingface/ (Hub records, cards).",
        ),
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
    """Regenerate the shipped imports from the reference data: Epoch, Ecosystem Graphs, then the Hub, in order."""
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
