"""The universal services every family meets: GP, health visiting, school, the emergency department.

These give most of a partnership's rows and most of the linking's easy
evidence (health records carry NHS numbers, schools carry UPNs), and also its
quiet warnings: a baby not brought to immunisations, a health visitor who
cannot get in, a pupil whose attendance slips. Rates are plausible for an
English borough, not measured from any real one.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from wholestory.crosscheck.happenings import Happening, Part, Window, arrivals, clock, subject
from wholestory.crosscheck.national_numbers import PupilNumbers
from wholestory.crosscheck.population import CrosscheckPerson, Household

_CONSULTATIONS = (
    "Seen with a chesty cough; advice given",
    "Review of eczema; emollients prescribed",
    "Ear infection; antibiotics prescribed",
    "Asthma review; inhaler technique checked",
    "Seen for a rash; viral, advice given",
    "Sleep problems discussed; leaflet given",
    "Medication review",
    "Telephone consultation about a fever",
)
_INJURIES = (
    "Fell from a trampoline; wrist X-rayed, no fracture",
    "Cut to the forehead after a fall at home; glued",
    "Burn to the hand from a hot drink",
    "Bumped head on a table; observed and discharged",
    "Twisted ankle playing football",
    "Swallowed a small battery; X-ray clear",
)
_ILLNESSES = (
    "Breathing difficulty; nebulised and discharged",
    "High temperature and vomiting",
    "Abdominal pain; discharged with advice",
    "Allergic reaction to nuts; treated and observed",
    "Chest pain; ECG normal",
)


def _missed_rate(household: Household) -> float:
    return 0.3 if "neglect" in household.concerns else 0.06


def gp(household: Household, rng: random.Random, window: Window) -> list[Happening]:
    """Immunisations, post-natal checks and ordinary consultations at the GP practice."""
    found: list[Happening] = []
    missed = _missed_rate(household)
    for person in household.members:
        if person.lives_elsewhere or rng.random() < 0.04:  # not registered with a local GP
            continue
        if person.kind == "child":
            found.extend(_immunisations(person, rng, window, missed))
        first = max(window.start, person.dob)
        rate = 0.22 if person.kind == "child" else 0.16
        for day in arrivals(rng, first, window.end, rate):
            if rng.random() < missed:
                found.append(
                    subject("GP", day, "APPOINTMENT_MISSED", _was_not_seen(person), person, "DNA")
                )
            else:
                found.append(
                    subject("GP", day, "APPOINTMENT_ATTENDED", rng.choice(_CONSULTATIONS), person)
                )
    mother = household.mother
    for child in household.children:
        check = child.dob + timedelta(days=rng.randint(42, 60))
        if window.holds(check) and window.holds(child.dob):
            found.append(
                Happening(
                    "GP",
                    check,
                    "APPOINTMENT_ATTENDED",
                    "Six to eight week check of mother and baby",
                    parts=[Part(child, "SUBJECT"), Part(mother, "PARENT")],
                )
            )
    return found


def _was_not_seen(person: CrosscheckPerson) -> str:
    if person.kind == "child":
        return "Was not brought to the booked appointment"
    return "Did not attend the booked appointment"


def _immunisations(
    child: CrosscheckPerson, rng: random.Random, window: Window, missed: float
) -> list[Happening]:
    found: list[Happening] = []
    for weeks, what in ((8, "8-week"), (12, "12-week"), (16, "16-week"), (53, "one-year")):
        day = child.dob + timedelta(weeks=weeks, days=rng.randint(0, 10))
        if not window.holds(day):
            continue
        if rng.random() < missed:
            found.append(
                subject(
                    "GP",
                    day,
                    "APPOINTMENT_MISSED",
                    f"Was not brought for {what} immunisations",
                    child,
                    "DNA",
                    "Letter sent to parent",
                )
            )
            day += timedelta(days=rng.randint(14, 40))
            if not window.holds(day) or rng.random() < 0.3:
                continue
        found.append(
            subject(
                "GP", day, "APPOINTMENT_ATTENDED", f"{what.capitalize()} immunisations given", child
            )
        )
    return found


_HV_CONTACTS = (
    (12, "New birth visit at home", True),
    (49, "Six to eight week review", True),
    (300, "Nine to twelve month developmental review", False),
    (820, "Two to two-and-a-half year review", False),
)


def health_visiting(household: Household, rng: random.Random, window: Window) -> list[Happening]:
    """The mandated health visiting contacts, and an antenatal visit to the mother."""
    found: list[Happening] = []
    mother = household.mother
    missed = _missed_rate(household) + 0.04
    for child in household.children:
        if child.twin_of and child.twin_of < child.true_id:
            twin: CrosscheckPerson | None = next(
                c for c in household.children if c.true_id == child.twin_of
            )
        else:
            twin = None
        antenatal = child.dob - timedelta(days=rng.randint(40, 80))
        if twin is None and window.holds(antenatal) and rng.random() < 0.6:
            found.append(
                subject(
                    "HEALTH_VISITING",
                    antenatal,
                    "CONTACT",
                    "Antenatal contact at home; no concerns raised",
                    mother,
                )
            )
        for offset, words, with_mother in _HV_CONTACTS:
            day = child.dob + timedelta(days=offset + rng.randint(-3, 20))
            if not window.holds(day):
                continue
            parts = [Part(child, "SUBJECT")]
            if with_mother or rng.random() < 0.4:
                parts.append(Part(mother, "PARENT"))
            if rng.random() < missed:
                found.append(
                    Happening(
                        "HEALTH_VISITING",
                        day,
                        "APPOINTMENT_MISSED",
                        f"{words}: no access, card left",
                        "DNA",
                        "Visit rebooked",
                        parts[:1],
                    )
                )
                day += timedelta(days=rng.randint(7, 28))
                if not window.holds(day):
                    continue
            found.append(
                Happening("HEALTH_VISITING", day, "APPOINTMENT_ATTENDED", words, "", "", parts)
            )
    return found


class Schools:
    """Two primary schools and one secondary per town, with their DfE numbers."""

    def __init__(self, towns: tuple[str, ...]) -> None:
        self.primary = {
            t: (f"{2000 + 10 * i + 1}", f"{2000 + 10 * i + 2}") for i, t in enumerate(towns)
        }
        self.secondary = {t: f"{4000 + 10 * i}" for i, t in enumerate(towns)}
        self.pupils = PupilNumbers()

    def name(self, number: str, town: str) -> str:
        if number.startswith("4"):
            return f"{town} Academy"
        return f"{town} {'Church' if number.endswith('2') else 'Community'} Primary School"


def school(
    household: Household, rng: random.Random, window: Window, schools: Schools
) -> list[Happening]:
    """Starting and moving school, attendance concerns, SEN support and suspensions."""
    found: list[Happening] = []
    worried = household.concerns & {"da", "neglect", "social_care"}
    for child in household.children:
        found.extend(_school_years(household, child, rng, window, schools, bool(worried)))
    return found


def _school_years(
    household: Household,
    child: CrosscheckPerson,
    rng: random.Random,
    window: Window,
    schools: Schools,
    worried: bool,
) -> list[Happening]:
    found: list[Happening] = []
    reception = child.dob.year + (4 if child.dob.month < 9 else 5)
    current = ""
    for year in range(reception, reception + 12):
        term = date(year, 9, rng.randint(2, 7))
        if term > window.end:
            break
        town = household.home_on(term).town
        options = schools.primary[town] if year < reception + 7 else (schools.secondary[town],)
        here = current if current in options else rng.choice(options)
        if not child.upn:
            child.upn = schools.pupils.issue(here, year)
        if here != current:
            kind = "SCHOOL_START" if not current or year == reception + 7 else "SCHOOL_MOVE"
            started = term
            moved = [m for m in household.moves() if date(year - 1, 9, 1) < m <= term]
            if kind == "SCHOOL_MOVE" and moved:
                started = moved[-1] + timedelta(days=rng.randint(5, 30))
            if window.holds(started):
                found.append(
                    subject(
                        "SCHOOL",
                        started,
                        kind,
                        f"Started at {schools.name(here, town)}",
                        child,
                    )
                )
            current = here
        found.extend(_school_year_worries(child, rng, window, year, reception, worried))
    return found


def _school_year_worries(
    child: CrosscheckPerson,
    rng: random.Random,
    window: Window,
    year: int,
    reception: int,
    worried: bool,
) -> list[Happening]:
    found: list[Happening] = []
    day = date(year + 1, rng.randint(1, 6), rng.randint(1, 28))
    if not window.holds(day):
        return found
    if rng.random() < (0.25 if worried else 0.05):
        percent = rng.randint(72, 89)
        found.append(
            subject(
                "SCHOOL",
                day,
                "ATTENDANCE_CONCERN",
                f"Attendance this term is {percent}%; letter home and meeting offered",
                child,
                "",
                "Attendance meeting",
            )
        )
    if year == reception + 1 and rng.random() < 0.12:
        found.append(
            subject(
                "SCHOOL", day, "SEN_SUPPORT", "Placed on SEN support for speech and language", child
            )
        )
    if year >= reception + 7 and rng.random() < (0.08 if worried else 0.025):
        found.append(
            subject(
                "SCHOOL",
                day + timedelta(days=3),
                "SUSPENSION",
                "Suspended for two days after a fight at break time",
                child,
                "",
                "Reintegration meeting",
            )
        )
    return found


def emergency(household: Household, rng: random.Random, window: Window) -> list[Happening]:
    """Emergency department attendances: accidents and illness, more often for small children."""
    found: list[Happening] = []
    for person in household.members:
        first = max(window.start, person.dob)
        for day in arrivals(rng, first, window.end, 0.1 if person.kind == "adult" else 0.14):
            injury = rng.random() < (0.45 if person.age_on(day) < 16 else 0.3)
            happening = subject(
                "ED",
                day,
                "INJURY" if injury else "ED_ATTENDANCE",
                rng.choice(_INJURIES if injury else _ILLNESSES),
                person,
                rng.choice(("Discharged home", "Discharged with GP follow-up", "Admitted")),
            )
            happening.time = clock(rng)
            found.append(happening)
    return found
