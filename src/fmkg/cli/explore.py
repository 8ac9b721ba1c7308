"""``fmkg show``, ``lineage``, ``path``, ``search`` and ``check``: exploring entities and their lineage."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from fmkg.cli import app
from fmkg.cli.options import DataOption, NoDefaultOption, OutputOption, emit, open_graph
from fmkg.errors import FmkgError

if TYPE_CHECKING:
    from rdflib import Dataset, URIRef

NameArgument = Annotated[
    str, typer.Argument(help="A slug, label, alias, prefixed name or IRI, in any case and punctuation.")
]


def _resolve(ds: Dataset, name: str, kinds: tuple[str, ...] = ()) -> URIRef:
    from fmkg.resolve import resolve

    return resolve(ds, name, kinds)


def _choice(value: str, choices: tuple[str, ...], option: str) -> str:
    if value not in choices:
        raise FmkgError(f"{option} {value!r}: choose from {', '.join(choices)}")
    return value


@app.command()
def show(
    name: NameArgument,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="text|json. JSON keys: iri, label, types, developers, released, parameters, derived_from, sources, facts.",
        ),
    ] = "text",
    output: OutputOption = None,
    data: DataOption = None,
    no_default: NoDefaultOption = False,
) -> None:
    """Show everything stated about an entity, each fact with the graph (source) it comes from."""
    from fmkg.card import card, render_json, render_text

    _choice(fmt, ("text", "json"), "--format")
    ds = open_graph(data, no_default)
    c = card(ds, _resolve(ds, name))
    if not c.facts:
        raise FmkgError(f"nothing is stated about {name!r}")
    emit(render_json(c) if fmt == "json" else render_text(c), output)


@app.command()
def lineage(
    name: NameArgument,
    direction: Annotated[str, typer.Option("--direction", help="up: ancestors; down: descendants; both.")] = "both",
    depth: Annotated[
        int | None, typer.Option("--depth", help="How many generations to follow (default: all).", show_default=False)
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="tree|json|dot.")] = "tree",
    output: OutputOption = None,
    data: DataOption = None,
    no_default: NoDefaultOption = False,
) -> None:
    """Where a model comes from and what was derived from it, with the type of every edge."""
    from fmkg.lineage import RENDERERS, lineage_from

    _choice(direction, ("up", "down", "both"), "--direction")
    _choice(fmt, tuple(RENDERERS), "--format")
    ds = open_graph(data, no_default)
    lin = lineage_from(ds, _resolve(ds, name, ("model",)), direction, depth)  # type: ignore[arg-type]
    emit(RENDERERS[fmt](lin), output)


@app.command()
def path(
    source: Annotated[str, typer.Argument(help="Where the path starts: any entity, by name.")],
    target: Annotated[str, typer.Argument(help="Where it ends: any entity, by name.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="text|json.")] = "text",
    data: DataOption = None,
    no_default: NoDefaultOption = False,
) -> None:
    """How two entities are connected: the shortest chain of typed edges (lineage, developer, powered by, ...)."""
    from dataclasses import asdict

    from fmkg.lineage import path as find_path
    from fmkg.lineage import render_path
    from fmkg.network import to_networkx

    _choice(fmt, ("text", "json"), "--format")
    ds = open_graph(data, no_default)
    a, b = _resolve(ds, source), _resolve(ds, target)
    g = to_networkx(ds)
    steps = find_path(g, str(a), str(b))
    if fmt == "json":
        typer.echo(json.dumps({"source": str(a), "target": str(b), "steps": [asdict(s) for s in steps]}, indent=2))
    else:
        typer.echo(render_path(g, steps) or f"{a} is {b}", nl=False)


@app.command()
def search(
    text: Annotated[str, typer.Argument(help="What to look for: part of a name, misspelt names welcome.")],
    kind: Annotated[
        list[str] | None,
        typer.Option(
            "--kind",
            "-k",
            help="Only entities of this kind (model, org, app, dataset, license, ...); repeatable.",
            show_default=False,
        ),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="How many results at most.")] = 10,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table|json.")] = "table",
    data: DataOption = None,
    no_default: NoDefaultOption = False,
) -> None:
    """Fuzzy search over labels, aliases and slugs. Exits 1 when nothing matches."""
    from dataclasses import asdict

    from fmkg.resolve import index_for
    from fmkg.results import compact_iri
    from fmkg.search import search as run_search

    _choice(fmt, ("table", "json"), "--format")
    ds = open_graph(data, no_default)
    hits = run_search(index_for(ds), text, kinds=tuple(kind or ()), limit=limit)
    if fmt == "json":
        typer.echo(json.dumps([asdict(h) for h in hits], indent=2, ensure_ascii=False))
    else:
        for h in hits:
            typer.echo(f"{h.score:.2f}  {compact_iri(h.iri):45}  {h.label}")
    if not hits:
        typer.echo(f"nothing matches {text!r}", err=True)
        raise typer.Exit(1)


@app.command()
def check(
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings (license changes) too.")] = False,
    data: DataOption = None,
    no_default: NoDefaultOption = False,
) -> None:
    """Check the lineage graph: cycles (errors) and derived models whose license differs from the parent's (warnings)."""
    from fmkg.checks import run_checks

    ds = open_graph(data, no_default)
    findings = run_checks(ds)
    for f in findings:
        typer.echo(f"{f.severity}: {f.message}")
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    typer.echo(f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}")
    if errors or (strict and warnings):
        raise typer.Exit(1)
