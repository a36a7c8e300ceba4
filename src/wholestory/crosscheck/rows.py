"""Rows in the agency chronology template, from happenings and registrations.

The columns are the input contract's (:mod:`wholestory.records.template`), which
the cross-check shares with the product as any agency's export does; what it
does not share is the product's generator, so the rows' contents are its own.
"""

from __future__ import annotations

import random
from typing import Final

from wholestory.crosscheck.habits import HABITS, PRACTITIONERS_PER_AGENCY
from wholestory.crosscheck.happenings import Happening
from wholestory.crosscheck.names import ORIGINS
from wholestory.crosscheck.noise import misspelt, postcode_as_written
from wholestory.crosscheck.population import Household
from wholestory.crosscheck.recording import Ledger, Registration, Registrations
from wholestory.records.template import COLUMNS

#: The template's event columns up to ``team``: the two optional columns after it (a
#: date of death, a restriction) are not part of what the cross-check measures.
EVENT_COLUMNS: Final = COLUMNS[: COLUMNS.index("team") + 1]

_RELATIONSHIP_OF: Final = {
    "mother": "MOTHER",
    "father": "FATHER",
    "step_parent": "STEP_PARENT",
    "ex_partner": "FATHER",
    "child": "SIBLING",
}


def practitioners(rng: random.Random) -> dict[str, tuple[str, ...]]:
    """A few named workers per agency, made from the same mixed population."""
    staff: dict[str, tuple[str, ...]] = {}
    for code in HABITS:
        names = []
        for _ in range(PRACTITIONERS_PER_AGENCY):
            origin = rng.choice(ORIGINS[:6])
            given = origin.given(rng, rng.choice("FM"), child=False)
            names.append(f"{given[0]}. {origin.families.draw(rng)}")
        staff[code] = tuple(names)
    return staff


def event_rows(
    index: int,
    happening: Happening,
    household: Household,
    registrations: Registrations,
    ledger: Ledger,
    staff: dict[str, tuple[str, ...]],
    rng: random.Random,
) -> list[list[str]]:
    """One row per part of a happening, sharing an event id when there are several."""
    agency = happening.agency
    habit = HABITS[agency]
    event_id = ledger.event_id(agency) if len(happening.parts) > 1 or agency == "POLICE" else ""
    practitioner = rng.choice(staff[agency]) if rng.random() < 0.85 else ""
    team = rng.choice(habit.teams)
    rows = []
    for part in happening.parts:
        registration = registrations.by_part[(index, part.person.true_id)]
        given, family = _names(registration, happening, rng)
        postcode, address = _address(registration, household, happening, rng)
        rows.append(
            [
                agency,
                ledger.record_id(agency),
                registration.person_id,
                given,
                family,
                registration.other_names,
                registration.dob,
                registration.sex,
                registration.nhs,
                registration.upn,
                postcode,
                address,
                part.role,
                event_id,
                happening.day.isoformat(),
                happening.time,
                happening.event_type,
                happening.summary,
                happening.action,
                happening.outcome,
                practitioner,
                team,
            ]
        )
    return rows


def _names(registration: Registration, happening: Happening, rng: random.Random) -> tuple[str, str]:
    habit = HABITS[registration.agency]
    given, family = registration.given, registration.family_on(happening.day)
    if registration.agency == "POLICE" and rng.random() < 0.04:
        family = misspelt(family, rng)  # each occurrence is typed afresh
    if registration.swapped:
        given, family = family, given
    if rng.random() < habit.capitals:
        return given.upper(), family.upper()
    return given, family


def _address(
    registration: Registration, household: Household, happening: Happening, rng: random.Random
) -> tuple[str, str]:
    if rng.random() >= HABITS[registration.agency].address_held:
        return "", ""
    person = registration.person
    home = person.lives_elsewhere or household.home_on(happening.day - registration.lag)
    style = registration.style
    return postcode_as_written(home.postcode, style.postcode), home.written(style)


def relationship_rows(household: Household, registrations: Registrations) -> list[list[str]]:
    """How CSC and health visiting record a child's family: the child's id to each relative's."""
    rows: list[list[str]] = []
    for agency in ("CSC", "HEALTH_VISITING"):
        held = {
            true_id: regs[0]
            for (code, true_id), regs in registrations.by_person.items()
            if code == agency
        }
        for child in household.children:
            if child.true_id not in held:
                continue
            for other in household.members:
                if other is child or other.true_id not in held:
                    continue
                rows.append(
                    [
                        agency,
                        held[child.true_id].person_id,
                        held[other.true_id].person_id,
                        _RELATIONSHIP_OF[other.relation],
                    ]
                )
    return rows
