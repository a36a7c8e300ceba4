"""What several commands declare alike: a group of commands that shows its help when
given none, and the options of a list written to a CSV file for the agency."""

from __future__ import annotations

from typing import Annotated, Any

import typer


def command_group(help_text: str) -> typer.Typer:
    """A group of commands (``wholestory marac ...``) that prints its help when called alone."""
    return typer.Typer(help=help_text, no_args_is_help=True)


#: ``--force``: a command may overwrite the file ``--out`` names.
Force = Annotated[bool, typer.Option("--force", help="Overwrite --out if it exists.")]


def send_back(what: str) -> Any:
    """``--out``: the ``what`` (rows, records) as a CSV file to send back to the agency."""
    return typer.Option("--out", help=f"Write the {what} to a CSV file to send back to the agency.")
