"""Safe addresses (issue 13): a confidential address reaches nothing but its own table.

Everyone here is invented. Rhian Caddow and her son Ollie fled Dale Caddow to a
refuge. The domestic abuse service records the refuge with ``address_confidential``
= Y; the school, not knowing, records Ollie there unmarked. The refuge's address and
postcode must then be in no table but ``ws_confidential_address``: not in a record, a
record's history, a summary, a warning, a quarantined row, a person's details or a
household link.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from conftest import TABLES
from factories import event_row, write_csv
from wholestory.ingest import ingest_file
from wholestory.records.confidential import HIDDEN
from wholestory.store import Store
from wholestory.store.confidential import address_of
from wholestory.store.imports import list_quarantine

TODAY = dt.date(2026, 11, 30)
REFUGE, REFUGE_POSTCODE = "Flat 2, 9 Linden Row", "LS6 2QB"
HOME, HOME_POSTCODE = "14 Elm Street", "LS1 4AB"
#: Any trace of the refuge: its street, or its postcode with or without the space.
TRACE = re.compile(r"linden|ls6\s*2qb", re.IGNORECASE)

MOTHER = {
    "person_id": "V1",
    "given_name": "Rhian",
    "family_name": "Caddow",
    "date_of_birth": "1991-05-17",
    "sex": "F",
    "nhs_number": "",
    "upn": "",
}
SON = {
    "person_id": "C1",
    "given_name": "Ollie",
    "family_name": "Caddow",
    "date_of_birth": "2016-09-02",
    "sex": "M",
    "nhs_number": "",
}


def _police(n: int, person: dict[str, str], role: str) -> dict[str, str]:
    return event_row(
        n,
        **person,
        agency="POLICE",
        record_id=f"P{n}",
        address=HOME,
        postcode=HOME_POSTCODE,
        role=role,
        event_id="INC1",
        event_date="2026-03-02",
        event_type="DA_INCIDENT",
        summary="Domestic incident at 14 Elm Street; Dale Caddow arrested",
    )


def _refuge(n: int, confidential: str = "Y", **more: str) -> dict[str, str]:
    values = {
        **MOTHER,
        "agency": "DA_SERVICE",
        "record_id": f"D{n}",
        "person_id": "DV1",
        "address": REFUGE,
        "postcode": REFUGE_POSTCODE,
        "role": "VICTIM",
        "event_id": "",
        "event_date": "2026-03-09",
        "event_type": "DA_SERVICE_CONTACT",
        "summary": "Rhian and Ollie moved to Flat 2, 9 Linden Row, LS62QB; safety plan made",
        "action": "Refuge at 9 linden row confirmed",
        "address_confidential": confidential,
    }
    values.update(more)
    return event_row(n, **values)


def _school(n: int) -> dict[str, str]:
    return event_row(
        n,
        **{**SON, "person_id": "SC1", "upn": ""},
        agency="SCHOOL",
        record_id=f"S{n}",
        address="9 Linden Row",
        postcode="ls6 2qb",
        role="SUBJECT",
        event_id="",
        event_date="2026-04-20",
        event_type="ATTENDANCE_CONCERN",
        summary="Ollie new to school; living at 9 Linden Row with mum",
    )


def _ingest(store: Store, path: Path, rows: list[dict[str, str]]) -> None:
    ingest_file(store, write_csv(path, rows), today=TODAY)


def _traces(store: Store, tables: tuple[str, ...] = TABLES) -> dict[str, list[str]]:
    """Every cell of every table but the confidential one that mentions the refuge."""
    found: dict[str, list[str]] = {}
    for table in tables:
        if table == "ws_confidential_address":
            continue
        for row in store.query(f"SELECT * FROM {table}"):
            hits = [str(v) for v in row if v is not None and TRACE.search(str(v))]
            if hits:
                found.setdefault(table, []).extend(hits)
    return found


def test_a_confidential_address_is_kept_apart_and_hidden_in_its_own_text(
    store: Store, tmp_path: Path
) -> None:
    _ingest(
        store, tmp_path / "police.csv", [_police(1, MOTHER, "VICTIM"), _police(2, SON, "PRESENT")]
    )
    _ingest(store, tmp_path / "das.csv", [_refuge(1)])
    row = store.query(
        "SELECT address, postcode, address_confidential, summary, action, provenance "
        "FROM ws_record WHERE record_id = 'D1'"
    )[0]
    assert row[:3] == (None, None, True)
    assert row[3] == f"Rhian and Ollie moved to {HIDDEN}, {HIDDEN}; safety plan made"
    assert row[4] == f"Refuge at {HIDDEN} confirmed"
    assert row[5] is None  # no provenance, so no postcode "as recorded"
    kept = address_of(store, "DA_SERVICE", "D1")
    assert kept is not None and (kept.address, kept.postcode) == (REFUGE, REFUGE_POSTCODE)
    assert address_of(store, "POLICE", "P1") is None
    home = store.query(
        "SELECT address, postcode, address_confidential FROM ws_record WHERE record_id = 'P1'"
    )
    assert home == [(HOME, HOME_POSTCODE, None)]  # the home they fled is not hidden
    assert _traces(store) == {}


def test_the_same_place_recorded_unmarked_by_another_agency_is_hidden_too(
    store: Store, tmp_path: Path
) -> None:
    _ingest(store, tmp_path / "das.csv", [_refuge(1)])
    _ingest(store, tmp_path / "school.csv", [_school(1)])
    row = store.query(
        "SELECT address, postcode, address_confidential, summary FROM ws_record "
        "WHERE record_id = 'S1'"
    )[0]
    assert row == (None, None, True, f"Ollie new to school; living at {HIDDEN} with mum")
    kept = address_of(store, "SCHOOL", "S1")  # the school recorded it, and may still see it
    assert kept is not None and kept.postcode == "LS6 2QB"
    assert _traces(store) == {}
    # The school's unmarked record, imported first, is hidden when the mark arrives.
    store.execute("DELETE FROM ws_confidential_address")
    store.execute("DELETE FROM ws_record")
    _ingest(store, tmp_path / "school2.csv", [_school(2)])
    assert store.scalar("SELECT address FROM ws_record WHERE record_id = 'S2'") == "9 Linden Row"
    _ingest(store, tmp_path / "das2.csv", [_refuge(2)])
    assert store.scalar("SELECT address FROM ws_record WHERE record_id = 'S2'") is None
    assert _traces(store) == {}


def test_yes_in_any_usual_form_hides_and_an_unclear_mark_is_quarantined_without_the_address(
    store: Store, tmp_path: Path
) -> None:
    rows = [
        _refuge(1, "yes"),
        _refuge(2, "TRUE"),
        _refuge(3, "1"),
        _refuge(4, "refuge?"),  # neither yes nor no: the agency must say
        _refuge(5, "Y", postcode="LS62Q"),  # not the shape of a postcode: no warning quotes it
    ]
    _ingest(store, tmp_path / "das.csv", rows)
    hidden = store.query("SELECT record_id FROM ws_record WHERE address_confidential ORDER BY 1")
    assert [r[0] for r in hidden] == ["D1", "D2", "D3", "D5"]
    held = list_quarantine(store)
    assert [(h.row_number, h.columns) for h in held] == [(5, "address_confidential")]
    assert "'refuge?' is not Y or N" in held[0].reason
    assert held[0].raw["address"] == held[0].raw["postcode"] == HIDDEN
    assert _traces(store) == {}
    assert "LS62Q" not in str(store.query("SELECT * FROM ws_import"))
    assert address_of(store, "DA_SERVICE", "D5") is not None


def test_unmarking_brings_the_address_back_and_marking_later_clears_its_history(
    store: Store, tmp_path: Path
) -> None:
    _ingest(store, tmp_path / "a.csv", [_refuge(1, "N")])  # sent unmarked by mistake
    assert store.scalar("SELECT address FROM ws_record WHERE record_id = 'D1'") == REFUGE
    _ingest(store, tmp_path / "b.csv", [_refuge(1, "Y")])  # corrected
    assert store.scalar("SELECT address FROM ws_record WHERE record_id = 'D1'") is None
    assert store.scalar("SELECT COUNT(*) FROM ws_record_version") == 1
    assert _traces(store) == {}  # not even in the record's history
    _ingest(store, tmp_path / "c.csv", [_refuge(1, "", summary="Moved on from the refuge")])
    assert store.scalar("SELECT address FROM ws_record WHERE record_id = 'D1'") == REFUGE
    assert address_of(store, "DA_SERVICE", "D1") is None


@pytest.mark.slow
def test_a_confidential_address_never_links_a_household(store: Store, tmp_path: Path) -> None:
    from wholestory.identity import LinkThresholds, link_all

    stranger = event_row(
        9,
        agency="HOUSING",
        record_id="H9",
        person_id="HX9",
        given_name="Petra",
        family_name="Lumb",
        date_of_birth="1970-01-01",
        sex="F",
        nhs_number="",
        address=REFUGE,
        postcode=REFUGE_POSTCODE,
        role="SUBJECT",
        event_id="",
        event_date="2026-03-20",
        event_type="CONCERN",
        summary="Tenancy check",
    )
    _ingest(
        store, tmp_path / "police.csv", [_police(1, MOTHER, "VICTIM"), _police(2, SON, "PRESENT")]
    )
    _ingest(store, tmp_path / "das.csv", [_refuge(1)])
    _ingest(store, tmp_path / "school.csv", [_school(1)])
    _ingest(store, tmp_path / "housing.csv", [stranger])
    link_all(store, thresholds=LinkThresholds())
    links = store.query(
        "SELECT key_a, key_b, basis, detail FROM ws_household_link ORDER BY key_a, key_b, basis"
    )
    assert [link for link in links if "HOUSING:HX9" in link[:2]] == []  # not linked by the refuge
    assert {link[2] for link in links} == {"event", "address"}  # the home they fled still links
    assert all(link[3] == HOME for link in links if link[2] == "address")
    assert _traces(store) == {}


def test_an_address_recorded_without_a_postcode_is_hidden_by_its_words(
    store: Store, tmp_path: Path
) -> None:
    _ingest(store, tmp_path / "das.csv", [_refuge(1)])
    unmarked = _school(1) | {"address": "Flat 2, 9 Linden Row", "postcode": ""}
    elsewhere = _school(2) | {"address": "Flat 2, 9 Linden Row", "postcode": "LS1 9ZZ"}
    _ingest(store, tmp_path / "school.csv", [unmarked, elsewhere])
    hidden = dict(store.query("SELECT record_id, address_confidential FROM ws_record"))
    assert hidden == {"D1": True, "S1": True, "S2": None}  # S2: the same words, another postcode
