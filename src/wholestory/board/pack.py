"""A board pack for one quarter: built from the store, kept, read back.

The pack is built once (``wholestory board-pack`` or the business unit's button) and kept
in ``ws_board_pack`` as JSON, already suppressed and naming no child, so the board's home
page and the PDF are drawn from the kept contents, fast, and the pack the board discussed
can be opened again as it was. Every count in it is a string from
:func:`wholestory.figures.suppressed`: from 1 to 4 it reads "fewer than 5".
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from wholestory.assurance.audits import log, stamp, utc
from wholestory.assurance.themes import themes
from wholestory.audit.actions import Action
from wholestory.board.measures import (
    catalogue,
    charted,
    da_figures,
    notices_timeliness,
    reading_once,
)
from wholestory.board.quarter import Quarter
from wholestory.figures import suppressed
from wholestory.reviews.cases import open_reviews
from wholestory.reviews.tracker import RAGS, tracker_summary
from wholestory.store import Store


@dataclass(frozen=True, slots=True)
class KeptPack:
    id: int
    quarter: str
    contents: dict[str, Any]
    built_by: str
    built_at: dt.datetime


def build(store: Store, quarter: Quarter, by: str, now: dt.datetime | None = None) -> KeptPack:
    """Build the quarter's pack from the store as it is, keep it, and audit it."""
    at = utc(now)
    contents = gather(store, quarter, at.date())
    with store.transaction():
        made = int(
            store.scalar(
                "INSERT INTO ws_board_pack (quarter, contents, built_by, built_at) "
                "VALUES (?, ?, ?, ?) RETURNING id",
                [str(quarter), json.dumps(contents), by, stamp(at)],
            )
        )
        log(store, by, Action.BOARD_PACK, "", f"board pack {made}", {"built": str(quarter)})
    kept = pack(store, made)
    assert kept is not None
    return kept


def gather(store: Store, quarter: Quarter, today: dt.date) -> dict[str, Any]:
    """The quarter's contents as a pack holds them, without keeping them (the yearly
    report reads them fresh when no pack was built for its year)."""
    end = min(quarter.end, today)
    with reading_once():
        return _contents(store, quarter, end)


def _contents(store: Store, quarter: Quarter, end: dt.date) -> dict[str, Any]:
    return {
        "quarter": str(quarter),
        "period": quarter.words(),
        "as_of": end.isoformat(),
        "measures": [charted(store, m, end) for m in catalogue()],
        "tracker": _tracker(store, end),
        "reviews": open_reviews(store, end),
        "themes": _themes(store),
        "domestic_abuse": _domestic_abuse(store, quarter, end),
        "thrive": _thrive(store, end),
    }


def pack(store: Store, pack_id: int) -> KeptPack | None:
    rows = store.query(f"{_SELECT} WHERE id = ?", [pack_id])
    return _kept(rows[0]) if rows else None


def packs(store: Store) -> list[KeptPack]:
    """Every pack kept, the newest first."""
    return [_kept(r) for r in store.query(f"{_SELECT} ORDER BY built_at DESC, id DESC")]


def latest(store: Store) -> KeptPack | None:
    found = store.query(f"{_SELECT} ORDER BY built_at DESC, id DESC LIMIT 1")
    return _kept(found[0]) if found else None


_SELECT = "SELECT id, quarter, contents, built_by, built_at FROM ws_board_pack"


def _kept(row: Any) -> KeptPack:
    at = row[4] if isinstance(row[4], dt.datetime) else dt.datetime.fromisoformat(str(row[4]))
    return KeptPack(int(row[0]), str(row[1]), json.loads(str(row[2])), str(row[3]), utc(at))


def _tracker(store: Store, end: dt.date) -> dict[str, Any]:
    """The tracker with every count suppressed (each action is listed, by agency)."""
    found = tracker_summary(store, end)

    def safe(counts: dict[str, int]) -> dict[str, str]:
        return {k: suppressed(v) for k, v in counts.items()}

    return {
        "overall": safe(found["overall"]),
        "by_source": {s: safe(c) for s, c in found["by_source"].items()},
        "recommendations": [
            {k: v for k, v in r.items() if k not in (*RAGS, "actions", "overdue", "assured")}
            | {"counts": safe({k: r[k] for k in (*RAGS, "actions", "overdue", "assured")})}
            for r in found["recommendations"]
        ],
        "actions": found["actions"],
    }


def _themes(store: Store) -> dict[str, Any]:
    """The audit themes' distributions and findings, already protected by themes()."""
    found = themes(store).as_dict()
    keep = ("title", "period", "programmes", "scale", "basis", "distributions", "findings",
            "findings_note", "suppression")  # fmt: skip
    return {k: found[k] for k in keep if k in found}


def _domestic_abuse(store: Store, quarter: Quarter, end: dt.date) -> dict[str, str]:
    figures = da_figures(store, end)
    months = [m for m in figures.months if m.month in quarter.months]
    notices = [t for t in notices_timeliness(store) if t.month in quarter.months]
    return {
        "incidents": suppressed(sum(m.incidents for m in months)),
        "children_affected": suppressed(sum(m.children_affected for m in months)),
        "repeat_incidents": suppressed(sum(m.repeat_incidents for m in months)),
        "marac_referrals": suppressed(sum(m.marac_referrals for m in months)),
        "repeat_marac_referrals": suppressed(sum(m.repeat_marac_referrals for m in months)),
        "marac_cases_last_year": suppressed(figures.marac_cases_last_year),
        "encompass_owed": suppressed(sum(t.owed for t in notices)),
        "encompass_on_time": suppressed(sum(t.on_time for t in notices)),
    }


def _thrive(store: Store, end: dt.date) -> dict[str, Any]:
    """THRIVE's population figures (already suppressed by the population view)."""
    from wholestory.thrive.population import summary

    return summary(store, end)
