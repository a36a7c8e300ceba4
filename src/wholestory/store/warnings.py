"""Records that went in with a warning: kept, but with a value that is not trusted.

An NHS number that fails its check digit, a date of birth that does not
exist, a malformed postcode, UPN or time: the row goes in (losing the event
would hide part of a child's story) and the value is kept as recorded but not
used to match people. Data quality officers send these back to the agency;
this module finds them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from wholestory.store.connection import Store
from wholestory.store.json_fields import as_json


@dataclass(frozen=True)
class RecordWarning:
    """One record with its warnings, and where it came from."""

    agency: str
    record_id: str
    file_name: str
    row_number: int
    warnings: str

    def as_dict(self) -> dict[str, Any]:
        return as_json(self)


def _has_warnings(store: Store) -> str:
    if store.backend == "sqlite":
        return "json_extract(r.provenance, '$.warnings') IS NOT NULL"
    return "r.provenance ->> 'warnings' IS NOT NULL"


def count_warnings(store: Store) -> int:
    """How many stored records carry a warning."""
    return int(store.scalar(f"SELECT COUNT(*) FROM ws_record r WHERE {_has_warnings(store)}") or 0)


def list_warnings(store: Store, limit: int | None = None) -> list[RecordWarning]:
    """Records with warnings, by agency and record id, with the file and row they came from."""
    sql = (
        "SELECT r.agency, r.record_id, i.file_name, r.source_row, r.provenance "
        "FROM ws_record r JOIN ws_import i ON i.id = r.import_id "
        f"WHERE {_has_warnings(store)} ORDER BY r.agency, r.record_id"
    )
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    out = []
    for agency, record_id, file_name, row, provenance in store.query(sql):
        data = provenance if isinstance(provenance, dict) else json.loads(provenance)
        out.append(RecordWarning(agency, record_id, file_name, int(row), str(data["warnings"])))
    return out
