"""The Polars expressions that find what is wrong with a row, shared by every kind of table.

Each check is an expression giving the reason a cell cannot be used, or null;
:func:`split` evaluates them all in one query and separates good rows from bad.
Expensive per-value parsing goes through :func:`lookup`, once per distinct value.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import polars as pl

from wholestory.ingest.limits import Limits
from wholestory.ingest.profiles import Profile
from wholestory.records.dates import date_exprs
from wholestory.records.template import (
    AGENCY_CODE,
    RESTRICTED_CODE,
    RESTRICTED_GENERIC,
    RESTRICTED_NO,
    RESTRICTED_YES,
)

NULL_STR: Final = pl.lit(None, dtype=pl.String)


def prepared(frame: pl.DataFrame, profile: Profile, columns: tuple[str, ...]) -> pl.LazyFrame:
    """Trimmed text, constants and missing columns filled, codes mapped onto ours."""
    exprs: list[pl.Expr] = []
    for column in columns:
        base = (
            pl.col(column).cast(pl.String).str.strip_chars()
            if column in frame.columns
            else pl.lit("", dtype=pl.String)
        )
        if column in profile.constants:
            base = (
                pl.when(base.is_null() | (base == ""))
                .then(pl.lit(profile.constants[column]))
                .otherwise(base)
            )
        code_map = profile.codes.get(column)
        if code_map:
            base = base.str.to_uppercase().replace_strict(code_map, default=base)
        exprs.append(base.fill_null("").alias(column))
    return frame.lazy().select(*exprs, pl.col("source_row").cast(pl.Int64))


def why(condition: pl.Expr, message: pl.Expr | str) -> pl.Expr:
    """The reason ``message`` where ``condition`` holds, else null: one check on a cell."""
    text = pl.lit(message) if isinstance(message, str) else message
    return pl.when(condition).then(text).otherwise(NULL_STR)


def first(*problems: pl.Expr) -> pl.Expr:
    """The first reason among a cell's checks, so a row shows one reason per column."""
    return pl.coalesce(problems) if len(problems) > 1 else problems[0]


def common_problems(columns: tuple[str, ...], required: tuple[str, ...]) -> dict[str, pl.Expr]:
    """Oversized cells and empty required values, for any kind of table."""
    problems: dict[str, pl.Expr] = {}
    most = Limits.from_environment().max_cell_chars
    for column in columns:
        checks = [why(pl.col(column).str.len_chars() > most, f"longer than {most:,} characters")]
        if column in required:
            checks.append(why(pl.col(column) == "", "required, but empty"))
        problems[column] = first(*checks)
    return problems


def agency_problems(
    columns: tuple[str, ...],
    required: tuple[str, ...],
    not_a_code: str = "not an agency code (POLICE, GP, ...)",
) -> dict[str, pl.Expr]:
    """:func:`common_problems`, and an agency that is not a code (why: ``not_a_code``): how
    every table of agencies' records begins its checks."""
    problems = common_problems(columns, required)
    problems["agency"] = first(
        problems["agency"], why(~pl.col("agency").str.contains(AGENCY_CODE), not_a_code)
    )
    return problems


def verdict(problems: dict[str, pl.Expr]) -> tuple[pl.Expr, pl.Expr]:
    """The columns at fault and the reasons, joined; empty strings when none."""
    columns = pl.concat_str(
        [pl.when(p.is_not_null()).then(pl.lit(name)) for name, p in problems.items()],
        separator=", ",
        ignore_nulls=True,
    )
    reasons = pl.concat_str(
        [pl.format("{}: {}", pl.lit(name), p) for name, p in problems.items()],
        separator="; ",
        ignore_nulls=True,
    )
    return columns, reasons


def lookup(frame: pl.LazyFrame, column: str, outputs: dict[str, pl.Expr]) -> pl.LazyFrame:
    """Compute expensive per-value results once per distinct value, then join them back.

    Dates, NHS numbers and postcodes repeat a great deal within an export, so
    parsing the distinct values is many times cheaper than parsing every row.
    """
    distinct = frame.select(pl.col(column).unique()).select(pl.col(column), **outputs)
    return frame.join(distinct, on=column, how="left", nulls_equal=True)


def split(frame: pl.LazyFrame, problems: dict[str, pl.Expr]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Good rows, and bad rows as (source_row, columns at fault, reasons joined).

    One query finds which rows have problems; the sentences describing them
    are only written for those rows.
    """
    names = [f"_p_{name}" for name in problems]
    flagged = (
        frame.with_columns(**{f"_p_{name}": expr for name, expr in problems.items()})
        .with_columns(_bad=pl.any_horizontal(pl.col(n).is_not_null() for n in names))
        .collect()
    )
    good = flagged.filter(~pl.col("_bad")).drop(*names, "_bad")
    columns, reasons = verdict({name: pl.col(f"_p_{name}") for name in problems})
    # The keys resolve a later correction; the mark keeps a confidential address out of
    # the quarantined row (wholestory.ingest.confidential.hide_in_raw).
    keys = [c for c in ("agency", "record_id", "address_confidential") if c in flagged.columns]
    bad = flagged.filter(pl.col("_bad")).select(
        "source_row", *keys, _columns=columns, _reason=reasons
    )
    return good, bad


def death_problem(profile: Profile, today: dt.date) -> pl.Expr:
    """Why a ``date_of_death`` cannot be used, or null: it must be a real, whole, past day.

    A death ends a chronology (it is read as of that day), so an unreadable,
    partial or approximate date rejects the row rather than being kept untrusted.
    """
    death = date_exprs(pl.col("date_of_death"), profile.formats_for("date_of_death"), today)
    text = pl.col("date_of_death")
    return first(
        death.problem,
        why(
            (text != "") & ((death.precision != "day") | death.approximate),
            pl.format("'{}' is not a whole date of death (expected YYYY-MM-DD)", text),
        ),
    )


def restricted_code() -> pl.Expr:
    """The ``restricted`` cell as the store holds it: a code, or null for an ordinary record.

    Codes are read whatever their case (``sexual_health`` is ``SEXUAL_HEALTH``);
    a yes (``yes``, ``y``, ``true``, ``1``) is :data:`RESTRICTED_GENERIC`;
    blank or a no (``no``, ``n``, ``false``, ``0``) is an ordinary record.
    """
    said = pl.col("restricted").str.to_uppercase()
    return (
        pl.when((said == "") | said.is_in(sorted(RESTRICTED_NO)))
        .then(NULL_STR)
        .when(said.is_in(sorted(RESTRICTED_YES)))
        .then(pl.lit(RESTRICTED_GENERIC))
        .otherwise(said)
    )


def restricted_problem() -> pl.Expr:
    """Why a ``restricted`` value cannot be used, or null: it must be a code, a yes or a no.

    A value that is none of these ("maybe?", "sexual health") rejects the row:
    read as ordinary, a record the agency meant to restrict would be shown to
    other agencies; read as restricted, the agency's intent is guessed. The
    agency says which it is. Any well-formed code restricts the record, so a
    misspelt category still keeps it to the agency that recorded it.
    """
    code = restricted_code()
    return why(
        code.is_not_null() & ~code.str.contains(RESTRICTED_CODE),
        pl.format(
            "'{}' is not a restricted category code (letters, digits and _ such as "
            "SEXUAL_HEALTH, or yes; blank for an ordinary record)",
            pl.col("restricted"),
        ),
    )
