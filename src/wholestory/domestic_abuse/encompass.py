"""Operation Encompass: the notice each child's school is owed after a domestic incident.

Since 7 November 2025 the police must make sure a child's school is told, before
the start of the next school day, when a child of school age may be a victim of
domestic abuse (Domestic Abuse Act 2021 s49A; ``shared/spec/domestic-abuse.md``).
For every police incident on or after that day, each child of school age in it
(named by the police or found through the household:
:mod:`wholestory.domestic_abuse.incidents`) is owed a notice to their school's
designated safeguarding lead, due by the school calendar
(:mod:`wholestory.domestic_abuse.school_days`).

Notices are worked out after each feed and kept in ``ws_encompass_notice`` by
:func:`refresh_notices`, so the police queue and a school's list read one indexed
table. A notice once sent keeps what it said; one not yet sent follows the records
(a school record arriving later names the school). A notice counts as sent when the
police mark it sent here, or when the police or the school recorded an
``ENCOMPASS_NOTIFICATION`` for the child within :data:`RECORDED_WITHIN_DAYS`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any, Final

from wholestory.domestic_abuse import encompass_words as words
from wholestory.domestic_abuse.incidents import ChildAffected, Incident, police_incidents
from wholestory.domestic_abuse.school_days import SchoolCalendar, load_calendar, of_school_age
from wholestory.identity.household_reading import people_of
from wholestory.records.keys import source_key
from wholestory.store.connection import Store

TABLE: Final = "ws_encompass_notice"
#: The day the duty began: incidents before it raise no notice.
DUTY_FROM: Final = dt.date(2025, 11, 7)
#: A recorded ENCOMPASS_NOTIFICATION this soon after an incident is that incident's notice.
RECORDED_WITHIN_DAYS: Final = 14
#: How long an emailed acknowledgement link works.
LINK_DAYS: Final = 14

#: A notice's columns, in :class:`Notice` order after its key.
_COLUMNS: Final = (
    "incident, child, child_name, date_of_birth, age, present, school, school_known_from, "
    "incident_at, due_at, place, what_happened, records, sent_at, sent_by, childs_voice, "
    "acknowledged_at, acknowledged_by"
)


class NoticeError(ValueError):
    """A notice that cannot be sent or acknowledged; the message says why, in plain words."""


@dataclass(frozen=True, slots=True)
class Notice:
    """One child's notice for one incident: what the guidance says it holds, and its state.

    Times are the partnership's local time as ``YYYY-MM-DDTHH:MM`` text.
    """

    incident: str
    child: str
    child_name: str
    date_of_birth: str
    age: int
    present: bool
    school: str | None
    school_known_from: str
    incident_at: str
    due_at: str
    place: str
    what_happened: str
    records: str
    sent_at: str | None = None
    sent_by: str | None = None
    childs_voice: str | None = None
    acknowledged_at: str | None = None
    acknowledged_by: str | None = None

    @property
    def key(self) -> str:
        """``INCIDENT|CHILD``: one notice, as pages and links name it."""
        return f"{self.incident}|{self.child}"

    def status(self, now: dt.datetime) -> str:
        """acknowledged, sent, overdue or due (a code of :data:`encompass_words.STATUSES`)."""
        if self.acknowledged_at:
            return "acknowledged"
        if self.sent_at:
            return "sent"
        return "overdue" if now.strftime(_MINUTE) >= self.due_at else "due"

    @property
    def on_time(self) -> bool | None:
        """Whether it was sent before the school day began; None while unsent."""
        return None if self.sent_at is None else self.sent_at <= self.due_at

    def as_dict(self, now: dt.datetime) -> dict[str, Any]:
        fields = {name: getattr(self, name) for name in self.__slots__}
        return {"key": self.key, **fields, "status": self.status(now)}


_MINUTE: Final = "%Y-%m-%dT%H:%M"


def owed(incident: Incident, calendar: SchoolCalendar, since: dt.date = DUTY_FROM) -> list[Notice]:
    """The notices one incident owes: one for each child of school age that day."""
    if incident.day < since:
        return []
    due = calendar.next_school_day_start(incident.at).strftime(_MINUTE)
    return [
        _notice(incident, child, due)
        for child in incident.children
        if of_school_age(child.born, incident.day)
    ]


def _notice(incident: Incident, child: ChildAffected, due: str) -> Notice:
    return Notice(
        incident.key,
        child.person,
        child.name,
        child.born.isoformat(),
        child.age,
        child.role in ("PRESENT", "VICTIM", "WITNESS", "SUBJECT"),
        child.school.name if child.school else None,
        child.school.known_from if child.school else "",
        incident.at.strftime(_MINUTE),
        due,
        incident.place,
        incident.summary,
        ", ".join(incident.records),
    )


def refresh_notices(
    store: Store, calendar: SchoolCalendar | None = None, since: dt.date = DUTY_FROM
) -> int:
    """Work out every notice owed for incidents from ``since``, and keep it; how many there are.

    A notice not yet sent is rewritten from the records (its school may now be
    known); a sent one is left as it was sent, and so is any notice for an incident
    before ``since``. A notification an agency recorded marks its notice sent.
    """
    calendar = calendar or load_calendar()
    incidents = police_incidents(store, since=since)
    found = [n for i in incidents for n in owed(i, calendar, since)]
    sent = {
        f"{incident}|{child}"
        for incident, child in store.query(
            f"SELECT incident, child FROM {TABLE} WHERE sent_at IS NOT NULL"
        )
    }
    recorded = _recorded_notifications(store, found)
    fresh = [_row(n, recorded.get(n.key)) for n in found if n.key not in sent]
    with store.transaction():
        store.execute(
            f"DELETE FROM {TABLE} WHERE sent_at IS NULL AND incident_at >= ?",
            [since.isoformat()],
        )
        store.executemany(f"INSERT INTO {TABLE} ({_COLUMNS}) VALUES ({', '.join('?' * 18)})", fresh)
    return len(found)


def _row(n: Notice, recorded: tuple[str, str] | None) -> tuple[Any, ...]:
    sent_at, by = recorded if recorded else (None, None)
    return (
        n.incident, n.child, n.child_name, n.date_of_birth, n.age, n.present, n.school,
        n.school_known_from, n.incident_at, n.due_at, n.place, n.what_happened, n.records,
        sent_at, by, None, None, None,
    )  # fmt: skip


def _recorded_notifications(store: Store, notices: list[Notice]) -> dict[str, tuple[str, str]]:
    """For each notice, the first ENCOMPASS_NOTIFICATION recorded for the child soon after."""
    if not notices:
        return {}
    rows = store.query(
        "SELECT agency, person_id, event_date_start, event_time FROM ws_record "
        "WHERE event_type = 'ENCOMPASS_NOTIFICATION'"
    )
    people = people_of(store, {source_key(str(a), str(p)) for a, p, _, _ in rows})
    told: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for agency, person_id, day, time in rows:
        at = f"{str(day)[:10]}T{time or '00:00'}"
        told[people[source_key(str(agency), str(person_id))]].append((at, f"recorded by {agency}"))
    found = {}
    within = dt.timedelta(days=RECORDED_WITHIN_DAYS)
    for n in notices:
        first, last = n.incident_at[:10], (dt.date.fromisoformat(n.incident_at[:10]) + within)
        after = sorted(t for t in told.get(n.child, []) if first <= t[0][:10] <= last.isoformat())
        if after:
            found[n.key] = after[0]
    return found


def notices(store: Store, *, school: str | None = None, unsent: bool = False) -> list[Notice]:
    """The notices kept, due first: all of them, one school's, or those not yet sent."""
    where, params = [], []
    if school is not None:
        where.append("school = ?")
        params.append(school)
    if unsent:
        where.append("sent_at IS NULL")
    clause = f"WHERE {' AND '.join(where)} " if where else ""
    rows = store.query(
        f"SELECT {_COLUMNS} FROM {TABLE} {clause}ORDER BY due_at, incident, child", params
    )
    return [_read(row) for row in rows]


