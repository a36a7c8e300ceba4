"""Who is a child on a day, and each person's own records, as assurance reads them.

Audit selection and the practice measures both ask "was this a child on that day?" and
"what did each agency record of them?"; they ask it here, once, so that a case chosen
for an audit and a case counted by a measure are the same kind of case.

A child is read from their stored chronology (``ws_chronology``): under the age limit of
the indicator thresholds (18) on the day, by the full date of birth it gives; with no full
date of birth, the chronology's own judgement (a person is taken for a child unless some
agency records them as a parent or carer). So nothing here works until the chronologies
have been built, and :class:`NotBuiltError` says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Final

from wholestory.chronology.display import age_on, as_day, parse_iso
from wholestory.chronology.stored import stored_chronology
from wholestory.store import Store

#: The message when no chronology has been built.
NOT_BUILT: Final = (
    "no chronologies have been built, so nobody is known to be a child: "
    "run wholestory chronologies first"
)


class NotBuiltError(ValueError):
    """The store has no stored chronologies yet."""


@dataclass(frozen=True, slots=True)
class Person:
    """A person with a stored chronology, as far as age is concerned."""

    id: str
    name: str
    born: dt.date | None  # only a full date of birth
    child_now: bool  # the chronology's judgement on its as-of day

    def age_on(self, day: dt.date) -> int | None:
        """Whole years of age on ``day``; None without a full date of birth."""
        return None if self.born is None else age_on(self.born, day)

    def child_on(self, day: dt.date, limit: int) -> bool:
        """Under ``limit`` (and born) on ``day``; the chronology's judgement with no birth date."""
        if self.born is None:
            return self.child_now
        return self.born <= day and age_on(self.born, day) < limit


@dataclass(frozen=True, slots=True)
class OwnRecord:
    """One of a person's own records (not their household's)."""

    person: str
    agency: str
    record_id: str
    event_type: str
    day: dt.date
    exact: bool  # the agency gave the day, not only the month or the year


def people(store: Store) -> dict[str, Person]:
    """Everyone with a stored chronology, by id; :class:`NotBuiltError` if there is nobody."""
    found = {
        str(person): Person(str(person), str(name or ""), _born(born), bool(child))
        for person, name, born, child in store.query(
            "SELECT ws_person_id, display_name, date_of_birth, is_child FROM ws_chronology"
        )
    }
    if not found:
        raise NotBuiltError(NOT_BUILT)
    return found


def own_records(
    store: Store,
    *,
    types: Collection[str] = (),
    persons: Sequence[str] = (),
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> list[OwnRecord]:
    """People's own records, oldest first; narrowed by event type, person and day (inclusive).

    A person is their WholeStory id, or ``AGENCY:ID`` while unlinked, as their stored
    chronology is kept.
    """
    sql = (
        "SELECT COALESCE(s.ws_person_id, s.key), r.agency, r.record_id, r.event_type, "
        "r.event_date, r.event_date_start FROM ws_record r JOIN ws_source_person s "
        "ON s.agency = r.agency AND s.person_id = r.person_id WHERE 1 = 1"
    )
    params: list[object] = []
    if types:
        condition, more = store.keys_in("r.event_type", sorted(types))
        sql, params = f"{sql} AND {condition}", [*params, *more]
    if persons:
        condition, more = store.keys_in("COALESCE(s.ws_person_id, s.key)", list(persons))
        sql, params = f"{sql} AND {condition}", [*params, *more]
    if since is not None:
        sql, params = f"{sql} AND r.event_date_start >= ?", [*params, since.isoformat()]
    if until is not None:
        sql, params = f"{sql} AND r.event_date_start <= ?", [*params, until.isoformat()]
    found = [
        OwnRecord(
            str(person),
            str(agency),
            str(record_id),
            str(kind),
            as_day(start),
            len(str(written).strip().lstrip("~").strip()) == len("YYYY-MM-DD"),
        )
        for person, agency, record_id, kind, written, start in store.query(sql, params)
    ]
    return sorted(found, key=lambda r: (r.day, r.person, r.agency, r.record_id))


def agencies_in(store: Store, since: dt.date, until: dt.date) -> dict[str, set[str]]:
    """The agencies that recorded something of each person between two days (inclusive)."""
    found: dict[str, set[str]] = {}
    for person, agency in store.query(
        "SELECT DISTINCT COALESCE(s.ws_person_id, s.key), r.agency FROM ws_record r "
        "JOIN ws_source_person s ON s.agency = r.agency AND s.person_id = r.person_id "
        "WHERE r.event_date_start >= ? AND r.event_date_start <= ?",
        [since.isoformat(), until.isoformat()],
    ):
        found.setdefault(str(person), set()).add(str(agency))
    return found


def on_plan(store: Store, person: str, start: dt.date, end: dt.date) -> bool:
    """Whether a plan of the person's stored chronology was open at some time from ``start``
    to ``end`` (inclusive): child in need, child protection, early help, or looked after."""
    stored = stored_chronology(store, person) or {}
    for plan in stored.get("summary", {}).get("plans", []):
        began = parse_iso(str(plan.get("start") or ""))
        ended = parse_iso(str(plan["end"])) if plan.get("end") else None
        if began and began <= end and (ended is None or ended >= start):
            return True
    return False


def _born(text: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text)) if text and len(str(text)) == 10 else None
    except ValueError:
        return None
