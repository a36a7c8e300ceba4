"""Row validation: every row is either accepted (normalised) or rejected with reasons.

Rules, in the words the quarantine shows:

* a required value that is empty, an ``event_date`` that is not a real date,
  a role or event type outside the vocabulary, or a cell longer than the
  limit rejects the row: the agency has to correct it, and the row waits in
  quarantine with its reason;
* an optional identity value that fails its check (date of birth, NHS number,
  UPN, postcode, time) does not reject the row: the value is kept as recorded
  but not trusted, and the row carries a warning. Losing a whole event because
  of a mistyped NHS number would hide part of a child's story.

Everything is done a column at a time with Polars; ingest speed depends on it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Final

import polars as pl

from wholestory.classify import classify
from wholestory.dates import ParsedDates, parse_dates
from wholestory.identifiers import check_nhs_numbers, check_postcodes, check_upns
from wholestory.profiles import Profile
from wholestory.template import (
    COLUMNS,
    DEFAULT_ROLE,
    EVENT_TYPES,
    MAX_CELL_CHARS,
    RELATIONSHIP_COLUMNS,
    RELATIONSHIPS,
    REQUIRED,
    ROLES,
    SEXES,
)

_AGENCY_RE: Final = r"^[A-Z][A-Z0-9_]{0,31}$"
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
    "date_of_birth_precision",
    "date_of_birth_recorded",
    "sex",
    "nhs_number",
    "nhs_number_recorded",
    "upn",
    "upn_recorded",
    "postcode",
    "postcode_recorded",
    "address",
    "role",
    "event_id",
    "event_date",
    "event_date_precision",
    "event_date_approximate",
    "event_date_start",
    "event_date_recorded",
    "event_time",
    "event_type",
    "event_type_inferred",
    "event_type_rule",
    "summary",
    "action",
    "outcome",
    "practitioner",
    "team",
    "warnings",
    "row_hash",
    "source_row",
)

RELATIONSHIP_FIELDS: Final[tuple[str, ...]] = (*RELATIONSHIP_COLUMNS, "row_hash", "source_row")


@dataclass(frozen=True)
class Rejection:
    """A row that cannot go in: where it is, what is wrong, and what it said."""

    row: int
    columns: str
    reason: str
    raw: str  # JSON object of the row as read, keyed by the file's own headers

    @property
    def raw_hash(self) -> str:
        return hashlib.blake2b(self.raw.encode(), digest_size=16).hexdigest()


@dataclass(frozen=True)
class Checked:
    """The outcome of validating a chunk."""

    good: pl.DataFrame
    rejected: list[Rejection]
    warnings: int


def frame_from_rows(
    header: list[str], mapping: dict[int, str], rows: list[list[str]], row_numbers: list[int]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The chunk as two frames: template columns, and the raw cells by their own header."""
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(header)
    raw = pl.DataFrame(
        {f"{i}:{name}": pl.Series(columns[i], dtype=pl.String) for i, name in enumerate(header)}
    )
    mapped = pl.DataFrame(
        {column: pl.Series(columns[index], dtype=pl.String) for index, column in mapping.items()}
    ).with_columns(pl.Series("source_row", row_numbers, dtype=pl.Int64))
    return mapped, raw


def raw_json(header: list[str], cells: list[str]) -> str:
    """A row as read, keyed by the file's own headers, for the quarantine."""
    keys = [h or f"column {i + 1}" for i, h in enumerate(header)]
    extra = [f"column {i + 1}" for i in range(len(header), len(cells))]
    return json.dumps(dict(zip(keys + extra, cells, strict=False)), ensure_ascii=False)


def _apply_profile(frame: pl.DataFrame, profile: Profile, columns: tuple[str, ...]) -> pl.DataFrame:
    """Trim text, add constants and missing columns, and map codes onto ours."""
    exprs: list[pl.Expr] = []
    for column in columns:
        if column in profile.constants:
            value = profile.constants[column]
            base = pl.lit(value, dtype=pl.String)
            if column in frame.columns:
                stripped = pl.col(column).str.strip_chars()
                base = pl.when(stripped == "").then(base).otherwise(stripped)
        elif column in frame.columns:
            base = pl.col(column).str.strip_chars()
        else:
            base = pl.lit("", dtype=pl.String)
        code_map = profile.codes.get(column)
        if code_map:
            upper = base.str.to_uppercase()
            base = upper.replace_strict(code_map, default=base, return_dtype=pl.String)
        exprs.append(base.fill_null("").alias(column))
    return frame.select([*exprs, pl.col("source_row")])


def _row_hash(frame: pl.DataFrame, columns: tuple[str, ...]) -> pl.Series:
    """A stable content hash per row, so re-importing a file changes nothing.

    Python's hashlib rather than Polars' own hash: that one may change between
    Polars releases, which would make every row look changed after an upgrade.
    """
    joined = frame.select(pl.concat_str([pl.col(c) for c in columns], separator="\x1f"))
    digests = [
        hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
        for text in joined.to_series().to_list()
    ]
    return pl.Series("row_hash", digests, dtype=pl.String)


