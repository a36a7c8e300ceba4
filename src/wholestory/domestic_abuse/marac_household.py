"""Who is around a Marac victim: the children in her household, and names to show.

The Domestic Abuse Act 2021 s3 makes a child who sees, hears or experiences the
abuse a victim in their own right, so every candidate on the referral list carries
the children of the victim's household: those identity's household links put there
(:mod:`wholestory.identity.household_reading`) and those the victim's own events name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Final

from wholestory.domestic_abuse.school_days import age_on
from wholestory.identity.household_reading import household_members
from wholestory.store.connection import Row, Store

#: Under this age (today) a member of the household is a child.
CHILD_AGE: Final = 18


def children_of(store: Store, victim: str, named: Iterable[str] = ()) -> tuple[str, ...]:
    """The children (under 18 today) in the victim's household, or named in her events."""
    members = {m.ws_person_id for m in household_members(store, victim)} | set(named)
    members.discard(victim)
    births = births_of(store, sorted(members))
    today = dt.date.today()
    return tuple(sorted(p for p, born in births.items() if age_on(born, today) < CHILD_AGE))


def births_of(store: Store, people: list[str]) -> dict[str, dt.date]:
    """Each person's earliest recorded full date of birth; people with none are left out."""
    rows = _source_records(store, people, "date_of_birth", "AND date_of_birth IS NOT NULL")
    found: dict[str, dt.date] = {}
    for person, text in rows:
        try:
            born = dt.date.fromisoformat(str(text))
        except ValueError:
            continue
        found[str(person)] = min(born, found.get(str(person), born))
    return found


def names_of(store: Store, people: Sequence[str]) -> dict[str, str]:
    """A name for each person, as the first of their agencies' records gives it."""
    found: dict[str, str] = {}
    for person, given, family in _source_records(
        store, people, "given_name, family_name", "ORDER BY key"
    ):
        found.setdefault(str(person), f"{given or ''} {family or ''}".strip())
    return found


def _source_records(store: Store, people: Sequence[str], columns: str, rest: str) -> list[Row]:
    """Each person (linked, or an agency's ``AGENCY:ID``) with ``columns`` of their records."""
    if not people:
        return []
    either, params = store.either_in(("ws_person_id", "key"), people)
    return store.query(
        f"SELECT COALESCE(ws_person_id, key), {columns} FROM ws_source_person "
        f"WHERE {either} {rest}",
        params,
    )
