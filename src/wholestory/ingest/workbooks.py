"""Reading XLSX workbooks: refusing hostile ones before openpyxl unpacks them, then rows.

A workbook is a zip of XML, so it is inspected first (unpacked size, DTDs,
giant cells) and only then opened read-only; every error a broken workbook
raises inside openpyxl becomes an :class:`UnreadableFileError` naming the file.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

from wholestory.ingest.limits import UNPACKED_ENV, Limits
from wholestory.ingest.tables import RowTable, Table, UnreadableFileError, cell_too_long

#: Markup that declares a DTD: never in a workbook Excel writes, and the way to
#: entity expansion ("billion laughs") and external entities (XXE).
_DTD_MARKS: Final = (b"<!DOCTYPE", b"<!ENTITY")

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


def open_xlsx(path: Path, limits: Limits) -> Table:
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
            raise UnreadableFileError(path, cell_too_long(f"{name} in the workbook", limits))
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
