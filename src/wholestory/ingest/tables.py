"""The open table types: a file's header and its rows in chunks, and the fast CSV reader.

:class:`RowTable` serves the careful CSV reader and XLSX sheets row by row;
:class:`FastCsvTable` hands Polars blocks of whole records and falls back (by
raising :class:`FastPathUnavailable`) when it cannot parse them. Both yield
:class:`Chunk` frames of text whose ``source_row`` is the row a spreadsheet shows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import polars as pl

from wholestory.ingest.limits import CELL_ENV, READ_FACTOR, Limits

BINARY: Final = "looks like binary data, not a CSV or XLSX file"


class UnreadableFileError(Exception):
    """A file that cannot be read at all. The message is for the person importing it."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


@dataclass
class Chunk:
    """Up to ``size`` rows as a frame of text: columns ``c0..cN`` and ``source_row``.

    ``source_row`` is the row number a spreadsheet shows (the header is row 1).
    ``malformed`` holds rows that cannot be lined up with the header at all
    (more cells than the header has), to be quarantined as they are.
    """

    frame: pl.DataFrame
    malformed: list[tuple[int, str, list[str]]] = field(default_factory=list)

    def __len__(self) -> int:
        return self.frame.height + len(self.malformed)


def column_names(width: int) -> list[str]:
    """Positional column names: headers may be blank or repeated, positions never are."""
    return [f"c{i}" for i in range(width)]


def _rows_frame(rows: list[list[str]], row_numbers: list[int], width: int) -> pl.DataFrame:
    columns = list(zip(*rows, strict=True)) if rows else [()] * width
    return pl.DataFrame(
        {
            **{
                name: pl.Series(columns[i], dtype=pl.String)
                for i, name in enumerate(column_names(width))
            },
            "source_row": pl.Series(row_numbers, dtype=pl.Int64),
        }
    )


def _drop_blank(frame: pl.DataFrame, width: int) -> pl.DataFrame:
    """Blank lines are skipped, as a spreadsheet shows them: empty, not data."""
    cells = [pl.col(c).fill_null("").str.strip_chars() != "" for c in column_names(width)]
    return frame.filter(pl.any_horizontal(cells))


class Table:
    """An open agency file: its header, then its rows in chunks."""

    def __init__(self, path: Path, header: list[str]) -> None:
        self.path = path
        self.header = header

    @property
    def width(self) -> int:
        return len(self.header)

    def chunks(self, size: int) -> Iterator[Chunk]:  # pragma: no cover - abstract
        raise NotImplementedError


class RowTable(Table):
    """A table read row by row (the careful CSV reader, or an XLSX sheet)."""

    def __init__(self, path: Path, header: list[str], rows: Iterator[list[str]]) -> None:
        super().__init__(path, header)
        self._rows = rows

    def chunks(self, size: int) -> Iterator[Chunk]:
        width = self.width
        rows: list[list[str]] = []
        numbers: list[int] = []
        malformed: list[tuple[int, str, list[str]]] = []
        row_number = 1
        for cells in self._rows:
            row_number += 1
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > width and not any(c.strip() for c in cells[width:]):
                cells = cells[:width]  # trailing empty cells, as spreadsheets write them
            if len(cells) > width:
                problem = f"row has {len(cells)} cells but the header has {width}"
                malformed.append((row_number, problem, cells))
            else:
                # A short row is padded: exports often drop trailing empty cells,
                # and a row short of required values is caught by validation.
                rows.append(cells + [""] * (width - len(cells)))
                numbers.append(row_number)
            if len(rows) + len(malformed) >= size:
                yield Chunk(_rows_frame(rows, numbers, width), malformed)
                rows, numbers, malformed = [], [], []
        if rows or malformed:
            yield Chunk(_rows_frame(rows, numbers, width), malformed)


