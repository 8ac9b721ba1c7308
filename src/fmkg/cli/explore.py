"""``fmkg show``, ``lineage``, ``path``, ``search`` and ``check``: exploring entities and their lineage."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from fmkg.cli.options import (
    DataOption,
    NoCacheOption,
    NoDefaultOption,
    OutputOption,
    StoreOption,
    StorePathOption,
    choice,
    emit,
    open_graph,
)
from fmkg.errors import FmkgError

if TYPE_CHECKING:
    from rdflib import URIRef

    from fmkg.store import KnowledgeGraph

app = typer.Typer()

#: Lines of each direction a lineage tree shows unless told otherwise: a Hub base model can have tens
#: of thousands of descendants, more than a terminal shows; the counts below the tree cover them all.
TREE_LIMIT = 1000

NameArgument = Annotated[
    str, typer.Argument(help="A slug, label, alias, prefixed name or IRI, in any case and punctuation.")
]


def _resolve(kg: KnowledgeGraph, name: str, kinds: tuple[str, ...] = ()) -> URIRef:
    """The entity a name means; a note on stderr when the name also names other entities."""
    from rdflib import URIRef

    from fmkg.names.resolve import resolve_name

    found = resolve_name(kg.names, name, kinds)
    if found.also:
        typer.echo(
            f"fmkg: note: {name!r} is taken as {kg.label(found.iri)}; it also names {', '.join(found.also)}", err=True
        )
    return URIRef(found.iri)


@app.command()
def show(
    ctx: typer.Context,
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
    store: StoreOption = None,
    store_path: StorePathOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    """Show everything stated about an entity, each fact with the graph (source) it comes from."""
    from fmkg.graph.card import card, render_json, render_text

    choice(fmt, ("text", "json"), "--format")
    kg = open_graph(ctx, data, no_default, store, store_path, no_cache)
    c = card(kg, _resolve(kg, name))
    if not c.facts:
        raise FmkgError(f"nothing is stated about {name!r}")
    emit(render_json(c) if fmt == "json" else render_text(c), output)


@app.command()
def lineage(
    ctx: typer.Context,
    name: NameArgument,
    direction: Annotated[str, typer.Option("--direction", help="up: ancestors; down: descendants; both.")] = "both",
    depth: Annotated[
        int | None, typer.Option("--depth", help="How many generations to follow (default: all).", show_default=False)
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="tree|json|dot.")] = "tree",
    limit: Annotated[
        int,
        typer.Option(
            "--limit",
            help="Lines of the tree shown each direction (0: all); the counts cover every model. "
            "JSON and DOT always give the whole family.",
        ),
    ] = TREE_LIMIT,
    output: OutputOption = None,
    data: DataOption = None,
    no_default: NoDefaultOption = False,
    store: StoreOption = None,
    store_path: StorePathOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    """Where a model comes from and what was derived from it, with the type of every edge."""
    from fmkg.graph.lineage import RENDERERS, lineage_from, tree_from

    choice(direction, ("up", "down", "both"), "--direction")
    choice(fmt, tuple(RENDERERS), "--format")
    if limit < 0:
        raise FmkgError("--limit must be 0 (all) or more")
    kg = open_graph(ctx, data, no_default, store, store_path, no_cache)
    root = _resolve(kg, name, ("model",))
    if fmt == "tree":
        emit(tree_from(kg, root, direction, depth, limit or None), output)  # type: ignore[arg-type]
    else:
        emit(RENDERERS[fmt](lineage_from(kg, root, direction, depth)), output)  # type: ignore[arg-type]


@app.command()
def path(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="Where the path starts: any entity, by name.")],
    target: Annotated[str, typer.Argument(help="Where it ends: any entity, by name.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="text|json.")] = "text",
    data: DataOption = None,
    no_default: NoDefaultOption = False,
    store: StoreOption = None,
    store_path: StorePathOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    """How two entities are connected: the shortest chain of typed edges (lineage, developer, powered by, ...)."""
    from dataclasses import asdict

    from fmkg.graph.network import to_networkx
    from fmkg.graph.paths import path as find_path
    from fmkg.graph.paths import render_path

    choice(fmt, ("text", "json"), "--format")
    kg = open_graph(ctx, data, no_default, store, store_path, no_cache)
    a, b = _resolve(kg, source), _resolve(kg, target)
    g = to_networkx(kg)
    steps = find_path(g, str(a), str(b))
    if fmt == "json":
        typer.echo(json.dumps({"source": str(a), "target": str(b), "steps": [asdict(s) for s in steps]}, indent=2))
    else:
        typer.echo(render_path(g, steps) or f"{a} is {b}", nl=False)


@app.command()
def search(
    ctx: typer.Context,
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
    store: StoreOption = None,
    store_path: StorePathOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    """Fuzzy search over labels, aliases and slugs. Exits 1 when nothing matches."""
    from dataclasses import asdict

    from fmkg.names.search import search as run_search
    from fmkg.rdf.terms import compact

    choice(fmt, ("table", "json"), "--format")
    kg = open_graph(ctx, data, no_default, store, store_path, no_cache)
    hits = run_search(kg.names, text, kinds=tuple(kind or ()), limit=limit)
    if fmt == "json":
        typer.echo(json.dumps([asdict(h) for h in hits], indent=2, ensure_ascii=False))
    else:
        for h in hits:
            typer.echo(f"{h.score:.2f}  {compact(h.iri):45}  {h.label}")
    if not hits:
        typer.echo(f"nothing matches {text!r}", err=True)
        raise typer.Exit(1)


@app.command()
def check(
    ctx: typer.Context,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings (license changes) too.")] = False,
    data: DataOption = None,
    no_default: NoDefaultOption = False,
    store: StoreOption = None,
    store_path: StorePathOption = None,
    no_cache: NoCacheOption = False,
) -> None:
    """Check the lineage graph: cycles (errors) and derived models whose license differs from the parent's (warnings)."""
    from fmkg.quality.checks import run_checks

    kg = open_graph(ctx, data, no_default, store, store_path, no_cache)
    findings = run_checks(kg)
    for f in findings:
        typer.echo(f"{f.severity}: {f.message}")
    errors = sum(f.severity == "error" for f in findings)
    warnings = len(findings) - errors
    typer.echo(f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}")
    if errors or (strict and warnings):
        raise typer.Exit(1)
