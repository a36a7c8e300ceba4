"""The partnership's invented places: districts, streets, schools, GP practices, staff.

Nothing here is a real place. Postcode areas are ones no UK postcode uses,
towns and streets are made up, and school and practice names are built from
the invented street words. The number of districts and schools grows with
the number of children, so schools have realistic rolls at any size.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from wholestory.synth import names
from wholestory.synth.agencies import SIGNATURES
from wholestory.synth.identifiers import POSTCODE_AREAS, postcode


@dataclass(frozen=True, slots=True)
class District:
    """A postcode district: ``XW4``, in an invented town with invented streets."""

    index: int
    area: str
    number: int
    town: str
    streets: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class School:
    """A school with its DfE establishment number (used in UPNs)."""

    name: str
    establishment: int


@dataclass(frozen=True, slots=True)
class World:
    """The fixed places of the partnership: districts, schools, GP practices, staff."""

    districts: tuple[District, ...]
    primaries: tuple[tuple[School, ...], ...]  # per district
    secondaries: tuple[tuple[School, ...], ...]  # per district
    practices: tuple[tuple[str, ...], ...]  # GP practices per district
    pru: School
    practitioners: dict[str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class Home:
    """Where a household lives from ``start`` until the next home."""

    start: dt.date
    postcode: str
    address: str
    district: int
    confidential: bool = False  # a refuge or a new home the perpetrator must not find


def build_world(seed: int, children: int) -> World:
    """Districts, schools and practices, sized to the number of children."""
    rng = random.Random(f"world:{seed}")
    n_districts = max(3, min(30, children // 3000))
    per_cohort = children / 18
    n_primary = max(2, round(per_cohort / 45 / n_districts))
    n_secondary = max(1, round(per_cohort / 220 / n_districts))
    words = list(names.STREET_WORDS)
    districts: list[District] = []
    for i in range(n_districts):
        area = POSTCODE_AREAS[i % len(POSTCODE_AREAS)]
        streets = tuple(f"{rng.choice(words)} {rng.choice(names.STREET_KINDS)}" for _ in range(24))
        town = names.TOWNS[i % len(names.TOWNS)]
        districts.append(District(i, area, i // len(POSTCODE_AREAS) + 1, town, streets))
    primaries = tuple(
        tuple(_school(rng, d, "primary", 2000 + i * 10 + k) for k in range(n_primary))
        for i, d in enumerate(districts)
    )
    secondaries = tuple(
        tuple(_school(rng, d, "secondary", 4000 + i * 10 + k) for k in range(n_secondary))
        for i, d in enumerate(districts)
    )
    practices = tuple(
        (f"{rng.choice(words)} Medical Centre", f"{d.town} Surgery") for d in districts
    )
    staff = {agency: _staff(rng, agency) for agency in SIGNATURES}
    pru = School("Oakhurst Pupil Referral Unit", 1100)
    return World(tuple(districts), primaries, secondaries, practices, pru, staff)


def _school(rng: random.Random, district: District, phase: str, establishment: int) -> School:
    """An invented school name for a district."""
    word = rng.choice(names.STREET_WORDS)
    if phase == "primary":
        name = rng.choice(
            (
                f"{word} Primary School",
                f"St {rng.choice(names.BOYS)}'s C of E Primary",
                f"{word} Infant and Junior School",
                f"{district.town} Primary Academy",
            )
        )
    else:
        name = rng.choice((f"{district.town} Academy", f"{word} High School", f"{word} College"))
    return School(name, establishment)


def _staff(rng: random.Random, agency: str) -> tuple[str, ...]:
    """Fictional practitioners who sign an agency's records."""
    form = SIGNATURES[agency]
    people = []
    for _ in range(24):
        initial = rng.choice(names.WOMEN + names.MEN)[0]
        people.append(
            form.format(
                initial=initial, surname=rng.choice(names.SURNAMES), number=rng.randint(1000, 9999)
            )
        )
    return tuple(people)


def home_in(world: World, rng: random.Random, start: dt.date, district: int) -> Home:
    """An invented address in a district, lived in from ``start``."""
    d = world.districts[district]
    number = rng.randint(1, 180)
    street = rng.choice(d.streets)
    flat = f"Flat {rng.randint(1, 12)}, " if rng.random() < 0.12 else ""
    address = f"{flat}{number} {street}, {d.town}"
    return Home(start, postcode(rng, d.area, d.number), address, district)


def home_elsewhere(world: World, rng: random.Random) -> Home:
    """A home of an adult who has left (or never lived with) the household."""
    return home_in(world, rng, dt.date(2000, 1, 1), rng.randrange(len(world.districts)))
