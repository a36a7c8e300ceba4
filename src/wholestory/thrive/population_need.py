"""Unmet need (issue 16, item 4): children whose records show need and no mental health help.

Defined here, once, so that the population page, the command, the board pack and the
tests that check planted truth all count the same children.

A child has **unmet need** on ``as_of`` when, in the 12 months before it (the 365 days
ending on ``as_of``, both ends counted), their own records show at least one of:

- ``self_harm``: any SELF_HARM event;
- ``aces``: the chronology's ACE profile flag (``ACE_PROFILE`` in ``ws_flag``: 4 or more
  adverse childhood experience categories evidenced, worked out by
  ``chronology.indicators.ace_evidence`` when the chronology was built, not re-derived
  here), whose latest evidencing entry falls in the 12 months;
- ``exclusions``: 2 or more SUSPENSION or PERMANENT_EXCLUSION events;
- ``severe_problem``: a THRIVE Current View recorded in the 12 months with any problem
  rated Severe;

and **none** of these mental health help in the same 12 months:

- a MENTAL_HEALTH_CONTACT event (any agency);
- any record sent by CAMHS (an appointment, a contact, a discharge: a CAMHS_REFERRAL
  that led to contact always has such a record after it, so a referral alone is not help);
- a THRIVE grouping of Getting Help, Getting More Help or Getting Risk Support.

Only children count: a person whose stored chronology says they are a child. Events are
read by their start day (``event_date_start``), as the rest of WholeStory reads them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from wholestory.store import Store

#: The window of need and of help, in days, ending on the as-of day.
WINDOW_DAYS: Final = 365
#: Groupings that are mental health help.
HELP_GROUPINGS: Final = ("help", "more_help", "risk_support")
#: Event types that are exclusions from school.
EXCLUSIONS: Final = ("SUSPENSION", "PERMANENT_EXCLUSION")
#: How many exclusions in the window make repeated exclusions.
REPEATED_EXCLUSIONS: Final = 2
#: The reasons, in the order they are shown.
REASONS: Final = ("self_harm", "aces", "exclusions", "severe_problem")

#: A record of one child, read the same way in every query below.
_OWN: Final = (
    "SELECT COALESCE(s.ws_person_id, s.key) AS person, r.agency AS agency, "
    "r.record_id AS record_id, r.event_type AS event_type, r.event_date_start AS day "
    "FROM ws_record r JOIN ws_source_person s "
    "ON s.key = r.agency || ':' || r.person_id"
)
#: A THRIVE row (grouping or Current View) with its child's WholeStory id where linked.
_THRIVE_PERSON: Final = "COALESCE(s.ws_person_id, t.person_id)"


@dataclass(frozen=True, slots=True)
class Entry:
    """One record that evidences a reason: who sent it, its id and its day."""

    agency: str
    record_id: str
    day: str


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason a child's need shows, with the records that show it."""

    code: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True, slots=True)
class UnmetNeed:
    """A child with need shown and no mental health help recorded, and why."""

    ws_person_id: str
    reasons: tuple[Reason, ...] = field(default_factory=tuple)

    @property
    def codes(self) -> tuple[str, ...]:
        """The reasons' codes, in :data:`REASONS` order."""
        return tuple(r.code for r in self.reasons)


def window(as_of: dt.date) -> tuple[str, str]:
    """The first and last day of the 12 months ending on ``as_of``, as ISO text."""
    return (as_of - dt.timedelta(days=WINDOW_DAYS - 1)).isoformat(), as_of.isoformat()


def unmet_need(store: Store, as_of: dt.date) -> list[UnmetNeed]:
    """Every child with unmet need on ``as_of`` (see the module's words), by id.

    A handful of set-based queries, not one per child, so it runs for the whole
    population behind the board pack.
    """
    start, end = window(as_of)
    children = _children(store)
    found: dict[str, dict[str, list[Entry]]] = {}
    for code, rows in (
        ("self_harm", _events(store, ("SELF_HARM",), start, end)),
        ("aces", _aces(store, start, end)),
        ("exclusions", _repeated(_events(store, EXCLUSIONS, start, end))),
        ("severe_problem", _severe(store, start, end)),
    ):
        for person, entry in rows:
            if person in children:
                found.setdefault(person, {}).setdefault(code, []).append(entry)
    helped = _helped(store, start, end)
    return [
        UnmetNeed(
            person, tuple(Reason(c, tuple(sorted(by[c], key=_order))) for c in REASONS if c in by)
        )
        for person, by in sorted(found.items())
        if person not in helped
    ]


