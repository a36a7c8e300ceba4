"""Rows of the optional ``needs`` table: one communication, information or engagement
need of one person each (``shared/spec/agency-template.md``, issue 14).

Recognised by its header (``need`` and ``recorded_on``, no ``event_date``). Each row is
checked as event rows are, every problem named by file, row and column: the need one
the template names, its detail given where the need means nothing without it (the
language of an interpreter, how to make contact, what to avoid), the days whole dates
and the review not before the recording. A good row is kept in ``ws_need``; a bad one
is quarantined with its reason, and the rest go in.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from wholestory.engagement import words
from wholestory.ingest.row_checks import agency_problems, first, lookup, why
from wholestory.ingest.validation import Checked, Reading, checked
from wholestory.records.dates import date_exprs
from wholestory.records.template import (
    NEEDS,
    NEEDS_COLUMNS,
    NEEDS_REQUIRED,
    NEEDS_WITH_DETAIL,
)
from wholestory.store.needs import NEED_FIELDS


def validate_needs(chunk: pl.DataFrame, reading: Reading) -> Checked:
    """Validate a chunk of the needs table (positional columns plus source_row)."""
    data = reading.rows(chunk, NEEDS_COLUMNS)
    for column, latest in (("recorded_on", reading.today), ("review_on", dt.date.max)):
        # A need is recorded on a day gone by; its review is planned, so any day ahead will do.
        day = date_exprs(pl.col(column), reading.profile.formats_for(column), latest)
        data = lookup(
            data,
            column,
            {f"_{column}": day.iso, f"_{column}_precision": day.precision,
             f"_{column}_problem": day.problem},
        )  # fmt: skip
    data = data.with_columns(
        agency=pl.col("agency").str.to_uppercase(), need=pl.col("need").str.to_uppercase()
    )
    problems = agency_problems(NEEDS_COLUMNS, NEEDS_REQUIRED)
    problems["need"] = first(
        problems["need"],
        why((pl.col("need") != "") & ~pl.col("need").is_in(NEEDS),
            pl.format("'{}' is not a need the template names ({})", pl.col("need"),
                      pl.lit(", ".join(NEEDS)))),
    )  # fmt: skip
    problems["detail"] = first(problems["detail"], _detail_missing())
    for column in ("recorded_on", "review_on"):
        problems[column] = first(
            problems[column],
            pl.col(f"_{column}_problem"),
            why((pl.col(column) != "") & (pl.col(f"_{column}_precision") != "day"),
                "must be a whole date (YYYY-MM-DD)"),
        )  # fmt: skip
    problems["review_on"] = first(
        problems["review_on"],
        why(pl.col("_review_on") < pl.col("_recorded_on"), "is before the need was recorded"),
    )
    return checked(chunk, reading.header, data, problems, _kept)


def _kept(good: pl.DataFrame) -> pl.DataFrame:
    """Good rows as ws_need holds them: the days as read, no review day when none was given."""
    return good.with_columns(
        recorded_on=pl.col("_recorded_on"),
        review_on=pl.when(pl.col("review_on") != "").then(pl.col("_review_on")),
    ).select(NEED_FIELDS)


def _detail_missing() -> pl.Expr:
    """A need whose detail is what it means must say it (which language, how to make contact)."""
    what = pl.col("need").replace_strict(
        {n: words.DETAIL_LABELS.get(n, words.DETAIL_LABEL).lower() for n in NEEDS_WITH_DETAIL},
        default="",
    )
    return why(
        pl.col("need").is_in(sorted(NEEDS_WITH_DETAIL)) & (pl.col("detail") == ""),
        pl.format("required for {}: it says the {}", pl.col("need"), what),
    )
