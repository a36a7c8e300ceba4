"""Records arriving: a child known to two agencies by their feeds, and a one-row upload
naming a person another agency knows (the H1 attack, issue 11)."""

from __future__ import annotations

from pathlib import Path

from factories import event_row, write_csv
from wholestory.identity import LinkThresholds, link_all
from wholestory.ingest import ingest_paths
from wholestory.store import Store
from wholestory.store.imports import FEED, Arrival


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


def child_row(n: int, agency: str, **values: str) -> dict[str, str]:
    """The ``n``th record of one child (Keeley) at ``agency``, by that agency's id for her."""
    return event_row(
        n,
        agency=agency,
        record_id=f"{agency}-R{n}",
        person_id=f"{agency}-P1",
        given_name="Keeley",
        family_name="Marchbank",
        date_of_birth="2014-06-11",
        nhs_number="9434765919" if agency != "HOUSING" else "",
        postcode="XW4 7QT",
        address="12 Lark Rise",
        event_id="",
        **values,
    )


def fed_child(store: Store, folder: Path) -> str:
    """The child known to the school and the GP by their feeds, linked; her id."""
    rows = [child_row(1, "SCHOOL"), child_row(2, "SCHOOL"), child_row(1, "GP")]
    ingest_paths(store, [write_csv(folder / "feeds.csv", rows)], arrival=Arrival(FEED, "cron"))
    link_all(store, thresholds=LinkThresholds())
    return str(
        store.scalar("SELECT ws_person_id FROM ws_source_person WHERE key = 'SCHOOL:SCHOOL-P1'")
    )
