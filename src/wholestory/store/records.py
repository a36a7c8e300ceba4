"""Writing validated rows to the store: insert, update with history, or leave alone.

Idempotence rests on a content hash per row: a row whose (agency, record_id)
exists with the same hash is unchanged and costs one indexed lookup; a
changed row is updated in place after its previous version is kept in
``ws_record_version``. Nothing is ever overwritten without a copy.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import polars as pl

from wholestory.records.confidential import CONFIDENTIAL_FIELDS
from wholestory.store import confidential
from wholestory.store.connection import Store

RECORD_TABLE: Final = "ws_record"
VERSION_TABLE: Final = "ws_record_version"
RELATIONSHIP_TABLE: Final = "ws_relationship"

#: Columns added to the template after rows were first stored: part of a row's hash only
#: when filled, so a row imported before the column existed is still unchanged on re-import.
LATER_COLUMNS: Final = ("date_of_death", "restricted", "address_confidential", *CONFIDENTIAL_FIELDS)

#: Columns of ws_record the writer adds to a validated row (the primary key aside).
RECORD_WRITE_COLUMNS_EXTRA: Final = ("row_hash", "import_id", "created_at", "updated_at")


def with_content_hash(frame: pl.DataFrame) -> pl.DataFrame:
    """Add ``row_hash``: a stable hash of everything stored about the row but its position.

    Re-importing a file compares these, so a row whose stored content would
    not change is left alone. Python's hashlib rather than Polars' own hash,
    which may change between Polars releases and would then make every row
    look changed after an upgrade. Computed where rows are written (in the
    writer process, for large SQLite imports), off the reader's path.
    """
    content = [c for c in frame.columns if c not in ("source_row", "row_hash", *LATER_COLUMNS)]
    digest = stable_digest(frame, content)
    later = [c for c in LATER_COLUMNS if c in frame.columns]
    if not later:
        return frame.with_columns(digest.alias("row_hash"))
    # Each row's hash takes in the later columns it fills, in LATER_COLUMNS order: rows that
    # fill the same ones are hashed together, and a row filling none keeps the plain hash.
    pattern = frame.select(
        pl.concat_str([pl.col(c).is_not_null().cast(pl.UInt8) for c in later])
    ).to_series()
    for filled in pattern.unique().to_list():
        used = [c for c, bit in zip(later, filled, strict=True) if bit == "1"]
        if used:
            rows = pattern == filled
            digest = digest.scatter(
                rows.arg_true(), stable_digest(frame.filter(rows), [*content, *used])
            )
    return frame.with_columns(digest.alias("row_hash"))


def stable_digest(frame: pl.DataFrame, columns: Sequence[str]) -> pl.Series:
    """A blake2b digest of each row's ``columns``: the same on every Polars release."""
    joined = frame.select(
        pl.concat_str(
            [pl.col(c).cast(pl.String).fill_null("\x00") for c in columns], separator="\x1f"
        )
    ).to_series()
    digests = [
        hashlib.blake2b(text.encode(), digest_size=16).hexdigest() for text in joined.to_list()
    ]
    return pl.Series(digests, dtype=pl.String)


