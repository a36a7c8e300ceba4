"""Docs cannot drift: every command has help text and is shown in the README."""

from __future__ import annotations

import re
from pathlib import Path

import typer
from typer.main import get_command
from typer.testing import CliRunner

from wholestory.cli.main import app

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def commands() -> dict[str, typer.core.TyperCommand]:
    group = get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    return dict(group.commands)  # type: ignore[arg-type]


def test_every_command_has_help_and_every_option_is_explained() -> None:
    for name, command in commands().items():
        assert command.help and len(command.help) > 20, name
        for param in command.params:
            if param.param_type_name == "option":
                assert getattr(param, "help", None), f"{name} {param.name} has no help"


def test_every_command_is_in_the_readme() -> None:
    for name in commands():
        assert re.search(rf"wholestory {name}\b", README), f"README does not show {name}"


def test_every_command_in_the_readme_exists() -> None:
    shown = set(re.findall(r"^\$ wholestory ([a-z][a-z-]*)", README, flags=re.M))
    assert shown, "the README shows no commands"
    assert shown <= set(commands())


def test_help_runs() -> None:
    runner = CliRunner()
    for name in commands():
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, name
