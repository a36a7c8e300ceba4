"""Dash checklists in the store (``ws_dash``): written as agencies send them, read by the lists.

A checklist is one agency's record (agency, record_id): sent again with other answers
it replaces the one before, as a record does; sent again the same it is left alone.
"""

from __future__ import annotations

from typing import Final

import polars as pl

from wholestory.store.connection import Store
from wholestory.store.records import WriteCounts, stable_digest

DASH_TABLE: Final = "ws_dash"
_WRITTEN: Final = (
    "agency", "record_id", "event_id", "victim_person_id", "perpetrator_person_id",
    "assessed_on", "form", "answers", "score", "not_known", "professional_judgement",
    "practitioner", "notes", "source_row",
)  # fmt: skip


def write_checklists(store: Store, frame: pl.DataFrame, import_id: int, now: str) -> WriteCounts:
    """Insert new checklists, replace changed ones, count the unchanged."""
    if frame.is_empty():
        return WriteCounts()
    frame = frame.unique(subset=["agency", "record_id"], keep="last", maintain_order=True)
    hashes = stable_digest(frame, [c for c in _WRITTEN if c != "source_row"])
    frame = frame.with_columns(hashes.alias("row_hash"))
    old = dict(
        ((str(a), str(r)), str(h))
        for a, r, h in store.query(f"SELECT agency, record_id, row_hash FROM {DASH_TABLE}")
    )
    counts = WriteCounts()
    fresh, changed = [], []
    for row in frame.select(*_WRITTEN, "row_hash").rows():
        before = old.get((str(row[0]), str(row[1])))
        if before == row[-1]:
            counts.unchanged += 1
        elif before is None:
            fresh.append((*row, import_id, now))
        else:
            changed.append((*row, import_id, now))
    columns = ", ".join((*_WRITTEN, "row_hash", "import_id", "recorded_at"))
    marks = ", ".join("?" * (len(_WRITTEN) + 3))
    keys = [(r[0], r[1]) for r in changed]
    store.executemany(f"DELETE FROM {DASH_TABLE} WHERE agency = ? AND record_id = ?", keys)
    store.executemany(f"INSERT INTO {DASH_TABLE} ({columns}) VALUES ({marks})", fresh + changed)
    counts.inserted, counts.updated = len(fresh), len(changed)
    return counts
