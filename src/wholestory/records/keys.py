"""The key of one agency's person, ``AGENCY:PERSON_ID``, made and read in one place.

A person is known to each agency by that agency's own id, so ``agency`` and
``person_id`` together name one agency's person across ingest, linking and the
chronology. Agency codes never hold a colon (``template.AGENCY_CODE``), so the key
splits back at its first colon even when the agency's id holds colons itself. SQL
that builds the same key (to match it inside the database) uses
:func:`source_key_sql`, and a test keeps the two equal.
"""

from __future__ import annotations


def source_key(agency: str, person_id: str) -> str:
    """The key of one agency's person."""
    return f"{agency}:{person_id}"


def split_key(key: str) -> tuple[str, str]:
    """``AGENCY:PERSON_ID`` back into its two parts."""
    agency, _, person_id = key.partition(":")
    return agency, person_id


def key_agency(key: str) -> str:
    """The agency of a key."""
    return split_key(key)[0]


def source_key_sql(agency: str = "agency", person_id: str = "person_id") -> str:
    """The SQL expression of :func:`source_key` over two columns (SQLite and PostgreSQL)."""
    return f"{agency} || ':' || {person_id}"
