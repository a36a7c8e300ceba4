"""From records to entries: one event one entry, agencies merged by rule, nothing dropped."""

from __future__ import annotations

import datetime as dt

from wholestory.chronology import build
from wholestory.chronology.building import NO_ACTION, build_entries
from wholestory.chronology.material import Material, Member
from wholestory.chronology.rows import Row
from wholestory.chronology.thresholds import IndicatorThresholds
from wholestory.records.keys import source_key

CHILD, MOTHER, PARTNER = "WS-1", "WS-2", "WS-3"


def row(
    agency: str,
    record_id: str,
    person: str,
    when: str,
    event_type: str,
    *,
    event_id: str | None = None,
    role: str = "SUBJECT",
    summary: str = "",
    action: str | None = None,
    dob: str | None = None,
    inferred: bool = False,
    approximate: bool = False,
) -> Row:
    start = when + "-01-01"[len(when) - 4 :] if len(when) < 10 else when
    names = {CHILD: ("Ava", "Stone"), MOTHER: ("Jo", "Stone"), PARTNER: ("Lee", "Marsh")}
    given, family = names.get(person, ("Someone", "Else"))
    born = dob or {CHILD: "2015-04-02", MOTHER: "1990-01-01", PARTNER: "1988-01-01"}[person]
    return Row(
        agency, record_id, f"{agency[:2]}-{person}", given, family, born, "F", None, None,
        "XZ1 1AA", "1 High Street", role, event_id, when, approximate,
        dt.date.fromisoformat(start), event_type, inferred, summary or event_type.lower(),
        action, None, None, None, person, key=source_key(agency, f"{agency[:2]}-{person}"),
    )  # fmt: skip


def material(rows: list[Row], household: list[Row] | None = None, **members: Member) -> Material:
    keys = sorted({r.key for r in rows if r.person == CHILD})
    return Material(CHILD, keys, rows, household or [], dict(members))


def police_call_out() -> list[Row]:
    """One police event with three people, the victim's DASH, then the school and social care."""
    e = "POL-E1"
    return [
        row("POLICE", "P1", MOTHER, "2021-03-05", "DA_INCIDENT", event_id=e, role="VICTIM"),
        row("POLICE", "P2", PARTNER, "2021-03-05", "DA_INCIDENT", event_id=e, role="SUSPECT"),
        row("POLICE", "P3", CHILD, "2021-03-05", "DA_INCIDENT", event_id=e, role="PRESENT"),
        row("POLICE", "P4", MOTHER, "2021-03-05", "DASH_ASSESSMENT", event_id=e, role="VICTIM"),
        row("SCHOOL", "S1", CHILD, "2021-03-08", "ENCOMPASS_NOTIFICATION",
            summary="Operation Encompass notification received from police"),
        row("CSC", "C1", CHILD, "2021-03-09", "REFERRAL",
            summary="Referral from police following a domestic incident", action="Assessment"),
    ]  # fmt: skip


def test_one_happening_reported_by_three_agencies_is_one_entry() -> None:
    entries, _ = build_entries(material(police_call_out()), dt.date(2015, 4, 2))
    assert len(entries) == 1
    (e,) = entries
    assert e.agencies == ["POLICE", "SCHOOL", "CSC"]
    assert e.agency == "POLICE" and e.event_type == "DA_INCIDENT" and e.role == "PRESENT"
    assert {(s.agency, s.record_id) for s in e.sources} == {
        ("POLICE", "P1"), ("POLICE", "P2"), ("POLICE", "P3"), ("POLICE", "P4"),
        ("SCHOOL", "S1"), ("CSC", "C1"),
    }  # fmt: skip
    assert "Operation Encompass" in e.merged_because and "naming the agency" in e.merged_because
    assert {i.person: i.role for i in e.involved} == {MOTHER: "VICTIM", PARTNER: "SUSPECT"}
    assert not e.household


def test_a_referral_that_names_no_one_a_week_later_stays_apart() -> None:
    rows = [
        *police_call_out()[:4],
        row("CSC", "C1", CHILD, "2021-03-13", "REFERRAL", summary="Referral from school: hungry"),
    ]
    entries, _ = build_entries(material(rows), None)
    assert len(entries) == 2


def test_two_events_of_one_agency_are_never_merged() -> None:
    rows = [
        row("CSC", "C1", CHILD, "2021-03-09", "REFERRAL", summary="Referral from police"),
        row("CSC", "C2", CHILD, "2021-03-10", "CONCERN", summary="Incident notified by police"),
        row("POLICE", "P3", CHILD, "2021-03-08", "DA_INCIDENT", event_id="E", role="PRESENT"),
    ]  # fmt: skip
    entries, _ = build_entries(material(rows), None)
    assert len(entries) == 2
    assert sorted(len(e.sources) for e in entries) == [1, 2]


def test_an_arrest_and_youth_justice_record_of_it_are_one() -> None:
    rows = [
        row("POLICE", "P1", CHILD, "2024-04-18", "ARREST"),
        row("YOUTH_JUSTICE", "Y1", CHILD, "2024-05-01", "OFFENCE_SUSPECT",
            summary="Youth justice assessment after arrest"),
    ]  # fmt: skip
    entries, _ = build_entries(material(rows), None)
    assert len(entries) == 1 and entries[0].event_types == ["ARREST", "OFFENCE_SUSPECT"]


