"""Rows of the optional ``thrive`` and ``current_view`` tables: a child's THRIVE grouping, or
a Current View, one a row (``shared/spec/agency-template.md``, issue 16).

Both are recognised by their header (``grouping`` or a Current View item's code beside
``recorded_on``, no ``event_date``). Each row is checked as event rows are, every problem
named by file, row and column, and in the words the web form uses: the checks are
``wholestory.thrive``'s own (a grouping THRIVE does not have; whether the child and family
agreed, never assumed; help without goals or a success date; a review not after the day it
was recorded; a rating not on the item's scale). Days must be whole dates, the day recorded
not in the future. A good row is kept; a bad one is quarantined with its reason, and the
rest go in.

A grouping's checks read the row as a whole, so they run row by row (these tables are a
few thousand rows, not millions); a rating's are read once per distinct answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Final

import polars as pl

from wholestory.ingest.row_checks import agency_problems, first, lookup, why
from wholestory.ingest.validation import Checked, Reading, checked
from wholestory.records.dates import date_exprs
from wholestory.records.template import (
    CURRENT_VIEW_COLUMNS,
    CURRENT_VIEW_ITEMS,
    CURRENT_VIEW_REQUIRED,
    THRIVE_COLUMNS,
)
from wholestory.store.thrive import CURRENT_VIEW_FIELDS, GROUPING_FIELDS
from wholestory.thrive.current_view import NOT_KNOWN, PART_OF, PARTS, item_fault
from wholestory.thrive.groupings import LABELS, Grouping, faults
from wholestory.thrive.vocabulary import AGREEMENT, GROUPINGS, code_of

#: Columns of a grouping that must be filled before thrive's checks can read the row; the
#: rest (the reason, the child's view, whether they agreed, the goals) are thrive's to ask.
_FILLED: Final = ("agency", "record_id", "person_id", "grouping", "recorded_on", "review_on")
#: How far ahead each day may be: a grouping is recorded on a day gone by; its review and
#: the day success is due are planned.
_LATEST: Final = {"recorded_on": None, "review_on": dt.date.max, "success_by": dt.date.max}
_STRING: Final = pl.String


def validate_thrive(chunk: pl.DataFrame, reading: Reading) -> Checked:
    """Validate a chunk of the thrive table (positional columns plus source_row)."""
    data = _days(reading.rows(chunk, THRIVE_COLUMNS), reading, _LATEST)
    frame = data.with_columns(agency=pl.col("agency").str.to_uppercase()).collect()
    frame = frame.hstack(_grouping_checks(frame))
    problems = agency_problems(THRIVE_COLUMNS, _FILLED)
    for column in _LATEST:
        problems[column] = first(problems[column], _day_problem(column))
    for field in (f for f in LABELS if f in problems):
        problems[field] = first(problems[field], pl.col(f"_f_{field}"))
    return checked(chunk, reading.header, frame.lazy(), problems, _grouping_kept)


def validate_current_view(chunk: pl.DataFrame, reading: Reading) -> Checked:
    """Validate a chunk of the current_view table (positional columns plus source_row)."""
    data = _days(reading.rows(chunk, CURRENT_VIEW_COLUMNS), reading, {"recorded_on": None})
    frame = data.with_columns(agency=pl.col("agency").str.to_uppercase()).collect()
    problems = agency_problems(CURRENT_VIEW_COLUMNS, CURRENT_VIEW_REQUIRED)
    problems["recorded_on"] = first(problems["recorded_on"], _day_problem("recorded_on"))
    codes: dict[str, pl.Expr] = {}
    for item in CURRENT_VIEW_ITEMS:
        given = frame[item].unique().to_list()
        said = {value: item_fault(item, value) for value in given}
        scale = PARTS[PART_OF[item]][1]
        problems[item] = first(problems[item], _looked_up(item, said))
        codes[f"_c_{item}"] = _looked_up(item, {v: code_of(v, scale) or NOT_KNOWN for v in given})
    frame = frame.with_columns(**codes)
    return checked(chunk, reading.header, frame.lazy(), problems, _view_kept)


def _days(
    data: pl.LazyFrame, reading: Reading, latest: Mapping[str, dt.date | None]
) -> pl.LazyFrame:
    """Each day column read with the agency's formats: ``_<column>`` the whole day (null when
    it is not one), and ``_<column>_problem`` and ``_<column>_whole`` for its checks."""
    for column, last in latest.items():
        day = date_exprs(pl.col(column), reading.profile.formats_for(column), last or reading.today)
        whole = (day.precision == "day") & ~day.approximate
        data = lookup(
            data,
            column,
            {f"_{column}": pl.when(whole).then(day.iso), f"_{column}_problem": day.problem,
             f"_{column}_whole": whole.fill_null(False)},
        )  # fmt: skip
    return data


def _day_problem(column: str) -> pl.Expr:
    return first(
        pl.col(f"_{column}_problem"),
        why((pl.col(column) != "") & ~pl.col(f"_{column}_whole"),
            "must be a whole date (YYYY-MM-DD)"),
    )  # fmt: skip


def _looked_up(column: str, found: Mapping[str, str | None]) -> pl.Expr:
    """What ``found`` says of each cell of ``column`` (null where it says nothing)."""
    return pl.col(column).replace_strict(dict(found), default=None, return_dtype=_STRING)


def _grouping_checks(frame: pl.DataFrame) -> pl.DataFrame:
    """For each row, thrive's fault in each field (``_f_<field>``), and the codes of its
    grouping and agreement (``_grouping``, ``_agreement``): the web form's checks, row by row."""
    fields = [f"_f_{field}" for field in LABELS]
    found: dict[str, list[str | None]] = {name: [] for name in (*fields, "_grouping", "_agreement")}
    for row in frame.iter_rows(named=True):
        grouping = _grouping_of(row)
        said: dict[str, str] = {}
        for fault in faults(grouping, today=dt.date.max):  # the day is checked as a date
            said.setdefault(fault.field, fault.words)
        for field in LABELS:
            found[f"_f_{field}"].append(said.get(field))
        found["_grouping"].append(grouping.grouping)
        found["_agreement"].append(grouping.agreement)
    return pl.DataFrame(found, schema=dict.fromkeys(found, _STRING))


