"""Records an agency marks as restricted: a teenager's sexual health consultations.

A young person of 15 to 17 sees their GP in confidence about contraception or
sexual health now and then, and the practice marks the record
``SEXUAL_HEALTH`` in the template's ``restricted`` column: other agencies see
only that a restricted record exists, and its date. About
:data:`SEXUAL_HEALTH_SHARE` of a teenager's ordinary GP consultations become
one, worded as such; no event is added, so every other rate stays as it was.

The choice draws on a random stream of its own, and only for a record that
could be marked, so every other choice the generator makes is as it was
before records were marked.
"""

from __future__ import annotations

import random
from typing import Final

from wholestory.synth.events import Record

#: Share of a 15 to 17 year old's ordinary GP consultations that are about sexual health.
SEXUAL_HEALTH_SHARE: Final = 0.5
#: Ages (years, from and up to but not including) at which such a consultation is marked.
AGES: Final = (15.0, 18.0)


def restricted_code(record: Record, rng: random.Random) -> str:
    """The restricted category the agency marks ``record`` with, or "" for an ordinary one.

    Only a routine GP consultation of a child alone, aged 15 to 17, can be
    marked; ``rng`` is drawn on for those records and no others.
    """
    if not may_be_marked(record):
        return ""
    return "SEXUAL_HEALTH" if rng.random() < SEXUAL_HEALTH_SHARE else ""


def may_be_marked(record: Record) -> bool:
    """Whether ``record`` is one an agency may mark (its words are then rewritten)."""
    if (
        record.agency != "GP"
        or record.etype != "APPOINTMENT_ATTENDED"
        or not record.routine
        or len(record.parts) != 1
    ):
        return False
    person, role = record.parts[0]
    if role != "SUBJECT" or person.kind != "child":
        return False
    return AGES[0] <= person.age_at(record.day) < AGES[1]
