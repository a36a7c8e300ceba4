"""One agency record as a chronology reads it: the row, with the WholeStory person it is about;
and a need an agency recorded of someone in the story.

Read from the store by :mod:`wholestory.chronology.material`; a Dash checklist no
record stands for becomes a row too (:mod:`wholestory.chronology.checklists`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple


class Row(NamedTuple):
    """One agency record, with the WholeStory person it belongs to."""

    agency: str
    record_id: str
    person_id: str
    given_name: str
    family_name: str
    date_of_birth: str | None
    sex: str | None
    nhs_number: str | None
    upn: str | None
    postcode: str | None
    address: str | None
    role: str
    event_id: str | None
    event_date: str
    approximate: bool
    day: dt.date
    event_type: str
    inferred: bool
    summary: str
    action: str | None
    outcome: str | None
    practitioner: str | None
    team: str | None
    person: str  # WholeStory id, or AGENCY:PERSON_ID while the source person is unlinked
    date_of_death: str | None = None  # YYYY-MM-DD, where the agency knows the person died
    restricted: str | None = None  # the restricted category code the agency marked it with
    address_confidential: bool = False  # the address is kept apart (store/confidential.py)
    #: ``AGENCY:PERSON_ID`` (records/keys.py), made once when the row is read: a
    #: chronology reads it tens of thousands of times.
    key: str = ""

    @property
    def event(self) -> tuple[str, str]:
        """The agency's event this row is part of: its event_id, or the row alone."""
        return (self.agency, self.event_id or f"record:{self.record_id}")

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


@dataclass(frozen=True, slots=True)
class RecordedNeed:
    """A communication or engagement need an agency recorded of someone in the story.

    A chronology reads the needs of its person and of everyone who took part in their
    events (a mother at her baby's health visit), because the ``NEEDS_NOT_MET`` indicator
    asks whether the contacts that followed met them. ``born`` is the person's date of birth
    as their records give it, so a child's need is told apart from a parent's.
    """

    person: str  # WholeStory id, or AGENCY:PERSON_ID while unlinked
    own: bool  # the chronology's own person's need
    need: str  # the template's code: INTERPRETER, BSL, EASY_READ...
    detail: str  # the language of an interpreter, and so on (a confidential place hidden)
    agency: str
    record_id: str
    recorded_on: dt.date
    born: dt.date | None


def dates_of_birth(rows: Iterable[Row]) -> dict[str, dt.date]:
    """Each person's full date of birth, as their records first give it."""
    found: dict[str, dt.date] = {}
    for r in rows:
        if r.person not in found and r.date_of_birth and len(r.date_of_birth) == 10:
            try:
                found[r.person] = dt.date.fromisoformat(r.date_of_birth)
            except ValueError:
                continue
    return found
