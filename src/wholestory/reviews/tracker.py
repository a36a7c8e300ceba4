"""The recommendations tracker: every action the partnership has committed to, from
recommendations and from case file audits, read as red, amber, green or complete, with
what is overdue and what is assured.

Audit actions (issue 15, ``wholestory.assurance.learning``) are tracked beside the
recommendations' own: done is complete; not done and past due is red; not done and due
within 30 days is amber; otherwise green. They have no assurance step (the moderator
already checked the audit), so they never count as assured. The tracker names no child;
the board's copy (:func:`tracker_summary`) names agencies, not owners.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Final

from wholestory.assurance.learning import actions as audit_actions
from wholestory.chronology.vocabulary import agency_name
from wholestory.reviews.recommendations import (
    RAG_WORDS,
    SOON_DAYS,
    SOURCES,
    actions_of,
    recommendations,
)
from wholestory.store import Store

RAGS: Final = ("red", "amber", "green", "complete")


@dataclass(frozen=True, slots=True)
class TrackedAction:
    """One row of the tracker, whichever kind of action it is."""

    source: str  # a SOURCES key
    ref: str  # "recommendation 3" or "audit programme 2"
    text: str
    owner_agency: str
    owner: str
    due_on: dt.date
    rag: str
    overdue: bool
    assured: bool
    action_id: int | None  # a recommendation's action (pages link to it); None for audits

    def as_dict(self, with_owner: bool = True) -> dict[str, Any]:
        found = {
            "source": self.source, "ref": self.ref, "text": self.text,
            "owner_agency": self.owner_agency, "due_on": self.due_on.isoformat(),
            "rag": self.rag, "rag_words": RAG_WORDS[self.rag], "overdue": self.overdue,
            "assured": self.assured, "action_id": self.action_id,
        }  # fmt: skip
        return found | ({"owner": self.owner} if with_owner else {})


def tracked(store: Store, today: dt.date) -> list[TrackedAction]:
    """Every action, recommendations' and audits', the soonest due first."""
    rows: list[TrackedAction] = []
    for rec in recommendations(store):
        for a in actions_of(store, rec.id):
            rows.append(TrackedAction(rec.source, f"recommendation {rec.id}", a.text,
                                      a.owner_agency, a.owner, a.due_on, a.rag(today),
                                      a.overdue(today), a.assured, a.id))  # fmt: skip
    for b in audit_actions(store):
        rows.append(TrackedAction("audit", f"audit programme {b.programme_id}", b.text,
                                  b.agency, b.owner, b.due, _audit_rag(b.done, b.due, today),
                                  b.overdue(today), False, None))  # fmt: skip
    return sorted(rows, key=lambda r: (r.due_on, r.ref))


def tracker_summary(store: Store, today: dt.date) -> dict[str, Any]:
    """The tracker as the board reads it: counts by RAG, overdue, complete and assured,
    overall, by source and by recommendation, and each action by agency (no owner's name,
    no child). Counts are raw here: the board pack suppresses small ones where it shows
    counts of people; these count actions."""
    rows = tracked(store, today)
    by_rec = []
    for rec in recommendations(store):
        mine = [r for r in rows if r.ref == f"recommendation {rec.id}"]
        by_rec.append({"id": rec.id, "source": SOURCES[rec.source], "text": rec.text,
                       "accepted_on": rec.accepted_on.isoformat(), "measures": list(rec.measures),
                       **_counts(mine)})  # fmt: skip
    return {
        "as_of": today.isoformat(),
        "overall": _counts(rows),
        "by_source": {
            SOURCES[s]: _counts([r for r in rows if r.source == s])
            for s in SOURCES
            if any(r.source == s for r in rows)
        },
        "recommendations": by_rec,
        "actions": [
            r.as_dict(with_owner=False) | {"owner_agency_name": agency_name(r.owner_agency)}
            for r in rows
        ],
    }


def _counts(rows: list[TrackedAction]) -> dict[str, int]:
    found = {rag: sum(r.rag == rag for r in rows) for rag in RAGS}
    return found | {
        "actions": len(rows),
        "overdue": sum(r.overdue for r in rows),
        "assured": sum(r.assured for r in rows),
    }


def _audit_rag(done: bool, due: dt.date, today: dt.date) -> str:
    if done:
        return "complete"
    if due < today:
        return "red"
    return "amber" if due <= today + dt.timedelta(days=SOON_DAYS) else "green"
