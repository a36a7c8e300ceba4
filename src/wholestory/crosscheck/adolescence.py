"""The risks of adolescence: teenagers' mental health, self-harm, going missing and offending.

Each teenager's chance of each story is higher in a household with other
concerns. Told across agencies as the other stories in
:mod:`wholestory.crosscheck.concerns` are.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from wholestory.crosscheck.days import some_day
from wholestory.crosscheck.happenings import Happening, Part, Window, clock, subject
from wholestory.crosscheck.population import CrosscheckPerson, Household


def adolescence(household: Household, rng: random.Random, window: Window) -> list[Happening]:
    """Teenagers' mental health, self-harm, going missing and offending."""
    found: list[Happening] = []
    worried = bool(household.concerns)
    for child in household.children:
        teen_from = max(window.start, child.dob + timedelta(days=round(12 * 365.25)))
        teen_to = min(window.end, child.dob + timedelta(days=round(18 * 365.25) - 1))
        if teen_from > teen_to:
            continue
        if rng.random() < (0.15 if worried else 0.07):
            found.extend(_camhs(child, rng, window, teen_from, teen_to))
        if rng.random() < (0.08 if worried else 0.025):
            found.extend(_missing(child, rng, teen_from, teen_to))
        if rng.random() < (0.05 if worried else 0.015):
            found.extend(_offending(child, rng, window, teen_from, teen_to))
    return [h for h in found if window.holds(h.day)]


def _camhs(
    child: CrosscheckPerson, rng: random.Random, window: Window, first: date, last: date
) -> list[Happening]:
    day = some_day(rng, first, last)
    found = [
        subject(
            "CAMHS",
            day,
            "CAMHS_REFERRAL",
            "Referral from GP: low mood and not sleeping",
            child,
            "REFERRED",
        )
    ]
    if rng.random() < 0.3:
        hurt = subject(
            "ED",
            day - timedelta(days=rng.randint(1, 20)),
            "SELF_HARM",
            "Superficial cuts to the forearm; seen by the liaison team",
            child,
            "Discharged with CAMHS follow-up",
        )
        hurt.time = clock(rng, True)
        found.append(hurt)
    for _ in range(rng.randint(2, 6)):
        day += timedelta(days=rng.randint(14, 50))
        if rng.random() < 0.2:
            found.append(
                subject(
                    "CAMHS",
                    day,
                    "APPOINTMENT_MISSED",
                    "Was not brought to the CAMHS appointment",
                    child,
                    "DNA",
                )
            )
        else:
            found.append(
                subject(
                    "CAMHS", day, "MENTAL_HEALTH_CONTACT", "Session with CAMHS practitioner", child
                )
            )
    day += timedelta(days=rng.randint(20, 80))
    found.append(subject("CAMHS", day, "CAMHS_DISCHARGE", "Discharged to GP", child, "CLOSED"))
    return found


def _missing(
    child: CrosscheckPerson, rng: random.Random, first: date, last: date
) -> list[Happening]:
    found: list[Happening] = []
    day = some_day(rng, first, last)
    for number in range(rng.randint(1, 5)):
        missing = subject(
            "POLICE",
            day,
            "MISSING_EPISODE",
            "Reported missing by parent; found safe the next morning",
            child,
            "Return home interview requested",
        )
        missing.time = clock(rng, True)
        found.append(missing)
        if number >= 2 and rng.random() < 0.5:
            found.append(
                subject(
                    "POLICE",
                    day + timedelta(days=1),
                    "EXPLOITATION_CONCERN",
                    "Found with older males in a flat out of the area",
                    child,
                    "REFERRED",
                )
            )
        day += timedelta(days=rng.randint(7, 90))
    return found


def _offending(
    child: CrosscheckPerson, rng: random.Random, window: Window, first: date, last: date
) -> list[Happening]:
    day = some_day(rng, first, last)
    arrest = Happening(
        "POLICE",
        day,
        "ARREST",
        "Arrested for shoplifting with two friends",
        "Released under investigation",
        "",
        [Part(child, "SUSPECT")],
        clock(rng, True),
    )
    found = [arrest]
    day += timedelta(days=rng.randint(20, 60))
    found.append(
        subject(
            "YOUTH_JUSTICE",
            day,
            "OFFENCE_SUSPECT",
            "Out of court disposal: youth caution with intervention",
            child,
        )
    )
    for _ in range(rng.randint(1, 4)):
        day += timedelta(days=rng.randint(7, 30))
        found.append(
            subject(
                "YOUTH_JUSTICE",
                day,
                "CONTACT",
                "Supervision session with youth justice worker",
                child,
            )
        )
    return found
