"""Writing tables for people to open in spreadsheets, safely.

Agency text is stored exactly as recorded, including text such as
``=HYPERLINK(...)``. Opened in a spreadsheet, such a cell would run as a
formula (CSV injection), so every CSV or XLSX the product writes passes its
cells through :func:`neutralise`, which makes them inert text. Existing files
are never overwritten unless asked.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Final

#: Characters that make a spreadsheet treat a cell as a formula (OWASP list).
FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise(value: str) -> str:
    """Text that a spreadsheet will show, never run.

    Plain numbers such as ``-3`` stay as they are; anything else starting with
    a formula character gets a leading apostrophe, the spreadsheet convention
    for "this is text".
    """
    if not value or not value.startswith(FORMULA_STARTS):
        return value
    try:
        float(value)
    except ValueError:
        return "'" + value
    return value


@contextmanager
def _replacing(path: Path, force: bool) -> Iterator[int]:
    """A temporary file beside ``path`` (its descriptor) that replaces it once written.

    So a file appears complete or not at all: if writing fails, the temporary
    file is removed and the target is left as it was. A folder, or an existing
    file without ``force``, is refused before anything is written.
    """
    if path.is_dir():
        raise IsADirectoryError(path)
    if path.exists() and not force:
        raise FileExistsError(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        yield handle
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_bytes(path: Path, data: bytes, force: bool = False) -> None:
    """Write a file whole (a temporary file replaces the target), never over one unasked."""
    with _replacing(path, force) as handle, os.fdopen(handle, "wb") as out:
        out.write(data)


def write_csv(
    path: Path, header: Sequence[str], rows: Iterable[Sequence[str | None]], force: bool = False
) -> None:
    """Write a UTF-8 CSV (with a BOM, so Excel reads it as UTF-8), all cells neutralised.

    The file appears complete or not at all: rows go to a temporary file that
    replaces the target at the end.
    """
    with (
        _replacing(path, force) as handle,
        os.fdopen(handle, "w", encoding="utf-8-sig", newline="") as out,
    ):
        writer = csv.writer(out)
        writer.writerow([neutralise(h) for h in header])
        for row in rows:
            writer.writerow([neutralise(c or "") for c in row])
