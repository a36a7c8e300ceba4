"""From records to entries: one entry per thing that happened, with all its sources.

Three steps, each a rule a worker can check:

1. **One agency event, one entry.** Rows of one agency that share an
   ``event_id`` are one event: the police call-out with the mother as victim,
   her partner as suspect and two children present.
2. **The household.** A household member's records that touch a child
   (:data:`~wholestory.chronology.vocabulary.HOUSEHOLD_TYPES`) join the
   child's chronology, marked as household, when the member may have been
   living with the child then and the child was born.
3. **One happening, several agencies.** Agencies record the same happening
   separately: the police incident, the school's Operation Encompass notice
   the next day, the social care referral it triggered. :data:`SAME_EVENT`
   lists when two agencies' events are taken as one; each merged entry says
   which rule joined it. Two events of one agency are never merged: each
   agency knows its own events apart.

Nothing is dropped: every row the material holds ends up in exactly one entry.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from wholestory.chronology.display import age_on
from wholestory.chronology.material import Material, Member
from wholestory.chronology.model import Entry, Involved, Source, Subject
from wholestory.chronology.rows import Row, dates_of_birth
from wholestory.chronology.vocabulary import (
    AGENCY_PATTERNS,
    HOUSEHOLD_TYPES,
    agency_name,
    category_of,
    relation_words,
)
from wholestory.records.confidential import SHOWN as CONFIDENTIAL_SHOWN
from wholestory.records.keys import split_key

#: A household member's record counts from this many days before the first
#: evidence of them living with the child to as many after the last: records
#: are sparse, and nobody's address is recorded every week.
MEMBER_SLACK_DAYS: Final = 183

#: A household member younger than this at an event is a child of the household
#: (their own events are in their own chronology, not their sibling's).
ADULT_AGE: Final = 16

NO_ACTION: Final = "No action recorded"

_CONCERNS_REFERRED: Final = frozenset(
    {"DA_INCIDENT", "DASH_ASSESSMENT", "ARREST", "MISSING_EPISODE", "INJURY", "CONCERN",
     "ED_ATTENDANCE", "EXPLOITATION_CONCERN", "OFFENCE_VICTIM", "OFFENCE_SUSPECT", "SELF_HARM",
     "APPOINTMENT_MISSED", "ATTENDANCE_CONCERN", "SUSPENSION", "PERMANENT_EXCLUSION",
     "HOMELESSNESS", "EVICTION", "SUBSTANCE_MISUSE"}
)  # fmt: skip
_LIFE_EVENTS: Final = frozenset(
    {"PARENT_SEPARATION", "HOUSE_MOVE", "NEW_PARTNER", "BEREAVEMENT", "PARENT_IMPRISONMENT",
     "PARENT_MENTAL_HEALTH", "PARENT_SUBSTANCE_MISUSE", "EVICTION", "HOMELESSNESS",
     "MISSING_EPISODE", "DA_INCIDENT", "SELF_HARM", "INJURY", "EXPLOITATION_CONCERN"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class SameEvent:
    """Two agencies' events are one happening when the later matches the earlier like this."""

    earlier: frozenset[str]  # a type of the earlier event
    later: frozenset[str]  # a type of the later event, at another agency
    days: int  # at most this many days after
    later_agencies: frozenset[str] | None  # the later event's agency, when it matters
    names_agency: bool  # the later summary names the earlier agency ("Referral from police")
    same_type: bool  # both events are of the same type
    reason: str


SAME_EVENT: Final[tuple[SameEvent, ...]] = (
    SameEvent(
        frozenset({"DA_INCIDENT"}),
        frozenset({"ENCOMPASS_NOTIFICATION"}),
        4,
        None,
        False,
        False,
        "the school's Operation Encompass notice of the police call-out",
    ),
    SameEvent(
        _CONCERNS_REFERRED,
        frozenset({"REFERRAL", "REFERRAL_NFA", "CONCERN", "CONTACT"}),
        7,
        frozenset({"CSC", "EARLY_HELP"}),
        True,
        False,
        "a referral or notification naming the agency that raised it",
    ),
    SameEvent(
        frozenset({"CONCERN"}),
        frozenset({"REFERRAL", "REFERRAL_NFA"}),
        2,
        frozenset({"CSC", "EARLY_HELP"}),
        False,
        False,
        "a referral received within two days of another agency's concern",
    ),
    SameEvent(
        frozenset({"ARREST"}),
        frozenset({"OFFENCE_SUSPECT"}),
        21,
        frozenset({"YOUTH_JUSTICE"}),
        False,
        False,
        "youth justice's record of the arrest",
    ),
    SameEvent(
        _LIFE_EVENTS,
        _LIFE_EVENTS,
        3,
        None,
        False,
        True,
        "the same kind of event recorded by two agencies within three days",
    ),
)
_LONGEST: Final = max(rule.days for rule in SAME_EVENT)


