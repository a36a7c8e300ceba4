"""Row validation: every row is either accepted (normalised) or rejected with reasons.

Rules, in the words the quarantine shows:

* a required value that is empty, an ``event_date`` that is not a real date,
  a ``date_of_death`` that is not a whole, real, past day, a ``restricted``
  value that is not a restricted category code, a role or event type outside
  the vocabulary, or a cell longer than the limit rejects the row: the agency
  has to correct it, and the row waits in quarantine with its reason;
* an optional identity value that fails its check (date of birth, NHS number,
  UPN, postcode, time) does not reject the row: the value is kept as recorded
  but not trusted, and the row carries a warning. Losing a whole event because
  of a mistyped NHS number would hide part of a child's story.

A chunk is validated in one Polars query: ingest speed depends on it. The
checks are in :mod:`wholestory.ingest.row_checks`, and the accepted rows are
put in the store's shape by :mod:`wholestory.ingest.normalising`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

import polars as pl

from wholestory.ingest.confidential import confidential_problem, hide_in_raw
from wholestory.ingest.limits import Limits, cut_cell
from wholestory.ingest.normalising import PROVENANCE_KEYS, RECORD_FIELDS, normalise_events
from wholestory.ingest.profiles import Profile
from wholestory.ingest.row_checks import (
    agency_problems,
    common_problems,
    death_problem,
    first,
    lookup,
    prepared,
    restricted_problem,
    split,
    why,
)
from wholestory.records.dates import date_exprs
from wholestory.records.template import (
    AGENCY_CODE,
    COLUMNS,
    DEFAULT_ROLE,
    EVENT_TYPES,
    RELATIONSHIP_COLUMNS,
    RELATIONSHIPS,
    REQUIRED,
    ROLES,
)
from wholestory.store.imports import Held

#: The store's row shapes, kept importable from here where callers import them.
__all__ = [
    "CUT_NOTE",
    "PROVENANCE_KEYS",
    "RECORD_FIELDS",
    "RELATIONSHIP_FIELDS",
    "Checked",
    "Rejection",
    "mapped_frame",
    "raw_json",
    "validate_events",
    "validate_relationships",
]

RELATIONSHIP_FIELDS: Final[tuple[str, ...]] = (*RELATIONSHIP_COLUMNS, "source_row")


@dataclass(frozen=True)
class Rejection:
    """A row that cannot go in: where it is, what is wrong, and what it said."""

    row: int
    columns: str
    reason: str
    raw: str  # JSON object of the row as read, keyed by the file's own headers
    agency: str | None = None  # so that a corrected row arriving later resolves it
    record_id: str | None = None

    @property
    def raw_hash(self) -> str:
        return hashlib.blake2b(self.raw.encode(), digest_size=16).hexdigest()

    def held(self) -> Held:
        """The row as the quarantine stores it.

        The agency is kept only when it is a valid code: only then can a
        corrected row resolve the hold, and a long invalid one would not fit.
        """
        return (
            self.row,
            self.columns,
            self.reason,
            self.raw,
            self.raw_hash,
            self.agency if self.agency and re.match(AGENCY_CODE, self.agency) else None,
            self.record_id or None,
        )


@dataclass(frozen=True)
class Checked:
    """The outcome of validating a chunk."""

    good: pl.DataFrame
    rejected: list[Rejection]
    warnings: int


#: The key of the note in a quarantined row that says which cells were cut.
CUT_NOTE: Final = "WholeStory note"


def raw_json(header: list[str], cells: Sequence[str | None], limits: Limits | None = None) -> str:
    """A row as read, keyed by the file's own headers, for the quarantine.

    A cell over the cell limit is kept cut short, and the note under
    :data:`CUT_NOTE` says so: the quarantine must not keep what the limit refused.
    """
    limits = limits or Limits.from_environment()
    keys = [h or f"column {i + 1}" for i, h in enumerate(header)]
    extra = [f"column {i + 1}" for i in range(len(header), len(cells))]
    row: dict[str, str] = {}
    notes: list[str] = []
    for key, cell in zip(keys + extra, cells, strict=False):
        row[key], note = cut_cell("" if cell is None else cell, limits)
        if note:
            notes.append(f"{key}: {note}")
    if notes:
        row[CUT_NOTE] = "cut for the quarantine: " + "; ".join(notes)
    return json.dumps(row, ensure_ascii=False)


def mapped_frame(chunk: pl.DataFrame, mapping: dict[int, str]) -> pl.DataFrame:
    """The chunk's positional columns renamed to template columns (unmapped ones dropped)."""
    return chunk.select(
        *(pl.col(f"c{i}").alias(column) for i, column in mapping.items()), pl.col("source_row")
    )


@dataclass(frozen=True)
class Reading:
    """How one file is read: its header as written, which of its columns is which template
    column, the agency's profile, and the day dates are checked against."""

    header: list[str]
    mapping: dict[int, str]
    profile: Profile
    today: dt.date

    def rows(self, chunk: pl.DataFrame, columns: tuple[str, ...]) -> pl.LazyFrame:
        """The chunk in the template's ``columns``: trimmed, constants filled, codes mapped."""
        return prepared(mapped_frame(chunk, self.mapping), self.profile, columns)


