"""Print the reference of every ``wholestory`` command, as Markdown, from its own ``--help``.

``docs/cli.md`` and the README's ``--help`` block are generated from this with
cog (``make cli-docs``), and ``make lint`` fails when either is out of date,
so what they show is what the command prints. The help is rendered the same
everywhere: 100 columns, no colour, no terminal, whoever runs it and wherever.

Usage: ``python scripts/cli_reference.py`` (every command) or
``python scripts/cli_reference.py --top`` (``wholestory --help`` alone).
"""

from __future__ import annotations

import os
import sys

# Fixed before Typer is imported: it reads these once, at import.
for _name in ("FORCE_COLOR", "PY_COLORS", "GITHUB_ACTIONS", "COLUMNS", "LINES"):
    os.environ.pop(_name, None)
os.environ.update({"TERMINAL_WIDTH": "100", "_TYPER_FORCE_DISABLE_TERMINAL": "1", "NO_COLOR": "1"})

from typer.core import TyperCommand, TyperGroup  # noqa: E402
from typer.main import get_command  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from wholestory.cli.main import app  # noqa: E402

HEADER = """# The `wholestory` command line

Every command and subcommand, with the help it prints. Generated from the
commands themselves by `scripts/cli_reference.py` (run `make cli-docs` after
changing a command); `make lint` fails when this page is out of date.
"""


def command_paths() -> list[list[str]]:
    """Every command's words after ``wholestory``, in the order ``--help`` lists them."""
    root = get_command(app)
    assert isinstance(root, TyperGroup)
    found: list[list[str]] = []

    def walk(command: TyperCommand | TyperGroup, path: list[str]) -> None:
        found.append(path)
        if isinstance(command, TyperGroup):
            for name, sub in command.commands.items():
                if not sub.hidden:
                    walk(sub, [*path, name])  # type: ignore[arg-type]

    walk(root, [])
    return found


def help_of(path: list[str]) -> str:
    """What ``wholestory PATH --help`` prints, with trailing spaces trimmed."""
    result = CliRunner().invoke(app, [*path, "--help"], prog_name="wholestory")
    if result.exit_code != 0:
        raise SystemExit(f"wholestory {' '.join(path)} --help failed: {result.output}")
    lines = [line.rstrip() for line in result.output.splitlines()]
    return "\n".join(lines).strip("\n")


def block(path: list[str]) -> str:
    """One command's help as a fenced block, with the command that prints it."""
    command = " ".join(["wholestory", *path, "--help"])
    return f"```\n$ {command}\n\n{help_of(path)}\n```\n"


def reference() -> str:
    """The whole page: a heading and the help of each command."""
    sections = [HEADER]
    for path in command_paths():
        title = " ".join(["wholestory", *path])
        sections.append(f"## `{title}`\n\n{block(path)}")
    return "\n".join(sections)


if __name__ == "__main__":
    sys.stdout.write(block([]) if sys.argv[1:] == ["--top"] else reference())
