"""Writing an agency's records that a later file may replace: new ones in, changed ones
replaced, the same ones left alone and counted.

Dash checklists and engagement needs are kept this way, keyed as records are by
(agency, record_id): an agency that sends its whole table every day changes only what
changed. A row's hash covers what the agency sent, not where in the file it stood.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from wholestory.store.connection import Store
from wholestory.store.records import WriteCounts, stable_digest


@dataclass(frozen=True)
class Replaceable:
    """A table of agencies' records that a later file may replace, and how a file fills it."""

    table: str
    #: The columns a file fills, agency and record_id first.
    fields: tuple[str, ...]
    #: What a record from a file holds in the columns only the app fills (who recorded it).
    from_a_file: Mapping[str, object]

    def write(self, store: Store, frame: pl.DataFrame, import_id: int, now: str) -> WriteCounts:
        """Insert new records, replace changed ones, count the unchanged."""
        if frame.is_empty():
            return WriteCounts()
        frame = frame.unique(subset=["agency", "record_id"], keep="last", maintain_order=True)
        hashes = stable_digest(frame, [c for c in self.fields if c != "source_row"])
        frame = frame.with_columns(hashes.alias("row_hash"))
        old = {
            (str(a), str(r)): str(h)
            for a, r, h in store.query(f"SELECT agency, record_id, row_hash FROM {self.table}")
        }
        counts = WriteCounts()
        fresh: list[tuple[object, ...]] = []
        changed: list[tuple[object, ...]] = []
        fixed = tuple(self.from_a_file.values())
        for row in frame.select(*self.fields, "row_hash").rows():
            before = old.get((str(row[0]), str(row[1])))
            if before == row[-1]:
                counts.unchanged += 1
                continue
            (fresh if before is None else changed).append((*row, import_id, now, *fixed))
        store.executemany(
            f"DELETE FROM {self.table} WHERE agency = ? AND record_id = ?",
            [(r[0], r[1]) for r in changed],
        )
        columns = (*self.fields, "row_hash", "import_id", "recorded_at", *self.from_a_file)
        insert_rows(store, self.table, columns, fresh + changed)
        counts.inserted, counts.updated = len(fresh), len(changed)
        return counts


def insert_rows(
    store: Store, table: str, columns: Sequence[str], rows: Sequence[Sequence[object]]
) -> None:
    """Insert ``rows`` of ``columns`` into ``table``."""
    marks = ", ".join("?" * len(columns))
    store.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