def _grouping_of(row: dict[str, Any]) -> Grouping:
    """The row as a :class:`Grouping`, codes read from codes or THRIVE's words. A day that
    cannot be read is one its own check refuses; here it stands at the edge of time, so
    that it brings no second fault about the order of days."""
    success = _day_or(row, "success_by", dt.date.max) if row["success_by"] else None
    return Grouping(
        person=row["person_id"],
        grouping=code_of(row["grouping"], GROUPINGS) or row["grouping"],
        recorded_on=_day_or(row, "recorded_on", dt.date.min),
        recorded_by=row["practitioner"],
        agency=row["agency"],
        reason=row["reason"],
        childs_view=row["childs_view"],
        agreement=code_of(row["agreement"], AGREEMENT) or row["agreement"],
        review_on=_day_or(row, "review_on", dt.date.max),
        goals=row["goals"],
        success_by=success,
    )


def _day_or(row: dict[str, Any], column: str, otherwise: dt.date) -> dt.date:
    value = row[f"_{column}"]
    return dt.date.fromisoformat(value) if value else otherwise


def _grouping_kept(good: pl.DataFrame) -> pl.DataFrame:
    """Good rows as ws_thrive_grouping holds them: codes and days as read, no success day
    when none was given."""
    return good.with_columns(
        grouping=pl.col("_grouping"),
        agreement=pl.col("_agreement"),
        recorded_on=pl.col("_recorded_on"),
        review_on=pl.col("_review_on"),
        success_by=pl.col("_success_by"),
    ).select(GROUPING_FIELDS)


def _view_kept(good: pl.DataFrame) -> pl.DataFrame:
    """Good rows as ws_thrive_current_view holds them: every item's answer, by part, as JSON."""
    parts = [
        pl.struct(pl.col(f"_c_{code}").alias(code) for code in items).alias(name)
        for name, (items, _) in PARTS.items()
    ]
    return good.with_columns(
        recorded_on=pl.col("_recorded_on"), answers=pl.struct(parts).struct.json_encode()
    ).select(CURRENT_VIEW_FIELDS)
