"""The three alert rules, run on what one feed brought (issue 14).

- **New involvement**: an agency's first record of a child arrives, and other agencies
  already knew the child. Its people are the ones who would otherwise start again.
- **Something new**: a child on a plan, or with a high-severity flag, has a new event of a
  watched kind (:data:`~wholestory.alerts.settings.WATCHED_EVENTS`) at an agency other
  than their lead professional's.
- **A new flag**: the feed's rebuild raised a flag the child did not have
  (:mod:`wholestory.chronology.flag_history`).

A rule reads the store after the feed has linked and rebuilt, and what the children were
before the rebuild (:class:`BeforeFeed`), since "on a plan or with a high flag" means
before the news, not because of it. Alerts are kept once each (``ws_alert``): a feed run
again raises nothing twice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from wholestory.alerts.settings import (
    NEW_FLAG,
    NEW_INVOLVEMENT,
    SOMETHING_NEW,
    AlertSettings,
)
from wholestory.chronology.stored import people_of_keys
from wholestory.engagement.leads import lead_professionals
from wholestory.identity import people_touched_since
from wholestory.records.keys import source_key
from wholestory.store import Store


@dataclass(frozen=True, slots=True)
class Alert:
    """One rule met for one child."""

    rule: str
    person: str  # the child's WholeStory id
    agency: str  # the agency whose record arrived; "" for a new flag
    record: str  # AGENCY:record_id of the record that met the rule; "" for a new flag
    code: str = ""  # the new flag's code


@dataclass(frozen=True, slots=True)
class BeforeFeed:
    """The children a feed touched, as their stored chronologies stood before its rebuild."""

    open_plan: frozenset[str]
    high_flag: frozenset[str]


def before_rebuild(store: Store, since: str) -> BeforeFeed:
    """Who, among the people the feed touched, was on a plan or had a high flag."""
    persons = sorted(people_of_keys(store, people_touched_since(store, since)))
    if not persons:
        return BeforeFeed(frozenset(), frozenset())
    condition, params = store.keys_in("ws_person_id", persons)
    planned = store.query(
        f"SELECT ws_person_id FROM ws_chronology WHERE open_plan AND {condition}", params
    )
    flagged = store.query(
        f"SELECT DISTINCT ws_person_id FROM ws_flag WHERE severity = 'high' AND {condition}",
        params,
    )
    return BeforeFeed(frozenset(str(p) for (p,) in planned), frozenset(str(p) for (p,) in flagged))


def raise_alerts(
    store: Store, since: str, before: BeforeFeed, settings: AlertSettings | None = None
) -> list[Alert]:
    """Every alert the records and flags written since ``since`` meet, in a stable order."""
    chosen = settings or AlertSettings.load()
    fresh = _fresh_records(store, since)
    alerts: list[Alert] = []
    if chosen.runs(NEW_INVOLVEMENT):
        alerts += _new_involvement(store, since, fresh)
    if chosen.runs(SOMETHING_NEW):
        alerts += _something_new(store, fresh, before, chosen)
    if chosen.runs(NEW_FLAG):
        alerts += new_flags(store, since)
    return sorted(alerts, key=lambda a: (a.rule, a.person, a.agency, a.record, a.code))


@dataclass(frozen=True, slots=True)
class _Fresh:
    person: str
    agency: str
    record: str
    event_type: str
    day: str


def _fresh_records(store: Store, since: str) -> list[_Fresh]:
    """The records first written since ``since``, of children as their chronologies stand."""
    rows = store.query(
        "SELECT s.ws_person_id, r.agency, r.record_id, r.event_type, r.event_date_start "
        "FROM ws_record r JOIN ws_source_person s "
        "ON s.agency = r.agency AND s.person_id = r.person_id "
        "JOIN ws_chronology c ON c.ws_person_id = s.ws_person_id "
        "WHERE r.created_at >= ? AND c.is_child ORDER BY 5, 2, 3",
        [since],
    )
    return [
        _Fresh(str(p), str(a), source_key(str(a), str(r)), str(t), str(d)) for p, a, r, t, d in rows
    ]


def _new_involvement(store: Store, since: str, fresh: Sequence[_Fresh]) -> list[Alert]:
    """An agency's first record of a child, where another agency knew the child before."""
    people = sorted({f.person for f in fresh})
    if not people:
        return []
    condition, params = store.keys_in("s.ws_person_id", people)
    earlier: dict[str, dict[str, int]] = defaultdict(dict)
    for person, agency, count in store.query(
        "SELECT s.ws_person_id, r.agency, SUM(CASE WHEN r.created_at < ? THEN 1 ELSE 0 END) "
        "FROM ws_record r JOIN ws_source_person s "
        f"ON s.agency = r.agency AND s.person_id = r.person_id WHERE {condition} "
        "GROUP BY s.ws_person_id, r.agency",
        [since, *params],
    ):
        earlier[str(person)][str(agency)] = int(count or 0)
    alerts: dict[tuple[str, str], Alert] = {}
    for f in fresh:  # oldest event first: the first record of each names the alert
        known = earlier.get(f.person, {})
        if known.get(f.agency, 0) or not any(n for a, n in known.items() if a != f.agency):
            continue
        alerts.setdefault(
            (f.person, f.agency), Alert(NEW_INVOLVEMENT, f.person, f.agency, f.record)
        )
    return list(alerts.values())


def _something_new(
    store: Store, fresh: Sequence[_Fresh], before: BeforeFeed, settings: AlertSettings
) -> list[Alert]:
    """A watched event for a child on a plan or with a high flag, away from their lead's agency."""
    watched = [
        f
        for f in fresh
        if f.event_type in settings.watched_events
        and (f.person in before.open_plan or f.person in before.high_flag)
    ]
    leads = lead_professionals(store, sorted({f.person for f in watched}))
    return [
        Alert(SOMETHING_NEW, f.person, f.agency, f.record)
        for f in watched
        if f.person not in leads or leads[f.person].agency != f.agency
    ]


def new_flags(store: Store, since: str) -> list[Alert]:
    """The flags a rebuild since ``since`` raised on children for the first time."""
    rows = store.query(
        "SELECT DISTINCT f.ws_person_id, f.code FROM ws_flag_raised f "
        "JOIN ws_chronology c ON c.ws_person_id = f.ws_person_id "
        "WHERE f.raised_at >= ? AND c.is_child",
        [since],
    )
    return [Alert(NEW_FLAG, str(p), "", "", str(c)) for p, c in rows]


def keep_alerts(store: Store, alerts: Sequence[Alert], now: dt.datetime) -> list[int]:
    """Keep the alerts not kept before; returns the ids of the ones new now."""
    if not alerts:
        return []
    stamp = now.isoformat(sep=" ")
    with store.transaction():
        store.executemany(
            "INSERT INTO ws_alert (rule, ws_person_id, agency, record, code, raised_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [(a.rule, a.person, a.agency, a.record, a.code, stamp) for a in alerts],
        )
    return [int(i) for (i,) in store.query("SELECT id FROM ws_alert WHERE raised_at = ?", [stamp])]