@dataclass(slots=True)
class _Event:
    """One agency event: its rows, first day, and the types in it."""

    agency: str
    rows: list[Row]
    day: dt.date
    own: bool
    household: bool
    types: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        self.types = frozenset(r.event_type for r in self.rows)


def build_entries(
    material: Material, date_of_birth: dt.date | None, date_of_death: dt.date | None = None
) -> tuple[list[Entry], dict[str, str]]:
    """The person's entries, oldest first, and each involved person's relation words.

    Every record of the person is an entry, even one dated after their death (a
    review wants what agencies did then); a household member's event after the
    death is not part of the person's story.
    """
    mine = set(material.keys)
    own_events = _events(material.rows, mine, household=False)
    seen = {(e.agency, r.record_id) for e in own_events for r in e.rows}
    theirs = [r for r in material.household_rows if (r.agency, r.record_id) not in seen]
    born = dates_of_birth([*material.rows, *material.household_rows])
    household = [
        e
        for e in _events(theirs, mine, household=True)
        if _touches_child(e, material.members, date_of_birth, born)
        and (date_of_death is None or e.day <= date_of_death)
    ]
    groups = _merge(sorted(own_events + household, key=lambda e: (e.day, e.agency)))
    relations = {
        p: relation_words(m.relation) or _by_age(born.get(p), date_of_birth)
        for p, m in material.members.items()
    }
    entries = [
        _entry(group, reasons, mine, material.person, relations) for group, reasons in groups
    ]
    entries.sort(key=lambda e: (e.day, e.agency, e.id))
    return entries, relations


def _by_age(member: dt.date | None, child: dt.date | None) -> str:
    """What a household member is when no agency said: an adult or another child, by age."""
    if member is None or child is None:
        return "household member"
    return "adult in the household" if (child - member).days > 14 * 365 else "another child"


def _events(rows: Iterable[Row], mine: set[str], household: bool) -> list[_Event]:
    grouped: dict[tuple[str, str], list[Row]] = defaultdict(list)
    for r in rows:
        grouped[r.event].append(r)
    return [
        _Event(
            key[0],
            sorted(group, key=lambda r: (r.day, r.key not in mine, r.record_id)),
            min(r.day for r in group),
            any(r.key in mine for r in group),
            household,
        )
        for key, group in grouped.items()
    ]


def _touches_child(
    event: _Event, members: dict[str, Member], dob: dt.date | None, born: dict[str, dt.date]
) -> bool:
    """Whether a household member's event belongs in the child's story.

    The member must be an adult then (age unknown counts as adult: an adult's
    event must not drop out of view), living with the child, after the birth.
    """
    if dob is not None and event.day < dob:
        return False
    for r in event.rows:
        member = members.get(r.person)
        if member is None or r.event_type not in HOUSEHOLD_TYPES:
            continue
        birth = born.get(r.person)
        if birth is not None and age_on(birth, event.day) < ADULT_AGE:
            continue
        if member.covers(event.day, MEMBER_SLACK_DAYS):
            return True
    return False


def _merge(events: list[_Event]) -> list[tuple[list[_Event], list[str]]]:
    """Group events that are one happening (see :data:`SAME_EVENT`), with the reasons."""
    groups: list[tuple[list[_Event], list[str]]] = []
    for event in events:
        target = None
        for group, reasons in reversed(groups):
            if (event.day - group[0].day).days > 3 * _LONGEST:
                break  # groups start in date order: none further back can match
            if (event.day - group[-1].day).days > _LONGEST:
                continue
            reason = _joins(group, event)
            if reason:
                target = (group, reasons, reason)
                break
        if target is None:
            groups.append(([event], []))
        else:
            target[0].append(event)
            target[1].append(target[2])
    return groups


def _joins(group: list[_Event], event: _Event) -> str:
    """Why ``event`` is the same happening as ``group``, or "" if it is not."""
    if any(e.agency == event.agency for e in group):
        return ""
    for rule in SAME_EVENT:
        if rule.later_agencies is not None and event.agency not in rule.later_agencies:
            continue
        later = event.types & rule.later
        if not later:
            continue
        for earlier in group:
            gap = (event.day - earlier.day).days
            if not 0 <= gap <= rule.days:
                continue
            shared = earlier.types & rule.earlier
            if not shared or (rule.same_type and not (shared & later)):
                continue
            if rule.names_agency and not _names(event, earlier.agency):
                continue
            return f"{agency_name(event.agency)}: {rule.reason} ({agency_name(earlier.agency)})"
    return ""


