"""Ingest on both databases: accounting, idempotence, updates with history, quarantine."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from factories import event_row, rows, write_csv
from wholestory.ingest import ingest_file, ingest_paths
from wholestory.ingest.profiles import Profile
from wholestory.store import Store
from wholestory.store.imports import list_quarantine

TODAY = dt.date(2026, 11, 26)


def count(store: Store, table: str) -> int:
    return int(store.scalar(f"SELECT COUNT(*) FROM {table}"))


def test_rows_are_accounted_for_and_reimport_changes_nothing(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "police.csv", [*rows(5), event_row(6, event_date="2020-02-30")])
    first = ingest_file(store, path, today=TODAY)
    assert first.counts() == {
        "read": 6,
        "inserted": 5,
        "updated": 0,
        "unchanged": 0,
        "quarantined": 1,
        "warnings": 0,
    }
    assert first.balanced()
    second = ingest_file(store, path, today=TODAY)
    assert (second.inserted, second.updated, second.unchanged, second.quarantined) == (0, 0, 5, 1)
    assert count(store, "ws_record") == 5
    assert count(store, "ws_quarantine") == 1  # the same bad row is held once
    assert count(store, "ws_record_version") == 0


def test_changed_row_updates_in_place_and_keeps_its_previous_version(
    store: Store, tmp_path: Path
) -> None:
    ingest_file(store, write_csv(tmp_path / "a.csv", rows(3)), today=TODAY)
    changed = rows(3)
    changed[1]["summary"] = "Domestic incident; children present, referral made"
    result = ingest_file(store, write_csv(tmp_path / "b.csv", changed), today=TODAY)
    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 2)
    assert count(store, "ws_record") == 3
    summary = store.scalar("SELECT summary FROM ws_record WHERE record_id = 'R2'")
    assert summary == "Domestic incident; children present, referral made"
    versions = store.query("SELECT record_id, content FROM ws_record_version")
    assert len(versions) == 1
    old = versions[0][1] if isinstance(versions[0][1], dict) else json.loads(versions[0][1])
    assert versions[0][0] == "R2"
    assert old["summary"] == "Domestic incident attended at home address"


def test_repeated_record_in_one_file_is_applied_in_order(store: Store, tmp_path: Path) -> None:
    first = event_row(1)
    second = event_row(1, summary="Corrected: domestic incident, no children present")
    same_again = dict(second)
    result = ingest_file(
        store, write_csv(tmp_path / "dup.csv", [first, second, same_again]), today=TODAY
    )
    assert (result.read, result.inserted, result.updated, result.unchanged) == (3, 1, 1, 1)
    assert store.scalar("SELECT summary FROM ws_record") == second["summary"]
    assert count(store, "ws_record_version") == 1


def test_normalised_values_and_what_was_recorded_are_both_kept(
    store: Store, tmp_path: Path
) -> None:
    row = event_row(
        1,
        date_of_birth="2012-02-30",
        nhs_number="943 476 5918",
        postcode="xw4 7qt",
        event_date="~2019-06",
        event_type="",
        summary="Child was not brought to appointment",
        sex="female",
    )
    result = ingest_file(store, write_csv(tmp_path / "x.csv", [row]), today=TODAY)
    assert (result.inserted, result.warnings) == (1, 1)
    got = store.query(
        "SELECT date_of_birth, nhs_number, postcode, event_date, event_date_approximate, "
        "event_date_start, event_type, event_type_inferred, sex, provenance FROM ws_record"
    )[0]
    assert (got[0], got[1], got[2]) == (None, None, "XW4 7QT")
    assert (got[3], bool(got[4]), str(got[5])) == ("2019-06", True, "2019-06-01")
    assert (got[6], bool(got[7]), got[8]) == ("APPOINTMENT_MISSED", True, "F")
    provenance = got[9] if isinstance(got[9], dict) else json.loads(got[9])
    assert provenance["date_of_birth_recorded"] == "2012-02-30"
    assert provenance["nhs_number_recorded"] == "943 476 5918"
    assert provenance["postcode_recorded"] == "xw4 7qt"
    assert provenance["event_date_recorded"] == "~2019-06"
    assert provenance["event_type_rule"] == "summary mentions 'was not brought'"
    assert "NHS number" in provenance["warnings"] and "date_of_birth" in provenance["warnings"]


def test_clean_rows_carry_no_provenance(store: Store, tmp_path: Path) -> None:
    ingest_file(store, write_csv(tmp_path / "x.csv", rows(2)), today=TODAY)
    assert store.query("SELECT provenance FROM ws_record") == [(None,), (None,)]


def test_quarantine_names_row_column_and_reason(store: Store, tmp_path: Path) -> None:
    bad = [
        event_row(1),
        event_row(2, event_date="2021-02-30"),
        event_row(3, summary=""),
        event_row(4, role="BYSTANDER", event_type="NOT_A_CODE"),
    ]
    ingest_file(store, write_csv(tmp_path / "police.csv", bad), today=TODAY)
    held = {e.row_number: e for e in list_quarantine(store)}
    assert sorted(held) == [3, 4, 5]  # spreadsheet rows: the header is row 1
    assert held[3].columns == "event_date" and "2021-02-30" in held[3].reason
    assert held[4].columns == "summary" and "required" in held[4].reason
    assert held[5].columns == "role, event_type"
    assert held[5].file_name == "police.csv"
    assert held[5].raw["record_id"] == "R4"


def test_relationships_table_is_recognised_by_its_header(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "anything.csv"
    path.write_text(
        "agency,person_id,related_person_id,relationship\n"
        "CSC,C1,C2,MOTHER\nCSC,C1,C3,SIBLING\nCSC,C1,C4,AUNTIE\n",
        encoding="utf-8",
    )
    first = ingest_file(store, path, today=TODAY)
    assert first.kind == "relationships"
    assert (first.read, first.inserted, first.quarantined) == (3, 2, 1)
    again = ingest_file(store, path, today=TODAY)
    assert (again.inserted, again.unchanged, again.quarantined) == (0, 2, 1)


def test_folder_import_reads_csv_and_xlsx_and_skips_subfolders(
    store: Store, tmp_path: Path
) -> None:
    import openpyxl

    folder = tmp_path / "exports"
    folder.mkdir()
    write_csv(folder / "police.csv", rows(2))
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(
        [
            "agency",
            "record_id",
            "person_id",
            "given_name",
            "family_name",
            "date_of_birth",
            "nhs_number",
            "event_date",
            "summary",
        ]
    )
    sheet.append(
        [
            "SCHOOL",
            "S1",
            "P1",
            "Kellie",
            "Testperson",
            dt.datetime(2012, 3, 4),
            9434765919,
            dt.datetime(2021, 9, 1),
            "Started school",
        ]
    )
    book.save(folder / "school.xlsx")
    (folder / "ground_truth").mkdir()
    write_csv(folder / "ground_truth" / "ignored.csv", rows(9))
    (folder / "notes.txt").write_text("not an export")
    result = ingest_paths(store, [folder], today=TODAY)
    assert [Path(f.file).name for f in result.files] == ["police.csv", "school.xlsx"]
    assert result.totals()["inserted"] == 3
    school = store.query(
        "SELECT date_of_birth, nhs_number, event_date, event_type FROM ws_record "
        "WHERE agency = 'SCHOOL'"
    )[0]
    assert school == ("2012-03-04", "9434765919", "2021-09-01", "SCHOOL_START")


def test_profile_constants_and_code_maps(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "theirs.csv"
    path.write_text(
        "Ref,Nominal,First,Last,Occurred,Type,Details\n"
        "O1,N1,Jamie,Testperson,05/01/2020,Domestic,Call-out to home\n"
        "O2,N1,Jamie,Testperson,32/01/2020,Domestic,Call-out to home\n",
        encoding="utf-8",
    )
    profile = Profile(
        name="test",
        columns={
            "record_id": "Ref",
            "person_id": "Nominal",
            "given_name": "First",
            "family_name": "Last",
            "event_date": "Occurred",
            "event_type": "Type",
            "summary": "Details",
        },
        constants={"agency": "POLICE"},
        date_formats={"event_date": ("%d/%m/%Y",)},
        codes={"event_type": {"DOMESTIC": "DA_INCIDENT"}},
    )
    result = ingest_file(store, path, profile, today=TODAY)
    assert (result.inserted, result.quarantined) == (1, 1)
    assert store.query("SELECT agency, event_date, event_type FROM ws_record") == [
        ("POLICE", "2020-01-05", "DA_INCIDENT")
    ]
    held = list_quarantine(store)[0]
    assert held.raw["Occurred"] == "32/01/2020" and "expected DD/MM/YYYY" in held.reason


def test_a_corrected_row_resolves_its_quarantine_entry(store: Store, tmp_path: Path) -> None:
    bad = [event_row(1), event_row(2, event_date="2021-02-30"), event_row(3, summary="")]
    ingest_file(store, write_csv(tmp_path / "monday.csv", bad), today=TODAY)
    assert [e.row_number for e in list_quarantine(store)] == [3, 4]
    fixed = [event_row(2, event_date="2021-02-28")]
    ingest_file(store, write_csv(tmp_path / "tuesday.csv", fixed), today=TODAY)
    waiting = list_quarantine(store)
    assert [(e.file_name, e.row_number) for e in waiting] == [("monday.csv", 4)]
    everything = list_quarantine(store, include_resolved=True)
    resolved = [e for e in everything if e.resolved_at is not None]
    assert [(e.file_name, e.row_number) for e in resolved] == [("monday.csv", 3)]
    # The same bad file again holds nothing new and reopens nothing.
    again = ingest_file(store, write_csv(tmp_path / "monday.csv", bad), today=TODAY)
    assert again.quarantined == 2
    assert len(list_quarantine(store)) == 1