def queue(store: Store, offset: int = 0, limit: int | None = None) -> tuple[list[Notice], int]:
    """The police queue: notices not yet sent, the earliest due first, then those sent;
    ``limit`` of them from ``offset``, and how many there are in all."""
    page = f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else ""
    rows = store.query(
        f"SELECT {_COLUMNS} FROM {TABLE} ORDER BY CASE WHEN sent_at IS NULL THEN 0 ELSE 1 END, "
        f"due_at, incident, child{page}"
    )
    return [_read(row) for row in rows], int(store.scalar(f"SELECT COUNT(*) FROM {TABLE}"))


def notice(store: Store, key: str) -> Notice | None:
    """One notice by its key, or None."""
    incident, _, child = key.partition("|")
    rows = store.query(
        f"SELECT {_COLUMNS} FROM {TABLE} WHERE incident = ? AND child = ?", [incident, child]
    )
    return _read(rows[0]) if rows else None


def _read(row: Any) -> Notice:
    values = list(row)
    values[4] = int(values[4])
    values[5] = bool(values[5])
    values[7] = values[7] or ""
    return Notice(*values)


def mark_sent(store: Store, key: str, by: str, childs_voice: str, now: dt.datetime) -> str:
    """Record that the police sent a notice; return the one-time acknowledgement token.

    The token is what the school's emailed link carries; only its hash is kept, so the
    store cannot be read for a working link.
    """
    found = notice(store, key)
    if found is None:
        raise NoticeError(words.NO_SUCH_NOTICE)
    if found.sent_at:
        raise NoticeError(words.ALREADY_SENT)
    if found.school is None:
        raise NoticeError(words.NO_SCHOOL)
    token = secrets.token_urlsafe(32)
    expires = (now + dt.timedelta(days=LINK_DAYS)).strftime(_MINUTE)
    store.execute(
        f"UPDATE {TABLE} SET sent_at = ?, sent_by = ?, childs_voice = ?, token_hash = ?, "
        "token_expires = ? WHERE incident = ? AND child = ?",
        [now.strftime(_MINUTE), by, childs_voice.strip() or None, _hash(token), expires,
         found.incident, found.child],
    )  # fmt: skip
    return token


