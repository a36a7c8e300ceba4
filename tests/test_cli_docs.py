"""Docs cannot drift: every command and subcommand has help text, runs ``--help``, and is
in the generated reference (docs/cli.md); every top-level command is in the README.

The commands are discovered from the Typer app itself, one test case each, so a
new command cannot slip past undocumented.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.core import TyperCommand, TyperGroup
from typer.main import get_command
from typer.testing import CliRunner

from wholestory.cli.main import app

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
REFERENCE = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")


def every_command() -> dict[str, TyperCommand | TyperGroup]:
    """Every command and subcommand, by its words after ``wholestory`` ("user add")."""
    found: dict[str, TyperCommand | TyperGroup] = {}

    def walk(group: TyperGroup, prefix: str) -> None:
        for name, command in group.commands.items():
            assert isinstance(command, TyperCommand | TyperGroup), name
            found[f"{prefix}{name}"] = command
            if isinstance(command, TyperGroup):
                walk(command, f"{prefix}{name} ")

    root = get_command(app)
    assert isinstance(root, TyperGroup)
    walk(root, "")
    return found


COMMANDS = every_command()
TOP_LEVEL = [name for name in COMMANDS if " " not in name]


def test_commands_are_found() -> None:
    """The discovery itself works: a broken walk would make every case below vacuous."""
    assert {"ingest", "demo", "user", "user add", "audit verify"} <= set(COMMANDS)


@pytest.mark.parametrize("name", list(COMMANDS))
def test_help_runs(name: str) -> None:
    result = CliRunner().invoke(app, [*name.split(), "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_has_help_and_every_option_is_explained(name: str) -> None:
    command = COMMANDS[name]
    assert command.help and len(command.help.strip()) > 20, f"{name} has no help text"
    for param in command.params:
        if param.param_type_name == "option":
            assert getattr(param, "help", None), f"{name} {param.name} has no help"


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_is_in_the_reference(name: str) -> None:
    """docs/cli.md has a section for it (``make lint`` checks the section is current)."""
    assert f"## `wholestory {name}`\n" in REFERENCE, f"docs/cli.md does not show {name}"
    assert f"$ wholestory {name} --help\n" in REFERENCE


def test_every_command_in_the_reference_exists() -> None:
    shown = set(re.findall(r"^## `wholestory ([a-z][a-z -]*)`$", REFERENCE, flags=re.M))
    assert shown == set(COMMANDS)


@pytest.mark.parametrize("name", TOP_LEVEL)
def test_every_command_is_in_the_readme(name: str) -> None:
    assert re.search(rf"wholestory {name}\b", README), f"README does not show {name}"


def test_every_command_in_the_readme_exists() -> None:
    shown = set(re.findall(r"^\$ wholestory ([a-z][a-z-]*)", README, flags=re.M))
    assert shown, "the README shows no commands"
    assert shown <= set(COMMANDS)


def test_the_readme_points_to_the_reference() -> None:
    assert "(docs/cli.md)" in README
