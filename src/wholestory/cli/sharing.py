"""``wholestory sharing``: the information sharing agreement, in words and checked.

Both commands read only the agreement file, never the store, so an
information governance lead can use them on a draft before it goes live.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from wholestory.cli.errors import EXIT_BAD_INPUT, err_console
from wholestory.sharing import Agreement, AgreementError, load
from wholestory.sharing.words import report

console = Console(highlight=False, soft_wrap=True)

sharing_app = typer.Typer(
    help="The partnership's information sharing agreement: print it in plain words, "
    "or check a changed one before it is used.",
    no_args_is_help=True,
)


def _load_or_exit(path: Path | None) -> Agreement:
    """The agreement, or every problem with it on its own line and exit code 2."""
    try:
        return load(path)
    except AgreementError as error:
        for problem in error.problems:
            err_console.print(f"Problem: {problem}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None


@sharing_app.command("report")
def sharing_report_command(
    agreement: Annotated[
        Path | None,
        typer.Option(
            "--agreement",
            help="The agreement file to describe (default: the one WholeStory ships with).",
        ),
    ] = None,
) -> None:
    """Print the agreement as plain sentences, ready for the data protection impact assessment."""
    for paragraph in report(_load_or_exit(agreement)):
        console.print(paragraph, markup=False)
        console.print()


@sharing_app.command("check")
def sharing_check_command(
    file: Annotated[Path, typer.Argument(help="The changed agreement file to check.")],
) -> None:
    """Check a changed agreement before it is used: exit 0 if usable, 2 with each problem."""
    checked = _load_or_exit(file)
    console.print(
        f"{file} can be used: {len(checked.rules)} rules, restricted records stay with "
        f"their agency. Read it in words with: wholestory sharing report --agreement {file}",
        markup=False,
    )
