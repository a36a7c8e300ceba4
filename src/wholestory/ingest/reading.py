"""Reading agency files: CSV and XLSX, streamed in chunks, with file-level errors.

A file either yields rows (each with the row number a person sees when they
open it in a spreadsheet: the header is row 1) or fails with a
:class:`FileProblem` whose message names the file and what is wrong. Nothing
here raises anything else for bad input, and nothing reads a whole file into
memory: chunks keep memory flat however large the export.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from wholestory.template import MAX_CELL_CHARS

SUFFIXES: Final = (".csv", ".xlsx")
_SNIFF_BYTES: Final = 65_536
_ZIP_MAGIC: Final = b"PK\x03\x04"
_OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0"

csv.field_size_limit(MAX_CELL_CHARS * 4)


class FileProblem(Exception):
    """A file that cannot be read at all. The message is for the person importing it."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


@dataclass
class Chunk:
    """Up to ``size`` rows, as text, with their spreadsheet row numbers.

    ``malformed`` holds rows that cannot be lined up with the header at all
    (too many or too few cells), to be quarantined as they are.
    """

    rows: list[list[str]] = field(default_factory=list)
    row_numbers: list[int] = field(default_factory=list)
    malformed: list[tuple[int, str, list[str]]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows) + len(self.malformed)


class Table:
    """An open agency file: its header, then its rows in chunks."""

    def __init__(self, path: Path, header: list[str], rows: Iterator[list[str]]) -> None:
        self.path = path
        self.header = header
        self._rows = rows

    def chunks(self, size: int) -> Iterator[Chunk]:
        """Yield chunks of rows; blank lines are skipped, as a spreadsheet would."""
        width = len(self.header)
        chunk = Chunk()
        row_number = 1
        for cells in self._rows:
            row_number += 1
            if not any(cells):
                continue
            if len(cells) > width and not any(c.strip() for c in cells[width:]):
                cells = cells[:width]  # trailing empty cells, as spreadsheets write them
            if len(cells) > width:
                problem = f"row has {len(cells)} cells but the header has {width}"
                chunk.malformed.append((row_number, problem, cells))
            else:
                # A short row is padded: exports often drop trailing empty cells,
                # and a row short of required values is caught by validation.
                chunk.rows.append(cells + [""] * (width - len(cells)))
                chunk.row_numbers.append(row_number)
            if len(chunk) >= size:
                yield chunk
                chunk = Chunk()
        if len(chunk):
            yield chunk


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


def open_table(path: Path) -> Table:
    """Open a CSV or XLSX file, deciding by its content rather than its name."""
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except FileNotFoundError:
        raise FileProblem(path, "no such file") from None
    except IsADirectoryError:
        raise FileProblem(path, "is a folder, not a file") from None
    except OSError as error:
        raise FileProblem(path, f"cannot be opened ({error.strerror})") from None
    if not head:
        raise FileProblem(path, "the file is empty (0 bytes)")
    if head.startswith(_ZIP_MAGIC):
        return _open_xlsx(path)
    if head.startswith(_OLE_MAGIC):
        raise FileProblem(
            path, "is an old Excel 97-2003 (.xls) workbook; save it as .xlsx or CSV UTF-8"
        )
    if path.suffix.lower() == ".xlsx":
        raise FileProblem(path, "is named .xlsx but is not an Excel workbook")
    return _open_csv(path, head)


def _open_csv(path: Path, head: bytes) -> Table:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileProblem(path, "is saved as UTF-16 text; save it as CSV UTF-8")
    if b"\x00" in head:
        raise FileProblem(path, "looks like binary data, not a CSV or XLSX file")
    _check_utf8(path, head)
    handle = path.open(encoding="utf-8-sig", newline="")
    reader = csv.reader(handle, strict=False)
    try:
        header = next(reader, None)
    except (csv.Error, UnicodeDecodeError) as error:
        handle.close()
        raise FileProblem(path, f"the header row cannot be read ({error})") from None
    if header is None or not any(h.strip() for h in header):
        handle.close()
        raise FileProblem(path, "has no header row")
    return Table(path, header, _csv_rows(path, reader, handle))


def _check_utf8(path: Path, head: bytes) -> None:
    """Fail early on text that is not UTF-8, naming where it goes wrong."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=False)
    except UnicodeDecodeError as error:
        line = head[: error.start].count(b"\n") + 1
        raise FileProblem(
            path,
            f"is not UTF-8 text (line {line} has byte 0x{head[error.start]:02x}); "
            "save it as CSV UTF-8",
        ) from None


def _csv_rows(path: Path, reader: Any, handle: io.TextIOWrapper) -> Iterator[list[str]]:
    """Rows of a CSV; decoding and CSV errors later in the file become FileProblems."""
    try:
        for row in reader:
            yield row
    except UnicodeDecodeError as error:
        raise FileProblem(
            path, f"is not UTF-8 text after line {reader.line_num}; save it as CSV UTF-8"
        ) from error
    except csv.Error as error:
        raise FileProblem(path, f"line {reader.line_num} cannot be read as CSV ({error})") from error
    finally:
        handle.close()


def _open_xlsx(path: Path) -> Table:
    import openpyxl  # imported here: CSV-only imports never pay for it
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
        raise FileProblem(path, f"is not a readable Excel workbook ({error})") from None
    sheet = book.worksheets[0] if book.worksheets else None
    if sheet is None:
        book.close()
        raise FileProblem(path, "the workbook has no sheets")
    rows = (  # values_only rows are tuples of cell values
        [_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)
    )
    header = next(rows, None)
    if header is None or not any(h.strip() for h in header):
        book.close()
        raise FileProblem(path, "the first sheet has no header row")
    while header and not header[-1].strip():
        header.pop()
    return Table(path, header, _xlsx_rows(rows, book))


def _xlsx_rows(rows: Iterator[list[str]], book: Any) -> Iterator[list[str]]:
    try:
        for row in rows:
            yield row
    finally:
        book.close()


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
