"""The columns the linking model compares, made once from each source person.

Everything that can be worked out for one person alone is worked out here, in
Polars, rather than in the model's SQL: the nickname groups of a given name,
the parts of a double-barrelled surname, a date of birth with day and month
swapped, a postcode's sector. The model's comparisons are then plain equality
and string-distance tests, which read the same on DuckDB and on Spark.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Final

import polars as pl

from wholestory.identity.addresses import normalised_address
from wholestory.identity.nicknames import name_groups

#: The columns the model reads, in order.
MODEL_COLUMNS: Final[tuple[str, ...]] = (
    "unique_id",
    "agency",
    "id_scope",
    "given",
    "given_groups",
    "given_all",
    "family",
    "family_parts",
    "dob",
    "dob_swapped",
    "dob_year",
    "sex",
    "nhs",
    "upn",
    "postcode",
    "postcode_sector",
    "postcode_district",
    "address",
    "postcode_all",
    "address_all",
    "address_words",
)


def _letters(column: pl.Expr) -> pl.Expr:
    """Lower case, accents dropped, only letters, spaces, hyphens and apostrophes kept."""
    text = column.str.normalize("NFKD").str.replace_all(r"\p{Mn}", "").str.to_lowercase()
    return text.str.replace_all(r"[^a-z\s'\-]", " ").str.replace_all(r"\s+", " ").str.strip_chars()


def _tokens(column: pl.Expr) -> pl.Expr:
    """The words of a name field, apostrophes dropped (O'Brien is OBrien)."""
    return (
        _letters(column)
        .str.replace_all("'", "")
        .str.split(by=" ")
        .list.eval(pl.element().str.split("-").explode(empty_as_null=False))
    )


def _none_if_empty(column: pl.Expr) -> pl.Expr:
    return pl.when(column.str.len_chars() > 0).then(column)


def _recorded_names(names: pl.Expr, part: str) -> pl.Expr:
    """Every given or family name an agency has recorded, from the ``names`` JSON."""
    return (
        names.str.json_path_match(f"$.{part}").fill_null("[]").str.json_decode(pl.List(pl.String))
    )


def _nickname_groups(given: pl.Series) -> pl.Series:
    """Nickname groups for each given name, looked up once per distinct name."""
    lookup = {name: list(name_groups(name)) for name in given.drop_nulls().unique().to_list()}
    return given.replace_strict(lookup, default=[], return_dtype=pl.List(pl.String))


def model_frame(sources: pl.DataFrame) -> pl.DataFrame:
    """The frame the model compares, one row per source person.

    ``sources`` has the columns of :data:`~wholestory.identity.sources.SOURCE_SCHEMA`
    and, when read from the store, ``names`` (every name recorded, as JSON).
    """
    if "names" not in sources.columns:
        sources = sources.with_columns(names=pl.lit(None, pl.String))
    given_tokens = _tokens(pl.col("given_name"))
    other_tokens = _tokens(pl.col("other_names")).fill_null([])
    all_given = _recorded_names(pl.col("names"), "given").list.eval(
        pl.element().str.to_lowercase().str.replace_all(r"[^a-z]", "")
    )
    all_family = _recorded_names(pl.col("names"), "family")
    frame = sources.with_columns(
        given=_none_if_empty(given_tokens.list.first().fill_null("")),
        given_all=pl.concat_list(given_tokens.fill_null([]), other_tokens, all_given)
        .list.eval(pl.element().filter(pl.element().str.len_chars() > 0))
        .list.unique()
        .list.sort(),
        family=_none_if_empty(_letters(pl.col("family_name")).str.replace_all(r"[\s'\-]", "")),
        family_parts=pl.concat_list(
            _tokens(pl.col("family_name")).fill_null([]),
            other_tokens,
            all_family.list.eval(
                pl.element().str.to_lowercase().str.replace_all(r"[^a-z\s\-]", "").str.split(" ")
            ).list.eval(
                pl.element()
                .explode(empty_as_null=False)
                .str.split("-")
                .explode(empty_as_null=False)
            ),
        )
        .list.eval(pl.element().filter(pl.element().str.len_chars() > 1))
        .list.unique()
        .list.sort(),
        id_scope=pl.col("agency"),
        **_dob_columns(pl.col("date_of_birth")),
        sex=pl.col("sex").str.strip_chars().str.to_uppercase().str.slice(0, 1).replace({"U": None}),
        nhs=pl.col("nhs_number").str.replace_all(r"\s", ""),
        upn=pl.col("upn").str.strip_chars().str.to_uppercase(),
        **_postcode_columns(pl.col("postcode")),
        address=normalised_address(pl.col("address")),
        postcode_all=_recorded_names(pl.col("names"), "postcode").list.eval(
            pl.element().str.to_uppercase().str.replace_all(r"[^A-Z0-9]", "")
        ),
        address_all=_recorded_names(pl.col("names"), "address").list.eval(
            normalised_address(pl.element())
        ),
    )
    frame = frame.with_columns(
        given_groups=_nickname_groups(frame["given"]),
        address_words=pl.col("address").str.split(" ").list.unique().list.sort(),
    )
    frame = frame.with_columns(
        pl.col(
            "given_all",
            "family_parts",
            "given_groups",
            "postcode_all",
            "address_all",
            "address_words",
        ).map_batches(lambda s: s.list.drop_nulls(), return_dtype=pl.List(pl.String))
    )
    return frame.select(MODEL_COLUMNS)


def with_episode_agencies(frame: pl.DataFrame, episodes: Iterable[str]) -> pl.DataFrame:
    """Mark the people of agencies that give a new id per episode.

    ``id_scope`` is the agency for an agency that gives one id per person, so
    that two of its ids meet the same-agency prior; for an episode agency it is
    empty, and two of its ids are compared like ids of two agencies.
    """
    codes = sorted(set(episodes))
    if not codes:
        return frame
    return frame.with_columns(
        id_scope=pl.when(pl.col("agency").is_in(codes)).then(None).otherwise(pl.col("agency"))
    )


def _dob_columns(dob: pl.Expr) -> dict[str, pl.Expr]:
    """Date of birth as recorded (full or partial ISO), swapped day/month, and year."""
    text = dob.str.strip_chars()
    full = text.str.contains(r"^\d{4}-\d{2}-\d{2}$").fill_null(False)
    day = text.str.slice(8, 2)
    month = text.str.slice(5, 2)
    swappable = full & (day.cast(pl.Int32, strict=False) <= 12) & (day != month)
    return {
        "dob": _none_if_empty(text.fill_null("")),
        "dob_swapped": pl.when(swappable).then(
            pl.concat_str(text.str.slice(0, 5), day, pl.lit("-"), month)
        ),
        "dob_year": pl.when(text.str.contains(r"^\d{4}").fill_null(False)).then(
            text.str.slice(0, 4)
        ),
    }


def _postcode_columns(postcode: pl.Expr) -> dict[str, pl.Expr]:
    """Postcode without spaces, its sector (outward code and first inward digit) and district."""
    tight = postcode.str.to_uppercase().str.replace_all(r"[^A-Z0-9]", "")
    valid = tight.str.contains(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$").fill_null(False)
    outward = tight.str.slice(0, tight.str.len_chars() - 3)
    return {
        "postcode": _none_if_empty(tight.fill_null("")),
        "postcode_sector": pl.when(valid).then(
            pl.concat_str(outward, pl.lit(" "), tight.str.slice(tight.str.len_chars() - 3, 1))
        ),
        "postcode_district": pl.when(valid).then(outward),
    }


def describe_names(names_json: str | None) -> dict[str, list[str]]:
    """The ``names`` JSON as a dict, for showing a person's recorded names."""
    if not names_json:
        return {"given": [], "family": []}
    parsed = json.loads(names_json)
    return {"given": list(parsed.get("given", [])), "family": list(parsed.get("family", []))}
