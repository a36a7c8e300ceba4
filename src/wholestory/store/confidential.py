"""Confidential addresses in the store: kept apart, and the same place hidden wherever it appears.

Ingest (:mod:`wholestory.ingest.confidential`) hands the writer a confidential
row's address and postcode in columns of their own. They are written here, to
``ws_confidential_address``, and never to ``ws_record``, which holds only
``address_confidential = TRUE`` and no address. Everything that reads records
(chronologies, households, linking, search, exports, the API) therefore cannot
show, link on or leak the address; only :func:`address_of` reads it back, for a
viewer whom ``access.sees_confidential_address`` allows.

The place is confidential, not just one agency's row of it: a school or a GP who
records the family at the refuge without marking it would otherwise show it to
anyone who can see the children. So, at the end of every import,
:func:`hide_places` treats every record at a confidential postcode (or, without a
postcode, at the same address as written) the same way, whoever recorded it. A
neighbour at the same postcode loses their address too: over-hiding costs a
household link, showing costs a life.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Final

import polars as pl

from wholestory.records.confidential import CONFIDENTIAL_FIELDS, hide_in_text, hiding_pattern
from wholestory.store.connection import Store

CONFIDENTIAL_TABLE: Final = "ws_confidential_address"
_RECORD_TABLE: Final = "ws_record"
_VERSION_TABLE: Final = "ws_record_version"

#: Records at a confidential place and not yet hidden: at its postcode; or, where the
#: record or the confidential address has no postcode, at the same address as written.
#: (No subquery refers to the outer row, so each is evaluated once, not once a record.)
_AT_A_CONFIDENTIAL_PLACE: Final = (
    "r.address_confidential IS NULL AND ("
    f"r.postcode IN (SELECT postcode FROM {CONFIDENTIAL_TABLE} WHERE postcode IS NOT NULL) "
    f"OR LOWER(TRIM(r.address)) IN (SELECT LOWER(TRIM(address)) FROM {CONFIDENTIAL_TABLE} "
    "WHERE address IS NOT NULL AND postcode IS NULL) "
    f"OR (r.postcode IS NULL AND LOWER(TRIM(r.address)) IN (SELECT LOWER(TRIM(address)) "
    f"FROM {CONFIDENTIAL_TABLE} WHERE address IS NOT NULL)))"
)


@dataclass(frozen=True)
class ConfidentialAddress:
    """One record's confidential address, as the recording agency wrote it."""

    agency: str
    record_id: str
    address: str | None
    postcode: str | None


