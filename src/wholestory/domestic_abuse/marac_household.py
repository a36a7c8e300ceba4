"""Who is around a Marac victim: the children in her household.

The Domestic Abuse Act 2021 s3 makes a child who sees, hears or experiences the
abuse a victim in their own right, so every candidate on the referral list carries
the children of the victim's household: those identity's household links put there
(:mod:`wholestory.identity.household_reading`) and those the victim's own events name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Final

from wholestory.domestic_abuse.school_days import age_on
from wholestory.identity.household_reading import household_members
from wholestory.identity.people import births_of
from wholestory.store.connection import Store

#: Under this age (today) a member of the household is a child.
CHILD_AGE: Final = 18


def children_of(store: Store, victim: str, named: Iterable[str] = ()) -> tuple[str, ...]:
    """The children (under 18 today) in the victim's household, or named in her events."""
    members = {m.ws_person_id for m in household_members(store, victim)} | set(named)
    members.discard(victim)
    births = births_of(store, sorted(members))
    today = dt.date.today()
    return tuple(sorted(p for p, born in births.items() if age_on(born, today) < CHILD_AGE))
