"""A feed run: agency files in, their new people linked, the chronologies they touch rebuilt,
the Operation Encompass notices owed worked out again, and the alerts raised.

``wholestory ingest`` (an agency's feed, run on the server) and the upload page (a file
put in by hand) both run a feed here, so what follows an import is the same however the
records came. The notices for the leads of agencies already involved with someone the
files bring a new agency to are returned, not kept: the command line writes them through
the feed's own store, the web keeps them with its other notices
(:func:`wholestory.arrival.first_record_notices` says why they are written).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wholestory.alerts.rules import before_rebuild
from wholestory.alerts.running import AlertRun, after_feed
from wholestory.alerts.settings import AlertSettings
from wholestory.arrival import Notice, first_record_notices
from wholestory.chronology.stored import refresh_after_feed
from wholestory.domestic_abuse.encompass import refresh_notices
from wholestory.identity import LinkSummary, LinkThresholds, link_new, now_iso
from wholestory.ingest import IngestResult, ingest_paths
from wholestory.ingest.pipeline import Progress
from wholestory.ingest.profiles import Profile
from wholestory.store import Store
from wholestory.store.imports import Arrival


@dataclass
class FeedRun:
    """What one feed run did: the row accounting, the linking and the rebuilt chronologies."""

    result: IngestResult
    since: str  # a store timestamp taken before the import: what came after it is new
    linked: LinkSummary | None = None  # None: not linked (asked not to, or no model yet)
    rebuilt: int = 0
    notices: list[Notice] = field(default_factory=list)
    encompass_owed: int = 0  # Operation Encompass notices owed, worked out again after linking
    alerts: AlertRun = field(default_factory=AlertRun)  # the alerts it raised, and who was told

    @property
    def changed(self) -> bool:
        """Whether any record went in or changed (nothing else needs linking)."""
        totals = self.result.totals()
        return bool(totals["inserted"] or totals["updated"])


def run_feed(
    store: Store,
    paths: list[Path],
    arrival: Arrival,
    *,
    profile: Profile | None = None,
    progress: Progress | None = None,
    link: bool = True,
    thresholds: LinkThresholds | None = None,
    alert_settings: AlertSettings | None = None,
) -> FeedRun:
    """Import files, link the people new or changed since and rebuild their chronologies.

    A file that fails leaves nothing behind and does not stop the others. Linking
    waits for a trained model on a partnership-sized store (``linked`` is then None);
    the notices for the leads already involved are gathered whenever linking was
    asked for and records changed, for the caller to keep. The alerts are raised once
    the chronologies are rebuilt, and kept and told here; their emails are the caller's.
    """
    since = now_iso()
    run = FeedRun(ingest_paths(store, paths, profile, progress=progress, arrival=arrival), since)
    if not (link and run.changed):
        return run
    run.linked = link_new(store, since=since, thresholds=thresholds)
    if run.linked is not None:
        before = before_rebuild(store, since)
        run.rebuilt = refresh_after_feed(store, since)
        run.encompass_owed = refresh_notices(store)
        run.alerts = after_feed(store, since, before, alert_settings)
    run.notices = first_record_notices(store, since)
    return run


def held_back(store: Store, file: Path, limit: int = 1000) -> tuple[int, list[dict[str, Any]]]:
    """The rows the latest import of ``file`` quarantined: how many, and the first ``limit``
    (file, row, columns, reason), for the person who sent it to correct."""
    import_id = store.scalar("SELECT MAX(id) FROM ws_import WHERE file_name = ?", [str(file)])
    if import_id is None:
        return 0, []
    count = store.scalar("SELECT COUNT(*) FROM ws_quarantine WHERE import_id = ?", [int(import_id)])
    rows = store.query(
        "SELECT file_name, row_number, columns, reason FROM ws_quarantine "
        f"WHERE import_id = ? ORDER BY row_number, id LIMIT {int(limit)}",
        [int(import_id)],
    )
    listed = [{"file": f, "row": int(r), "columns": c, "reason": why} for f, r, c, why in rows]
    return int(count), listed
