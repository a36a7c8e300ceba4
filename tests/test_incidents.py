"""Children as victims in their own right (issue 13): every child of an incident's household.

Everyone here is invented. The police attend a Friday-night incident at Rhian's and
name Rhian, her partner and Kit. Kit's school has him on its roll this year. Mae, 13,
is not named by the police; children's social care records her as Rhian's daughter,
and her last school record is two years old. Ava is a baby. Joe, 20, is an adult.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from factories import event_row, write_csv
from wholestory.domestic_abuse.incidents import (
    FROM_SCHOOL,
    LAST_KNOWN,
    police_incidents,
    school_on,
)
from wholestory.identity import rebuild_household_links, refresh_sources
from wholestory.ingest import ingest_paths
from wholestory.records.template import RELATIONSHIP_COLUMNS
from wholestory.store import Store

PEOPLE = {  # (agency, person id) -> (WholeStory id, given name, born)
    ("POLICE", "V1"): ("WS-V", "Rhian", "1990-03-03"),
    ("POLICE", "S1"): ("WS-P", "Dale", "1988-07-07"),
    ("POLICE", "C1"): ("WS-C", "Kit", "2016-05-05"),
    ("SCHOOL", "SC1"): ("WS-C", "Kit", "2016-05-05"),
    ("SCHOOL", "SC2"): ("WS-M", "Mae", "2012-02-02"),
    ("CSC", "CV1"): ("WS-V", "Rhian", "1990-03-03"),
    ("CSC", "CM2"): ("WS-M", "Mae", "2012-02-02"),
    ("CSC", "CA3"): ("WS-A", "Ava", "2025-06-01"),
    ("CSC", "CJ4"): ("WS-J", "Joe", "2005-01-01"),
    ("DA_SERVICE", "DV1"): ("WS-V", "Rhian", "1990-03-03"),
}


def record(n: int, agency: str, person: str, role: str, day: str, kind: str, **more: str) -> dict:  # type: ignore[type-arg]
    _, given, born = PEOPLE[agency, person]
    values = {
        "agency": agency, "record_id": f"{agency[:1]}{n}", "person_id": person, "role": role,
        "event_date": day, "event_type": kind, "given_name": given, "family_name": "Caddow",
        "date_of_birth": born, "nhs_number": "", "event_id": "",
    }  # fmt: skip
    values.update(more)
    return event_row(n, **values)


def load(store: Store, tmp_path: Path, more: list[dict[str, str]] | None = None) -> None:
    """Rhian's household and the incident, linked by hand; ``more`` records beside them."""
    incident = {"event_id": "INC1", "event_time": "22:10"}
    records = [
        record(1, "POLICE", "V1", "VICTIM", "2025-11-14", "DA_INCIDENT", **incident),
        record(2, "POLICE", "S1", "SUSPECT", "2025-11-14", "DA_INCIDENT", **incident),
        record(3, "POLICE", "C1", "PRESENT", "2025-11-14", "DA_INCIDENT", **incident),
        record(4, "SCHOOL", "SC1", "SUBJECT", "2025-09-03", "SCHOOL_START",
               team="Ivydene Primary School"),
        record(5, "SCHOOL", "SC2", "SUBJECT", "2023-09-04", "SCHOOL_START",
               team="Wrenfield College"),
        record(6, "CSC", "CV1", "PARENT", "2024-02-01", "ASSESSMENT"),
        record(7, "CSC", "CM2", "SUBJECT", "2024-02-01", "ASSESSMENT"),
        record(8, "CSC", "CA3", "SUBJECT", "2025-07-01", "ASSESSMENT"),
        record(9, "CSC", "CJ4", "SIBLING", "2024-02-01", "ASSESSMENT"),
        *(more or []),
    ]  # fmt: skip
    family = [
        {"agency": "CSC", "person_id": child, "related_person_id": "CV1", "relationship": "MOTHER"}
        for child in ("CM2", "CA3", "CJ4")
    ]
    files = [
        write_csv(tmp_path / "records.csv", records),
        write_csv(tmp_path / "relationships.csv", family, RELATIONSHIP_COLUMNS),
    ]
    result = ingest_paths(store, files, None)
    assert not result.failed and result.totals()["quarantined"] == 0
    refresh_sources(store)
    store.executemany(
        "UPDATE ws_source_person SET ws_person_id = ? WHERE key = ?",
        [(ws, f"{a}:{p}") for (a, p), (ws, _, _) in PEOPLE.items()],
    )
    rebuild_household_links(store)


def test_every_child_of_the_household_is_named_with_age_and_school(
    store: Store, tmp_path: Path
) -> None:
    load(store, tmp_path)
    (incident,) = police_incidents(store)
    assert (incident.key, incident.day, incident.at) == (
        "POLICE:INC1",
        dt.date(2025, 11, 14),
        dt.datetime(2025, 11, 14, 22, 10),
    )
    assert (incident.victims, incident.suspects) == (("WS-V",), ("WS-P",))
    assert incident.records == ("POLICE:P1", "POLICE:P2", "POLICE:P3")
    children = {c.person: c for c in incident.children}
    assert sorted(children) == ["WS-A", "WS-C", "WS-M"]  # Joe, 20, is not a child
    kit, mae, ava = children["WS-C"], children["WS-M"], children["WS-A"]
    assert (kit.name, kit.age, kit.named, kit.role) == ("Kit Caddow", 9, True, "PRESENT")
    assert incident.place == "XW4 7QT"  # the police recorded only the postcode
    assert kit.school is not None
    assert (kit.school.name, kit.school.known_from) == ("Ivydene Primary School", FROM_SCHOOL)
    assert (mae.age, mae.named) == (13, False)  # found through the household
    assert mae.school is not None
    assert (mae.school.name, mae.school.known_from) == ("Wrenfield College", LAST_KNOWN)
    assert (ava.age, ava.school, ava.named) == (0, None, False)
    assert police_incidents(store, since=dt.date(2025, 11, 15)) == []


def test_the_school_on_a_day_is_the_latest_record_by_then() -> None:
    records = [
        (dt.date(2020, 9, 3), "SCHOOL_START", "Ivydene Primary School"),
        (dt.date(2024, 9, 4), "SCHOOL_START", "Wrenfield College"),
        (dt.date(2025, 3, 1), "ELECTIVE_HOME_EDUCATION", "Wrenfield College"),
    ]
    assert school_on(records, dt.date(2020, 9, 2)) is None  # before any school
    first = school_on(records, dt.date(2021, 10, 7))  # 399 days after: still on its roll
    assert first is not None and (first.name, first.known_from) == (
        "Ivydene Primary School", FROM_SCHOOL
    )  # fmt: skip
    stale = school_on(records, dt.date(2021, 10, 9))  # 401 days: only the last known
    assert stale is not None and stale.known_from == LAST_KNOWN
    now = school_on(records, dt.date(2024, 12, 1))
    assert now is not None and now.name == "Wrenfield College"
    assert school_on(records, dt.date(2025, 6, 1)) is None  # educated at home: no school
