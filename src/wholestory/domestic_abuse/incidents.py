"""Police domestic abuse incidents, with every child of the household named in them.

The Domestic Abuse Act 2021 s3 makes a child who sees, hears or experiences domestic
abuse a victim in their own right. A police record often names only the adults, so
the children of an incident are those the police named and those the household
holds: the children linked to the victim or the suspect (identity's household links)
around the time of the incident. Each child is given with their age on the day and
their school, from the school's own records or the last one known, saying which;
Operation Encompass (:mod:`wholestory.domestic_abuse.encompass`) tells that school.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from wholestory.chronology.display import as_day
from wholestory.domestic_abuse.school_days import age_on
from wholestory.identity.household_reading import Member, household_members, people_of
from wholestory.identity.people import births_of, names_of
from wholestory.records.confidential import SHOWN as CONFIDENTIAL_SHOWN
from wholestory.records.keys import source_key, split_key
from wholestory.store.connection import Store

#: The agencies whose DA_INCIDENT records are incidents here.
POLICE_AGENCIES: Final = ("POLICE",)
#: Under this age on the day of an incident, a person is a child of it.
CHILD_AGE: Final = 18
#: A household link dated this many days either side of an incident still counts: a
#: period of living together is recorded only as often as agencies meet the family.
HOUSEHOLD_SLACK_DAYS: Final = 365
#: A school record this recent (about a school year and a term) says the child is on
#: its roll; an older one is only the last school known.
ON_ROLL_DAYS: Final = 400
#: School records that end a child's place at a school rather than show it.
_OFF_ROLL: Final = ("ELECTIVE_HOME_EDUCATION", "CHILD_MISSING_EDUCATION", "PERMANENT_EXCLUSION")

#: A child's school records as (day, event type, school), oldest first.
SchoolRecords = list[tuple[dt.date, str, str]]

FROM_SCHOOL: Final = "the school's own records"
LAST_KNOWN: Final = "the last school known"


@dataclass(frozen=True, slots=True)
class School:
    """A child's school on a day, and where we know it from (:data:`FROM_SCHOOL` or
    :data:`LAST_KNOWN`), with the day of the record that says so."""

    name: str
    known_from: str
    recorded_on: dt.date


@dataclass(frozen=True, slots=True)
class ChildAffected:
    """A child of an incident: who, their age that day, their school, and how we know."""

    person: str
    name: str
    born: dt.date
    age: int
    school: School | None
    role: (
        str | None
    )  # their part in the police record (PRESENT...); None: found through the household

    @property
    def named(self) -> bool:
        """Whether the police record names the child (else the household holds them)."""
        return self.role is not None


@dataclass(frozen=True, slots=True)
class Incident:
    """One police domestic abuse incident: when, its records, its adults and its children."""

    agency: str
    event: str
    day: dt.date
    time: dt.time | None
    records: tuple[str, ...]
    victims: tuple[str, ...]
    suspects: tuple[str, ...]
    children: tuple[ChildAffected, ...]
    place: str  # the address recorded ("Confidential address" when it is one)
    summary: str  # what happened, in the police's words

    @property
    def key(self) -> str:
        """``AGENCY:EVENT``: the incident as a notice or a figure names it."""
        return f"{self.agency}:{self.event}"

    @property
    def at(self) -> dt.datetime:
        """When it happened; an incident without a time counts from the end of its day."""
        return dt.datetime.combine(self.day, self.time or dt.time(23, 59))


def police_incidents(store: Store, since: dt.date | None = None) -> list[Incident]:
    """Every police domestic abuse incident (since ``since``), with its children named."""
    events = _events(store, since)
    people = people_of(store, {key for e in events.values() for key, _ in e["people"]})
    adults_and_named = {people[k] for e in events.values() for k, _ in e["people"]}
    births = births_of(store, sorted(adults_and_named))
    households = _households(store, events, people, births)
    everyone = set(adults_and_named) | {m for found in households.values() for m in found}
    births |= births_of(store, sorted(everyone - set(births)))
    schools = _school_records(store, sorted(everyone))
    names = names_of(store, sorted(everyone))
    return [
        _incident(key, e, people, births, households.get(key, ()), schools, names)
        for key, e in sorted(events.items(), key=lambda kv: (kv[1]["day"], kv[0]))
    ]


def _events(store: Store, since: dt.date | None) -> dict[tuple[str, str], dict[str, Any]]:
    """Each incident's day, time, records and (source key, role) of everyone it names."""
    agencies, params = store.keys_in("agency", POLICE_AGENCIES)
    rows = store.query(
        "SELECT agency, COALESCE(event_id, 'record:' || record_id), event_date_start, "
        "event_time, record_id, person_id, role, address, postcode, address_confidential, "
        "summary FROM ws_record "
        f"WHERE event_type = 'DA_INCIDENT' AND {agencies} AND event_date_start >= ?",
        [*params, str(since or dt.date.min)],
    )
    events: dict[tuple[str, str], dict[str, Any]] = {}
    for agency, event, day, time, record_id, person_id, role, *place, summary in rows:
        e = events.setdefault(
            (str(agency), str(event)),
            {"day": as_day(day), "time": _time(time), "records": set(), "people": set(),
             "place": "", "summary": str(summary)},
        )  # fmt: skip
        e["place"] = e["place"] or _place(*place)
        if role == "VICTIM":
            e["summary"] = str(summary)
        e["records"].add(source_key(str(agency), str(record_id)))
        e["people"].add((source_key(str(agency), str(person_id)), str(role)))
        if e["time"] is None:
            e["time"] = _time(time)
    return events


