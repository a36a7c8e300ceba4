"""Learning reviews as cases with clocks: a serious incident, the child and household it is
about, the dates each step was done, the decisions taken, and what is due when.

A review is opened by the partnership business unit for one child, named as an agency
knows them (``AGENCY PERSON_ID``) and kept by their WholeStory id, with the household the
identity work links to them. Its clocks are :func:`wholestory.reviews.timescales.due_dates`
over the review's dates, so a review can never say a date the clocks would not. Opening a
review tells the safeguarding leads of every agency holding the child's records (the
business unit now sees the child: ``access.may_see_person``, basis ``review``), and every
change is audited in the same transaction as the change.

What the board reads (:func:`open_reviews`) names no child: a title, dates and clocks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Final

from wholestory.access import BUSINESS_UNIT, ROLES, told_of_access
from wholestory.access_facts import facts_about
from wholestory.assurance.audits import log, stamp, utc
from wholestory.audit.actions import Action
from wholestory.chronology.vocabulary import agency_name
from wholestory.identity.household_reading import household_members
from wholestory.reviews.timescales import Clock, Clocks, Timescales, due_dates
from wholestory.store import Store

OPEN, CLOSED = "open", "closed"

#: The decisions a review records, in the words people read; those that date a step say
#: which of the review's dates they set.
DECISIONS: Final[dict[str, str]] = {
    "notified": "Serious incident notified to the Child Safeguarding Practice Review Panel",
    "rapid_review": "Rapid review completed and sent to the Panel",
    "lcspr": "Decided to hold a local child safeguarding practice review",
    "no_lcspr": "Decided not to hold a local child safeguarding practice review",
    "published": "Local child safeguarding practice review published",
    "closed": "Review closed",
}
_DATES: Final = {
    "notified": "notified_on",
    "rapid_review": "rapid_review_on",
    "lcspr": "decided_on",
    "published": "published_on",
}
_LONGEST_TITLE: Final = 200


class ReviewError(ValueError):
    """A review that cannot be opened or changed as asked; the message says why."""


@dataclass(frozen=True, slots=True)
class Review:
    """One review as kept: the child (by WholeStory id), its dates and its state."""

    id: int
    title: str
    ws_person: str
    agency: str
    person_id: str
    household: tuple[str, ...]
    learned_on: dt.date
    notified_on: dt.date | None
    rapid_review_on: dt.date | None
    decided_on: dt.date | None
    published_on: dt.date | None
    status: str
    created_by: str
    created_at: dt.datetime

    def clocks(self, settings: Timescales | None = None) -> Clocks:
        """Each step's clock from the review's dates (the partnership's timescales)."""
        return due_dates(
            self.learned_on, self.notified_on, self.decided_on, settings,
            rapid_review_on=self.rapid_review_on, published_on=self.published_on,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Decision:
    """A decision a review recorded: what, on which day, why, by whom."""

    id: int
    review_id: int
    decided_on: dt.date
    decision: str
    reason: str
    decided_by: str
    recorded_at: dt.datetime

    @property
    def words(self) -> str:
        return DECISIONS.get(self.decision, self.decision)


_COLUMNS: Final = (
    "id, title, ws_person_id, agency, person_id, household, learned_on, notified_on, "
    "rapid_review_on, decided_on, published_on, status, created_by, created_at"
)


def open_review(
    store: Store,
    agency: str,
    person_id: str,
    learned_on: dt.date,
    by: str,
    *,
    notified_on: dt.date | None = None,
    title: str = "",
    settings: Timescales | None = None,
    now: dt.datetime | None = None,
) -> Review:
    """Open a review of the child ``agency`` knows as ``person_id``, from the day the local
    authority learned of the incident (and the day the Panel was notified, if it has been).

    Refused, with the reason, when no agency record names that child or the dates are out
    of order. The leads of every agency holding the child's records are told.
    """
    at = utc(now)
    agency = agency.strip().upper()
    person = _child(store, agency, person_id.strip())
    _checked_dates(learned_on, notified_on, settings)
    named = " ".join(title.split()) or f"Review of a serious incident learned of on {learned_on}"
    if len(named) > _LONGEST_TITLE:
        raise ReviewError(f"a review's title is at most {_LONGEST_TITLE} characters")
    household = tuple(m.ws_person_id for m in household_members(store, person))
    with store.transaction():
        review_id = int(
            store.scalar(
                f"INSERT INTO ws_review_case ({_COLUMNS.removeprefix('id, ')}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, ?, ?, ?) RETURNING id",
                [named, person, agency, person_id.strip(), ",".join(household),
                 learned_on.isoformat(), _iso(notified_on), OPEN, by, stamp(at)],
            )
        )  # fmt: skip
        if notified_on is not None:
            _keep_decision(store, review_id, notified_on, "notified", "", by, at)
        told = _tell(store, review_id, named, person, by, at)
        log(store, by, Action.REVIEW_OPEN, person, target(review_id),
            {"title": named, "learned_on": learned_on.isoformat(), "told": told})  # fmt: skip
    found = review(store, review_id)
    assert found is not None
    return found


def decide(
    store: Store,
    review_id: int,
    decision: str,
    on: dt.date,
    reason: str,
    by: str,
    *,
    settings: Timescales | None = None,
    now: dt.datetime | None = None,
) -> Review:
    """Record a decision (``DECISIONS``) taken on a day, with its reason. A decision that
    dates a step sets that date, checked against the others; "closed" closes the review."""
    at = utc(now)
    found = _open(store, review_id)
    if decision not in DECISIONS:
        raise ReviewError(f"'{decision}' is not a review decision: one of {', '.join(DECISIONS)}")
    column = _DATES.get(decision)
    if column and getattr(found, column) is not None:
        raise ReviewError(f"this review already records '{DECISIONS[decision]}' on "
                          f"{getattr(found, column)}")  # fmt: skip
    if on < found.learned_on:
        raise ReviewError(f"{on} is before the incident was learned of ({found.learned_on})")
    if column:
        dates = {k: getattr(found, k) for k in _DATES.values()} | {column: on}
        _checked_steps(found.learned_on, dates, settings)
    with store.transaction():
        if column:
            store.execute(f"UPDATE ws_review_case SET {column} = ? WHERE id = ?",
                          [on.isoformat(), review_id])  # fmt: skip
        if decision == "closed":
            store.execute("UPDATE ws_review_case SET status = ? WHERE id = ?", [CLOSED, review_id])
        _keep_decision(store, review_id, on, decision, reason.strip(), by, at)
        log(store, by, Action.REVIEW_DECIDE, found.ws_person, target(review_id),
            {"decision": decision, "on": on.isoformat(), "reason": reason.strip()})  # fmt: skip
    changed = review(store, review_id)
    assert changed is not None
    return changed


def review(store: Store, review_id: int) -> Review | None:
    """One review by its id, or None."""
    rows = store.query(f"SELECT {_COLUMNS} FROM ws_review_case WHERE id = ?", [review_id])
    return _review(rows[0]) if rows else None


def reviews(store: Store, status: str | None = None) -> list[Review]:
    """Every review (or those open or closed), the newest first."""
    where, params = (" WHERE status = ?", [status]) if status else ("", [])
    rows = store.query(f"SELECT {_COLUMNS} FROM ws_review_case{where} ORDER BY id DESC", params)
    return [_review(row) for row in rows]


def decisions(store: Store, review_id: int) -> list[Decision]:
    """A review's decisions, in the order they were taken."""
    rows = store.query(
        "SELECT id, review_id, decided_on, decision, reason, decided_by, recorded_at "
        "FROM ws_review_decision WHERE review_id = ? ORDER BY decided_on, id",
        [review_id],
    )
    return [
        Decision(int(r[0]), int(r[1]), _day(r[2]), str(r[3]), str(r[4]), str(r[5]), _moment(r[6]))
        for r in rows
    ]


def overdue(store: Store, today: dt.date, settings: Timescales | None = None) -> list[
    tuple[Review, Clock]
]:  # fmt: skip
    """Every open review's clocks past their due date, the most overdue first."""
    late = [(r, c) for r in reviews(store, OPEN) for c in r.clocks(settings).overdue(today)]
    return sorted(late, key=lambda pair: pair[1].due)


def open_reviews(
    store: Store, today: dt.date, settings: Timescales | None = None
) -> list[dict[str, Any]]:
    """The reviews in progress as the board reads them: naming no child (title, dates and
    each clock's due date, days left in working days, whether done on time or overdue)."""
    return [summary(r, today, settings) for r in reviews(store, OPEN)]


def summary(review_: Review, today: dt.date, settings: Timescales | None = None) -> dict[str, Any]:
    """A review as plain data naming no child (for the board, the JSON output and pages)."""
    return {
        "id": review_.id,
        "title": review_.title,
        "status": review_.status,
        "learned_on": review_.learned_on.isoformat(),
        "clocks": [clock_dict(c, today) for c in review_.clocks(settings).all()],
        "overdue": [c.step for c in review_.clocks(settings).overdue(today)],
    }


def clock_dict(clock: Clock, today: dt.date) -> dict[str, Any]:
    """One clock as plain data: what, by when, the rule, done or how many days left."""
    return {
        "step": clock.step,
        "what": clock.what,
        "rule": clock.rule,
        "counted_from": clock.counted_from.isoformat(),
        "due": clock.due.isoformat(),
        "done_on": _iso(clock.done_on),
        "on_time": clock.on_time,
        "overdue": clock.overdue(today),
        "working_days_left": None if clock.done_on else clock.days_left(today),
    }


def target(review_id: int) -> str:
    """What an audit entry about a review names: the review, not the child."""
    return f"learning review {review_id}"


def _child(store: Store, agency: str, person_id: str) -> str:
    found = store.scalar(
        "SELECT ws_person_id FROM ws_source_person WHERE agency = ? AND person_id = ?",
        [agency, person_id],
    )
    if not found:
        raise ReviewError(f"no {agency_name(agency)} record names a person {person_id} "
                          f"(agency code {agency})")  # fmt: skip
    return str(found)


def _checked_dates(
    learned_on: dt.date, notified_on: dt.date | None, settings: Timescales | None
) -> None:
    _checked_steps(learned_on, {"notified_on": notified_on}, settings)


def _checked_steps(
    learned_on: dt.date, dates: dict[str, dt.date | None], settings: Timescales | None
) -> None:
    """The clocks refuse dates out of order; say so as a review's refusal."""
    try:
        due_dates(
            learned_on, dates.get("notified_on"), dates.get("decided_on"), settings,
            rapid_review_on=dates.get("rapid_review_on"), published_on=dates.get("published_on"),
        )  # fmt: skip
    except ValueError as error:
        raise ReviewError(str(error)) from None


def _open(store: Store, review_id: int) -> Review:
    found = review(store, review_id)
    if found is None:
        raise ReviewError(f"there is no learning review {review_id}")
    if found.status != OPEN:
        raise ReviewError(f"learning review {review_id} is closed")
    return found


def _keep_decision(
    store: Store, review_id: int, on: dt.date, decision: str, reason: str, by: str,
    at: dt.datetime,
) -> None:  # fmt: skip
    store.execute(
        "INSERT INTO ws_review_decision (review_id, decided_on, decision, reason, decided_by, "
        "recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
        [review_id, on.isoformat(), decision, reason, by, stamp(at)],
    )


def _tell(store: Store, review_id: int, title: str, person: str, by: str, at: dt.datetime) -> list[
    str
]:  # fmt: skip
    """Tell the leads of every agency holding the child's records, as a break-glass does."""
    agencies = told_of_access(facts_about(store, person))
    name = store.scalar("SELECT display_name FROM ws_chronology WHERE ws_person_id = ?", [person])
    whose = f"{name} ({person})" if name else person
    message = (
        f"The {ROLES[BUSINESS_UNIT].lower()} ({by}) has opened a learning review, '{title}', "
        f"of {whose}: while it is open the business unit sees this child's records."
    )
    store.executemany(
        "INSERT INTO ws_notification (agency, person, message, created_at, read_by, url) "
        "VALUES (?, ?, ?, ?, '', ?)",
        [(a, person, message, stamp(at), f"/reviews/{review_id}") for a in agencies],
    )
    return agencies


def _review(row: tuple[Any, ...] | Any) -> Review:
    return Review(
        int(row[0]), str(row[1]), str(row[2]), str(row[3]), str(row[4]),
        tuple(p for p in str(row[5] or "").split(",") if p), _day(row[6]), _maybe_day(row[7]),
        _maybe_day(row[8]), _maybe_day(row[9]), _maybe_day(row[10]), str(row[11]), str(row[12]),
        _moment(row[13]),
    )  # fmt: skip


def _day(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _maybe_day(value: Any) -> dt.date | None:
    return None if value is None else _day(value)


def _moment(value: Any) -> dt.datetime:
    found = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return utc(found)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