def validate_events(chunk: pl.DataFrame, reading: Reading) -> Checked:
    """Validate and normalise a chunk of event rows (positional columns plus source_row)."""
    profile, today = reading.profile, reading.today
    data = reading.rows(chunk, COLUMNS)
    event_date = date_exprs(pl.col("event_date"), profile.formats_for("event_date"), today)
    data = lookup(
        data,
        "event_date",
        {
            "_event_date": event_date.iso,
            "_event_date_approximate": event_date.approximate,
            "_event_date_start": event_date.start.dt.strftime("%Y-%m-%d"),
            "_event_date_problem": event_date.problem,
        },
    ).with_columns(
        agency=pl.col("agency").str.to_uppercase(),
        role=pl.when(pl.col("role") == "")
        .then(pl.lit(DEFAULT_ROLE))
        .otherwise(pl.col("role").str.to_uppercase()),
        event_type=pl.col("event_type").str.to_uppercase(),
    )
    problems = agency_problems(
        COLUMNS, REQUIRED, "an agency code is letters, digits and _ such as CSC"
    )
    problems["event_date"] = first(problems["event_date"], pl.col("_event_date_problem"))
    problems["role"] = first(
        problems["role"],
        why(
            ~pl.col("role").is_in(sorted(ROLES)),
            pl.format("'{}' is not a role in the template", pl.col("role")),
        ),
    )
    problems["event_type"] = first(
        problems["event_type"],
        why(
            (pl.col("event_type") != "") & ~pl.col("event_type").is_in(sorted(EVENT_TYPES)),
            pl.format("'{}' is not an event type in the template vocabulary", pl.col("event_type")),
        ),
    )
    problems["date_of_death"] = first(problems["date_of_death"], death_problem(profile, today))
    problems["restricted"] = first(problems["restricted"], restricted_problem())
    problems["address_confidential"] = first(
        problems["address_confidential"], confidential_problem()
    )
    good, verdicts = split(data, problems)
    rejected = rejections(chunk, reading.header, verdicts, reading.mapping)
    normalised, warnings = normalise_events(good, profile, today)
    return Checked(good=normalised, rejected=rejected, warnings=warnings)


def validate_relationships(chunk: pl.DataFrame, reading: Reading) -> Checked:
    """Validate a chunk of the optional relationships table."""
    data = reading.rows(chunk, RELATIONSHIP_COLUMNS).with_columns(
        agency=pl.col("agency").str.to_uppercase(),
        relationship=pl.col("relationship").str.to_uppercase(),
    )
    relationship = pl.col("relationship")
    problems = common_problems(RELATIONSHIP_COLUMNS, RELATIONSHIP_COLUMNS)
    problems["relationship"] = first(
        problems["relationship"],
        why(
            (relationship != "") & ~relationship.is_in(sorted(RELATIONSHIPS)),
            pl.format("'{}' is not a relationship in the template", relationship),
        ),
    )
    keep = lambda good: good.select(RELATIONSHIP_FIELDS)  # noqa: E731
    return checked(chunk, reading.header, data, problems, keep)


def checked(
    chunk: pl.DataFrame,
    header: list[str],
    data: pl.LazyFrame,
    problems: dict[str, pl.Expr],
    keep: Callable[[pl.DataFrame], pl.DataFrame],
) -> Checked:
    """Good rows as ``keep`` makes them for their table, bad ones with their cells as read:
    how every table but events ends its checks (none of them only warns)."""
    good, verdicts = split(data, problems)
    return Checked(good=keep(good), rejected=rejections(chunk, header, verdicts, {}), warnings=0)


def rejections(
    chunk: pl.DataFrame, header: list[str], bad: pl.DataFrame, mapping: dict[int, str]
) -> list[Rejection]:
    """Rejected rows, with their cells as read (looked up by source row).

    A row that says its address is confidential keeps it out of quarantine too.
    """
    if bad.is_empty():
        return []
    originals = chunk.join(bad.select("source_row"), on="source_row", how="semi")
    cells = {row[-1]: list(row[:-1]) for row in originals.rows()}
    if "address_confidential" in bad.columns:
        for row, said in bad.select("source_row", "address_confidential").rows():
            cells[row] = hide_in_raw(cells[row], mapping, str(said or ""))
    keys = bad.select(
        pl.col("agency") if "agency" in bad.columns else pl.lit(None, dtype=pl.String),
        pl.col("record_id") if "record_id" in bad.columns else pl.lit(None, dtype=pl.String),
    ).rows()
    return [
        Rejection(
            row=row,
            columns=columns,
            reason=reason,
            raw=raw_json(header, cells[row]),
            agency=agency,
            record_id=record_id,
        )
        for (row, columns, reason), (agency, record_id) in zip(
            bad.select("source_row", "_columns", "_reason").rows(), keys, strict=True
        )
    ]
