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

A chunk is validated in one Polars query: ingest speed depends on it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import polars as pl

from wholestory.classify import classify
from wholestory.dates import date_exprs
from wholestory.identifiers import nhs_exprs, postcode_exprs, upn_exprs
from wholestory.ingest.limits import Limits, cut_cell
from wholestory.profiles import Profile
from wholestory.store.imports import Held
from wholestory.template import (
    AGENCY_CODE,
    COLUMNS,
    DEFAULT_ROLE,
    EVENT_TYPES,
    RELATIONSHIP_COLUMNS,
    RELATIONSHIPS,
    REQUIRED,
    RESTRICTED_CODE,
    RESTRICTED_GENERIC,
    RESTRICTED_NO,
    RESTRICTED_YES,
    ROLES,
    SEXES,
)

_TIME_RE: Final = r"^([01]?[0-9]|2[0-3]):([0-5][0-9])(:[0-5][0-9])?$"
_NULL_STR: Final = pl.lit(None, dtype=pl.String)

#: Columns of a validated event row, as the store holds them.
RECORD_FIELDS: Final[tuple[str, ...]] = (
    "agency",
    "record_id",
    "person_id",
    "given_name",
    "family_name",
    "other_names",
    "date_of_birth",
    "sex",
    "nhs_number",
    "upn",
    "postcode",
    "address",
    "role",
    "event_id",
    "event_date",
    "event_date_approximate",
    "event_date_start",
    "event_time",
    "event_type",
    "event_type_inferred",
    "summary",
    "action",
    "outcome",
    "practitioner",
    "team",
    "date_of_death",
    "restricted",
    "provenance",
    "source_row",
)

#: What a record's ``provenance`` JSON may hold: values as the agency wrote
#: them where they differ from the normalised ones, the rule that inferred an
#: event type, and warnings. Rarely read, so kept out of the row's columns.
PROVENANCE_KEYS: Final[tuple[str, ...]] = (
    "date_of_birth_recorded",
    "nhs_number_recorded",
    "upn_recorded",
    "postcode_recorded",
    "event_date_recorded",
    "event_type_rule",
    "warnings",
)

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


def _prepared(frame: pl.DataFrame, profile: Profile, columns: tuple[str, ...]) -> pl.LazyFrame:
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


def _why(condition: pl.Expr, message: pl.Expr | str) -> pl.Expr:
    text = pl.lit(message) if isinstance(message, str) else message
    return pl.when(condition).then(text).otherwise(_NULL_STR)


def _first(*problems: pl.Expr) -> pl.Expr:
    return pl.coalesce(problems) if len(problems) > 1 else problems[0]


def _common_problems(columns: tuple[str, ...], required: tuple[str, ...]) -> dict[str, pl.Expr]:
    """Oversized cells and empty required values, for any kind of table."""
    problems: dict[str, pl.Expr] = {}
    most = Limits.from_environment().max_cell_chars
    for column in columns:
        checks = [_why(pl.col(column).str.len_chars() > most, f"longer than {most:,} characters")]
        if column in required:
            checks.append(_why(pl.col(column) == "", "required, but empty"))
        problems[column] = _first(*checks)
    return problems


def _verdict(problems: dict[str, pl.Expr]) -> tuple[pl.Expr, pl.Expr]:
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


def _lookup(frame: pl.LazyFrame, column: str, outputs: dict[str, pl.Expr]) -> pl.LazyFrame:
    """Compute expensive per-value results once per distinct value, then join them back.

    Dates, NHS numbers and postcodes repeat a great deal within an export, so
    parsing the distinct values is many times cheaper than parsing every row.
    """
    distinct = frame.select(pl.col(column).unique()).select(pl.col(column), **outputs)
    return frame.join(distinct, on=column, how="left", nulls_equal=True)


