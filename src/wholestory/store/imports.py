"""Import runs and the quarantine: the accounting that proves nothing was lost."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import polars as pl

from wholestory.store.connection import Store
from wholestory.store.json_fields import FILE_AND_ROW, as_json

IMPORT_TABLE = "ws_import"
QUARANTINE_TABLE = "ws_quarantine"

#: A quarantined row's fields as its JSON names them (the rest keep their own names).
_QUARANTINE_JSON: Final = {**FILE_AND_ROW, "raw": "row_as_read", "created_at": "quarantined_at"}

#: A quarantined row as stored: (row number, columns at fault, reason, raw JSON,
#: raw hash, agency, record_id). The last two may be None (a row too broken to tell).
Held = tuple[int, str, str, str, str, str | None, str | None]


@dataclass(frozen=True)
class QuarantineEntry:
    """A quarantined row, as the quarantine list shows it."""

    id: int
    file_name: str
    row_number: int
    columns: str
    reason: str
    raw: dict[str, Any]
    created_at: str
    resolved_at: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return as_json(self, _QUARANTINE_JSON)

    def where_and_why(self) -> list[str]:
        """File, row, column and reason: how every list of the quarantine begins a row."""
        return [self.file_name, str(self.row_number), self.columns, self.reason]


#: How records arrive. A feed (an agency's own system, through ``wholestory ingest`` run by
#: whoever runs the server) is trusted as the agency's; a hand upload on the web is not,
#: until a safeguarding lead at the agency confirms it (see :mod:`wholestory.arrival`).
FEED, UPLOAD = "feed", "upload"


@dataclass(frozen=True)
class Arrival:
    """How a file's records arrived, and through whom: kept on its import run."""

    route: str = FEED
    by: str = ""  # the user who uploaded it, or who ran the feed
    agency: str = ""  # the uploader's agency ("" for a feed, which may carry several)


def start_import(
    store: Store,
    file_name: str,
    sha256: str,
    kind: str,
    profile: str,
    now: str,
    arrival: Arrival | None = None,
) -> int:
    """Record the start of a file's import; returns its id (inside the file's transaction)."""
    came = arrival or Arrival()
    new_id = store.scalar(
        f"INSERT INTO {IMPORT_TABLE} (file_name, file_sha256, kind, profile, started_at, "
        "finished_at, rows_read, rows_inserted, rows_updated, rows_unchanged, rows_quarantined, "
        "rows_with_warnings, route, imported_by, agency) "
        "VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 0, 0, ?, ?, ?) RETURNING id",
        [file_name, sha256, kind, profile, now, now, came.route, came.by, came.agency],
    )
    return int(new_id)


def finish_import(store: Store, import_id: int, counts: dict[str, int], now: str) -> None:
    """Write the file's final row accounting onto its import run."""
    store.execute(
        f"UPDATE {IMPORT_TABLE} SET finished_at = ?, rows_read = ?, rows_inserted = ?, "
        "rows_updated = ?, rows_unchanged = ?, rows_quarantined = ?, rows_with_warnings = ? "
        "WHERE id = ?",
        [
            now,
            counts["read"],
            counts["inserted"],
            counts["updated"],
            counts["unchanged"],
            counts["quarantined"],
            counts["warnings"],
            import_id,
        ],
    )


def quarantine_rows(
    store: Store, file_name: str, rows: Sequence[Held], import_id: int, now: str
) -> None:
    """Hold bad rows with their reasons. The same bad row read twice is held once."""
    store.executemany(
        f"INSERT INTO {QUARANTINE_TABLE} (file_name, row_number, columns, reason, raw, raw_hash, "
        "agency, record_id, import_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (file_name, row_number, raw_hash) DO NOTHING",
        [(file_name, *row, import_id, now) for row in rows],
    )


def open_quarantine_keys(store: Store) -> pl.DataFrame:
    """(agency, record_id) of quarantined rows still waiting for a correction.

    Usually a handful: an import checks its rows against these rather than
    asking the database about every row it writes.
    """
    return store.query_frame(
        f"SELECT DISTINCT agency, record_id FROM {QUARANTINE_TABLE} "
        "WHERE resolved_import_id IS NULL AND agency IS NOT NULL AND record_id IS NOT NULL",
        [],
        {"agency": pl.String(), "record_id": pl.String()},
    )


def resolve_quarantine(
    store: Store, agency: str, record_ids: Sequence[str], import_id: int, now: str
) -> None:
    """Mark held rows of these records resolved: a corrected version has now gone in."""
    condition, params = store.keys_in("record_id", record_ids)
    store.execute(
        f"UPDATE {QUARANTINE_TABLE} SET resolved_import_id = ?, resolved_at = ? "
        f"WHERE resolved_import_id IS NULL AND agency = ? AND {condition}",
        [import_id, now, agency, *params],
    )


def list_quarantine(
    store: Store, limit: int | None = None, include_resolved: bool = False
) -> list[QuarantineEntry]:
    """Quarantined rows still waiting for a correction (or all), by file and row."""
    where = "" if include_resolved else "WHERE resolved_import_id IS NULL "
    sql = (
        f"SELECT id, file_name, row_number, columns, reason, raw, created_at, resolved_at FROM "
        f"{QUARANTINE_TABLE} {where}ORDER BY file_name, row_number, id"
    )
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return [
        QuarantineEntry(
            id=int(r[0]),
            file_name=r[1],
            row_number=int(r[2]),
            columns=r[3],
            reason=r[4],
            raw=json.loads(r[5]),
            created_at=str(r[6]),
            resolved_at=None if r[7] is None else str(r[7]),
        )
        for r in store.query(sql)
    ]


def quarantine_table(entries: list[QuarantineEntry]) -> tuple[list[str], list[list[str]]]:
    """Quarantined rows laid out for the agency to correct and send again.

    The file's own columns come back as they were read (the union of every
    file's headers, in order of first appearance), after where and why.
    """
    columns: dict[str, None] = {}
    for entry in entries:
        columns.update(dict.fromkeys(entry.raw))
    header = ["file", "row", "columns", "reason", *columns]
    rows = [[*e.where_and_why(), *(str(e.raw.get(c, "")) for c in columns)] for e in entries]
    return header, rows


def count_quarantine(store: Store, include_resolved: bool = False) -> int:
    where = "" if include_resolved else " WHERE resolved_import_id IS NULL"
    return int(store.scalar(f"SELECT COUNT(*) FROM {QUARANTINE_TABLE}{where}"))
