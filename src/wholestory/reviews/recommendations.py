"""Recommendations and their SMART actions: from a review (the partnership's own or the
national panel's), an audit, a Marac or an inspection, to actions with an owner, a due
date and a status, updated by their owner and assured by a lead of another agency.

"Complete" is what an action's owner says; "assured" is what a safeguarding lead of
another agency has checked, from the evidence. Overdue is worked out from the due date on
the day asked, never stored, so it cannot go stale. Nothing here names a child: a
recommendation speaks of practice, and the tracker (:mod:`wholestory.reviews.tracker`)
is read by the board. Every change is audited in the same transaction as the change.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Final

from wholestory.access import BUSINESS_UNIT, LEAD
from wholestory.assurance.audits import log, member, stamp, utc
from wholestory.assurance.measure_history import CODES
from wholestory.audit.actions import Action
from wholestory.chronology.vocabulary import agency_name
from wholestory.records.template import KNOWN_AGENCIES
from wholestory.store import Store

#: Where a recommendation comes from, in the words people read.
SOURCES: Final[dict[str, str]] = {
    "review": "This partnership's learning review",
    "national": "The national Child Safeguarding Practice Review Panel",
    "audit": "A multi-agency case file audit",
    "marac": "A Marac",
    "inspection": "An inspection",
}
#: An action's statuses as its owner sets them; "overdue" is worked out, never set.
STATUSES: Final[dict[str, str]] = {
    "not_started": "Not started",
    "on_track": "On track",
    "at_risk": "At risk",
    "complete": "Complete",
}
COMPLETE: Final = "complete"
ASSURED, NOT_ASSURED = "assured", "not_assured"
#: Red, amber, green and complete, in words (colour is never the only sign).
RAG_WORDS: Final[dict[str, str]] = {
    "red": "Overdue",
    "amber": "At risk",
    "green": "On track",
    "complete": "Complete",
}
#: A "not started" action due within this many days is at risk (amber).
SOON_DAYS: Final = 30
_LONGEST: Final = 2_000


class RecommendationError(ValueError):
    """A recommendation or action that cannot be kept or changed as asked; says why."""


@dataclass(frozen=True, slots=True)
class Recommendation:
    """A recommendation the partnership accepted, and the measures that should move."""

    id: int
    source: str
    source_ref: str
    review_id: int | None
    text: str
    measures: tuple[str, ...]
    accepted_on: dt.date
    created_by: str


@dataclass(frozen=True, slots=True)
class ActionItem:
    """A SMART action: what, whose, by when, how it stands, and whether it is assured."""

    id: int
    recommendation_id: int
    text: str
    owner_agency: str
    owner: str
    due_on: dt.date
    status: str
    completed_on: dt.date | None
    assurance: str  # "", assured or not_assured (the latest decision)

    def overdue(self, today: dt.date) -> bool:
        """Not complete, and due before ``today`` (on the due date itself it is not late)."""
        return self.status != COMPLETE and self.due_on < today

    def rag(self, today: dt.date) -> str:
        """complete, red (overdue), amber (at risk, or not started and due within 30 days),
        or green."""
        if self.status == COMPLETE:
            return "complete"
        if self.overdue(today):
            return "red"
        soon = self.due_on <= today + dt.timedelta(days=SOON_DAYS)
        if self.status == "at_risk" or (self.status == "not_started" and soon):
            return "amber"
        return "green"

    @property
    def assured(self) -> bool:
        return self.assurance == ASSURED

    def as_dict(self, today: dt.date) -> dict[str, Any]:
        return {
            "id": self.id, "recommendation": self.recommendation_id, "text": self.text,
            "owner_agency": self.owner_agency, "owner": self.owner,
            "due_on": self.due_on.isoformat(), "status": self.status,
            "completed_on": self.completed_on.isoformat() if self.completed_on else None,
            "rag": self.rag(today), "overdue": self.overdue(today), "assured": self.assured,
        }  # fmt: skip


def add_recommendation(
    store: Store, source: str, source_ref: str, text: str, accepted_on: dt.date, by: str, *,
    review_id: int | None = None, measures: tuple[str, ...] = (), now: dt.datetime | None = None,
) -> Recommendation:  # fmt: skip
    """Keep a recommendation the partnership accepted (refused, with why, if incomplete)."""
    if source not in SOURCES:
        raise RecommendationError(f"'{source}' is not a source: one of {', '.join(SOURCES)}")
    said = _words(text, "the recommendation")
    unknown = [m for m in measures if m not in CODES]
    if unknown:
        raise RecommendationError(f"'{unknown[0]}' is not a measure: one of {', '.join(CODES)}")
    if review_id is not None and not store.scalar(
        "SELECT 1 FROM ws_review_case WHERE id = ?", [review_id]
    ):
        raise RecommendationError(f"there is no learning review {review_id}")
    at = utc(now)
    with store.transaction():
        made = int(
            store.scalar(
                "INSERT INTO ws_recommendation (source, source_ref, review_id, text, measures, "
                "accepted_on, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "RETURNING id",
                [source, " ".join(source_ref.split()), review_id, said, json.dumps(list(measures)),
                 accepted_on.isoformat(), by, stamp(at)],
            )
        )  # fmt: skip
        log(store, by, Action.REC_CHANGE, "", target(made), {"added": "recommendation"})
    found = recommendation(store, made)
    assert found is not None
    return found


def add_action(
    store: Store, recommendation_id: int, text: str, owner_agency: str, owner: str,
    due_on: dt.date, by: str, now: dt.datetime | None = None,
) -> ActionItem:  # fmt: skip
    """Add a SMART action to a recommendation: its owner must be an active user of the
    owning agency, so that someone can be held to it."""
    if recommendation(store, recommendation_id) is None:
        raise RecommendationError(f"there is no recommendation {recommendation_id}")
    agency = owner_agency.strip().upper()
    if agency not in KNOWN_AGENCIES:
        raise RecommendationError(f"'{owner_agency}' is not an agency code")
    user = member(store, owner.strip())
    if user is None:
        raise RecommendationError(f"there is no active user '{owner.strip()}'")
    if user.agency != agency:
        raise RecommendationError(f"{user.username} works for {agency_name(user.agency)}, "
                                  f"not {agency_name(agency)}")  # fmt: skip
    at = utc(now)
    with store.transaction():
        made = int(
            store.scalar(
                "INSERT INTO ws_recommendation_action (recommendation_id, text, owner_agency, "
                "owner, due_on, status, completed_on, created_by, created_at, updated_by, "
                "updated_at) VALUES (?, ?, ?, ?, ?, 'not_started', NULL, ?, ?, '', NULL) "
                "RETURNING id",
                [recommendation_id, _words(text, "the action"), agency, user.username,
                 due_on.isoformat(), by, stamp(at)],
            )
        )  # fmt: skip
        log(store, by, Action.REC_CHANGE, "", action_target(made), {"added": "action"})
    return _action(store, made)


def update_action(
    store: Store, action_id: int, status: str, note: str, by: str, *,
    on: dt.date | None = None, now: dt.datetime | None = None,
) -> ActionItem:  # fmt: skip
    """The owner (or the partnership business unit) sets an action's status, with a
    note saying why; completing it dates it (``on``, today by default)."""
    found = action(store, action_id)
    if found is None:
        raise RecommendationError(f"there is no action {action_id}")
    who = member(store, by)
    if by != found.owner and (who is None or who.role != BUSINESS_UNIT):
        raise RecommendationError(
            f"only the action's owner ({found.owner}) or the business unit updates it"
        )
    if status not in STATUSES:
        raise RecommendationError(f"'{status}' is not a status: one of {', '.join(STATUSES)}")
    said = _words(note, "a note of why")
    at = utc(now)
    done = (on or at.date()) if status == COMPLETE else None
    with store.transaction():
        store.execute(
            "UPDATE ws_recommendation_action SET status = ?, completed_on = ?, updated_by = ?, "
            "updated_at = ? WHERE id = ?",
            [status, done.isoformat() if done else None, by, stamp(at), action_id],
        )
        store.execute(
            "INSERT INTO ws_action_update (action_id, status, note, updated_by, updated_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [action_id, status, said, by, stamp(at)],
        )
        log(store, by, Action.ACTION_UPDATE, "", action_target(action_id), {"status": status})
    return _action(store, action_id)


def assure(
    store: Store, action_id: int, decision: str, reason: str, by: str,
    now: dt.datetime | None = None,
) -> ActionItem:  # fmt: skip
    """A safeguarding lead of another agency than the owner's assures a complete action
    (or says it is not assured, with why): complete is not the same as assured."""
    found = action(store, action_id)
    if found is None:
        raise RecommendationError(f"there is no action {action_id}")
    if decision not in (ASSURED, NOT_ASSURED):
        raise RecommendationError("the decision is 'assured' or 'not_assured'")
    lead = member(store, by)
    if lead is None or lead.role != LEAD:
        raise RecommendationError("only a safeguarding lead gives assurance on an action")
    if lead.agency == found.owner_agency:
        raise RecommendationError(
            f"a lead of another agency than {agency_name(found.owner_agency)} gives assurance "
            "on its actions"
        )
    if found.status != COMPLETE:
        raise RecommendationError("an action is assured only once its owner has completed it")
    at = utc(now)
    with store.transaction():
        store.execute(
            "INSERT INTO ws_action_assurance (action_id, decision, reason, decided_by, "
            "decided_agency, decided_at) VALUES (?, ?, ?, ?, ?, ?)",
            [action_id, decision, _words(reason, "the reason"), by, lead.agency, stamp(at)],
        )
        log(store, by, Action.ACTION_ASSURE, "", action_target(action_id), {"decision": decision})
    return _action(store, action_id)


def recommendation(store: Store, recommendation_id: int) -> Recommendation | None:
    rows = store.query(f"{_REC} WHERE id = ?", [recommendation_id])
    return _recommendation(rows[0]) if rows else None


def recommendations(store: Store) -> list[Recommendation]:
    """Every recommendation, the newest first."""
    return [_recommendation(r) for r in store.query(f"{_REC} ORDER BY accepted_on DESC, id DESC")]


def action(store: Store, action_id: int) -> ActionItem | None:
    rows = store.query(f"{_ACTION} WHERE a.id = ?", [action_id])
    return _action_of(rows[0]) if rows else None


def actions_of(
    store: Store, recommendation_id: int | None = None, owner: str | None = None
) -> list[ActionItem]:
    """The actions (of one recommendation, or one owner), the soonest due first."""
    chosen = [(sql, v) for sql, v in (("a.recommendation_id = ?", recommendation_id),
                                      ("a.owner = ?", owner)) if v is not None]  # fmt: skip
    where = f" WHERE {' AND '.join(sql for sql, _ in chosen)}" if chosen else ""
    rows = store.query(f"{_ACTION}{where} ORDER BY a.due_on, a.id", [v for _, v in chosen])
    return [_action_of(r) for r in rows]


def updates(store: Store, action_id: int) -> list[dict[str, Any]]:
    """An action's history: each update's status, note, who and when, oldest first."""
    rows = store.query(
        "SELECT status, note, updated_by, updated_at FROM ws_action_update WHERE action_id = ? "
        "ORDER BY updated_at, id",
        [action_id],
    )
    return [{"status": str(s), "note": str(n), "by": str(b), "at": str(a)} for s, n, b, a in rows]


def target(recommendation_id: int) -> str:
    return f"recommendation {recommendation_id}"


def action_target(action_id: int) -> str:
    return f"action {action_id}"


_REC: Final = (
    "SELECT id, source, source_ref, review_id, text, measures, accepted_on, created_by "
    "FROM ws_recommendation"
)
_ACTION: Final = (
    "SELECT a.id, a.recommendation_id, a.text, a.owner_agency, a.owner, a.due_on, a.status, "
    "a.completed_on, COALESCE((SELECT s.decision FROM ws_action_assurance s "
    "WHERE s.action_id = a.id ORDER BY s.decided_at DESC, s.id DESC LIMIT 1), '') "
    "FROM ws_recommendation_action a"
)


def _action(store: Store, action_id: int) -> ActionItem:
    found = action(store, action_id)
    assert found is not None
    return found


def _recommendation(row: Any) -> Recommendation:
    return Recommendation(
        int(row[0]), str(row[1]), str(row[2]), int(row[3]) if row[3] is not None else None,
        str(row[4]), tuple(json.loads(str(row[5]) or "[]")), _day(row[6]), str(row[7]),
    )  # fmt: skip


def _action_of(row: Any) -> ActionItem:
    return ActionItem(
        int(row[0]), int(row[1]), str(row[2]), str(row[3]), str(row[4]), _day(row[5]),
        str(row[6]), _day(row[7]) if row[7] is not None else None, str(row[8] or ""),
    )  # fmt: skip


def _day(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _words(text: str, what: str) -> str:
    said = text.strip()
    if not said:
        raise RecommendationError(f"{what} is needed")
    if len(said) > _LONGEST:
        raise RecommendationError(f"{what} is at most {_LONGEST:,} characters")
    return said
