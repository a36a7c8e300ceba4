"""Childhood: the part of a story flags are raised on, and the age each flag speaks of.

A flag is about something that happened to a child, so it is raised on the
entries dated before the person's 18th birthday (``child_age_limit``), and
none after their death, whatever their age on the as-of date. A childhood's
story stays when the child turns 18 or dies: a review held years later, a
care leaver's story, a young person moving to adult services all open on the
flags of their childhood. An adult's own adult events are not flagged, as
before. The rules, their definitions and thresholds are unchanged: only the
question "was this a child?" is asked of when the pattern happened rather
than of the as-of date.

Each flag then says how old the person was when it happened: on the first
and last days of its evidence ("Aged 14 to 15 at the time.").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Final

from wholestory.chronology.display import age_on
from wholestory.chronology.indicators import raise_flags
from wholestory.chronology.material import Material
from wholestory.chronology.model import Entry, Flag
from wholestory.chronology.thresholds import IndicatorThresholds
from wholestory.chronology.view import View

#: Roles only an adult has in an event: a person with no date of birth who
#: appears like this is not taken for a child.
ADULT_ROLES: Final = frozenset({"PARENT", "CARER"})
#: What a household member can be to a person that makes the person an adult: an agency's
#: relationships table says the member is their child, step-child, partner's child,
#: grandchild or the one they care for (a father named only in children's social care's
#: relationships table, with no record of his own, is not a child).
PARENT_OF: Final = frozenset({"CHILD", "STEP_CHILD", "PARTNER_CHILD", "GRANDCHILD", "CARED_FOR"})

NO_AGE: Final = "Age at the time not known: no full date of birth is recorded."


def is_child(
    material: Material, dob: dt.date | None, as_of: dt.date, t: IndicatorThresholds
) -> bool:
    """Whether the person is a child on ``as_of``: under the age limit that day.

    With no date of birth anywhere, a person is taken for a child unless some
    agency records them as a parent or carer, in an event or in its relationships
    table: a missed flag on a child costs more than a needless one on an adult.
    """
    if dob is not None:
        return age_on(dob, as_of) < t.child_age_limit
    own = set(material.keys)
    if any(r.role in ADULT_ROLES for r in material.rows if r.key in own):
        return False
    return not any(PARENT_OF & set(m.relation.split(",")) for m in material.members.values())


def adulthood(dob: dt.date, t: IndicatorThresholds) -> dt.date:
    """The first day the person is no longer a child (the 18th birthday; 1 March for 29 Feb)."""
    year = dob.year + t.child_age_limit
    try:
        return dob.replace(year=year)
    except ValueError:  # born on 29 February, and that year has none
        return dt.date(year, 3, 1)


def childhood_flags(
    view: View, material: Material, t: IndicatorThresholds, died: dt.date | None = None
) -> list[Flag]:
    """The flags of the person's childhood, each saying the age at which it happened.

    The rules read only the entries dated while the person was a child (and
    not after a death). Where the date of birth is not known, every entry
    counts for a person taken for a child (see :func:`is_child`), none for
    one recorded as a parent or carer.
    """
    dob = view.date_of_birth
    if dob is None:
        if not is_child(material, None, view.as_of, t):
            return []
        end = None
    else:
        end = adulthood(dob, t)
    kept = [e for e in view.entries if _in_childhood(e, end, died)]
    if not kept:
        return []
    as_of = view.as_of if end is None else min(view.as_of, end - dt.timedelta(days=1))
    childhood = (
        view
        if len(kept) == len(view.entries) and as_of == view.as_of
        else View(kept, dob, as_of, view.needs)
    )
    return [aged(f, dob) for f in raise_flags(childhood, t)]


def _in_childhood(e: Entry, end: dt.date | None, died: dt.date | None) -> bool:
    return (end is None or e.day < end) and (died is None or e.day <= died)


def aged(flag: Flag, dob: dt.date | None) -> Flag:
    """The flag with the age at its first and last evidence, said in its explanation too."""
    if dob is None:
        return replace(flag, explanation=f"{flag.explanation} {NO_AGE}")
    first, last = age_on(dob, flag.first), age_on(dob, flag.last)
    with_ages = replace(flag, age_first=first, age_last=last)
    sentence = with_ages.ages[:1].upper() + with_ages.ages[1:]
    return replace(with_ages, explanation=f"{flag.explanation} {sentence} at the time.")
