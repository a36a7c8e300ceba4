"""CSV files written side by side: each opened with its header, all closed together.

Both synthetic generators (``wholestory.synth`` and the independent
``wholestory.crosscheck``) write a partnership folder this way, row by row so
memory stays flat. Sharing how files are opened and closed shares nothing of
what goes in them, so the cross-check stays independent of the generator it checks.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self


class CsvFiles:
    """Open CSV writers that close together, at :meth:`close` or when a ``with`` block ends."""

    def __init__(self) -> None:
        self._handles: list[IO[str]] = []

    def open_csv(self, path: Path, header: Sequence[str]) -> Any:
        """A CSV writer for a new file at ``path``, its header already written."""
        handle = path.open("w", newline="", encoding="utf-8")
        self._handles.append(handle)
        writer = csv.writer(handle)
        writer.writerow(header)
        return writer

    def close(self) -> None:
        """Close every file opened, so each is whole on disk."""
        for handle in self._handles:
            handle.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