@dataclass
class WriteCounts:
    """What happened to the rows handed to a writer."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, other: WriteCounts) -> None:
        self.inserted += other.inserted
        self.updated += other.updated
        self.unchanged += other.unchanged


def keys_are_unique(frame: pl.DataFrame) -> bool:
    """Whether no (agency, record_id) repeats within the frame: the no-lookup insert needs it.

    Called where chunks are prepared (the ingest reader thread), so the
    writer spends its time writing.
    """
    return not frame.select(pl.struct("agency", "record_id").is_duplicated().any()).item()


def write_records(
    store: Store,
    frame: pl.DataFrame,
    import_id: int,
    now: str,
    unique_keys: bool = False,
) -> WriteCounts:
    """Insert new records, update changed ones (keeping history), count the rest.

    ``unique_keys`` (see :func:`keys_are_unique`) allows the fast path: insert
    them all at once, which succeeds when none is in the store yet. Otherwise
    each row is looked up. Rows repeating an (agency, record_id) within the frame are
    applied in file order, one generation at a time, so the last one wins and
    every earlier one is accounted for. A confidential address is part of the
    row's hash but is written only to its own table (:mod:`wholestory.store.confidential`).
    """
    counts = WriteCounts()
    if frame.is_empty():
        return counts
    frame, secret = confidential.split_off(with_content_hash(frame))
    stamps: dict[str, int | str] = {"import_id": import_id, "created_at": now, "updated_at": now}
    if unique_keys and store.try_insert_frame(RECORD_TABLE, frame, stamps):
        confidential.keep(store, secret, now)
        return WriteCounts(inserted=frame.height)
    numbered = frame.with_columns(
        pl.int_range(pl.len()).over(["agency", "record_id"]).alias("_occurrence")
    )
    generations = int(numbered.select(pl.col("_occurrence").max()).item() or 0) + 1
    for generation in range(generations):
        batch = numbered.filter(pl.col("_occurrence") == generation).drop("_occurrence")
        counts.add(_write_generation(store, batch, import_id, now))
    confidential.keep(store, secret, now)
    return counts


_EXISTING_SCHEMA: Final[dict[str, pl.DataType]] = {
    "agency": pl.String(),
    "record_id": pl.String(),
    "_pk": pl.Int64(),
    "_old": pl.String(),
}


def _existing(store: Store, batch: pl.DataFrame) -> pl.DataFrame:
    """(agency, record_id, pk, old hash) for rows of the batch already in the store."""
    found = [pl.DataFrame(schema=_EXISTING_SCHEMA)]
    for (agency,), group in batch.group_by(["agency"], maintain_order=True):
        ids = group["record_id"].to_list()
        for start in range(0, len(ids), 50_000):
            condition, params = store.keys_in("record_id", ids[start : start + 50_000])
            found.append(
                store.query_frame(
                    f"SELECT agency, record_id, id, row_hash FROM {RECORD_TABLE} "
                    f"WHERE agency = ? AND {condition}",
                    [agency, *params],
                    _EXISTING_SCHEMA,
                )
            )
    return pl.concat(found)


def _write_generation(store: Store, batch: pl.DataFrame, import_id: int, now: str) -> WriteCounts:
    joined = batch.join(_existing(store, batch), on=["agency", "record_id"], how="left")
    new = joined.filter(pl.col("_pk").is_null())
    changed = joined.filter(pl.col("_pk").is_not_null() & (pl.col("_old") != pl.col("row_hash")))
    unchanged = joined.height - new.height - changed.height
    if new.height:
        store.insert_frame(
            RECORD_TABLE,
            new.select(batch.columns),
            {"import_id": import_id, "created_at": now, "updated_at": now},
        )
    if changed.height:
        _keep_versions(store, changed["_pk"].to_list(), import_id, now)
        assignments = ", ".join(f"{c} = ?" for c in [*batch.columns, "import_id", "updated_at"])
        updates = [
            (*row, import_id, now, pk)
            for row, pk in zip(
                changed.select(batch.columns).rows(), changed["_pk"].to_list(), strict=True
            )
        ]
        store.executemany(
            f"UPDATE {RECORD_TABLE} SET {assignments} WHERE id = ?",
            updates,
        )
        _forget_unmarked(store, changed)
    return WriteCounts(inserted=new.height, updated=changed.height, unchanged=unchanged)


def _forget_unmarked(store: Store, changed: pl.DataFrame) -> None:
    """Records sent again without the confidential mark no longer keep an address apart;
    those sent again with it lose the address from their history too."""
    if "address_confidential" not in changed.columns:
        return
    marked = changed.filter(pl.col("address_confidential").fill_null(False))
    confidential.hide_in_versions(store, marked["_pk"].to_list())
    plain = changed.filter(pl.col("address_confidential").is_null())
    for (agency,), group in plain.group_by(["agency"]):
        confidential.forget(store, str(agency), group["record_id"].to_list())


def _keep_versions(store: Store, pks: list[int], import_id: int, now: str) -> None:
    """Copy each record, as it is now, into the version table before it changes."""
    names = _record_columns(store)
    condition, params = store.keys_in("id", pks)
    rows = store.query(f"SELECT {', '.join(names)} FROM {RECORD_TABLE} WHERE {condition}", params)
    versions: list[tuple[Any, ...]] = []
    for row in rows:
        content = dict(zip(names, (_jsonable(v) for v in row), strict=True))
        versions.append(
            (
                content["id"],
                content["agency"],
                content["record_id"],
                json.dumps(content, ensure_ascii=False),
                content["row_hash"],
                content["import_id"],
                import_id,
                now,
            )
        )
    store.executemany(
        f"INSERT INTO {VERSION_TABLE} (record_pk, agency, record_id, content, row_hash, "
        "import_id, replaced_by_import_id, replaced_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        versions,
    )


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


_COLUMN_CACHE: dict[str, list[str]] = {}


def _record_columns(store: Store) -> list[str]:
    """The record table's columns, read from the store itself."""
    key = store.backend
    if key not in _COLUMN_CACHE:
        if store.backend == "sqlite":
            rows = store.query(f"PRAGMA table_info({RECORD_TABLE})")
            _COLUMN_CACHE[key] = [r[1] for r in rows]
        else:
            rows = store.query(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                "ORDER BY ordinal_position",
                [RECORD_TABLE],
            )
            _COLUMN_CACHE[key] = [r[0] for r in rows]
    return _COLUMN_CACHE[key]


def write_relationships(store: Store, frame: pl.DataFrame, import_id: int, now: str) -> WriteCounts:
    """Insert relationships not yet known; a relationship is its whole content."""
    if frame.is_empty():
        return WriteCounts()
    frame = with_content_hash(frame)
    unique = frame.unique(
        subset=["agency", "person_id", "related_person_id", "relationship"],
        keep="first",
        maintain_order=True,
    )
    inserted = store.executemany(
        f"INSERT INTO {RELATIONSHIP_TABLE} (agency, person_id, related_person_id, relationship, "
        "row_hash, source_row, import_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (agency, person_id, related_person_id, relationship) DO NOTHING",
        [
            (*row, import_id, now)
            for row in unique.select(
                "agency", "person_id", "related_person_id", "relationship", "row_hash", "source_row"
            ).rows()
        ],
    )
    return WriteCounts(inserted=inserted, unchanged=frame.height - inserted)
