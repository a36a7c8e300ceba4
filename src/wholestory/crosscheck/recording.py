"""How agencies put people on record: their ids, duplicates, episodes, and each row's details.

An agency's person id is where linking starts. Most agencies give a person
one id, but a small share of people are registered twice (after a move, under
a nickname, without the NHS number that would have found the first record);
the emergency department gives a new id for many attendances. A registration
fixes how the agency wrote a person (the spelling, the date of birth as
keyed, whether the NHS number was taken); each row then adds what changes
from row to row (capitals, the address as it stood, a surname changed).
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from wholestory.crosscheck.habits import EPISODE_AGENCY, HABITS, HEALTH, NHS_MISTYPED, Habit
from wholestory.crosscheck.happenings import Happening, Part
from wholestory.crosscheck.names import masculine_form
from wholestory.crosscheck.national_numbers import nhs_as_written, nhs_mistyped
from wholestory.crosscheck.noise import (
    POSTCODE_STYLES,
    hyphen_habit,
    iso,
    misspelt,
    slipped_birth_date,
    strip_accents,
)
from wholestory.crosscheck.places import AddressStyle
from wholestory.crosscheck.population import CrosscheckPerson, Household
from wholestory.crosscheck.variants import has_variant, known_as


@dataclass
class Registration:
    """One agency person id for one true person, and how that agency wrote them."""

    agency: str
    person_id: str
    person: CrosscheckPerson
    given: str
    dob: str
    nhs: str
    sex: str
    upn: str
    other_names: str
    swapped: bool
    style: AddressStyle
    lag: timedelta
    keeps_old_surname: bool
    strips_accents: bool
    hyphen_habit: bool
    masculine: bool
    family_slip: int | None  # seed of a misspelling kept on every row, or None
    _families: dict[str, str] = field(default_factory=dict)

    def family_on(self, day: date) -> str:
        person = self.person
        true = person.family_on(day - self.lag)
        if self.keeps_old_surname and person.earlier_family:
            true = person.earlier_family
        if true not in self._families:
            self._families[true] = self._as_written(true)
        return self._families[true]

    def _as_written(self, family: str) -> str:
        if self.hyphen_habit:
            family = hyphen_habit(family, random.Random(f"{self.person_id}{family}"))
        if self.masculine:
            family = masculine_form(family)
        if self.strips_accents:
            family = strip_accents(family)
        if self.family_slip is not None:
            family = misspelt(family, random.Random(f"{self.family_slip}:{family}"))
        return family


class Ledger:
    """Each agency's running numbers for people, records and events."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._people = {code: rng.randint(1_000, 90_000) for code in HABITS}
        self._records = dict.fromkeys(HABITS, 0)
        self._events = dict.fromkeys(HABITS, 0)

    def person_id(self, habit: Habit) -> str:
        self._people[habit.code] += self.rng.randint(1, 4)
        return habit.id_shape.format(self._people[habit.code])

    def record_id(self, agency: str) -> str:
        self._records[agency] += 1
        return f"{HABITS[agency].record_prefix}{self._records[agency]:09d}"

    def event_id(self, agency: str) -> str:
        self._events[agency] += 1
        return f"{HABITS[agency].record_prefix}-E{self._events[agency]:08d}"


@dataclass(frozen=True)
class Settings:
    """The partnership-wide rates that decide ids."""

    episode_share: float
    duplicate_rate: float
    end: date


def _register(
    ledger: Ledger,
    rng: random.Random,
    agency: str,
    person: CrosscheckPerson,
    day: date,
    drift: float = 1.0,
) -> Registration:
    """A new registration; ``drift`` above 1 makes a duplicate's details wander further."""
    habit = HABITS[agency]
    given = person.given
    if agency == EPISODE_AGENCY and person.age_on(day) < 0.1 and rng.random() < 0.3:
        given = "Baby"  # an infant booked in before anyone gives the name
    elif has_variant(given) and rng.random() < habit.nickname * drift:
        given = known_as(given, rng)
    if rng.random() < habit.slip * drift:
        given = misspelt(given, rng)
    strips = rng.random() < habit.strips_accents
    if strips:
        given = strip_accents(given)
    dob = iso(person.dob)
    roll = rng.random()
    if roll < habit.dob_missing:
        dob = ""
    elif roll < habit.dob_missing + habit.dob_slip * drift:
        dob = slipped_birth_date(person.dob, rng)
    nhs = ""
    held = habit.nhs_held if drift == 1.0 else habit.nhs_held * 0.6
    if rng.random() < held:
        nhs = nhs_mistyped(person.nhs, rng) if rng.random() < NHS_MISTYPED else person.nhs
        nhs = nhs_as_written(nhs, rng) if agency not in HEALTH else nhs
    upn = ""
    if agency == "SCHOOL" and person.upn:
        roll = rng.random()
        upn = "" if roll < 0.02 else _upn_mistyped(person.upn, rng) if roll < 0.03 else person.upn
    sex = person.sex
    if rng.random() < 0.01:
        sex = ""
    elif habit.sex_words:
        sex = "Female" if sex == "F" else "Male"
    other = ""
    if given != person.given and agency == "SCHOOL" and rng.random() < 0.5:
        other = person.given
    elif person.earlier_family and rng.random() < 0.4:
        other = person.earlier_family
    style = AddressStyle(
        abbreviate=rng.random() < habit.abbreviates,
        flat_slash=rng.random() < 0.3,
        town=rng.random() < 0.8,
        capitals=rng.random() < habit.capitals * 0.5,
        postcode=rng.choice(POSTCODE_STYLES),
    )
    return Registration(
        agency=agency,
        person_id=ledger.person_id(habit),
        person=person,
        given=given,
        dob=dob,
        nhs=nhs,
        sex=sex,
        upn=upn,
        other_names=other,
        swapped=rng.random() < habit.swap * drift + person.origin.swap_bias,
        style=style,
        lag=timedelta(days=rng.randint(0, habit.lag_days)),
        keeps_old_surname=rng.random() < habit.old_surname,
        strips_accents=strips,
        hyphen_habit=rng.random() < 0.3,
        masculine=person.sex == "F" and rng.random() < 0.25 and agency != "GP",
        family_slip=rng.randrange(1 << 30) if rng.random() < habit.slip * drift else None,
    )


