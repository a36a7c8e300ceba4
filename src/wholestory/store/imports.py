"""Import runs and the quarantine: the accounting that proves nothing was lost."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from wholestory.store.connection import Store

IMPORT_TABLE = "ws_import"
QUARANTINE_TABLE = "ws_quarantine"


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

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "file": self.file_name,
            "row": self.row_number,
            "columns": self.columns,
            "reason": self.reason,
            "row_as_read": self.raw,
            "quarantined_at": self.created_at,
        }


def start_import(
    store: Store, file_name: str, sha256: str, kind: str, profile: str, now: str
) -> int:
    """Record the start of a file's import; returns its id (inside the file's transaction)."""
    new_id = store.scalar(
        f"INSERT INTO {IMPORT_TABLE} (file_name, file_sha256, kind, profile, started_at, "
        "finished_at, rows_read, rows_inserted, rows_updated, rows_unchanged, rows_quarantined, "
        "rows_with_warnings) VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 0, 0) RETURNING id",
        [file_name, sha256, kind, profile, now, now],
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
    store: Store,
    file_name: str,
    rows: Sequence[tuple[int, str, str, str, str]],
    import_id: int,
    now: str,
) -> None:
    """Hold bad rows with their reasons. The same bad row read twice is held once.

    ``rows`` are (row_number, columns, reason, raw_json, raw_hash).
    """
    store.executemany(
        f"INSERT INTO {QUARANTINE_TABLE} (file_name, row_number, columns, reason, raw, raw_hash, "
        "import_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (file_name, row_number, raw_hash) DO NOTHING",
        [(file_name, *row[:4], row[4], import_id, now) for row in rows],
    )


def list_quarantine(store: Store, limit: int | None = None) -> list[QuarantineEntry]:
    """Quarantined rows, oldest file first, in row order."""
    sql = (
        f"SELECT id, file_name, row_number, columns, reason, raw, created_at FROM "
        f"{QUARANTINE_TABLE} ORDER BY file_name, row_number, id"
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
    rows = [
        [
            e.file_name,
            str(e.row_number),
            e.columns,
            e.reason,
            *(str(e.raw.get(c, "")) for c in columns),
        ]
        for e in entries
    ]
    return header, rows


def count_quarantine(store: Store) -> int:
    return int(store.scalar(f"SELECT COUNT(*) FROM {QUARANTINE_TABLE}"))
