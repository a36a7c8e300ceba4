"""How much of one agency file WholeStory will read: limits that stop hostile files.

An export is read before anyone knows what is in it, so two things are
bounded before anything is kept (see docs/security.md, "Hostile files"):

* a cell: one longer than ``WHOLESTORY_MAX_CELL_CHARS`` quarantines its row,
  and the quarantine keeps only its first :data:`QUARANTINE_KEEP_CHARS`
  characters, with a note saying so; a cell more than
  :data:`READ_FACTOR` times the limit is not read at all and the file is
  refused, because reading it would mean holding it in memory;
* an XLSX workbook (a zip of XML): one that unpacks to more than
  ``WHOLESTORY_MAX_UNPACKED_MB`` is refused before it is unpacked.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Final

from wholestory.records.template import MAX_CELL_CHARS

CELL_ENV: Final = "WHOLESTORY_MAX_CELL_CHARS"
UNPACKED_ENV: Final = "WHOLESTORY_MAX_UNPACKED_MB"
#: A workbook's parts, unpacked, in megabytes: an agency's export of a few hundred
#: thousand rows unpacks to well under this; a zip bomb unpacks to far more.
MAX_UNPACKED_MB: Final = 256
#: How much of an over-long cell the quarantine keeps: enough to recognise the row.
QUARANTINE_KEEP_CHARS: Final = 1_000
#: A cell this many times the cell limit is not read at all: the file is refused.
READ_FACTOR: Final = 4


class LimitSettingError(ValueError):
    """A limit set in the environment is not a usable number (the message names it)."""


@dataclass(frozen=True)
class Limits:
    """The limits in force."""

    max_cell_chars: int = MAX_CELL_CHARS
    max_unpacked_bytes: int = MAX_UNPACKED_MB << 20

    @property
    def max_read_chars(self) -> int:
        """The longest cell read at all (longer ones make the file unreadable)."""
        return self.max_cell_chars * READ_FACTOR

    @property
    def max_record_bytes(self) -> int:
        """The most bytes one CSV record may take before the careful reader reads it instead."""
        return self.max_read_chars * 4  # UTF-8: up to four bytes a character

    @classmethod
    def from_environment(cls) -> Limits:
        """The limits set in the environment, or the defaults."""
        cell = _whole_number(CELL_ENV, MAX_CELL_CHARS, minimum=1_000)
        unpacked = _whole_number(UNPACKED_ENV, MAX_UNPACKED_MB, minimum=1)
        return cls(cell, unpacked << 20)


def _whole_number(name: str, default: int, minimum: int) -> int:
    text = os.environ.get(name, "").strip().replace(",", "").replace("_", "")
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < minimum:
        raise LimitSettingError(
            f"{name} must be a whole number of at least {minimum:,}, not '{text}'"
        )
    return value


def cut_cell(text: str, limits: Limits) -> tuple[str, str]:
    """A cell as the quarantine keeps it, and a note when it was cut ("" when whole)."""
    if len(text) <= limits.max_cell_chars:
        return text, ""
    kept = text[:QUARANTINE_KEEP_CHARS]
    return kept, f"first {len(kept):,} of {len(text):,} characters kept"
