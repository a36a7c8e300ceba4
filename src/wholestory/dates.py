"""Partial and approximate dates, parsed a column at a time.

Agencies often know only the month or the year of an event, and sometimes
only roughly (``~2014``). The chronology must show the precision it was given,
so a date is kept as an ISO prefix (``2014``, ``2014-03``, ``2014-03-09``) with
its precision and an "approximate" mark, plus the first day of the period for
sorting. Parsing is vectorised with Polars because ingest handles hundreds of
thousands of rows a second.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

import polars as pl

#: The template's own formats, most precise first.
TEMPLATE_FORMATS: Final[tuple[str, ...]] = ("%Y-%m-%d", "%Y-%m", "%Y")

EARLIEST_YEAR: Final = 1900

_ISO_BY_PRECISION: Final[dict[str, str]] = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}


def precision_of(fmt: str) -> str:
    """The precision a strftime format carries: ``day``, ``month`` or ``year``."""
    if "%d" in fmt or "%e" in fmt:
        return "day"
    if any(code in fmt for code in ("%m", "%b", "%B")):
        return "month"
    return "year"


@dataclass(frozen=True)
class ParsedDates:
    """A column of dates, parsed. Every series has one value per input row."""

    iso: pl.Series  # "2014-03-09", "2014-03", "2014", or null
    precision: pl.Series  # "day" | "month" | "year" | null
    approximate: pl.Series  # bool
    start: pl.Series  # pl.Date: first day of the period, for sorting
    problem: pl.Series  # null when fine or empty, else a plain-English reason


def _parse_one_format(body: pl.Series, fmt: str) -> pl.Series:
    """Parse with one format; partial formats get a day (and month) supplied."""
    precision = precision_of(fmt)
    if precision == "day":
        return body.str.to_date(fmt, strict=False)
    prefix, pad = ("01|", "%d|") if precision == "month" else ("01|01|", "%d|%m|")
    return (prefix + body).str.to_date(pad + fmt, strict=False)


def parse_dates(
    raw: pl.Series,
    formats: tuple[str, ...] = TEMPLATE_FORMATS,
    today: dt.date | None = None,
) -> ParsedDates:
    """Parse a column of date text, trying each format in turn.

    Empty cells give nulls and no problem: whether a date is required is the
    caller's decision. A cell that no format reads, or that names a day that
    does not exist (30 February), or lies in the future or before 1900, gets a
    problem that says so in words a practitioner can act on.
    """
    today = today or dt.date.today()
    text = raw.cast(pl.String).str.strip_chars()
    empty = text.is_null() | (text == "")
    approximate = text.str.starts_with("~").fill_null(False)
    body = text.str.strip_prefix("~").str.strip_chars()

    start = pl.Series(raw.name, [None] * len(raw), dtype=pl.Date)
    precision = pl.Series(raw.name, [None] * len(raw), dtype=pl.String)
    for fmt in formats:
        parsed = _parse_one_format(body, fmt)
        newly = start.is_null() & parsed.is_not_null()
        start = pl.select(pl.when(newly).then(parsed).otherwise(start)).to_series()
        precision = pl.select(
            pl.when(newly).then(pl.lit(precision_of(fmt))).otherwise(precision)
        ).to_series()

    frame = pl.DataFrame(
        {"text": text, "empty": empty, "start": start, "precision": precision}
    )
    year = pl.col("start").dt.year()
    problem = frame.select(
        pl.when(pl.col("empty"))
        .then(pl.lit(None, dtype=pl.String))
        .when(pl.col("start").is_null())
        .then(
            pl.format(
                "'{}' is not a real date (expected {})",
                pl.col("text"),
                pl.lit(_describe_formats(formats)),
            )
        )
        .when(year < EARLIEST_YEAR)
        .then(pl.format("'{}' is before {}", pl.col("text"), pl.lit(EARLIEST_YEAR)))
        .when(pl.col("start") > pl.lit(today))
        .then(pl.format("'{}' is in the future", pl.col("text")))
        .otherwise(pl.lit(None, dtype=pl.String))
    ).to_series()

    ok = problem.is_null() & ~empty
    iso = frame.select(
        pl.when(pl.lit(ok))
        .then(
            pl.when(pl.col("precision") == "day")
            .then(pl.col("start").dt.strftime(_ISO_BY_PRECISION["day"]))
            .when(pl.col("precision") == "month")
            .then(pl.col("start").dt.strftime(_ISO_BY_PRECISION["month"]))
            .otherwise(pl.col("start").dt.strftime(_ISO_BY_PRECISION["year"]))
        )
        .otherwise(pl.lit(None, dtype=pl.String))
    ).to_series()
    keep = pl.Series(ok)
    return ParsedDates(
        iso=iso,
        precision=pl.select(pl.when(keep).then(precision)).to_series(),
        approximate=approximate & keep,
        start=pl.select(pl.when(keep).then(start)).to_series(),
        problem=problem,
    )


def _describe_formats(formats: tuple[str, ...]) -> str:
    """Formats as a person reads them: ``YYYY-MM-DD, YYYY-MM or YYYY``."""
    readable = [
        f.replace("%Y", "YYYY").replace("%m", "MM").replace("%d", "DD").replace("%b", "Mon")
        for f in formats
    ]
    if len(readable) == 1:
        return readable[0]
    return ", ".join(readable[:-1]) + " or " + readable[-1]
