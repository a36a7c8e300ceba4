"""Reading agency files: CSV and XLSX, streamed in chunks, with file-level errors.

A file either yields rows (each with the row number a person sees when they
open it in a spreadsheet: the header is row 1) or fails with a
:class:`UnreadableFileError` whose message names the file and what is wrong. Nothing
here raises anything else for bad input, and nothing reads a whole file into
memory: chunks keep memory flat however large the export. What a hostile
file could make it hold is bounded by :mod:`wholestory.ingest.limits`.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import polars as pl

from wholestory.ingest.limits import (
    CELL_ENV,
    READ_FACTOR,
    UNPACKED_ENV,
    Limits,
    LimitSettingError,
)

SUFFIXES: Final = (".csv", ".xlsx")
_SNIFF_BYTES: Final = 65_536
_ZIP_MAGIC: Final = b"PK\x03\x04"
_OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0"
_BINARY: Final = "looks like binary data, not a CSV or XLSX file"
#: Markup that declares a DTD: never in a workbook Excel writes, and the way to
#: entity expansion ("billion laughs") and external entities (XXE).
_DTD_MARKS: Final = (b"<!DOCTYPE", b"<!ENTITY")


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
        raise UnreadableFileError(path, _too_long(f"row {too_long['source_row'][0]}", limits))


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
                    path, f"{_BINARY} (a NUL byte at byte {read + data.index(0):,})"
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


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files named directly, and the CSV and XLSX files directly inside folders.

    Sub-folders are not searched, so a folder of exports can keep notes or
    ground truth beside it without those being read as agency data.
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.iterdir()
                    if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith(".")
                )
            )
        else:
            files.append(path)
    return files


def _has_data(path: Path, offset: int) -> bool:
    """Whether anything but line ends, spaces, commas and quotes follows ``offset``."""
    blank = b' \t\r\n,"'
    with path.open("rb") as handle:
        handle.seek(offset)
        for block in iter(lambda: handle.read(1 << 20), b""):
            if block.translate(None, blank):
                return True
    return False


def open_table(path: Path, careful: bool = False, limits: Limits | None = None) -> Table:
    """Open a CSV or XLSX file, deciding by its content rather than its name.

    CSV is read by the fast reader unless ``careful`` is set (see
    :class:`FastCsvTable`). ``limits`` default to those set in the environment.
    """
    if limits is None:
        try:
            limits = Limits.from_environment()
        except LimitSettingError as error:
            raise UnreadableFileError(path, f"cannot be read as set: {error}") from None
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except FileNotFoundError:
        raise UnreadableFileError(path, "no such file") from None
    except IsADirectoryError:
        raise UnreadableFileError(path, "is a folder, not a file") from None
    except OSError as error:
        raise UnreadableFileError(path, f"cannot be opened ({error.strerror})") from None
    if not head:
        raise UnreadableFileError(path, "the file is empty (0 bytes)")
    if head.startswith(_ZIP_MAGIC):
        return _open_xlsx(path, limits)
    if head.startswith(_OLE_MAGIC):
        raise UnreadableFileError(
            path, "is an old Excel 97-2003 (.xls) workbook; save it as .xlsx or CSV UTF-8"
        )
    if path.suffix.lower() == ".xlsx":
        raise UnreadableFileError(path, "is named .xlsx but is not an Excel workbook")
    return _open_csv(path, head, careful, limits)


def _open_csv(path: Path, head: bytes, careful: bool, limits: Limits) -> Table:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnreadableFileError(path, "is saved as UTF-16 text; save it as CSV UTF-8")
    if b"\x00" in head:
        raise UnreadableFileError(path, f"{_BINARY} (a NUL byte at byte {head.index(0):,})")
    _check_utf8(path, head)
    csv.field_size_limit(limits.max_read_chars)
    handle = path.open(encoding="utf-8-sig", newline="")
    lines = _checked_lines(path, handle)
    reader = csv.reader(lines, strict=False)
    try:
        header = next(reader, None)
    except (csv.Error, UnicodeDecodeError) as error:
        handle.close()
        raise UnreadableFileError(path, f"the header row cannot be read ({error})") from None
    if header is None or not any(h.strip() for h in header):
        handle.close()
        raise UnreadableFileError(path, "has no header row")
    end, ending = _header_end(head)
    # Old Mac exports end lines with CR alone, which the fast reader does not see as an end.
    if careful or ending == b"\r" or (end < 0 and len(head) == _SNIFF_BYTES):
        return RowTable(path, header, _csv_rows(path, reader, handle, limits))
    handle.close()
    return FastCsvTable(path, header, len(head) if end < 0 else end + 1, limits)


def _header_end(head: bytes) -> tuple[int, bytes]:
    """Where the header record ends: the offset of its last byte, and the line ending
    (``\n``, ``\r\n`` or ``\r``); (-1, b"") when ``head`` has no line end outside quotes.

    A CR as the very last byte of ``head`` may be the first half of CRLF, so it counts as CR.
    """
    quotes = 0
    for index, byte in enumerate(head):
        if byte == 0x22:
            quotes += 1
        elif quotes % 2 == 0 and byte == 0x0A:
            return index, b"\n"
        elif quotes % 2 == 0 and byte == 0x0D:
            if head[index + 1 : index + 2] == b"\n":
                return index + 1, b"\r\n"
            return index, b"\r"
    return -1, b""


def _checked_lines(path: Path, lines: Iterable[str]) -> Iterator[str]:
    """The lines of a CSV as read; a NUL byte anywhere makes it binary data, not text."""
    for number, line in enumerate(lines, start=1):
        if "\x00" in line:
            raise UnreadableFileError(path, f"{_BINARY} (a NUL byte on line {number:,})")
        yield line


def _check_utf8(path: Path, head: bytes) -> None:
    """Fail early on text that is not UTF-8, naming where it goes wrong."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=False)
    except UnicodeDecodeError as error:
        line = head[: error.start].count(b"\n") + 1
        raise UnreadableFileError(
            path,
            f"is not UTF-8 text (line {line} has byte 0x{head[error.start]:02x}); "
            "save it as CSV UTF-8",
        ) from None


