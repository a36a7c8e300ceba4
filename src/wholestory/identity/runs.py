"""A linking run: what it did (:class:`LinkSummary`), its row in ws_link_run, its counts.

Every run (full, incremental, a person's decision) starts a row before it
writes and finishes it with its counts, so a run that failed halfway shows as
unfinished and the next daily feed links what it left out.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from wholestory.identity.queue import review_count
from wholestory.identity.sources import now_iso
from wholestory.store.connection import Store


@dataclass
class LinkSummary:
    """What a run did, in counts a person can check."""

    kind: str
    source_persons: int = 0
    scored: int = 0
    people: int = 0
    new_people: int = 0
    automatic_links: int = 0
    for_review: int = 0
    refused: int = 0
    merges: int = 0
    splits: int = 0
    household_links: int = 0
    trained: bool = False
    model_id: int | None = None
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def start_run(store: Store, kind: str, model_id: int | None) -> int:
    """A run's row, written before anything else: a run that fails stays unfinished."""
    with store.transaction():
        return int(
            store.scalar(
                "INSERT INTO ws_link_run (kind, model_id, started_at, counts) "
                "VALUES (?, ?, ?, ?) RETURNING id",
                [kind, model_id, now_iso(), "{}"],
            )
        )


def finish_run(store: Store, run_id: int, summary: LinkSummary) -> None:
    """Mark the run finished, with its counts: the next feed resumes from here."""
    with store.transaction():
        store.execute(
            "UPDATE ws_link_run SET finished_at = ?, counts = ? WHERE id = ?",
            [now_iso(), json.dumps(summary.as_dict()), run_id],
        )


def count_pairs(store: Store, summary: LinkSummary) -> None:
    """The store's counts after a run (links, held, waiting, people), for the summary."""
    counts: dict[str, int] = {
        str(state): int(n)
        for state, n in store.query("SELECT state, COUNT(*) FROM ws_link_pair GROUP BY state")
    }
    summary.automatic_links = int(counts.get("auto", 0))
    summary.refused = int(counts.get("held", 0))
    summary.for_review = review_count(store)
    summary.people = int(
        store.scalar("SELECT COUNT(*) FROM ws_person WHERE status = 'active'") or 0
    )