def _upn_mistyped(upn: str, rng: random.Random) -> str:
    i = rng.randrange(4, 13)
    return upn[:i] + str((int(upn[i]) + rng.randint(1, 9)) % 10) + upn[i + 1 :]


_AGAIN = {
    "GP": "Registered as a new patient after moving",
    "SCHOOL": "Admission form received from parent",
    "HOUSING": "Housing register application received",
}


@dataclass
class Registrations:
    """Who is recorded under which id, for one household's happenings."""

    by_part: dict[tuple[int, str], Registration] = field(default_factory=dict)
    by_person: dict[tuple[str, str], list[Registration]] = field(
        default_factory=lambda: defaultdict(list)
    )
    duplicates: int = 0

    def add(self, index: int, person: CrosscheckPerson, registration: Registration) -> None:
        self.by_part[(index, person.true_id)] = registration
        held = self.by_person[(registration.agency, person.true_id)]
        if registration not in held:
            held.append(registration)


def register_household(
    household: Household,
    happenings: list[Happening],
    ledger: Ledger,
    rng: random.Random,
    settings: Settings,
) -> Registrations:
    """Give every part of every happening a registration; may add re-registration happenings."""
    at: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, happening in enumerate(happenings):
        for part in happening.parts:
            at[(happening.agency, part.person.true_id)].append(index)
    people = {p.true_id: p for p in household.members}
    registering = _Registering(household, happenings, ledger, rng, settings)
    for (agency, true_id), indexes in at.items():
        if agency == EPISODE_AGENCY:
            registering.episodes(indexes, people[true_id])
        else:
            registering.persons(indexes, people[true_id])
    return registering.found


@dataclass
class _Registering:
    """One household's registrations as they are made, and what making them draws on."""

    household: Household
    happenings: list[Happening]
    ledger: Ledger
    rng: random.Random
    settings: Settings
    found: Registrations = field(default_factory=Registrations)

    def episodes(self, indexes: list[int], person: CrosscheckPerson) -> None:
        """The episode agency's ids: a new one for a share of the person's attendances."""
        current: Registration | None = None
        for index in indexes:
            day = self.happenings[index].day
            if current is None or self.rng.random() < self.settings.episode_share:
                current = _register(self.ledger, self.rng, EPISODE_AGENCY, person, day)
            self.found.add(index, person, current)

    def persons(self, indexes: list[int], person: CrosscheckPerson) -> None:
        """An agency's id for the person, and for a few a second one from a later date."""
        happenings, rng, found = self.happenings, self.rng, self.found
        agency = happenings[indexes[0]].agency
        first = _register(self.ledger, rng, agency, person, happenings[indexes[0]].day)
        if rng.random() >= self.settings.duplicate_rate:
            for index in indexes:
                found.add(index, person, first)
            return
        if len(indexes) == 1:
            again = _again(happenings[indexes[0]], person, rng, self.settings.end)
            if again is None:
                found.add(indexes[0], person, first)
                return
            happenings.append(again)
            indexes = [*indexes, len(happenings) - 1]
        days = [happenings[i].day for i in indexes]
        moves = [m for m in self.household.moves() if days[0] < m]
        split = next((k for k, d in enumerate(days) if moves and d >= moves[0]), 0)
        if split == 0:
            split = rng.randint(1, len(indexes) - 1)
        second = _register(self.ledger, rng, agency, person, days[split], drift=3.0)
        for k, index in enumerate(indexes):
            found.add(index, person, first if k < split else second)
        found.duplicates += 1


def _again(
    happening: Happening, person: CrosscheckPerson, rng: random.Random, end: date
) -> Happening | None:
    """A second registration where the agency has only one event for the person."""
    room = (end - happening.day).days
    if room < 2:
        return None
    day = happening.day + timedelta(days=rng.randint(1, min(room, 900)))
    words = _AGAIN.get(happening.agency, "New referral record opened; earlier record not found")
    return Happening(happening.agency, day, "CONTACT", words, "", "", [Part(person, "SUBJECT")])
