"""How to work with this family: the needs of a person and of everyone in their household.

A child's worker needs to know that the mother needs an interpreter as much as what the
child needs. Every view of a person (page, PDF, review pack, API) shows the same list,
the person first and then each household member the chronology names, with the needs
each agency recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from wholestory.chronology.model import Chronology
from wholestory.engagement.analysis import Contact, contacts_of_json, engagement
from wholestory.engagement.needs import Need, needs_of_people
from wholestory.store.connection import Store

#: How the person themselves is named in the list.
THIS_PERSON = "this person"


@dataclass(frozen=True)
class Member:
    """One person of the family and what they need; ``relation`` is to the person viewed."""

    person: str
    name: str
    relation: str
    needs: tuple[Need, ...]

    def as_dict(self, today: dt.date) -> dict[str, Any]:
        return {
            "person": self.person,
            "name": self.name,
            "relation": self.relation,
            "needs": [n.as_dict(today) for n in self.needs],
        }


def family_needs(
    store: Store, person: str, name: str, household: Sequence[Mapping[str, Any]]
) -> list[Member]:
    """The person's needs, then each household member's (the chronology's ``household``
    list: ``person``, ``name``, ``relation``); only those with a need recorded."""
    members = [(person, name, THIS_PERSON)] + [
        (str(m["person"]), str(m.get("name") or ""), str(m.get("relation") or "household member"))
        for m in household
        if m.get("person") and m["person"] != person
    ]
    found = needs_of_people(store, [p for p, _, _ in members])
    seen: set[str] = set()
    out = []
    for who, named, relation in members:
        if who in found and who not in seen:
            seen.add(who)
            out.append(Member(who, named, relation.replace("_", " "), tuple(found[who])))
    return out


def with_engagement(store: Store, chronology: Chronology, today: dt.date) -> Chronology:
    """``chronology`` as it is given out (a file, a review pack): with its family's needs and
    the summary's engagement section as they stand now. Needs change between builds, so
    neither is kept with the stored chronology."""
    names = chronology.person.names
    members = family_needs(store, chronology.person.id, names[0] if names else "",
                           chronology.household)  # fmt: skip
    contacts = contacts_of_json([e.as_dict() for e in chronology.entries])
    section = engagement_of(chronology.person.id, contacts, members)
    return replace(
        chronology,
        needs=[m.as_dict(today) for m in members],
        summary={**chronology.summary, "engagement": section},
    )


def engagement_json(
    store: Store,
    data: Mapping[str, Any],
    today: dt.date,
    contacts: Sequence[Contact] | None = None,
) -> dict[str, Any]:
    """The same for a chronology already in its JSON form (the API's answer); ``contacts``
    when the caller keeps them (``contacts_of_json`` of its entries)."""
    person = data.get("person", {})
    who, names = str(person.get("id", "")), person.get("names") or [""]
    members = family_needs(store, who, names[0], data.get("household", []))
    if contacts is None:
        contacts = contacts_of_json(data.get("entries", []))
    section = engagement_of(who, contacts, members)
    return {
        **data,
        "needs": [m.as_dict(today) for m in members],
        "summary": {**data.get("summary", {}), "engagement": section},
    }


def engagement_of(
    person: str, contacts: Sequence[Contact], members: Sequence[Member]
) -> dict[str, Any]:
    """The engagement section from the person's contacts (``analysis.contacts_of_json``,
    which a page keeps per build) and their own needs."""
    own = next((m.needs for m in members if m.person == person), ())
    return engagement(contacts, own).as_dict()