def _problems_frame(problems: dict[str, pl.Series], height: int) -> pl.DataFrame:
    """Per row: the columns at fault and the reasons, joined; nulls when none."""
    if not problems:
        return pl.DataFrame(
            {"columns": [None] * height, "reason": [None] * height},
            schema={"columns": pl.String, "reason": pl.String},
        )
    frame = pl.DataFrame(
        {name: series.alias(name) for name, series in problems.items()}
    )
    labelled = [
        pl.when(pl.col(name).is_not_null()).then(pl.lit(name)) for name in problems
    ]
    described = [
        pl.when(pl.col(name).is_not_null()).then(pl.format("{}: {}", pl.lit(name), pl.col(name)))
        for name in problems
    ]
    return frame.select(
        pl.concat_str(labelled, separator=", ", ignore_nulls=True).alias("columns"),
        pl.concat_str(described, separator="; ", ignore_nulls=True).alias("reason"),
    ).with_columns(
        pl.when(pl.col("columns") == "").then(_NULL_STR).otherwise(pl.col("columns")).alias(
            "columns"
        ),
        pl.when(pl.col("reason") == "").then(_NULL_STR).otherwise(pl.col("reason")).alias(
            "reason"
        ),
    )


def _null_unless(flag: pl.Series, message: str) -> pl.Series:
    return pl.select(pl.when(flag).then(pl.lit(message))).to_series()


def _common_row_problems(frame: pl.DataFrame, required: tuple[str, ...]) -> dict[str, pl.Series]:
    """Empty required values and oversized cells, for any kind of table."""
    problems: dict[str, pl.Series] = {}
    for column in frame.columns:
        if column == "source_row":
            continue
        too_long = frame[column].str.len_chars() > MAX_CELL_CHARS
        if too_long.any():
            problems[column] = _null_unless(
                too_long, f"longer than {MAX_CELL_CHARS:,} characters"
            )
    for column in required:
        empty = frame[column] == ""
        if empty.any():
            problems[column] = _merge(problems.get(column), _null_unless(empty, "required, but empty"))
    return problems


def _merge(first: pl.Series | None, second: pl.Series) -> pl.Series:
    if first is None:
        return second
    return pl.select(pl.coalesce(first, second)).to_series()


def validate_events(
    frame: pl.DataFrame, raw: pl.DataFrame, header: list[str], profile: Profile, today: dt.date
) -> Checked:
    """Validate and normalise a chunk of event rows."""
    data = _apply_profile(frame, profile, COLUMNS)
    problems = _common_row_problems(data, REQUIRED)

    agency = data["agency"].str.to_uppercase()
    bad_agency = (agency != "") & ~agency.str.contains(_AGENCY_RE)
    if bad_agency.any():
        problems["agency"] = _merge(
            problems.get("agency"),
            _null_unless(bad_agency, "an agency code is letters, digits and _ such as CSC"),
        )

    event_dates = parse_dates(data["event_date"], profile.formats_for("event_date"), today)
    problems["event_date"] = _merge(problems.get("event_date"), event_dates.problem)

    role = data["role"].str.to_uppercase()
    role = pl.select(pl.when(role == "").then(pl.lit(DEFAULT_ROLE)).otherwise(role)).to_series()
    bad_role = ~role.is_in(sorted(ROLES))
    if bad_role.any():
        problems["role"] = pl.select(
            pl.when(bad_role).then(pl.format("'{}' is not a role in the template", role))
        ).to_series()

    event_type = data["event_type"].str.to_uppercase()
    bad_type = (event_type != "") & ~event_type.is_in(sorted(EVENT_TYPES))
    if bad_type.any():
        problems["event_type"] = pl.select(
            pl.when(bad_type).then(
                pl.format("'{}' is not an event type in the template vocabulary", event_type)
            )
        ).to_series()

    verdict = _problems_frame(problems, data.height)
    rejected_mask = verdict["reason"].is_not_null()
    rejected = _rejections(raw, data["source_row"], verdict, rejected_mask, header)
    keep = ~rejected_mask
    good, warnings = _normalise_events(
        data.filter(keep),
        agency.filter(keep),
        role.filter(keep),
        event_type.filter(keep),
        event_dates,
        keep,
        profile,
        today,
    )
    return Checked(good=good, rejected=rejected, warnings=warnings)


