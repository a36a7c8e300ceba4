"""A monthly series read from a CSV file, for ``wholestory spc`` (issue 16).

Anyone in the partnership may chart a measure they keep in a spreadsheet: one row a
period, a column of periods and a column of values. A row that cannot be charted (a
blank or unreadable value, a period seen before) is set aside with the file, row and
column named, and counted; the good rows are charted. Only a file with nothing to chart,
or one whose named column does not exist, is refused.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from wholestory.charts.spc import Period

#: Column names taken for the periods when none is named, in this order.
PERIOD_NAMES: Final = ("month", "period", "date", "week", "quarter")
_NUMBER: Final = re.compile(r"^[+-]?(\d[\d,]*)?(\.\d+)?%?$")


class SeriesFileError(ValueError):
    """A file that cannot be charted at all, with what is wrong in one line."""


@dataclass(frozen=True, slots=True)
class SetAside:
    """A row not charted: where it is and why."""

    row: int  # the file's line number, the header being line 1
    column: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Series:
    """The periods and values to chart, in the file's order, and the rows set aside."""

    path: Path
    period_column: str
    measure: str
    points: tuple[tuple[Period, float], ...]
    set_aside: tuple[SetAside, ...]


def read_series(path: Path, measure: str, period_column: str | None = None) -> Series:
    """The ``measure`` column of ``path`` against its periods.

    Periods written YYYY-MM-DD are read as dates (so that their order can be checked);
    anything else (2026-03, 2026Q1, "March") is a label, charted in the file's order.
    """
    rows, header = _rows(path)
    if measure not in header:
        raise _no_column(path, measure, header)
    periods = _period_column(path, header, period_column, measure)
    points: list[tuple[Period, float]] = []
    aside: list[SetAside] = []
    seen: set[Period] = set()
    for line, row in enumerate(rows, start=2):
        period = _period((row.get(periods) or "").strip())
        value = (row.get(measure) or "").strip()
        problem = _problem(period, value, seen, periods, measure)
        if problem:
            aside.append(SetAside(line, *problem))
            continue
        seen.add(period)
        points.append((period, _number(value)))
    if not points:
        raise SeriesFileError(f"{path}: no row has a period and a number in '{measure}' to chart")
    return Series(path, periods, measure, tuple(points), tuple(aside))


def _rows(path: Path) -> tuple[list[dict[str, str]], list[str]]:
    """The file's rows as dictionaries and its header, or one line saying why not."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
            header = [h.strip() for h in reader.fieldnames or []]
    except FileNotFoundError:
        raise SeriesFileError(f"{path}: no such file") from None
    except (UnicodeDecodeError, csv.Error) as error:
        raise SeriesFileError(f"{path}: not a CSV file that can be read ({error})") from None
    if not header:
        raise SeriesFileError(f"{path}: the file is empty; its first line must name the columns")
    stripped = [{(k or "").strip(): v for k, v in row.items()} for row in rows]
    return stripped, header


def _period_column(path: Path, header: list[str], named: str | None, measure: str) -> str:
    """The period column: the one named, else the first called month, period, date..."""
    if named is not None:
        if named not in header:
            raise _no_column(path, named, header)
        return named
    lower = {h.lower(): h for h in header}
    for name in PERIOD_NAMES:
        if name in lower:
            return lower[name]
    others = [h for h in header if h != measure]
    if not others:
        raise SeriesFileError(f"{path}: there is no column of periods beside '{measure}'")
    return others[0]


def _period(text: str) -> Period:
    """A period: a date when written as one, else the label as written."""
    try:
        return dt.date.fromisoformat(text) if len(text) == 10 else text
    except ValueError:
        return text


def _problem(
    period: Period, value: str, seen: set[Period], periods: str, measure: str
) -> tuple[str, str] | None:
    """Why a row cannot be charted (its column and the reason), or None."""
    if period == "":
        return periods, "no period"
    if period in seen:
        return periods, f"the period {period} appears more than once; the first is charted"
    if value == "":
        return measure, f"no value for {period}"
    if not _NUMBER.match(value) or not any(c.isdigit() for c in value):
        return measure, f"'{value}' is not a number"
    return None


def _number(text: str) -> float:
    """A number as people write one: thousands commas allowed, a % sign dropped."""
    return float(text.replace(",", "").rstrip("%"))


def _no_column(path: Path, name: str, header: list[str]) -> SeriesFileError:
    return SeriesFileError(f"{path}: there is no column '{name}' (columns: {', '.join(header)})")
