"""Source persons: one row per agency's person, read from that agency's records.

An agency writes a person's details on every record it holds about them, and
those details drift (a marriage, a corrected date of birth, a nickname used for
a while). Linking compares people, not records, so each ``(agency, person_id)``
is summarised once: the latest non-empty value of each field, plus every given
and family name, postcode and address the agency has used, so that a changed
surname or a house move still links.
The summary is kept in ``ws_source_person`` with a hash of its details; a
record that changes nothing about the person causes no re-linking.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import polars as pl

from wholestory.records.keys import source_key, split_key
from wholestory.records.template import PERSON_DETAILS
from wholestory.store.connection import Store
from wholestory.store.records import stable_digest

#: The detail columns of a source person, as linking reads them.
DETAILS: Final[tuple[str, ...]] = PERSON_DETAILS

#: The frame linking works on: a key, its agency and id, then the details.
SOURCE_SCHEMA: Final[dict[str, pl.DataType]] = {
    "unique_id": pl.String(),
    "agency": pl.String(),
    "person_id": pl.String(),
    **{name: pl.String() for name in DETAILS},
}

_STORED: Final[tuple[str, ...]] = (
    "key",
    "agency",
    "person_id",
    *DETAILS,
    "names",
    "details_hash",
    "first_seen",
    "last_seen",
)


@dataclass(frozen=True)
class SourceChanges:
    """What a refresh found: people new to the store, and people whose details changed."""

    new: tuple[str, ...]
    changed: tuple[str, ...]

    @property
    def touched(self) -> tuple[str, ...]:
        return self.new + self.changed


def summarise(records: pl.DataFrame) -> pl.DataFrame:
    """One row per (agency, person_id) from their records, newest details winning.

    ``records`` holds the record columns plus ``event_date``. Every name ever
    recorded is kept in ``names`` (JSON), for linking across a change of name.
    """
    ordered = records.sort("agency", "person_id", "event_date", nulls_last=False)
    latest = [pl.col(c).drop_nulls().last().alias(c) for c in DETAILS]
    grouped = ordered.group_by("agency", "person_id", maintain_order=True).agg(
        *latest,
        pl.col("given_name").drop_nulls().unique(maintain_order=True).alias("_given"),
        pl.col("family_name").drop_nulls().unique(maintain_order=True).alias("_family"),
        pl.col("postcode").drop_nulls().unique(maintain_order=True).alias("_postcode"),
        pl.col("address").drop_nulls().unique(maintain_order=True).alias("_address"),
        pl.col("event_date").min().alias("first_seen"),
        pl.col("event_date").max().alias("last_seen"),
    )
    names = pl.struct(
        given=pl.col("_given"),
        family=pl.col("_family"),
        postcode=pl.col("_postcode"),
        address=pl.col("_address"),
    ).struct.json_encode()
    out = grouped.with_columns(
        key=pl.concat_str("agency", pl.lit(":"), "person_id"),
        names=names,
    ).drop("_given", "_family", "_postcode", "_address")
    out = out.with_columns(stable_digest(out, (*DETAILS, "names")).alias("details_hash"))
    return out.select(_STORED)


def _read_records(store: Store, keys: Sequence[str] | None) -> pl.DataFrame:
    columns = ["agency", "person_id", *DETAILS, "event_date"]
    schema = {c: pl.String() for c in columns}
    sql = f"SELECT {', '.join(columns)} FROM ws_record"
    if keys is None:
        return store.query_frame(sql, [], schema)
    by_agency: dict[str, list[str]] = {}
    for key in keys:
        agency, person_id = split_key(key)
        by_agency.setdefault(agency, []).append(person_id)
    frames = [pl.DataFrame(schema=schema)]
    for agency, ids in sorted(by_agency.items()):
        condition, params = store.keys_in("person_id", ids)
        frames.append(
            store.query_frame(f"{sql} WHERE agency = ? AND {condition}", [agency, *params], schema)
        )
    return pl.concat(frames)


def people_touched_since(store: Store, since: str) -> list[str]:
    """Keys of people with a record, a relationship, or a need from an agency's file (the
    ``NEEDS_NOT_MET`` indicator reads needs) written or changed since ``since``."""
    rows = store.query(
        "SELECT agency, person_id FROM ws_record WHERE updated_at >= ? "
        "UNION SELECT agency, person_id FROM ws_relationship WHERE created_at >= ? "
        "UNION SELECT agency, related_person_id FROM ws_relationship WHERE created_at >= ? "
        "UNION SELECT agency, person_id FROM ws_need WHERE recorded_at >= ? "
        "AND recorded_in_app = ?",
        [since, since, since, since, False],
    )
    return sorted({source_key(str(a), str(p)) for a, p in rows})


def refresh_sources(store: Store, keys: Sequence[str] | None = None) -> SourceChanges:
    """Bring ``ws_source_person`` up to date from the records, for ``keys`` or everyone.

    Existing people keep their WholeStory id and link; only their details and
    hash change. Returns which keys were new and which changed.
    """
    summary = summarise(_read_records(store, keys))
    if summary.is_empty():
        return SourceChanges((), ())
    known = _known_hashes(store, summary["key"].to_list())
    marks = summary["key"].replace_strict(known, default="", return_dtype=pl.String)
    fresh = summary.filter(marks == "")
    changed = summary.filter((marks != "") & (marks != summary["details_hash"]))
    with store.transaction():
        store.insert_frame("ws_source_person", fresh)
        if not changed.is_empty():
            sets = ", ".join(f"{c} = ?" for c in _STORED[1:])
            store.executemany(
                f"UPDATE ws_source_person SET {sets} WHERE key = ?",
                [(*row[1:], row[0]) for row in changed.rows()],
            )
    return SourceChanges(tuple(fresh["key"].to_list()), tuple(changed["key"].to_list()))


def _known_hashes(store: Store, keys: list[str]) -> dict[str, str]:
    if len(keys) > 50_000:
        rows = store.query("SELECT key, details_hash FROM ws_source_person")
    else:
        condition, params = store.keys_in("key", keys)
        rows = store.query(
            f"SELECT key, details_hash FROM ws_source_person WHERE {condition}", params
        )
    return {str(k): str(h) for k, h in rows}


def load_sources(store: Store, keys: Sequence[str] | None = None) -> pl.DataFrame:
    """Source persons as the frame linking works on (see :data:`SOURCE_SCHEMA`), plus names."""
    columns = ["key", "agency", "person_id", *DETAILS, "names"]
    sql = f"SELECT {', '.join(columns)} FROM ws_source_person"
    params: list[object] = []
    if keys is not None:
        condition, params = store.keys_in("key", list(keys))
        sql += f" WHERE {condition}"
    rows = store.query(sql + " ORDER BY key", params)
    frame = pl.DataFrame(
        [
            (*r[:-1], r[-1] if isinstance(r[-1], str) or r[-1] is None else json.dumps(r[-1]))
            for r in rows
        ],
        schema={c: pl.String() for c in columns},
        orient="row",
    )
    return frame.rename({"key": "unique_id"})


def now_iso() -> str:
    """Now, as the store's timestamps are written."""
    return dt.datetime.now(dt.UTC).isoformat(sep=" ")
