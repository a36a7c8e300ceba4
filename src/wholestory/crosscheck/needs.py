"""A need recorded, and the contacts after it: the cross-check's own ``NEEDS_NOT_MET`` cases.

The cross-check reads the rule from its description (``docs/chronology.md``), not from
the product: a need a record can show was met (an interpreter, BSL, easy read, an
advocate...) recorded of a child, or of a parent at the child's contacts the parent
was at; raised when the next two of those contacts, within a year of the need being
recorded, say nothing of meeting it. A contact here is an appointment kept or missed,
a contact, an assessment, an ED attendance, a mental health or domestic abuse service
contact, a child protection conference or a Dash checklist, before the child is 18.

Some households (:data:`PLANT_RATE`) get a mother's need at her baby's visits, or a
child's own, with the visits after it silent about it; others (:data:`NEAR_RATE`) a near
miss: the mother's need met at every visit (the notes say so), or one visit only before
a long gap. Every choice draws on a stream of its own, so the rest of the partnership is
written exactly as it would be without them; a near miss's notes only gain words. Each
child's answer is worked out after the household's registrations are made (they may
add a contact), under windows a month either side of a year; a case whose answer
would hang on that edge is not written.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Final

from wholestory.crosscheck.happenings import Happening
from wholestory.crosscheck.population import CrosscheckPerson, Household
from wholestory.crosscheck.recording import Registrations

CODE: Final = "NEEDS_NOT_MET"
PLANT_RATE: Final = 0.1
NEAR_RATE: Final = 0.08
#: The kinds of happening at which an agency meets or speaks with the child.
CONTACT_TYPES: Final = frozenset(
    {"APPOINTMENT_ATTENDED", "APPOINTMENT_MISSED", "CONTACT", "ASSESSMENT", "ASSESSMENT_NFA",
     "ED_ATTENDANCE", "MENTAL_HEALTH_CONTACT", "DA_SERVICE_CONTACT", "CP_CONFERENCE",
     "DASH_ASSESSMENT"}
)  # fmt: skip
#: The year after a need is recorded, and the windows either side the answer must not change in.
YEAR: Final = 365
WINDOWS: Final = (330, YEAR, 400)
#: Planted visits come this soon after the need; a near miss's next visit no sooner than this.
SOON: Final = 300
LATE: Final = 440
_LANGUAGES: Final = (
    "Somali", "Farsi", "Kurdish Sorani", "Pashto", "Tamil", "Albanian", "Turkish",
    "Polish; female interpreter preferred", "Dari or Farsi", "Amharic",
)  # fmt: skip
#: How a worker's note says the need was met.
_MET: Final[dict[str, tuple[str, ...]]] = {
    "INTERPRETER": (
        "Telephone interpreter used throughout",
        "Seen with a {language} interpreter",
        "Language Line interpreter on speakerphone",
    ),
    "BSL": ("BSL interpreter attended", "British Sign Language interpreter booked and present"),
    "EASY_READ": ("Easy-read summary of the visit left with her",),
    "ADVOCATE": ("Her advocate came to the appointment",),
}
_MOTHERS: Final = ("INTERPRETER", "INTERPRETER", "INTERPRETER", "BSL", "EASY_READ", "ADVOCATE")
_DETAIL: Final = {"EASY_READ": "Easy-read letters", "ADVOCATE": "Advocacy service involved"}


@dataclass
class Need:
    """A need of one person, as one agency recorded it, and the happenings that met it."""

    person: CrosscheckPerson
    need: str
    detail: str
    recorded: date
    anchor: Happening  # a happening of the recording agency with the person in it
    met: set[int] = field(default_factory=set)  # ids of happenings whose notes say it was met


@dataclass
class Case:
    """A need planted in a household, and the child it is about."""

    need: Need
    child: CrosscheckPerson
    kind: str  # planted | near_miss
    note: str


def plan(household: Household, happenings: list[Happening], rng: random.Random) -> Case | None:
    """The household's case, if it is dealt one and its happenings allow it."""
    roll = rng.random()
    if roll >= PLANT_RATE + NEAR_RATE:
        return None
    makers: list[Callable[[Household, list[Happening], random.Random], Case | None]] = (
        [_mothers_unmet, _mothers_unmet, _childs_own] if roll < PLANT_RATE else [_met, _one_visit]
    )
    rng.shuffle(makers)
    for make in makers:
        case = make(household, happenings, rng)
        if case is not None:
            return case
    return None


def _with_mother(
    household: Household, happenings: list[Happening], child: CrosscheckPerson
) -> list[Happening]:
    mother = household.mother
    return [h for h in _contacts(happenings, child) if h.involves(mother)]


def _contacts(happenings: list[Happening], child: CrosscheckPerson) -> list[Happening]:
    return sorted(
        (h for h in happenings if h.event_type in CONTACT_TYPES and h.involves(child)),
        key=lambda h: h.day,
    )


def _day_before(rng: random.Random, visits: list[Happening], i: int) -> date | None:
    """A day 20 to 75 days before ``visits[i]`` and after the one before it."""
    day = visits[i].day - timedelta(days=rng.randint(20, 75))
    return None if i and visits[i - 1].day >= day else day


