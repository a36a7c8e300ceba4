"""Which person an id names: an agency's id for them, ``AGENCY:ID``, or a WholeStory id.

The person pages (``/people/AGENCY/ID``), the API and the ``wholestory chronology``
command are each given one of these, and all turn it into the id a chronology is
kept under with :func:`person_named`, so they never disagree on who an id names: a
WholeStory id is followed through merges to the person it became, an agency's id
leads to the WholeStory person linked to it or, while it is unlinked, to its own
``AGENCY:ID`` key.
"""

from __future__ import annotations

from wholestory.chronology.material import resolve_person
from wholestory.identity import current_id
from wholestory.records.keys import source_key
from wholestory.store import Store


def agency_key(agency: str, person_id: str) -> str:
    """``AGENCY:ID``: how an agency's person is keyed (and named while unlinked)."""
    return source_key(agency.upper(), person_id)


def asked_for(words: str, person_id: str | None = None) -> tuple[str | None, str]:
    """The (agency, id) that one or two words name: ``AGENCY ID``, ``AGENCY:ID``, or a
    WholeStory id alone (agency ``None``), as a command line or a list gives them."""
    if person_id is None and ":" in words:
        agency, _, person_id = words.partition(":")
        return agency, person_id
    if person_id is None:
        return None, words
    return words, person_id


def person_named(store: Store, agency: str | None, person_id: str) -> str | None:
    """The id the person's chronology is kept under, or ``None`` if the id names no one.

    With ``agency``, ``person_id`` is that agency's id for the person: their WholeStory id
    once linked, else their own ``AGENCY:ID``. Without, it is a WholeStory id (in any case),
    followed through merges to who it became.
    """
    if agency is None:
        return current_id(store, person_id.upper())
    return resolve_person(store, agency, person_id)