def _normalise_events(
    data: pl.DataFrame,
    agency: pl.Series,
    role: pl.Series,
    event_type: pl.Series,
    event_dates: ParsedDates,
    keep: pl.Series,
    profile: Profile,
    today: dt.date,
) -> tuple[pl.DataFrame, int]:
    """Accepted rows in the store's shape; untrusted optional values become warnings."""
    dob = parse_dates(data["date_of_birth"], profile.formats_for("date_of_birth"), today)
    nhs, nhs_problem = check_nhs_numbers(data["nhs_number"])
    postcode, postcode_problem = check_postcodes(data["postcode"])
    upn, upn_problem = check_upns(data["upn"])
    time_text = data["event_time"]
    time_ok = time_text.str.contains(_TIME_RE)
    time_problem = pl.select(
        pl.when((time_text != "") & ~time_ok).then(
            pl.format("time '{}' is not HH:MM; kept as recorded", time_text)
        )
    ).to_series()
    hh = time_text.str.extract(_TIME_RE, 1).str.zfill(2)
    mm = time_text.str.extract(_TIME_RE, 2)
    event_time = pl.select(
        pl.when(time_ok).then(pl.concat_str([hh, mm], separator=":"))
    ).to_series()
    dob_problem = pl.select(
        pl.when(dob.problem.is_not_null()).then(
            pl.format("{}; kept as recorded, not used to match people", dob.problem)
        )
    ).to_series()
    warnings = _problems_frame(
        {
            "date_of_birth": dob_problem,
            "nhs_number": nhs_problem,
            "upn": upn_problem,
            "postcode": postcode_problem,
            "event_time": time_problem,
        },
        data.height,
    )["reason"]

    empty_type = event_type == ""
    inferred_type, rule = classify(data["summary"].filter(empty_type))
    final_type = event_type.scatter(empty_type.arg_true(), inferred_type) if empty_type.any() else event_type
    rules = pl.Series("event_type_rule", [None] * data.height, dtype=pl.String)
    if empty_type.any():
        rules = rules.scatter(empty_type.arg_true(), rule)

    sex_upper = data["sex"].str.to_uppercase()
    sex = sex_upper.replace_strict(SEXES, default=data["sex"], return_dtype=pl.String)

    def opt(series: pl.Series) -> pl.Series:
        return pl.select(pl.when(series != "").then(series)).to_series()

    out = pl.DataFrame(
        {
            "agency": agency,
            "record_id": data["record_id"],
            "person_id": data["person_id"],
            "given_name": data["given_name"],
            "family_name": data["family_name"],
            "other_names": opt(data["other_names"]),
            "date_of_birth": dob.iso,
            "date_of_birth_precision": dob.precision,
            "date_of_birth_recorded": opt(data["date_of_birth"]),
            "sex": opt(sex),
            "nhs_number": nhs,
            "nhs_number_recorded": opt(data["nhs_number"]),
            "upn": upn,
            "upn_recorded": opt(data["upn"]),
            "postcode": postcode,
            "postcode_recorded": opt(data["postcode"]),
            "address": opt(data["address"]),
            "role": role,
            "event_id": opt(data["event_id"]),
            "event_date": event_dates.iso.filter(keep),
            "event_date_precision": event_dates.precision.filter(keep),
            "event_date_approximate": event_dates.approximate.filter(keep),
            "event_date_start": event_dates.start.filter(keep).dt.strftime("%Y-%m-%d"),
            "event_date_recorded": data["event_date"],
            "event_time": event_time,
            "event_type": final_type,
            "event_type_inferred": empty_type,
            "event_type_rule": rules,
            "summary": data["summary"],
            "action": opt(data["action"]),
            "outcome": opt(data["outcome"].str.to_uppercase()),
            "practitioner": opt(data["practitioner"]),
            "team": opt(data["team"]),
            "warnings": warnings,
            "row_hash": _row_hash(data, COLUMNS),
            "source_row": data["source_row"],
        }
    )
    return out.select(RECORD_FIELDS), int(warnings.is_not_null().sum())


def validate_relationships(
    frame: pl.DataFrame, raw: pl.DataFrame, header: list[str], profile: Profile
) -> Checked:
    """Validate a chunk of the optional relationships table."""
    data = _apply_profile(frame, profile, RELATIONSHIP_COLUMNS)
    problems = _common_row_problems(data, RELATIONSHIP_COLUMNS)
    relationship = data["relationship"].str.to_uppercase()
    bad = (relationship != "") & ~relationship.is_in(sorted(RELATIONSHIPS))
    if bad.any():
        problems["relationship"] = _merge(
            problems.get("relationship"),
            pl.select(
                pl.when(bad).then(pl.format("'{}' is not a relationship in the template", relationship))
            ).to_series(),
        )
    verdict = _problems_frame(problems, data.height)
    rejected_mask = verdict["reason"].is_not_null()
    rejected = _rejections(raw, data["source_row"], verdict, rejected_mask, header)
    keep = ~rejected_mask
    good = data.filter(keep).with_columns(
        pl.col("agency").str.to_uppercase(),
        relationship.filter(keep).alias("relationship"),
        _row_hash(data.filter(keep), RELATIONSHIP_COLUMNS),
    )
    return Checked(good=good.select(RELATIONSHIP_FIELDS), rejected=rejected, warnings=0)


def _rejections(
    raw: pl.DataFrame,
    rows: pl.Series,
    verdict: pl.DataFrame,
    mask: pl.Series,
    header: list[str],
) -> list[Rejection]:
    if not mask.any():
        return []
    bad_raw = raw.filter(mask).rows()
    return [
        Rejection(row=row, columns=columns, reason=reason, raw=raw_json(header, list(cells)))
        for row, columns, reason, cells in zip(
            rows.filter(mask).to_list(),
            verdict["columns"].filter(mask).to_list(),
            verdict["reason"].filter(mask).to_list(),
            bad_raw,
            strict=True,
        )
    ]