def _mothers_unmet(
    household: Household, happenings: list[Happening], rng: random.Random
) -> Case | None:
    """The mother's need, and three (or two) visits to her child she is at, saying nothing of it."""
    for child in rng.sample(household.children, len(household.children)):
        visits = _with_mother(household, happenings, child)
        for wanted in (3, 2):
            for i in range(len(visits) - wanted + 1):
                day = _day_before(rng, visits, i)
                if day is not None and (visits[i + wanted - 1].day - day).days <= SOON:
                    need = _need(rng, household.mother, rng.choice(_MOTHERS), day, visits[i])
                    note = f"mother's {need.need.lower()} need unmet at {wanted} visits"
                    return Case(need, child, "planted", note)
    return None


def _childs_own(
    household: Household, happenings: list[Happening], rng: random.Random
) -> Case | None:
    """A school-age child's own need, and two of their contacts after it, saying nothing of it."""
    for child in rng.sample(household.children, len(household.children)):
        visits = _contacts(happenings, child)
        for i in range(len(visits) - 1):
            day = _day_before(rng, visits, i)
            if day is None or not 5 <= child.age_on(day) < 16:
                continue
            if (visits[i + 1].day - day).days <= SOON:
                need = _need(rng, child, rng.choice(("INTERPRETER", "BSL")), day, visits[i])
                return Case(need, child, "planted", f"child's own {need.need.lower()} need unmet")
    return None


def _met(household: Household, happenings: list[Happening], rng: random.Random) -> Case | None:
    """The mother's need, and every visit she is at for a while after saying it was met."""
    case = _mothers_unmet(household, happenings, rng)
    if case is None:
        return None
    need = case.need
    for h in happenings:
        gap = (h.day - need.recorded).days
        if h.event_type in CONTACT_TYPES and h.involves(need.person) and 0 < gap <= LATE:
            words = rng.choice(_MET[need.need]).format(language=need.detail.split(";")[0])
            h.action = f"{h.action}. {words}" if h.action else words
            need.met.add(id(h))
    return Case(
        need, case.child, "near_miss", f"mother's {need.need.lower()} need met at each visit"
    )


def _one_visit(
    household: Household, happenings: list[Happening], rng: random.Random
) -> Case | None:
    """The mother's need, and one visit she is at before a long gap."""
    for child in rng.sample(household.children, len(household.children)):
        visits = _with_mother(household, happenings, child)
        for i in range(len(visits)):
            day = _day_before(rng, visits, i)
            if day is None:
                continue
            if i + 1 == len(visits) or (visits[i + 1].day - day).days > LATE:
                need = _need(rng, household.mother, rng.choice(_MOTHERS), day, visits[i])
                return Case(need, child, "near_miss", "one visit in the year after the need")
    return None


def _need(
    rng: random.Random, person: CrosscheckPerson, kind: str, day: date, anchor: Happening
) -> Need:
    detail = rng.choice(_LANGUAGES) if kind == "INTERPRETER" else _DETAIL.get(kind, "")
    return Need(person, kind, detail, day, anchor)


def unmet(child: CrosscheckPerson, need: Need, happenings: list[Happening], window: int) -> bool:
    """Whether two contacts in a row of ``child``'s after ``need``, within ``window`` days,
    said nothing of meeting it (another's need counts only where they were there)."""
    eighteen = child.dob + timedelta(days=round(18 * 365.25))
    run = 0
    for h in _contacts(happenings, child):
        if not 0 < (h.day - need.recorded).days <= window or h.day >= eighteen:
            continue
        if need.person is not child and not h.involves(need.person):
            continue
        run = 0 if id(h) in need.met else run + 1
        if run == 2:
            return True
    return False


def settle(case: Case, household: Household, happenings: list[Happening]) -> list[list[str]]:
    """The case's rows of ``patterns.csv``, for every child of the household; none when any
    child's answer changes with the window or the case is not what it was meant to be."""
    rows: list[list[str]] = []
    for child in household.children:
        answers = {unmet(child, case.need, happenings, w) for w in WINDOWS}
        if len(answers) > 1:
            return []
        raised = answers.pop()
        if child is case.child:
            if raised != (case.kind == "planted"):
                return []
            rows.append([child.true_id, CODE, case.kind, case.note])
        elif raised:
            rows.append([child.true_id, CODE, "implied", f"the same {case.need.need.lower()} need"])
    return rows


def need_row(
    case: Case, happenings: list[Happening], registrations: Registrations, number: int
) -> list[str]:
    """The need as its agency exports it (the template's ``needs`` table)."""
    need = case.need
    index = next(i for i, h in enumerate(happenings) if h is need.anchor)
    registration = registrations.by_part[(index, need.person.true_id)]
    agency = need.anchor.agency
    review = need.recorded + timedelta(days=YEAR)
    return [
        agency, f"{agency[:3]}-NEED-{number:05d}", registration.person_id, need.need,
        need.detail, need.recorded.isoformat(), review.isoformat(), "",
    ]  # fmt: skip
