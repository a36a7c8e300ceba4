"""A one-row upload naming a person another agency knows: the H1 attack (issue 11)."""

from __future__ import annotations

from pathlib import Path

from factories import event_row, write_csv
from wholestory.store import Store


def row_naming(store: Store, person: str, agency: str, record_id: str) -> dict[str, str]:
    """A template row at ``agency`` with the person's name, date of birth and address as
    another agency holds them, and no NHS number."""
    given, family, born, postcode, address = store.query(
        "SELECT given_name, family_name, date_of_birth, postcode, address FROM ws_source_person "
        "WHERE ws_person_id = ? AND given_name IS NOT NULL AND date_of_birth IS NOT NULL "
        "ORDER BY key LIMIT 1",
        [person],
    )[0]
    return event_row(
        1,
        agency=agency,
        record_id=record_id,
        person_id=f"{record_id}-P",
        given_name=given,
        family_name=family,
        date_of_birth=born,
        postcode=postcode or "",
        address=address or "",
        nhs_number="",
        role="SUBJECT",
        event_id="",
        event_type="CONTACT",
        summary="Tenancy check",
    )


def one_row_file(folder: Path, row: dict[str, str]) -> Path:
    """The row as a CSV upload."""
    return write_csv(folder / f"{row['record_id']}.csv", [row])
