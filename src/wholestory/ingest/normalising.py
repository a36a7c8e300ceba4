"""Accepted event rows put into the store's shape: normalised values, provenance, inferred types.

An optional identity value that fails its check is kept as recorded but not
trusted, and becomes a warning; what the agency wrote is kept in the row's
``provenance`` JSON where it differs from the normalised value.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import polars as pl

from wholestory.ingest.classify import classify
from wholestory.ingest.confidential import confidential_flag, set_aside
from wholestory.ingest.profiles import Profile
from wholestory.ingest.row_checks import NULL_STR, lookup, restricted_code, verdict, why
from wholestory.records.confidential import CONFIDENTIAL_FIELDS
from wholestory.records.dates import date_exprs
from wholestory.records.identifiers import nhs_exprs, postcode_exprs, upn_exprs
from wholestory.records.template import COLUMNS, SEXES

_TIME_RE: Final = r"^([01]?[0-9]|2[0-3]):([0-5][0-9])(:[0-5][0-9])?$"

#: What the store adds beside a template column: a date's approximation and first day,
#: and whether the event type was inferred from the summary.
_DERIVED: Final[dict[str, tuple[str, ...]]] = {
    "event_date": ("event_date_approximate", "event_date_start"),
    "event_type": ("event_type_inferred",),
    "address_confidential": CONFIDENTIAL_FIELDS,
}

#: Columns of a validated event row, as the store holds them: the template's, each
#: followed by what is derived from it, then the row's provenance and its place in the file.
RECORD_FIELDS: Final[tuple[str, ...]] = (
    *(name for column in COLUMNS for name in (column, *_DERIVED.get(column, ()))),
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


def normalise_events(
    checked: pl.DataFrame, profile: Profile, today: dt.date
) -> tuple[pl.DataFrame, int]:
    """Accepted rows in the store's shape; untrusted optional values become warnings."""
    dob = date_exprs(pl.col("date_of_birth"), profile.formats_for("date_of_birth"), today)
    nhs, nhs_problem = nhs_exprs(pl.col("nhs_number"))
    postcode, postcode_problem = postcode_exprs(pl.col("postcode"))
    upn, upn_problem = upn_exprs(pl.col("upn"))
    rows = set_aside(checked).lazy()
    rows = lookup(
        rows,
        "date_of_birth",
        {"_dob": dob.iso, "_dob_problem": dob.problem},
    )
    death = date_exprs(pl.col("date_of_death"), profile.formats_for("date_of_death"), today)
    rows = lookup(rows, "date_of_death", {"_death": death.iso})
    rows = lookup(rows, "nhs_number", {"_nhs": nhs, "_nhs_problem": nhs_problem})
    rows = lookup(rows, "postcode", {"_postcode": postcode, "_postcode_problem": postcode_problem})
    rows = lookup(rows, "upn", {"_upn": upn, "_upn_problem": upn_problem})
    time_text = pl.col("event_time")
    time_ok = time_text.str.contains(_TIME_RE)
    warnings: dict[str, pl.Expr] = {
        "date_of_birth": pl.format(
            "{}; kept as recorded, not used to match people", pl.col("_dob_problem")
        ),
        "nhs_number": pl.col("_nhs_problem"),
        "upn": pl.col("_upn_problem"),
        "postcode": pl.col("_postcode_problem"),
        "event_time": why(
            (time_text != "") & ~time_ok, pl.format("time '{}' is not HH:MM", time_text)
        ),
    }
    _, warning_text = verdict(warnings)

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
        NULL_STR.alias("event_type_rule"),
        "summary",
        opt(pl.col("action")).alias("action"),
        opt(pl.col("outcome").str.to_uppercase()).alias("outcome"),
        opt(pl.col("practitioner")).alias("practitioner"),
        opt(pl.col("team")).alias("team"),
        pl.col("_death").alias("date_of_death"),
        confidential_flag().alias("address_confidential"),
        *CONFIDENTIAL_FIELDS,
        restricted_code().alias("restricted"),
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