class FastCsvTable(Table):
    """A CSV parsed by Polars in blocks of whole records: the fast path.

    Blocks are cut at a line end outside quotes (an even number of quote
    characters so far), so memory stays flat however large the file. Any
    parsing problem raises :class:`FastPathUnavailable`, and the caller
    re-reads the file with the careful reader, which names the row at fault.
    """

    def __init__(self, path: Path, header: list[str], data_offset: int, limits: Limits) -> None:
        super().__init__(path, header)
        self._offset = data_offset
        self._limits = limits

    def chunks(self, size: int) -> Iterator[Chunk]:
        names = column_names(self.width)
        schema = dict.fromkeys(names, pl.String)
        rows_before = 0
        blocks = _record_blocks(
            self.path, self._offset, _BLOCK_BYTES, self._limits.max_record_bytes
        )
        for block in blocks:
            try:
                frame = pl.read_csv(
                    block,
                    has_header=False,
                    schema=schema,
                    row_index_name="source_row",
                    row_index_offset=rows_before + 2,
                    truncate_ragged_lines=False,
                    raise_if_empty=False,
                )
            except (pl.exceptions.PolarsError, OSError) as error:
                raise FastPathUnavailable(str(error)) from None
            rows_before += frame.height
            _check_cells(self.path, frame, names, self._limits)
            frame = _drop_blank(
                frame.with_columns(pl.col("source_row").cast(pl.Int64)), self.width
            ).select(*names, "source_row")
            for start in range(0, frame.height, size):
                yield Chunk(frame.slice(start, size))
        if rows_before == 0 and _has_data(self.path, self._offset):
            # Never "0 rows read" for a file with data in it: let the careful reader say.
            raise FastPathUnavailable("no rows parsed from a file with data after its header")


def _check_cells(path: Path, frame: pl.DataFrame, names: list[str], limits: Limits) -> None:
    """Refuse the file at the first cell longer than any cell read (as the careful reader)."""
    most = limits.max_read_chars
    longest = frame.select(pl.max_horizontal(pl.col(names).str.len_bytes().max())).item()
    if (longest or 0) <= most:
        return  # no cell has that many bytes, so none has that many characters
    too_long = frame.filter(pl.any_horizontal(pl.col(names).str.len_chars() > most))
    if not too_long.is_empty():
        raise UnreadableFileError(path, cell_too_long(f"row {too_long['source_row'][0]}", limits))


class FastPathUnavailable(Exception):  # noqa: N818 - a signal, not an error for people
    """The fast reader cannot parse this file; read it again carefully."""


_BLOCK_BYTES: Final = 16 << 20


def _record_blocks(
    path: Path, offset: int, block_bytes: int, max_record_bytes: int | None = None
) -> Iterator[bytes]:
    """The file from ``offset`` in blocks that end at a record boundary.

    A NUL byte anywhere makes the file unreadable (binary data). A record
    longer than ``max_record_bytes`` (or an unmatched quote) is left to the
    careful reader, which reads it row by row within the cell limit.
    """
    with path.open("rb") as handle:
        handle.seek(offset)
        carry = b""
        read = offset
        while True:
            data = handle.read(block_bytes)
            if not data:
                if carry:
                    yield carry
                return
            if b"\x00" in data:
                raise UnreadableFileError(
                    path, f"{BINARY} (a NUL byte at byte {read + data.index(0):,})"
                )
            read += len(data)
            buffer = carry + data
            cut = _last_record_end(buffer)
            if cut < 0:
                if max_record_bytes is not None and len(buffer) > max_record_bytes:
                    raise FastPathUnavailable(f"a record longer than {max_record_bytes:,} bytes")
                carry = buffer
                continue
            yield buffer[: cut + 1]
            carry = buffer[cut + 1 :]


def _last_record_end(buffer: bytes) -> int:
    """Index of the last newline that is outside quotes, or -1."""
    position = len(buffer)
    while True:
        position = buffer.rfind(b"\n", 0, position)
        if position < 0:
            return -1
        if buffer.count(b'"', 0, position) % 2 == 0:
            return position


def _has_data(path: Path, offset: int) -> bool:
    """Whether anything but line ends, spaces, commas and quotes follows ``offset``."""
    blank = b' \t\r\n,"'
    with path.open("rb") as handle:
        handle.seek(offset)
        for block in iter(lambda: handle.read(1 << 20), b""):
            if block.translate(None, blank):
                return True
    return False


def cell_too_long(where: str, limits: Limits) -> str:
    return (
        f"{where} has a cell of more than {limits.max_read_chars:,} characters, "
        f"{READ_FACTOR} times the cell limit ({CELL_ENV}={limits.max_cell_chars:,}), "
        "so the file is not read"
    )
