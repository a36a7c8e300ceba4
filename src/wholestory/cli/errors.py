"""One-line errors for people, never tracebacks."""

from __future__ import annotations

import datetime as dt
from typing import NoReturn

import typer
from rich.console import Console

err_console = Console(stderr=True, highlight=False, soft_wrap=True)

#: Exit code for bad input or a store that cannot be used.
EXIT_BAD_INPUT = 2


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """Print ``Error: message`` on stderr and exit."""
    err_console.print(f"[bold red]Error:[/] {message}", markup=True)
    raise typer.Exit(code)


def day_option(text: str | None, option: str) -> dt.date | None:
    """A ``YYYY-MM-DD`` option's date, ``None`` when not given, or a one-line error."""
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        fail(f"{option} must be a date written YYYY-MM-DD, not '{text}'")
