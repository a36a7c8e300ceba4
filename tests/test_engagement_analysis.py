"""Engagement in the analysis (issue 14), each rule at its boundary: runs of missed
appointments and what followed, the needs in force, and attendance around an adjustment."""

from __future__ import annotations

import datetime as dt

from wholestory.engagement.analysis import (
    AROUND_MONTHS,
    FOLLOW_DAYS,
    RUN,
    Contact,
    contact,
    contacts_of_json,
    engagement,
)
from wholestory.engagement.needs import Need

D0 = dt.date(2025, 1, 6)


def c(days: int, kind: str, agency: str = "GP", summary: str = "") -> Contact:
    types = {"missed": ["APPOINTMENT_MISSED"], "attended": ["APPOINTMENT_ATTENDED"]}
    return contact(D0 + dt.timedelta(days=days), agency, types.get(kind, ["CONTACT"]), summary)


def need(day: dt.date, kind: str = "INTERPRETER") -> Need:
    return Need("GP", "N1", "P1", kind, "Polish", day.isoformat(), None, "Dr Sam", False, "")


def test_a_run_needs_two_missed_in_a_row_at_one_agency() -> None:
    assert RUN == 2
    one = engagement([c(0, "missed"), c(10, "attended"), c(20, "missed")], [])
    assert one.runs == []
    other_agency = engagement([c(0, "missed"), c(10, "missed", agency="HEALTH_VISITING")], [])
    assert other_agency.runs == []
    letter = engagement([c(0, "missed"), c(5, "other", summary="Letter sent"), c(9, "missed")], [])
    (run,) = letter.runs
    assert (run["first"], run["last"], run["missed"]) == ("2025-01-06", "2025-01-15", 2)


def test_what_followed_is_the_agencys_next_record_within_90_days() -> None:
    assert FOLLOW_DAYS == 90
    missed = [c(0, "missed"), c(30, "missed")]
    inside = engagement([*missed, c(120, "other", summary="Discharged: was not brought")], [])
    assert inside.runs[0]["followed_by"] == {
        "date": "2025-05-06", "summary": "Discharged: was not brought"
    }  # fmt: skip
    outside = engagement([*missed, c(121, "attended", summary="Seen with mum")], [])
    assert outside.runs[0]["followed_by"] is None
    elsewhere = engagement([*missed, c(40, "attended", agency="SCHOOL", summary="In class")], [])
    assert elsewhere.runs[0]["followed_by"] is None


def test_the_needs_in_force_are_those_recorded_by_the_last_missed() -> None:
    missed = [c(0, "missed"), c(30, "missed")]
    on_the_day = engagement(missed, [need(D0 + dt.timedelta(days=30))])
    assert on_the_day.runs[0]["needs_in_force"] == ["Needs an interpreter"]
    day_after = engagement(missed, [need(D0 + dt.timedelta(days=31))])
    assert day_after.runs[0]["needs_in_force"] == []


def test_attendance_before_and_after_an_adjustment() -> None:
    span = round(AROUND_MONTHS * 30.44)
    recorded = D0 + dt.timedelta(days=400)
    contacts = [
        c(400 - span - 1, "missed"),  # before the window
        c(400 - span, "missed"),
        c(399, "missed"),
        c(400, "attended"),  # the day it was recorded counts after
        c(400 + span - 1, "attended"),
        c(400 + span, "missed"),  # after the window
    ]
    (around,) = engagement(contacts, [need(recorded)]).adjustments
    assert around["need"] == "Needs an interpreter" and around["recorded_on"] == "2026-02-10"
    assert around["before"] == {"attended": 0, "missed": 2, "cancelled": 0}
    assert around["after"] == {"attended": 2, "missed": 0, "cancelled": 0}


def test_tallies_by_agency_and_year_and_what_counts() -> None:
    found = engagement(
        [c(0, "missed"), c(1, "attended"), c(400, "other", summary="Visit cancelled by mum"),
         c(401, "other", summary="Phone call"), c(402, "attended", agency="SCHOOL")],
        [],
    )  # fmt: skip
    data = found.as_dict()
    assert data["by_agency"] == {
        "GP": {"attended": 1, "missed": 1, "cancelled": 1},
        "SCHOOL": {"attended": 1, "missed": 0, "cancelled": 0},
    }
    assert data["by_year"] == {
        "2025": {"attended": 1, "missed": 1, "cancelled": 0},
        "2026": {"attended": 1, "missed": 0, "cancelled": 1},
    }
    assert engagement([c(0, "other", summary="Phone call")], []).is_empty()


def test_only_the_persons_own_records_count() -> None:
    entries = [
        {"date": "2025-01-06", "agency": "GP", "event_types": ["APPOINTMENT_MISSED"],
         "household": False, "summary": ""},
        {"date": "2025-02", "agency": "GP", "event_types": ["APPOINTMENT_MISSED"],
         "household": True, "summary": "Mother's appointment"},
        {"date": "~2025-03", "agency": "GP", "event_type": "APPOINTMENT_ATTENDED",
         "household": False, "summary": ""},
    ]  # fmt: skip
    found = contacts_of_json(entries)
    assert [(x.day.isoformat(), x.kind) for x in found] == [
        ("2025-01-06", "missed"),
        ("2025-03-01", "attended"),
    ]
