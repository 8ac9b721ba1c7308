"""Every command and sub-command has help text, and --help works without loading the graph; format
choices come from the one registry of formats (:mod:`fmkg.rdf.formats`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.main import get_command

import fmkg.store
from fmkg.cli import app
from fmkg.export import EXPORT_FORMATS
from fmkg.rdf import formats
from fmkg.sparql import results

from .conftest import FIXTURES

TINY = ["--no-default", "--data", str(FIXTURES / "tiny.ttl")]


def walk(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every command of the click tree under ``command``, with the words that invoke it."""
    yield path, command
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from walk(sub, (*path, name))


ROOT_COMMAND = get_command(app)
TREE = dict(walk(ROOT_COMMAND))
PATHS = sorted(TREE)
IDS = [" ".join(p) or "fmkg" for p in PATHS]
COMMANDS = sorted(ROOT_COMMAND.commands)  # type: ignore[attr-defined]


def test_commands_are_registered() -> None:
    assert {"query", "queries", "validate", "export", "show", "lineage", "stats", "import", "bench"} <= set(COMMANDS)
    # the tree has sub-commands, and the walk reaches them
    assert ("import", "epoch") in TREE
    assert ("bench", "generate") in TREE
    assert len(PATHS) > len(COMMANDS) + 1


@pytest.fixture
def no_graph(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading the graph fails: --help must not need it."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("--help loaded the graph")

    monkeypatch.setattr(fmkg.store, "open_graph", refuse)


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_every_command_has_help(runner, no_graph: None, path: tuple[str, ...]) -> None:
    command = TREE[path]
    assert command.help and command.help.strip(), f"{' '.join(path) or 'fmkg'} has no docstring"
    result = runner.invoke(app, [*path, "--help"], prog_name="fmkg")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Usage: {' '.join(('fmkg', *path))} ")
    # the summary line of the docstring is shown
    assert command.help.split()[0] in result.output


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_every_option_and_argument_has_help(path: tuple[str, ...]) -> None:
    command = TREE[path]
    for param in command.params:
        if isinstance(param, typer.core.TyperOption | typer.core.TyperArgument) and param.name != "help":
            assert param.help and param.help.strip(), f"{' '.join(path)} {param.name} has no help"


def test_version(runner) -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith("fmkg ")


# --- format choices come from the registry ----------------------------------------------------------------


def format_help(path: tuple[str, ...]) -> str:
    (option,) = [p for p in TREE[path].params if "--format" in getattr(p, "opts", ())]
    return str(option.help)


def test_export_formats_are_the_registry_s() -> None:
    assert [f.name for f in EXPORT_FORMATS] == [f.name for f in formats.select(export=True)]
    shown = format_help(("export",))
    for f in formats.select(export=True):
        for name in f.names:
            assert name in shown, f"export --format help does not list {name}"


EXPORT_NAMES = [(f.name, name) for f in formats.select(export=True) for name in f.names]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The tiny graph exported in every export format, by canonical name."""
    from typer.testing import CliRunner

    folder = tmp_path_factory.mktemp("export")
    out: dict[str, bytes] = {}
    for f in formats.select(export=True):
        target = folder / f"tiny{f.suffix}"
        result = CliRunner().invoke(app, ["export", "--format", f.name, "-o", str(target), *TINY])
        assert result.exit_code == 0, result.output
        out[f.name] = target.read_bytes()
    return out


@pytest.mark.parametrize(("canonical", "name"), EXPORT_NAMES, ids=[n for _, n in EXPORT_NAMES])
def test_export_accepts_every_name_of_the_registry(
    runner, tmp_path: Path, exported: dict[str, bytes], canonical: str, name: str
) -> None:
    target = tmp_path / "out"
    result = runner.invoke(app, ["export", "--format", name, "-o", str(target), *TINY])
    assert result.exit_code == 0, result.output
    assert target.read_bytes() == exported[canonical]
    assert exported[canonical]


@pytest.mark.parametrize("name", ["nt", "ttl"])
def test_export_short_names(runner, tmp_path: Path, name: str) -> None:
    target = tmp_path / "out"
    result = runner.invoke(app, ["export", "--format", name, "-o", str(target), *TINY])
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0


@pytest.mark.parametrize("name", ["table", "srj", "tsv", "n3", "yaml"])
def test_export_refuses_what_the_registry_does_not_export(runner, tmp_path: Path, name: str) -> None:
    target = tmp_path / "out"
    result = runner.invoke(app, ["export", "--format", name, "-o", str(target), *TINY])
    assert result.exit_code == 2
    assert "unknown format" in result.output
    assert ", ".join(f.name for f in formats.select(export=True)) in result.output
    assert not target.exists()


def test_query_formats_are_the_registry_s() -> None:
    shown = format_help(("query",))
    for form in ("SELECT", "ASK", "CONSTRUCT"):
        for f in results.formats_for(form):
            assert f.name in shown, f"query --format help does not list {f.name}"
    assert {f.name for f in results.formats_for("SELECT")} == {f.name for f in formats.select(kinds=["results"])}
    assert {f.name for f in results.formats_for("CONSTRUCT")} == {
        f.name for f in formats.select(kinds=["graph", "dataset"], parse=True)
    }


CONSTRUCT = (
    "PREFIX fm: <https://w3id.org/fmkg/ontology#> CONSTRUCT { ?c fm:derivedFrom ?p } WHERE { ?c fm:fineTunedFrom ?p }"
)
SELECT = "PREFIX fm: <https://w3id.org/fmkg/ontology#> SELECT ?c ?p WHERE { ?c fm:fineTunedFrom ?p }"
QUERY_NAMES = [(q, f.name, name) for q, form in ((SELECT, "SELECT"), (CONSTRUCT, "CONSTRUCT"))
               for f in results.formats_for(form) for name in f.names]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "canonical", "name"),
    QUERY_NAMES,
    ids=[f"{'select' if q is SELECT else 'construct'}-{n}" for q, _, n in QUERY_NAMES],
)
def test_query_accepts_every_name_of_the_registry(runner, text: str, canonical: str, name: str) -> None:
    by_name = runner.invoke(app, ["query", text, "--format", name, *TINY])
    assert by_name.exit_code == 0, by_name.output
    assert by_name.output
    assert by_name.output == runner.invoke(app, ["query", text, "--format", canonical, *TINY]).output