def _csv_rows(
    path: Path, reader: Any, handle: io.TextIOWrapper, limits: Limits
) -> Iterator[list[str]]:
    """Rows of a CSV; decoding and CSV errors later in the file become UnreadableFileErrors."""
    try:
        yield from reader
    except UnicodeDecodeError as error:
        raise UnreadableFileError(
            path, f"is not UTF-8 text after line {reader.line_num}; save it as CSV UTF-8"
        ) from error
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise UnreadableFileError(path, _too_long(f"line {reader.line_num}", limits)) from None
        raise UnreadableFileError(
            path, f"line {reader.line_num} cannot be read as CSV ({error})"
        ) from error
    finally:
        handle.close()


def _too_long(where: str, limits: Limits) -> str:
    return (
        f"{where} has a cell of more than {limits.max_read_chars:,} characters, "
        f"{READ_FACTOR} times the cell limit ({CELL_ENV}={limits.max_cell_chars:,}), "
        "so the file is not read"
    )


#: What a broken or hostile workbook raises inside openpyxl and the XML parser.
_XLSX_ERRORS: Final = (
    zipfile.BadZipFile,
    KeyError,
    OSError,
    ValueError,
    TypeError,
    IndexError,
    AttributeError,
    SyntaxError,  # xml.etree.ElementTree.ParseError is one
    EOFError,
    zipfile.LargeZipFile,
)


def _open_xlsx(path: Path, limits: Limits) -> Table:
    import openpyxl  # imported here: CSV-only imports never pay for it
    from openpyxl.utils.exceptions import InvalidFileException

    _inspect_workbook(path, limits)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, *_XLSX_ERRORS) as error:
        raise UnreadableFileError(path, _unreadable_workbook(error)) from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise UnreadableFileError(path, "the workbook has no sheets")
        rows = (  # values_only rows are tuples of cell values
            [_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)
        )
        header = next(rows, None)
    except _XLSX_ERRORS as error:
        book.close()
        raise UnreadableFileError(path, _unreadable_workbook(error)) from None
    except UnreadableFileError:
        book.close()
        raise
    if header is None or not any(h.strip() for h in header):
        book.close()
        raise UnreadableFileError(path, "the first sheet has no header row")
    while header and not header[-1].strip():
        header.pop()
    return RowTable(path, header, _xlsx_rows(path, rows, book))


def _xlsx_rows(path: Path, rows: Iterator[list[str]], book: Any) -> Iterator[list[str]]:
    try:
        yield from rows
    except _XLSX_ERRORS as error:
        raise UnreadableFileError(path, _unreadable_workbook(error)) from None
    finally:
        book.close()


def _unreadable_workbook(error: BaseException) -> str:
    detail = " ".join(str(error).split())[:200]
    return f"is not a readable Excel workbook ({detail or type(error).__name__})"


def _inspect_workbook(path: Path, limits: Limits) -> None:
    """Refuse a workbook before openpyxl unpacks it: too big unpacked, a DTD, a giant cell.

    A workbook is a zip of XML. Its parts are streamed through here once, a
    block at a time, so a zip bomb costs a block of memory, not its unpacked
    size. Text between two tags longer than the longest cell read at all is a
    cell no export holds (in bytes, so it errs on the side of refusing).
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            unpacked = sum(m.file_size for m in members)
            if unpacked > limits.max_unpacked_bytes:
                raise UnreadableFileError(path, _too_big(unpacked, limits))
            total = 0
            for member in members:
                with archive.open(member) as part:
                    total = _scan_part(path, member.filename, part, total, limits)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        OSError,
        EOFError,
    ) as error:
        raise UnreadableFileError(path, _unreadable_workbook(error)) from None


def _scan_part(path: Path, name: str, part: Any, total: int, limits: Limits) -> int:
    """Stream one part of a workbook; returns the bytes unpacked so far in all.

    Blocks are no longer than the longest text allowed, so text longer than
    that always crosses a block's end, where ``run`` (bytes since the last
    ``<``) carries it over.
    """
    allowed = limits.max_read_chars
    size = min(1 << 20, allowed)
    tail = b""
    run = 0
    for block in iter(lambda: part.read(size), b""):
        total += len(block)
        if total > limits.max_unpacked_bytes:
            raise UnreadableFileError(path, _too_big(total, limits))
        if any(mark in tail + block for mark in _DTD_MARKS):
            raise UnreadableFileError(
                path,
                f"declares a DTD in {name} (no Excel workbook does, and DTDs are the way to "
                "entity expansion and external entity attacks), so it is not read",
            )
        tail = block[-16:]
        first = block.find(b"<")
        run += len(block) if first < 0 else first
        if run > allowed:
            raise UnreadableFileError(path, _too_long(f"{name} in the workbook", limits))
        if first >= 0:
            run = len(block) - block.rfind(b"<") - 1
    return total


def _too_big(unpacked: int, limits: Limits) -> str:
    return (
        f"unpacks to more than {limits.max_unpacked_bytes >> 20:,} MB "
        f"({UNPACKED_ENV}), so it is not read (at least {unpacked / (1 << 20):,.0f} MB)"
    )


def _cell_text(value: object) -> str:
    """An Excel cell as the text a person would have typed."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
