"""One agency record as a chronology reads it: the row, with the WholeStory person it is about.

Read from the store by :mod:`wholestory.chronology.material`; a Dash checklist no
record stands for becomes a row too (:mod:`wholestory.chronology.checklists`).
"""

from __future__ import annotations

import datetime as dt
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
