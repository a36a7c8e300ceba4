"""Rows of the optional ``dash`` table: one Dash risk identification checklist each.

An agency's export of checklists (``shared/spec/agency-template.md``) is recognised by
its header (``victim_person_id``, ``assessed_on``, ``form``). Each row is checked as
event rows are, every problem named by file, row and column: the form must be
SafeLives' 24 questions or the police's 27, each of its questions answered ``Y``,
``N`` or ``NK`` and no more than it asks, the day a whole date, the judgement ``Y`` or
``N``. A good row is scored (:mod:`wholestory.domestic_abuse.dash`) and kept in
``ws_dash``; a bad one is quarantined with its reason, and the rest go in.
"""

from __future__ import annotations

from typing import Final

import polars as pl

from wholestory.domestic_abuse.dash import ANSWERS, FORMS, YES
from wholestory.ingest.row_checks import agency_problems, first, lookup, why
from wholestory.ingest.validation import Checked, Reading, checked
from wholestory.records.dates import date_exprs
from wholestory.records.template import DASH_COLUMNS, DASH_MOST_QUESTIONS, DASH_REQUIRED

QUESTIONS: Final = tuple(f"q{n}" for n in range(1, DASH_MOST_QUESTIONS + 1))
#: Columns of a checklist as ws_dash holds it.
DASH_FIELDS: Final = (
    "agency", "record_id", "event_id", "victim_person_id", "perpetrator_person_id",
    "assessed_on", "form", "answers", "score", "not_known", "professional_judgement",
    "practitioner", "notes", "source_row",
)  # fmt: skip


def validate_dash(chunk: pl.DataFrame, reading: Reading) -> Checked:
    """Validate and score a chunk of the dash table (positional columns plus source_row)."""
    formats = reading.profile.formats_for("assessed_on")
    day = date_exprs(pl.col("assessed_on"), formats, reading.today)
    data = lookup(
        reading.rows(chunk, DASH_COLUMNS),
        "assessed_on",
        {"_day": day.iso, "_precision": day.precision, "_day_problem": day.problem},
    ).with_columns(
        agency=pl.col("agency").str.to_uppercase(),
        form=pl.col("form").str.to_uppercase(),
        professional_judgement=pl.col("professional_judgement").str.to_uppercase(),
        **{q: pl.col(q).str.to_uppercase() for q in QUESTIONS},
    )
    problems = agency_problems(DASH_COLUMNS, DASH_REQUIRED)
    problems["assessed_on"] = first(
        problems["assessed_on"],
        pl.col("_day_problem"),
        why((pl.col("assessed_on") != "") & (pl.col("_precision") != "day"),
            "the day a checklist was completed must be a whole date (YYYY-MM-DD)"),
    )  # fmt: skip
    problems["form"] = first(
        problems["form"],
        why(
            (pl.col("form") != "") & ~pl.col("form").is_in(sorted(FORMS)),
            pl.format("'{}' is not {}", pl.col("form"), pl.lit(" or ".join(FORMS))),
        ),
    )
    for number, q in enumerate(QUESTIONS, start=1):
        problems[q] = first(problems[q], _answer_problem(q, number))
    problems["professional_judgement"] = first(
        problems["professional_judgement"],
        why(~pl.col("professional_judgement").is_in(["", "Y", "N"]),
            pl.format("'{}' is not Y or N", pl.col("professional_judgement"))),
    )  # fmt: skip
    return checked(chunk, reading.header, data, problems, _scored)


def _answer_problem(q: str, number: int) -> pl.Expr:
    """A question the form asks must be answered Y, N or NK; one it does not ask, left empty."""
    asked = pl.col("form").replace_strict(FORMS, default=0, return_dtype=pl.Int64) >= number
    answer = pl.col(q)
    return (
        pl.when(asked & ~answer.is_in(sorted(ANSWERS)))
        .then(
            pl.when(answer == "")
            .then(pl.format("required by {}, but empty", pl.col("form")))
            .otherwise(pl.format("'{}' is not Y, N or NK", answer))
        )
        .when(~asked & (answer != "") & pl.col("form").is_in(sorted(FORMS)))
        .then(pl.format("{} asks no question {}", pl.col("form"), pl.lit(number)))
    )


def _scored(good: pl.DataFrame) -> pl.DataFrame:
    """Good rows as ws_dash holds them: the answers in order, their score and not-knowns."""
    asked = pl.col("form").replace_strict(FORMS, default=0, return_dtype=pl.Int64)
    answers = pl.concat_str(
        [pl.when(asked >= n).then(pl.col(q)) for n, q in enumerate(QUESTIONS, start=1)],
        separator=",",
        ignore_nulls=True,
    )
    return good.with_columns(
        answers=answers,
        score=pl.sum_horizontal(pl.col(q) == YES for q in QUESTIONS).cast(pl.Int64),
        not_known=pl.sum_horizontal(pl.col(q) == "NK" for q in QUESTIONS).cast(pl.Int64),
        professional_judgement=pl.col("professional_judgement") == "Y",
        assessed_on=pl.col("_day"),
        event_id=pl.when(pl.col("event_id") != "").then(pl.col("event_id")),
        perpetrator_person_id=pl.when(pl.col("perpetrator_person_id") != "").then(
            pl.col("perpetrator_person_id")
        ),
    ).select(DASH_FIELDS)
