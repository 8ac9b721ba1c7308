"""Every command has help text, and --help works without loading the graph."""

from __future__ import annotations

import pytest
import typer
from typer.main import get_command

from fmkg.cli import app

COMMANDS = sorted(get_command(app).commands)  # type: ignore[attr-defined]


def test_commands_are_registered() -> None:
    assert {"query", "queries", "validate"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help(runner, name: str) -> None:
    command = get_command(app).commands[name]  # type: ignore[attr-defined]
    assert command.help and command.help.strip(), f"{name} has no docstring"
    result = runner.invoke(app, [name, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output


@pytest.mark.parametrize("name", COMMANDS)
def test_every_option_has_help(name: str) -> None:
    command = get_command(app).commands[name]  # type: ignore[attr-defined]
    for param in command.params:
        if isinstance(param, typer.core.TyperOption) and param.name != "help":
            assert param.help, f"{name} --{param.name} has no help"


def test_version(runner) -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith("fmkg ")