def _households(
    store: Store,
    events: dict[tuple[str, str], dict[str, Any]],
    people: dict[str, str],
    births: dict[str, dt.date],
) -> dict[tuple[str, str], set[str]]:
    """For each incident, the household members of its adults around the day."""
    adults = {
        people[k]
        for e in events.values()
        for k, _ in e["people"]
        if people[k] in births and age_on(births[people[k]], e["day"]) >= CHILD_AGE
    }
    members = {adult: household_members(store, adult) for adult in sorted(adults)}
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    for key, e in events.items():
        for k, _ in e["people"]:
            for m in members.get(people[k], ()):
                if _around(m, e["day"]):
                    found[key].add(m.ws_person_id)
    return found


def _around(member: Member, day: dt.date) -> bool:
    """Whether a household link's period (if dated) comes within the slack of ``day``."""
    slack = dt.timedelta(days=HOUSEHOLD_SLACK_DAYS)
    first = _partial_start(member.first_date)
    last = _partial_end(member.last_date)
    return (first is None or first - slack <= day) and (last is None or day <= last + slack)


def _incident(
    key: tuple[str, str],
    e: dict[str, Any],
    people: dict[str, str],
    births: dict[str, dt.date],
    household: Iterable[str],
    schools: dict[str, SchoolRecords],
    names: dict[str, str],
) -> Incident:
    day: dt.date = e["day"]
    roles = [(people[k], role) for k, role in sorted(e["people"])]
    named = {p: role for p, role in roles}
    children = []
    for person in sorted(set(named) | set(household)):
        born = births.get(person)
        if born is None or age_on(born, day) >= CHILD_AGE:
            continue
        school = school_on(schools.get(person, []), day)
        children.append(
            ChildAffected(
                person,
                names.get(person, person),
                born,
                age_on(born, day),
                school,
                named.get(person),
            )
        )
    adults = {p for p in named if p not in {c.person for c in children}}
    return Incident(
        key[0],
        key[1],
        day,
        e["time"],
        tuple(sorted(e["records"])),
        tuple(sorted({p for p, r in roles if r == "VICTIM"})),
        tuple(sorted({p for p, r in roles if r == "SUSPECT" and p in adults})),
        tuple(children),
        e["place"],
        e["summary"],
    )


def _school_records(store: Store, people: Sequence[str]) -> dict[str, SchoolRecords]:
    """Each person's school records as (day, event type, school), oldest first."""
    if not people:
        return {}
    either, params = store.either_in(("ws_person_id", "key"), people)
    keys = {
        str(k): str(p)
        for k, p in store.query(
            "SELECT key, COALESCE(ws_person_id, key) FROM ws_source_person "
            f"WHERE agency = 'SCHOOL' AND {either}",
            params,
        )
    }
    found: dict[str, SchoolRecords] = defaultdict(list)
    if not keys:
        return found
    ids, params = store.keys_in("person_id", [split_key(k)[1] for k in keys])
    for person_id, day, event_type, team in store.query(
        "SELECT person_id, event_date_start, event_type, team FROM ws_record "
        f"WHERE agency = 'SCHOOL' AND {ids} AND team IS NOT NULL",
        params,
    ):
        owner = keys.get(source_key("SCHOOL", str(person_id)))
        if owner is not None:
            found[owner].append((as_day(day), str(event_type), str(team)))
    for records in found.values():
        records.sort()
    return found


def school_on(records: SchoolRecords, day: dt.date) -> School | None:
    """The school a child was at on ``day``: the latest school record by then.

    Recent (:data:`ON_ROLL_DAYS`), it is the school's own word that the child is on
    its roll; older, it is only the last school known, and the notice says so. A
    record that ends the place (home education, missing education, exclusion) leaves
    no school.
    """
    before = [r for r in records if r[0] <= day]
    if not before:
        return None
    recorded_on, event_type, name = before[-1]
    if event_type in _OFF_ROLL:
        return None
    recent = (day - recorded_on).days <= ON_ROLL_DAYS
    return School(name, FROM_SCHOOL if recent else LAST_KNOWN, recorded_on)


def _place(address: str | None, postcode: str | None, confidential: bool | None) -> str:
    """Where an incident was, as anyone may be told it: never a confidential address."""
    if confidential:
        return CONFIDENTIAL_SHOWN
    return ", ".join(p for p in (address, postcode) if p)


def _time(value: Any) -> dt.time | None:
    try:
        return dt.time.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _partial_start(text: str | None) -> dt.date | None:
    return None if not text else dt.date.fromisoformat(text + "-01-01"[len(text) - 4 :])


def _partial_end(text: str | None) -> dt.date | None:
    if not text:
        return None
    if len(text) == 4:
        return dt.date(int(text), 12, 31)
    if len(text) == 7:
        year, month = int(text[:4]), int(text[5:])
        return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return dt.date.fromisoformat(text)