def _split(frame: pl.LazyFrame, problems: dict[str, pl.Expr]) -> tuple[pl.DataFrame, pl.DataFrame]:
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
    columns, reasons = _verdict({name: pl.col(f"_p_{name}") for name in problems})
    keys = [c for c in ("agency", "record_id") if c in flagged.columns]
    bad = flagged.filter(pl.col("_bad")).select(
        "source_row", *keys, _columns=columns, _reason=reasons
    )
    return good, bad


def validate_events(
    chunk: pl.DataFrame,
    header: list[str],
    mapping: dict[int, str],
    profile: Profile,
    today: dt.date,
) -> Checked:
    """Validate and normalise a chunk of event rows (positional columns plus source_row)."""
    data = _prepared(mapped_frame(chunk, mapping), profile, COLUMNS)
    event_date = date_exprs(pl.col("event_date"), profile.formats_for("event_date"), today)
    data = _lookup(
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
    problems = _common_problems(COLUMNS, REQUIRED)
    problems["agency"] = _first(
        problems["agency"],
        _why(
            ~pl.col("agency").str.contains(AGENCY_CODE),
            "an agency code is letters, digits and _ such as CSC",
        ),
    )
    problems["event_date"] = _first(problems["event_date"], pl.col("_event_date_problem"))
    problems["role"] = _first(
        problems["role"],
        _why(
            ~pl.col("role").is_in(sorted(ROLES)),
            pl.format("'{}' is not a role in the template", pl.col("role")),
        ),
    )
    problems["event_type"] = _first(
        problems["event_type"],
        _why(
            (pl.col("event_type") != "") & ~pl.col("event_type").is_in(sorted(EVENT_TYPES)),
            pl.format("'{}' is not an event type in the template vocabulary", pl.col("event_type")),
        ),
    )
    problems["date_of_death"] = _first(problems["date_of_death"], _death_problem(profile, today))
    problems["restricted"] = _first(problems["restricted"], _restricted_problem())
    good, verdicts = _split(data, problems)
    rejected = _rejections(chunk, header, verdicts)
    normalised, warnings = _normalise_events(good, profile, today)
    return Checked(good=normalised, rejected=rejected, warnings=warnings)


def _death_problem(profile: Profile, today: dt.date) -> pl.Expr:
    """Why a ``date_of_death`` cannot be used, or null: it must be a real, whole, past day.

    A death ends a chronology (it is read as of that day), so an unreadable,
    partial or approximate date rejects the row rather than being kept untrusted.
    """
    death = date_exprs(pl.col("date_of_death"), profile.formats_for("date_of_death"), today)
    text = pl.col("date_of_death")
    return _first(
        death.problem,
        _why(
            (text != "") & ((death.precision != "day") | death.approximate),
            pl.format("'{}' is not a whole date of death (expected YYYY-MM-DD)", text),
        ),
    )


def _restricted_code() -> pl.Expr:
    """The ``restricted`` cell as the store holds it: a code, or null for an ordinary record.

    Codes are read whatever their case (``sexual_health`` is ``SEXUAL_HEALTH``);
    a yes (``yes``, ``y``, ``true``, ``1``) is :data:`RESTRICTED_GENERIC`;
    blank or a no (``no``, ``n``, ``false``, ``0``) is an ordinary record.
    """
    said = pl.col("restricted").str.to_uppercase()
    return (
        pl.when((said == "") | said.is_in(sorted(RESTRICTED_NO)))
        .then(_NULL_STR)
        .when(said.is_in(sorted(RESTRICTED_YES)))
        .then(pl.lit(RESTRICTED_GENERIC))
        .otherwise(said)
    )


def _restricted_problem() -> pl.Expr:
    """Why a ``restricted`` value cannot be used, or null: it must be a code, a yes or a no.

    A value that is none of these ("maybe?", "sexual health") rejects the row:
    read as ordinary, a record the agency meant to restrict would be shown to
    other agencies; read as restricted, the agency's intent is guessed. The
    agency says which it is. Any well-formed code restricts the record, so a
    misspelt category still keeps it to the agency that recorded it.
    """
    code = _restricted_code()
    return _why(
        code.is_not_null() & ~code.str.contains(RESTRICTED_CODE),
        pl.format(
            "'{}' is not a restricted category code (letters, digits and _ such as "
            "SEXUAL_HEALTH, or yes; blank for an ordinary record)",
            pl.col("restricted"),
        ),
    )


def _normalise_events(
    checked: pl.DataFrame, profile: Profile, today: dt.date
) -> tuple[pl.DataFrame, int]:
    """Accepted rows in the store's shape; untrusted optional values become warnings."""
    dob = date_exprs(pl.col("date_of_birth"), profile.formats_for("date_of_birth"), today)
    nhs, nhs_problem = nhs_exprs(pl.col("nhs_number"))
    postcode, postcode_problem = postcode_exprs(pl.col("postcode"))
    upn, upn_problem = upn_exprs(pl.col("upn"))
    rows = checked.lazy()
    rows = _lookup(
        rows,
        "date_of_birth",
        {"_dob": dob.iso, "_dob_problem": dob.problem},
    )
    death = date_exprs(pl.col("date_of_death"), profile.formats_for("date_of_death"), today)
    rows = _lookup(rows, "date_of_death", {"_death": death.iso})
    rows = _lookup(rows, "nhs_number", {"_nhs": nhs, "_nhs_problem": nhs_problem})
    rows = _lookup(rows, "postcode", {"_postcode": postcode, "_postcode_problem": postcode_problem})
    rows = _lookup(rows, "upn", {"_upn": upn, "_upn_problem": upn_problem})
    time_text = pl.col("event_time")
    time_ok = time_text.str.contains(_TIME_RE)
    warnings: dict[str, pl.Expr] = {
        "date_of_birth": pl.format(
            "{}; kept as recorded, not used to match people", pl.col("_dob_problem")
        ),
        "nhs_number": pl.col("_nhs_problem"),
        "upn": pl.col("_upn_problem"),
        "postcode": pl.col("_postcode_problem"),
        "event_time": _why(
            (time_text != "") & ~time_ok, pl.format("time '{}' is not HH:MM", time_text)
        ),
    }
    _, warning_text = _verdict(warnings)

    def opt(expr: pl.Expr) -> pl.Expr:
        return pl.when(expr != "").then(expr)

    def differs(recorded: pl.Expr, normalised: pl.Expr) -> pl.Expr:
        """What the agency wrote, kept only where it differs from the normalised value."""
        return pl.when((recorded != "") & (recorded != normalised.fill_null(""))).then(recorded)

    sex = pl.col("sex").str.to_uppercase().replace_strict(SEXES, default=pl.col("sex"))
    out = rows.select(
        "agency",
        "record_id",
        "person_id",
        "given_name",
        "family_name",
        opt(pl.col("other_names")).alias("other_names"),
        pl.col("_dob").alias("date_of_birth"),
        differs(pl.col("date_of_birth"), pl.col("_dob")).alias("date_of_birth_recorded"),
        opt(sex).alias("sex"),
        pl.col("_nhs").alias("nhs_number"),
        differs(pl.col("nhs_number"), pl.col("_nhs")).alias("nhs_number_recorded"),
        pl.col("_upn").alias("upn"),
        differs(pl.col("upn"), pl.col("_upn")).alias("upn_recorded"),
        pl.col("_postcode").alias("postcode"),
        differs(pl.col("postcode"), pl.col("_postcode")).alias("postcode_recorded"),
        opt(pl.col("address")).alias("address"),
        "role",
        opt(pl.col("event_id")).alias("event_id"),
        pl.col("_event_date").alias("event_date"),
        pl.col("_event_date_approximate").alias("event_date_approximate"),
        pl.col("_event_date_start").alias("event_date_start"),
        differs(pl.col("event_date"), pl.col("_event_date")).alias("event_date_recorded"),
        pl.when(time_ok)
        .then(
            pl.concat_str(
                [
                    time_text.str.extract(_TIME_RE, 1).str.zfill(2),
                    time_text.str.extract(_TIME_RE, 2),
                ],
                separator=":",
            )
        )
        .alias("event_time"),
        "event_type",
        (pl.col("event_type") == "").alias("event_type_inferred"),
        _NULL_STR.alias("event_type_rule"),
        "summary",
        opt(pl.col("action")).alias("action"),
        opt(pl.col("outcome").str.to_uppercase()).alias("outcome"),
        opt(pl.col("practitioner")).alias("practitioner"),
        opt(pl.col("team")).alias("team"),
        pl.col("_death").alias("date_of_death"),
        _restricted_code().alias("restricted"),
        pl.when(warning_text != "").then(warning_text).alias("warnings"),
        "source_row",
    ).collect()
    out = _infer_types(out)
    warned = int(out["warnings"].is_not_null().sum())
    return _with_provenance(out).select(RECORD_FIELDS), warned


def _with_provenance(frame: pl.DataFrame) -> pl.DataFrame:
    """Fold the provenance columns into one JSON column, written only where there is any."""
    present = frame.select(
        pl.any_horizontal(pl.col(k).is_not_null() for k in PROVENANCE_KEYS)
    ).to_series()
    column = pl.Series("provenance", [None] * frame.height, dtype=pl.String)
    if present.any():
        encoded = frame.filter(present).select(_json_object(PROVENANCE_KEYS)).to_series()
        column = column.scatter(present.arg_true(), encoded)
    return frame.with_columns(column)


def _json_object(keys: tuple[str, ...]) -> pl.Expr:
    """A JSON object of the non-null columns among ``keys``; null when all are null."""
    members = [
        pl.when(pl.col(k).is_not_null()).then(
            pl.struct(pl.col(k)).struct.json_encode().str.strip_prefix("{").str.strip_suffix("}")
        )
        for k in keys
    ]
    body = pl.concat_str(members, separator=",", ignore_nulls=True)
    return pl.when(body != "").then(pl.concat_str([pl.lit("{"), body, pl.lit("}")]))


def _infer_types(frame: pl.DataFrame) -> pl.DataFrame:
    """Fill empty event types from the summary, recording the rule that decided."""
    mask = frame["event_type_inferred"]
    if not mask.any():
        return frame
    where = mask.arg_true()
    codes, rules = classify(frame["summary"].filter(mask))
    return frame.with_columns(
        frame["event_type"].scatter(where, codes),
        frame["event_type_rule"].scatter(where, rules),
    )


def validate_relationships(
    chunk: pl.DataFrame, header: list[str], mapping: dict[int, str], profile: Profile
) -> Checked:
    """Validate a chunk of the optional relationships table."""
    data = _prepared(mapped_frame(chunk, mapping), profile, RELATIONSHIP_COLUMNS).with_columns(
        agency=pl.col("agency").str.to_uppercase(),
        relationship=pl.col("relationship").str.to_uppercase(),
    )
    relationship = pl.col("relationship")
    problems = _common_problems(RELATIONSHIP_COLUMNS, RELATIONSHIP_COLUMNS)
    problems["relationship"] = _first(
        problems["relationship"],
        _why(
            (relationship != "") & ~relationship.is_in(sorted(RELATIONSHIPS)),
            pl.format("'{}' is not a relationship in the template", relationship),
        ),
    )
    good, verdicts = _split(data, problems)
    return Checked(
        good=good.select(RELATIONSHIP_FIELDS),
        rejected=_rejections(chunk, header, verdicts),
        warnings=0,
    )


def _rejections(chunk: pl.DataFrame, header: list[str], bad: pl.DataFrame) -> list[Rejection]:
    """Rejected rows, with their cells as read (looked up by source row)."""
    if bad.is_empty():
        return []
    originals = chunk.join(bad.select("source_row"), on="source_row", how="semi")
    cells = {row[-1]: list(row[:-1]) for row in originals.rows()}
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
