"""Reading agency files: CSV and XLSX, streamed in chunks, with file-level errors.

A file either yields rows (each with the row number a person sees when they
open it in a spreadsheet: the header is row 1) or fails with a
:class:`UnreadableFileError` whose message names the file and what is wrong. Nothing
here raises anything else for bad input, and nothing reads a whole file into
memory: chunks keep memory flat however large the export. What a hostile
file could make it hold is bounded by :mod:`wholestory.ingest.limits`.

This module opens a file and reads CSV; the table types and the fast CSV reader
are in :mod:`wholestory.ingest.tables`, workbooks in :mod:`wholestory.ingest.workbooks`.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Final

from wholestory.ingest.limits import Limits, LimitSettingError
from wholestory.ingest.tables import (
    BINARY,
    Chunk,
    FastCsvTable,
    FastPathUnavailable,
    RowTable,
    Table,
    UnreadableFileError,
    cell_too_long,
    column_names,
)
from wholestory.ingest.workbooks import open_xlsx

#: Kept importable from here, where callers (the pipeline, the upload page) import them.
__all__ = [
    "SUFFIXES",
    "Chunk",
    "FastCsvTable",
    "FastPathUnavailable",
    "RowTable",
    "Table",
    "UnreadableFileError",
    "column_names",
    "expand_paths",
    "open_table",
]

SUFFIXES: Final = (".csv", ".xlsx")
_SNIFF_BYTES: Final = 65_536
_ZIP_MAGIC: Final = b"PK\x03\x04"
_OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0"


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
        return open_xlsx(path, limits)
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
        raise UnreadableFileError(path, f"{BINARY} (a NUL byte at byte {head.index(0):,})")
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
            raise UnreadableFileError(path, f"{BINARY} (a NUL byte on line {number:,})")
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
            raise UnreadableFileError(
                path, cell_too_long(f"line {reader.line_num}", limits)
            ) from None
        raise UnreadableFileError(
            path, f"line {reader.line_num} cannot be read as CSV ({error})"
        ) from error
    finally:
        handle.close()
