"""Mapping profiles: the shipped examples work, and a broken profile is explained."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from wholestory.ingest import ingest_file
from wholestory.ingest.profiles import ProfileError, load_profile
from wholestory.store import Store

EXAMPLES = Path(__file__).parent.parent / "examples"
TODAY = dt.date(2026, 11, 26)


def test_police_example_maps_headers_dates_and_codes(store: Store) -> None:
    profile = load_profile(EXAMPLES / "profiles" / "police-occurrences.yaml")
    result = ingest_file(store, EXAMPLES / "police-occurrences.csv", profile, today=TODAY)
    assert (result.error, result.read, result.inserted, result.quarantined) == (None, 5, 5, 0)
    assert result.ignored_columns == ["PNC ID"]
    rows = store.query(
        "SELECT record_id, agency, role, event_type, event_date, event_date_approximate, "
        "date_of_birth, outcome, event_id FROM ws_record ORDER BY record_id"
    )
    assert rows[0] == (
        "INV-000101",
        "POLICE",
        "VICTIM",
        "DA_INCIDENT",
        "2024-02-03",
        False,
        "1992-06-14",
        "REFERRED",
        "OCC/24/0051",
    )
    assert rows[2][2] == "PRESENT"
    assert rows[3][3:5] == ("DASH_ASSESSMENT", "2024-03")
    assert rows[4][3] == "MISSING_EPISODE"


def test_school_example_maps_preferred_names_and_upns(store: Store) -> None:
    profile = load_profile(EXAMPLES / "profiles" / "school-mis.yaml")
    result = ingest_file(store, EXAMPLES / "school-mis.csv", profile, today=TODAY)
    assert (result.error, result.inserted, result.quarantined, result.warnings) == (None, 4, 0, 0)
    first = store.query(
        "SELECT agency, person_id, given_name, other_names, upn, event_type, team FROM ws_record "
        "WHERE record_id = 'LOG-20231'"
    )[0]
    assert first == (
        "SCHOOL",
        "004471",
        "James",
        "Jamie",
        "M938200115001",
        "SCHOOL_START",
        "Eastfold Primary",
    )
    types = {r[0] for r in store.query("SELECT event_type FROM ws_record")}
    assert types == {"SCHOOL_START", "ENCOMPASS_NOTIFICATION", "ATTENDANCE_CONCERN"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- a list", "a profile is a YAML mapping"),
        ("columns: {shoe_size: Size}", "'columns.shoe_size' is not a template column"),
        ("date_formats: {summary: ['%d']}", "only event_date, date_of_birth take formats"),
        ("date_formats: {event_date: ['DD/MM/YYYY']}", "strftime formats such as '%d/%m/%Y'"),
        ("codes: {role: [VICTIM]}", "'codes.role' must map their codes to ours"),
        ("columns: [unclosed", "cannot read this profile"),
    ],
)
def test_broken_profiles_are_explained(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError, match=None) as caught:
        load_profile(path)
    assert message in str(caught.value) and str(path) in str(caught.value)