def _order(e: Entry) -> tuple[str, str, str]:
    return e.day, e.agency, e.record_id


def _children(store: Store) -> set[str]:
    return {str(p) for (p,) in store.query("SELECT ws_person_id FROM ws_chronology WHERE is_child")}


def _events(store: Store, types: Iterable[str], start: str, end: str) -> list[tuple[str, Entry]]:
    condition, params = store.keys_in("r.event_type", sorted(types))
    rows = store.query(
        f"{_OWN} WHERE {condition} AND r.event_date_start >= ? AND r.event_date_start <= ?",
        [*params, start, end],
    )
    return [(str(p), Entry(str(a), str(i), str(d)[:10])) for p, a, i, _k, d in rows]


def _repeated(rows: list[tuple[str, Entry]]) -> list[tuple[str, Entry]]:
    counts: dict[str, int] = {}
    for person, _ in rows:
        counts[person] = counts.get(person, 0) + 1
    return [(p, e) for p, e in rows if counts[p] >= REPEATED_EXCLUSIONS]


def _aces(store: Store, start: str, end: str) -> list[tuple[str, Entry]]:
    rows = store.query(
        "SELECT ws_person_id, evidence, last_date FROM ws_flag WHERE code = 'ACE_PROFILE' "
        "AND last_date >= ? AND first_date <= ?",
        [start, end],
    )
    found: list[tuple[str, Entry]] = []
    for person, evidence, last in rows:
        for item in json.loads(str(evidence or "[]")):
            found.append(
                (
                    str(person),
                    Entry(str(item.get("agency", "")), str(item.get("record_id", "")), str(last)),
                )
            )
    return found


def _severe(store: Store, start: str, end: str) -> list[tuple[str, Entry]]:
    rows = store.query(
        f"SELECT {_THRIVE_PERSON}, t.agency, t.record_id, t.recorded_on, t.answers "
        "FROM ws_thrive_current_view t LEFT JOIN ws_source_person s "
        "ON s.key = t.agency || ':' || t.person_id "
        "WHERE t.recorded_on >= ? AND t.recorded_on <= ?",
        [start, end],
    )
    return [
        (str(p), Entry(str(a), str(i), str(d)))
        for p, a, i, d, answers in rows
        if "severe" in _problem_ratings(answers)
    ]


def _problem_ratings(answers: object) -> set[str]:
    try:
        parsed = json.loads(str(answers or "{}"))
    except ValueError:
        return set()
    problems = parsed.get("problems", {}) if isinstance(parsed, dict) else {}
    return {str(v).lower() for v in problems.values()} if isinstance(problems, dict) else set()


def _helped(store: Store, start: str, end: str) -> set[str]:
    """Children with mental health help recorded between ``start`` and ``end``."""
    contacts = store.query(
        f"SELECT DISTINCT person FROM ({_OWN}) o WHERE o.day >= ? AND o.day <= ? "
        "AND (o.event_type = 'MENTAL_HEALTH_CONTACT' "
        "OR (o.agency = 'CAMHS' AND o.event_type <> 'CAMHS_REFERRAL'))",
        [start, end],
    )
    condition, params = store.keys_in("t.grouping", list(HELP_GROUPINGS))
    groupings = store.query(
        f"SELECT DISTINCT {_THRIVE_PERSON} FROM ws_thrive_grouping t LEFT JOIN ws_source_person s "
        "ON s.key = t.agency || ':' || t.person_id "
        f"WHERE {condition} AND t.recorded_on >= ? AND t.recorded_on <= ?",
        [*params, start, end],
    )
    return {str(p) for (p,) in contacts} | {str(p) for (p,) in groupings}
