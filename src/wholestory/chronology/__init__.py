"""The analytical chronology: one person's whole story, its patterns, and its reports.

:func:`build` turns a person's :class:`~wholestory.chronology.material.Material`
into a :class:`~wholestory.chronology.model.Chronology`: the entries (facts),
then the flags and the summary (analysis). It is a pure function, so one
child's chronology built on a page and the same child's built in the nightly
batch are the same.
"""

from __future__ import annotations

import datetime as dt

from wholestory.chronology.analysis import summarise
from wholestory.chronology.building import build_entries, describe_person
from wholestory.chronology.display import age_on
from wholestory.chronology.indicators import Thresholds, View
from wholestory.chronology.material import Material
from wholestory.chronology.model import Chronology
from wholestory.chronology.rules import raise_flags

#: Roles only an adult has in an event: a person with no date of birth who
#: appears like this is not taken for a child.
ADULT_ROLES = frozenset({"PARENT", "CARER"})


def build(
    material: Material, as_of: dt.date, thresholds: Thresholds, produced_at: str = ""
) -> Chronology:
    """One person's chronology, as of a day; flags only for a child."""
    person = describe_person(material)
    dob = dt.date.fromisoformat(person.date_of_birth) if person.date_of_birth else None
    entries, relations = build_entries(material, dob)
    view = View(entries, dob, as_of)
    child = is_child(material, dob, as_of, thresholds)
    flags = raise_flags(view, thresholds) if child else []
    household = [
        {
            "person": m.person,
            "relation": relations.get(m.person, ""),
            "first": m.first,
            "last": m.last,
            "name": _name_of(material, m.person),
        }
        for m in sorted(material.members.values(), key=lambda m: (m.first or "", m.person))
    ]
    return Chronology(
        person=person,
        as_of=as_of,
        produced_at=produced_at or dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        entries=entries,
        flags=flags,
        summary=summarise(view, thresholds),
        household=household,
        is_child=child,
    )


def is_child(material: Material, dob: dt.date | None, as_of: dt.date, t: Thresholds) -> bool:
    """Whether flags apply: under the age limit on the as-of date.

    With no date of birth anywhere, a person is taken for a child unless some
    agency records them as a parent or carer: a missed flag on a child costs
    more than a needless one on an adult.
    """
    if dob is not None:
        return age_on(dob, as_of) < t.child_age_limit
    own = set(material.keys)
    return not any(r.role in ADULT_ROLES for r in material.rows if r.key in own)


def _name_of(material: Material, person: str) -> str:
    for r in (*material.rows, *material.household_rows):
        if r.person == person:
            return r.name
    return ""


__all__ = ["Chronology", "Material", "Thresholds", "build", "is_child"]
