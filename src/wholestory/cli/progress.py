"""The progress bars of the commands that take a while, so that all look and behave alike.

``synth`` and ``synth-crosscheck`` each count up to a known total (children,
households) with :func:`counting`; ``ingest`` counts each file's rows as they are
read, with no total known in advance, with :func:`rows_per_file`. Both draw on stderr
and are gone when done.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)


@contextmanager
def counting(description: str, total: int) -> Iterator[Callable[[int], None]]:
    """A bar on stderr, gone when done; yields the callback that sets how many are made."""
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(bar_width=None),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n: bar.update(task, completed=n)


@contextmanager
def rows_per_file() -> Iterator[Callable[[Path, int], None]]:
    """A line a file on stderr, counting its rows read; yields ``progress(path, rows)``."""
    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(bar_width=None),
        TextColumn("{task.completed:,} rows"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        tasks: dict[Path, TaskID] = {}

        def progress(path: Path, rows: int) -> None:
            if path not in tasks:
                tasks[path] = bar.add_task(path.name, total=None)
            bar.update(tasks[path], completed=rows)

        yield progress