def split_off(frame: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(the rows as ``ws_record`` takes them, the confidential addresses among them).

    Rows without the confidential columns (relationships, older callers) pass as they are.
    """
    if CONFIDENTIAL_FIELDS[0] not in frame.columns:
        return frame, frame.clear().select([])
    secret = frame.filter(pl.col("address_confidential").fill_null(False)).select(
        "agency", "record_id", *CONFIDENTIAL_FIELDS
    )
    return frame.drop(*CONFIDENTIAL_FIELDS), secret


def keep(store: Store, secret: pl.DataFrame, now: str) -> None:
    """Write (or replace) the confidential addresses of the rows just written."""
    if secret.is_empty():
        return
    rows = [(*row, now) for row in secret.rows()]
    keys = [(agency, record_id) for agency, record_id, *_ in rows]
    store.executemany(f"DELETE FROM {CONFIDENTIAL_TABLE} WHERE agency = ? AND record_id = ?", keys)
    store.executemany(
        f"INSERT INTO {CONFIDENTIAL_TABLE} (agency, record_id, address, postcode, recorded_at) "
        "VALUES (?, ?, ?, ?, ?)",
        rows,
    )


def forget(store: Store, agency: str, record_ids: list[str]) -> None:
    """Drop the kept address of records an agency has sent again without the mark."""
    kept = store.query(f"SELECT 1 FROM {CONFIDENTIAL_TABLE} WHERE agency = ? LIMIT 1", [agency])
    if record_ids and kept:
        condition, params = store.keys_in("record_id", record_ids)
        store.execute(
            f"DELETE FROM {CONFIDENTIAL_TABLE} WHERE agency = ? AND {condition}", [agency, *params]
        )


def hide_in_versions(store: Store, pks: list[int]) -> None:
    """Take the address out of the kept earlier versions of records now marked confidential.

    An agency that sent the refuge's address unmarked and then corrects it must not
    leave the address in the record's history.
    """
    if not pks:
        return
    condition, params = store.keys_in("record_pk", pks)
    rows = store.query(f"SELECT id, content FROM {_VERSION_TABLE} WHERE {condition}", params)
    updates = []
    for pk, content in rows:
        old = dict(json.loads(content) if isinstance(content, str) else content)
        pattern = hiding_pattern(old.get("address"), old.get("postcode"))
        for field in ("summary", "action"):
            old[field] = hide_in_text(old.get(field), pattern)
        old.update(address=None, postcode=None, address_confidential=True)
        updates.append((json.dumps(old, ensure_ascii=False), pk))
    store.executemany(f"UPDATE {_VERSION_TABLE} SET content = ? WHERE id = ?", updates)


def hide_places(store: Store, now: str) -> int:
    """Hide every record at a confidential place as if it had been marked; how many were.

    The address each such record held moves to ``ws_confidential_address`` under its
    own agency (who recorded it, and may still see it); the record keeps only the
    mark, and its summary and action lose any mention of the place.
    """
    if not store.scalar(f"SELECT COUNT(*) FROM {CONFIDENTIAL_TABLE}"):
        return 0
    found = store.query(
        f"SELECT r.id, r.agency, r.record_id, r.address, r.postcode, r.summary, r.action, "
        "r.provenance "
        f"FROM {_RECORD_TABLE} r WHERE {_AT_A_CONFIDENTIAL_PLACE}"
    )
    if not found:
        return 0
    places = [row[1:5] for row in found]
    keep(
        store,
        pl.DataFrame(places, schema=["agency", "record_id", *CONFIDENTIAL_FIELDS], orient="row"),
        now,
    )
    updates = []
    for pk, _, _, address, postcode, summary, action, provenance in found:
        pattern = hiding_pattern(address, postcode)
        texts = (hide_in_text(summary, pattern), hide_in_text(action, pattern))
        updates.append((True, *texts, _hidden_provenance(provenance, pattern), pk))
    hide_in_versions(store, [row[0] for row in found])
    store.executemany(
        f"UPDATE {_RECORD_TABLE} SET address = NULL, postcode = NULL, address_confidential = ?, "
        "summary = ?, action = ?, provenance = ? WHERE id = ?",
        updates,
    )
    return len(found)


def _hidden_provenance(provenance: Any, pattern: re.Pattern[str] | None) -> str | None:
    """A record's provenance without the postcode as recorded, its warnings without the place."""
    if provenance is None:
        return None
    kept = dict(json.loads(provenance) if isinstance(provenance, str) else provenance)
    kept.pop("postcode_recorded", None)
    if kept.get("warnings"):
        kept["warnings"] = hide_in_text(str(kept["warnings"]), pattern)
    return json.dumps(kept, ensure_ascii=False) if kept else None


def address_of(store: Store, agency: str, record_id: str) -> ConfidentialAddress | None:
    """A record's confidential address, for a viewer the access rules allow; None if it has none."""
    rows = store.query(
        f"SELECT address, postcode FROM {CONFIDENTIAL_TABLE} WHERE agency = ? AND record_id = ?",
        [agency, record_id],
    )
    if not rows:
        return None
    address, postcode = rows[0]
    return ConfidentialAddress(agency, record_id, address, postcode)


#: The pattern of every confidential place, by store and the table's state: built again
#: only when an address is added or removed.
_every_place: dict[tuple[str, int, int], re.Pattern[str] | None] = {}


def every_place(store: Store) -> re.Pattern[str] | None:
    """Every confidential place in the partnership as one pattern, for free text that is not
    a record's (an engagement need's detail may name where a victim now lives)."""
    count, newest = store.query(f"SELECT COUNT(*), MAX(id) FROM {CONFIDENTIAL_TABLE}")[0]
    key = (store.url.raw, int(count or 0), int(newest or 0))
    if key not in _every_place:
        rows = store.query(f"SELECT address, postcode FROM {CONFIDENTIAL_TABLE}")
        parts = [p.pattern for a, c in rows if (p := hiding_pattern(a, c)) is not None]
        _every_place.clear()
        _every_place[key] = re.compile("|".join(parts), re.IGNORECASE) if parts else None
    return _every_place[key]
