"""A counting progress bar for the commands that make something a step at a time.

``synth`` and ``synth-crosscheck`` each count up to a known total (children,
households); they share one bar so that both look and behave the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


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