def acknowledge(store: Store, key: str, by: str, now: dt.datetime) -> Notice:
    """A school's designated safeguarding lead acknowledges a notice in the app."""
    found = notice(store, key)
    if found is None:
        raise NoticeError(words.NO_SUCH_NOTICE)
    if not found.sent_at:
        raise NoticeError(words.NOT_SENT)
    if found.acknowledged_at:
        raise NoticeError(words.ALREADY_ACKNOWLEDGED)
    store.execute(
        f"UPDATE {TABLE} SET acknowledged_at = ?, acknowledged_by = ?, token_hash = NULL "
        "WHERE incident = ? AND child = ?",
        [now.strftime(_MINUTE), by, found.incident, found.child],
    )
    return found


def acknowledge_by_link(store: Store, token: str, now: dt.datetime) -> Notice:
    """Acknowledge the notice an emailed link names; the link works once, until it expires."""
    rows = store.query(
        f"SELECT incident || '|' || child, token_expires, school FROM {TABLE} WHERE token_hash = ?",
        [_hash(token)],
    )
    if not rows:
        raise NoticeError(words.LINK_USED)
    key, expires, school = rows[0]
    if now.strftime(_MINUTE) > str(expires):
        raise NoticeError(words.LINK_EXPIRED)
    return acknowledge(store, str(key), f"{words.BY_LINK} ({school})", now)


def linked_notice(store: Store, token: str) -> Notice | None:
    """The notice a link names while it still works (unused), or None for a dead link."""
    rows = store.query(f"SELECT {_COLUMNS} FROM {TABLE} WHERE token_hash = ?", [_hash(token)])
    return _read(rows[0]) if rows else None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class MonthTimeliness:
    """For the board: of a month's notices, how many were sent before the next school day."""

    month: str
    owed: int
    on_time: int
    late: int
    unsent: int

    @property
    def share_on_time(self) -> float | None:
        return None if not self.owed else self.on_time / self.owed


def timeliness(store: Store) -> list[MonthTimeliness]:
    """By month of incident: notices owed, sent on time, sent late, not sent."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for n in notices(store):
        state = "unsent" if n.on_time is None else "on_time" if n.on_time else "late"
        counts[n.incident_at[:7]][state] += 1
    return [
        MonthTimeliness(month, sum(c.values()), c["on_time"], c["late"], c["unsent"])
        for month, c in sorted(counts.items())
    ]
