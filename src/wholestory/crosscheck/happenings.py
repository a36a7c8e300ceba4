"""What happened, before any agency's ids are put on it.

Stories (``services``, ``concerns``) say what happened to whom, at which
agency, when, in plain words. Only afterwards does ``recording`` decide under
which of the agency's person ids each person is written, which is where
duplicates and episode ids come in. Keeping the two apart lets a duplicate
registration split one person's history at any point without the stories
knowing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from wholestory.crosscheck.population import CrosscheckPerson


@dataclass(frozen=True)
class Part:
    """One person's part in a happening, with a template role."""

    person: CrosscheckPerson
    role: str


@dataclass
class Happening:
    """One event at one agency; one row per part, sharing an event id when several."""

    agency: str
    day: date
    event_type: str
    summary: str
    outcome: str = ""
    action: str = ""
    parts: list[Part] = field(default_factory=list)
    time: str = ""

    def involves(self, person: CrosscheckPerson) -> bool:
        return any(p.person is person for p in self.parts)


def subject(
    agency: str,
    day: date,
    event_type: str,
    summary: str,
    person: CrosscheckPerson,
    outcome: str = "",
    action: str = "",
) -> Happening:
    """A happening about one person."""
    return Happening(agency, day, event_type, summary, outcome, action, [Part(person, "SUBJECT")])


@dataclass(frozen=True)
class Window:
    """The years the partnership's exports cover."""

    start: date
    end: date

    def holds(self, day: date) -> bool:
        return self.start <= day <= self.end


def clock(rng: random.Random, night: bool = False) -> str:
    """A time of day; incidents cluster in the evening and at night."""
    hour = rng.choice((18, 19, 20, 21, 22, 23, 0, 1, 2, 16, 17)) if night else rng.randint(8, 22)
    return f"{hour:02d}:{rng.randrange(0, 60):02d}"


def arrivals(rng: random.Random, first: date, last: date, per_year: float) -> list[date]:
    """Days of events arriving at random at ``per_year`` between two dates."""
    days: list[date] = []
    if per_year <= 0 or last < first:
        return days
    at = 0.0
    span = (last - first).days
    while True:
        at += rng.expovariate(per_year) * 365.25
        if at > span:
            return days
        days.append(first + timedelta(days=int(at)))
