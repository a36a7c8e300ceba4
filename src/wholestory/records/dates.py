"""Partial and approximate dates, parsed a column at a time.

Agencies often know only the month or the year of an event, and sometimes
only roughly (``~2014``). The chronology must show the precision it was given,
so a date is kept as an ISO prefix (``2014``, ``2014-03``, ``2014-03-09``) with
its precision and an "approximate" mark, plus the first day of the period for
sorting. Parsing is built as Polars expressions so that ingest validates a
whole chunk in one pass.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

import polars as pl

#: The template's own formats, most precise first.
TEMPLATE_FORMATS: Final[tuple[str, ...]] = ("%Y-%m-%d", "%Y-%m", "%Y")

EARLIEST_YEAR: Final = 1900
_NULL_STR: Final = pl.lit(None, dtype=pl.String)


def precision_of(fmt: str) -> str:
    """The precision a strftime format carries: ``day``, ``month`` or ``year``."""
    if "%d" in fmt or "%e" in fmt:
        return "day"
    if any(code in fmt for code in ("%m", "%b", "%B")):
        return "month"
    return "year"


def precision_of_iso(text: str) -> str:
    """The precision of a stored ISO date prefix: its length says it."""
    return {4: "year", 7: "month"}.get(len(text), "day")


@dataclass(frozen=True)
class DateExprs:
    """Expressions for one date column; each gives one value per row."""

    iso: pl.Expr  # "2014-03-09", "2014-03", "2014", or null
    precision: pl.Expr  # "day" | "month" | "year" | null
    approximate: pl.Expr  # bool
    start: pl.Expr  # pl.Date: first day of the period, for sorting; null when not usable
    problem: pl.Expr  # null when fine or empty, else a plain-English reason


def _parse_one_format(body: pl.Expr, fmt: str) -> pl.Expr:
    """Parse with one format; partial formats get a day (and month) supplied."""
    precision = precision_of(fmt)
    if precision == "day":
        return body.str.to_date(fmt, strict=False)
    prefix, pad = ("01|", "%d|") if precision == "month" else ("01|01|", "%d|%m|")
    return (pl.lit(prefix) + body).str.to_date(pad + fmt, strict=False)


def date_exprs(
    column: pl.Expr, formats: tuple[str, ...] = TEMPLATE_FORMATS, today: dt.date | None = None
) -> DateExprs:
    """Expressions that parse a column of date text, trying each format in turn.

    Empty cells give nulls and no problem: whether a date is required is the
    caller's decision. A cell that no format reads, or that names a day that
    does not exist (30 February), or lies in the future or before 1900, gets a
    problem that says so in words a practitioner can act on.
    """
    today = today or dt.date.today()
    text = column.cast(pl.String).str.strip_chars()
    empty = text.is_null() | (text == "")
    body = text.str.strip_prefix("~").str.strip_chars()
    attempts = [(_parse_one_format(body, fmt), precision_of(fmt)) for fmt in formats]
    start = pl.coalesce([parsed for parsed, _ in attempts])
    precision: pl.Expr = _NULL_STR
    for parsed, level in reversed(attempts):
        precision = pl.when(parsed.is_not_null()).then(pl.lit(level)).otherwise(precision)
    problem = (
        pl.when(empty)
        .then(_NULL_STR)
        .when(start.is_null())
        .then(pl.format("'{}' is not a real date (expected {})", text, pl.lit(describe(formats))))
        .when(start.dt.year() < EARLIEST_YEAR)
        .then(pl.format("'{}' is before {}", text, pl.lit(EARLIEST_YEAR)))
        .when(start > pl.lit(today))
        .then(pl.format("'{}' is in the future", text))
        .otherwise(_NULL_STR)
    )
    ok = problem.is_null() & ~empty
    iso = (
        pl.when(ok & (precision == "day"))
        .then(start.dt.strftime("%Y-%m-%d"))
        .when(ok & (precision == "month"))
        .then(start.dt.strftime("%Y-%m"))
        .when(ok)
        .then(start.dt.strftime("%Y"))
        .otherwise(_NULL_STR)
    )
    return DateExprs(
        iso=iso,
        precision=pl.when(ok).then(precision),
        approximate=(ok & text.str.starts_with("~")).fill_null(False),
        start=pl.when(ok).then(start),
        problem=problem,
    )


@dataclass(frozen=True)
class ParsedDates:
    """A column of dates, parsed: the values of :class:`DateExprs` for a Series."""

    iso: pl.Series
    precision: pl.Series
    approximate: pl.Series
    start: pl.Series
    problem: pl.Series


def parse_dates(
    raw: pl.Series, formats: tuple[str, ...] = TEMPLATE_FORMATS, today: dt.date | None = None
) -> ParsedDates:
    """Parse a Series of date text (see :func:`date_exprs`)."""
    exprs = date_exprs(pl.col("d"), formats, today)
    out = pl.DataFrame({"d": raw}).select(
        iso=exprs.iso,
        precision=exprs.precision,
        approximate=exprs.approximate,
        start=exprs.start,
        problem=exprs.problem,
    )
    return ParsedDates(*(out[name] for name in out.columns))


def describe(formats: tuple[str, ...]) -> str:
    """Formats as a person reads them: ``YYYY-MM-DD, YYYY-MM or YYYY``."""
    readable = [
        f.replace("%Y", "YYYY").replace("%m", "MM").replace("%d", "DD").replace("%b", "Mon")
        for f in formats
    ]
    if len(readable) == 1:
        return readable[0]
    return ", ".join(readable[:-1]) + " or " + readable[-1]