def _names(event: _Event, agency: str) -> bool:
    pattern = AGENCY_PATTERNS.get(agency)
    return pattern is not None and any(pattern.search(r.summary) for r in event.rows)


def _entry(
    group: list[_Event],
    reasons: list[str],
    mine: set[str],
    person: str,
    relations: dict[str, str],
) -> Entry:
    rows = [r for e in group for r in e.rows]
    own_rows = [r for r in rows if r.key in mine]
    first = group[0]
    primary = next((r for r in first.rows if r.key in mine), first.rows[0])
    if first.household and not first.own:
        primary = next((r for r in first.rows if r.event_type in HOUSEHOLD_TYPES), primary)
    agencies = list(dict.fromkeys(e.agency for e in group))
    sources = [_source(r, r.key in mine) for r in rows]
    return Entry(
        id=f"{primary.agency}:{primary.record_id}",
        day=min(r.day for r in rows),
        date=primary.event_date,
        approximate=primary.approximate,
        agency=primary.agency,
        agencies=agencies,
        event_type=primary.event_type,
        event_types=list(dict.fromkeys(r.event_type for r in rows)),
        inferred=primary.inferred,
        role=own_rows[0].role if own_rows else "HOUSEHOLD",
        household=not own_rows,
        summary=_summary(group, primary),
        action=_joined(r.action for r in (own_rows or rows)) or NO_ACTION,
        outcome=_joined(r.outcome for r in (own_rows or rows)),
        category=category_of(primary.event_type),
        sources=sources,
        involved=_involved(rows, person, relations),
        merged_because="; ".join(reasons),
    )


def _summary(group: list[_Event], primary: Row) -> str:
    if len(group) == 1:
        return primary.summary
    parts = [primary.summary]
    for event in group[1:]:
        parts.append(f"{agency_name(event.agency)}: {event.rows[0].summary}")
    return " | ".join(parts)


def _joined(values: Iterable[str | None]) -> str:
    return "; ".join(dict.fromkeys(v.strip() for v in values if v and v.strip()))


def _source(r: Row, own: bool) -> Source:
    return Source(
        agency=r.agency,
        record_id=r.record_id,
        person_id=r.person_id,
        name=r.name,
        role=r.role,
        date=r.event_date,
        approximate=r.approximate,
        event_type=r.event_type,
        inferred=r.inferred,
        summary=r.summary,
        action=r.action or "",
        outcome=r.outcome or "",
        practitioner=r.practitioner or "",
        team=r.team or "",
        own=own,
        restricted=r.restricted or "",
    )


def _involved(rows: Sequence[Row], person: str, relations: dict[str, str]) -> list[Involved]:
    seen: dict[str, Involved] = {}
    for r in rows:
        if r.person == person or r.person in seen:
            continue
        seen[r.person] = Involved(r.person, r.name, r.role, relations.get(r.person, ""))
    return list(seen.values())


def describe_person(material: Material) -> Subject:
    """The person as every agency recorded them: names, dates of birth, ids, addresses.

    Names and addresses come from ordinary records only: a record its agency
    marked restricted may hold a new name or a safe address (witness
    protection, a refuge), and the person's details are shown to everyone who
    may see the person. The recording agency reads them on the record itself.
    Only when every record is restricted are its names used, so the page has a title.
    """
    own = [r for r in material.rows if r.key in set(material.keys)]
    ordinary = [r for r in own if not r.restricted]
    dobs = Counter(r.date_of_birth for r in own if r.date_of_birth)
    sexes = Counter(r.sex for r in own if r.sex)
    return Subject(
        id=material.person,
        names=list(dict.fromkeys(r.name for r in ordinary or own)),
        dates_of_birth=sorted(dobs),
        date_of_birth=_most_agreed(dobs),
        sex=sexes.most_common(1)[0][0] if sexes else "",
        source_records=[
            dict(zip(("agency", "person_id"), split_key(k), strict=True)) for k in material.keys
        ],
        addresses=list(
            dict.fromkeys(
                CONFIDENTIAL_SHOWN
                if r.address_confidential
                else ", ".join(p for p in (r.address, r.postcode) if p)
                for r in sorted(ordinary, key=lambda r: r.day)
                if r.address or r.postcode or r.address_confidential
            )
        ),
        identifiers={
            "nhs_number": sorted({r.nhs_number for r in own if r.nhs_number}),
            "upn": sorted({r.upn for r in own if r.upn}),
        },
        date_of_death=_most_agreed(Counter(r.date_of_death for r in own if r.date_of_death)),
    )


def _most_agreed(dobs: Counter[str]) -> str | None:
    """The full date most records agree on (ties: the earliest): of birth, or of death."""
    full = [(-n, d) for d, n in dobs.items() if len(d) == 10]
    return min(full)[1] if full else None
