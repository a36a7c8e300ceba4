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
from wholestory.chronology.childhood import ADULT_ROLES, childhood_flags, is_child
from wholestory.chronology.material import Material
from wholestory.chronology.model import Chronology
from wholestory.chronology.thresholds import IndicatorThresholds
from wholestory.chronology.view import View


def build(
    material: Material, as_of: dt.date, thresholds: IndicatorThresholds, produced_at: str = ""
) -> Chronology:
    """One person's chronology, as of a day (their death, if that came first).

    Flags are those of the person's childhood, whatever their age on the day
    (see :mod:`~wholestory.chronology.childhood`).
    """
    person = describe_person(material)
    dob = dt.date.fromisoformat(person.date_of_birth) if person.date_of_birth else None
    died = dt.date.fromisoformat(person.date_of_death) if person.date_of_death else None
    if died is not None:
        as_of = min(as_of, died)
    entries, relations = build_entries(material, dob, died)
    view = View(entries, dob, as_of, material.needs)
    child = is_child(material, dob, as_of, thresholds)
    flags = childhood_flags(view, material, thresholds, died)
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


def _name_of(material: Material, person: str) -> str:
    for r in (*material.rows, *material.household_rows):
        if r.person == person:
            return r.name
    return ""


__all__ = ["ADULT_ROLES", "Chronology", "IndicatorThresholds", "Material", "build", "is_child"]