def test_nothing_is_dropped_and_dates_keep_their_precision() -> None:
    rows = [
        *police_call_out(),
        row("GP", "G1", CHILD, "2019-06", "APPOINTMENT_MISSED", inferred=True),
        row("HOUSING", "H1", CHILD, "2018", "HOUSE_MOVE", approximate=True),
    ]
    entries, _ = build_entries(material(rows), None)
    assert sorted((s.agency, s.record_id) for e in entries for s in e.sources) == sorted(
        (r.agency, r.record_id) for r in rows
    )
    first, second = entries[0], entries[1]
    assert (first.date, first.precision, first.approximate) == ("2018", "year", True)
    assert (second.date, second.precision, second.inferred) == ("2019-06", "month", True)
    assert second.action == NO_ACTION
    assert [e.day for e in entries] == sorted(e.day for e in entries)


def test_household_events_join_while_the_member_lives_with_the_child() -> None:
    theirs = [
        row("ADULT_MH", "A1", MOTHER, "2019-01-10", "MENTAL_HEALTH_CONTACT"),
        row("ADULT_MH", "A2", MOTHER, "2012-01-10", "MENTAL_HEALTH_CONTACT"),  # before birth
        row("PROBATION", "B1", PARTNER, "2019-02-01", "CUSTODY"),  # lived elsewhere then
        row("GP", "G9", MOTHER, "2019-03-01", "APPOINTMENT_ATTENDED"),  # not a household type
    ]
    mine = [row("GP", "G1", CHILD, "2019-01-01", "APPOINTMENT_ATTENDED")]
    members = {
        MOTHER: Member(MOTHER, "MOTHER", None, None),
        PARTNER: Member(PARTNER, "PARENT_PARTNER", "2022-01-01", "2023-01-01"),
    }
    entries, relations = build_entries(material(mine, theirs, **members), dt.date(2015, 4, 2))
    household = [e for e in entries if e.household]
    assert [(e.id, e.role) for e in household] == [("ADULT_MH:A1", "HOUSEHOLD")]
    assert household[0].involved[0].relation == "mother"
    assert relations[PARTNER] == "parent's partner"


def test_flags_only_for_children() -> None:
    rows = [row("POLICE", f"P{i}", CHILD, d, "MISSING_EPISODE") for i, d in
            enumerate(("2024-01-01", "2024-03-01", "2024-05-01"))]  # fmt: skip
    child = build(material(rows), dt.date(2026, 10, 31), IndicatorThresholds())
    assert {f.code for f in child.flags} >= {"MISSING_REPEAT"}
    adult_rows = [r._replace(date_of_birth="1990-01-01") for r in rows]
    adult = build(material(adult_rows), dt.date(2026, 10, 31), IndicatorThresholds())
    assert adult.flags == []
    assert adult.as_dict()["person"]["dates_of_birth"] == ["1990-01-01"]


def test_an_eighteenth_birthday_ends_childhood_but_not_the_flags_of_it() -> None:
    rows = [row("POLICE", f"P{i}", CHILD, d, "MISSING_EPISODE", dob="2008-10-31") for i, d in
            enumerate(("2024-01-01", "2024-03-01", "2024-05-01"))]  # fmt: skip
    child = build(material(rows), dt.date(2026, 10, 30), IndicatorThresholds())
    assert child.is_child and child.flags
    adult = build(material(rows), dt.date(2026, 10, 31), IndicatorThresholds())
    assert not adult.is_child
    assert [f.as_dict() for f in adult.flags] == [f.as_dict() for f in child.flags]
    assert all(f.ages == "aged 15" and "Aged 15 at the time." in f.explanation
               for f in adult.flags)  # fmt: skip


def test_a_pattern_from_the_eighteenth_birthday_on_is_not_flagged() -> None:
    def missing(*days: str) -> list[Row]:
        return [row("POLICE", f"P{i}", CHILD, d, "MISSING_EPISODE", dob="2008-10-31")
                for i, d in enumerate(days)]  # fmt: skip

    later = dt.date(2030, 1, 1)
    on_birthday = build(material(missing("2026-07-01", "2026-09-01", "2026-10-31")), later,
                        IndicatorThresholds())  # fmt: skip
    assert "MISSING_REPEAT" not in {f.code for f in on_birthday.flags}
    eve = build(
        material(missing("2026-07-01", "2026-09-01", "2026-10-30")), later, IndicatorThresholds()
    )
    f = next(f for f in eve.flags if f.code == "MISSING_REPEAT")
    assert (f.age_first, f.age_last) == (17, 17)


def test_the_json_contract() -> None:
    c = build(material(police_call_out()), dt.date(2026, 10, 31), IndicatorThresholds())
    data = c.as_dict()
    assert {"id", "names", "dates_of_birth", "source_records"} <= set(data["person"])
    assert data["person"]["source_records"] == [
        {"agency": "CSC", "person_id": "CS-WS-1"},
        {"agency": "POLICE", "person_id": "PO-WS-1"},
        {"agency": "SCHOOL", "person_id": "SC-WS-1"},
    ]
    for e in data["entries"]:
        assert {"date", "agency", "event_type", "inferred", "role", "summary", "household",
                "sources"} <= set(e)  # fmt: skip
        assert all(set(s) == {"agency", "record_id"} for s in e["sources"])
    for f in data["flags"]:
        assert {"code", "title", "severity", "evidence", "explanation"} <= set(f)
        assert f["evidence"] and f["explanation"]
    assert {"involvement", "plans", "by_category_year", "aces", "moves", "silences",
            "start_again"} <= set(data["summary"])  # fmt: skip
