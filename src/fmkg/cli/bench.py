"""``fmkg bench``: tools for measuring fmkg at scale (the benchmark itself is ``bench/run.py``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer()
bench = typer.Typer(
    help="Benchmark tools: synthetic graphs and Hub records shaped like the Hugging Face model tree.",
    no_args_is_help=True,
)
app.add_typer(bench, name="bench")


@bench.command()
def generate(
    models: Annotated[int, typer.Option("--models", "-n", help="How many models to generate.")],
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same seed gives the same file.")] = 0,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="The N-Triples file to write; a .json summary is written beside it.")
    ] = Path("synthetic.nt"),
) -> None:
    """Write a synthetic lineage graph (fine-tune, adapter, quantized and merge chains; heavy-tailed fan-out)."""
    from fmkg.bench.synthetic import write
    from fmkg.errors import FmkgError

    if models < 1:
        raise FmkgError("--models must be at least 1")
    summary = write(output, models, seed)
    typer.echo(json.dumps(summary.__dict__, indent=2))


@bench.command("generate-hub")
def generate_hub(
    records: Annotated[int, typer.Option("--records", "-n", help="How many Hub model records to generate.")],
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same seed gives the same file.")] = 0,
    output: Annotated[
        Path,
        typer.Option("--output", "-o", help="The JSON Lines file to write; a .json summary is written beside it."),
    ] = Path("hub-models.jsonl"),
) -> None:
    """Write synthetic Hugging Face Hub model records (the Hub API's JSON, one a line) with lineage tags."""
    from dataclasses import asdict

    from fmkg.bench.hub import write
    from fmkg.errors import FmkgError

    if records < 1:
        raise FmkgError("--records must be at least 1")
    summary = write(output, records, seed)
    typer.echo(json.dumps(asdict(summary), indent=2))
