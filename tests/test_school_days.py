"""When an Operation Encompass notice falls due, and which children are of school age."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from wholestory.domestic_abuse.school_days import (
    CalendarError,
    SchoolCalendar,
    load_calendar,
    of_school_age,
)

CALENDAR = load_calendar()


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


@pytest.mark.parametrize(
    ("incident", "due", "why"),
    [
        ("2026-11-13 22:00", "2026-11-16 08:30", "Friday night: due Monday morning"),
        ("2026-05-01 21:15", "2026-05-05 08:30", "Monday 4 May 2026 is a bank holiday"),
        ("2026-10-23 23:40", "2026-11-02 08:30", "half term 26-30 October 2026"),
        ("2026-11-17 02:10", "2026-11-17 08:30", "small hours of a school day: that morning"),
        ("2026-11-17 08:30", "2026-11-18 08:30", "the minute school starts: the next day"),
        ("2026-11-17 13:05", "2026-11-18 08:30", "during the school day: the next morning"),
        ("2026-12-18 19:00", "2027-01-04 08:30", "Christmas holidays and New Year"),
        ("2026-04-02 20:00", "2026-04-13 08:30", "Easter holidays, Good Friday, Easter Monday"),
    ],
)
def test_a_notice_is_due_before_the_start_of_the_next_school_day(
    incident: str, due: str, why: str
) -> None:
    assert CALENDAR.next_school_day_start(_at(incident)) == _at(due), why


def test_without_school_holidays_only_weekends_and_bank_holidays_count() -> None:
    bare = SchoolCalendar(frozenset({dt.date(2026, 5, 4)}))
    assert bare.next_school_day_start(_at("2026-05-01 21:15")) == _at("2026-05-05 08:30")
    assert bare.next_school_day_start(_at("2026-10-23 23:40")) == _at("2026-10-26 08:30")


def test_the_bank_holidays_shipped_include_the_substitute_days() -> None:
    for day in ("2026-12-25", "2026-12-28", "2027-12-27", "2027-12-28", "2026-08-31"):
        assert not CALENDAR.is_school_day(dt.date.fromisoformat(day)), day
    assert CALENDAR.is_school_day(dt.date(2026, 12, 1))


@pytest.mark.parametrize(
    ("born", "on", "expected"),
    [
        ("2022-08-31", "2026-09-01", True),  # four by 31 August: reception from September
        ("2022-09-01", "2026-09-01", False),  # four on 1 September: reception next year
        ("2022-09-01", "2027-09-01", True),
        ("2008-11-20", "2026-11-19", True),  # 17, the day before turning 18
        ("2008-11-20", "2026-11-20", False),  # 18 today
        ("2024-01-01", "2026-11-20", False),  # a toddler
    ],
)
def test_school_age_runs_from_reception_to_17(born: str, on: str, expected: bool) -> None:
    assert of_school_age(dt.date.fromisoformat(born), dt.date.fromisoformat(on)) is expected


def test_a_partnership_sets_its_own_calendar(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = tmp_path / "calendar.yaml"
    own.write_text(
        'day_starts: "08:45"\nbank_holidays: [2026-11-16]\n'
        "school_holidays:\n  - {name: Inset, from: 2026-11-17, to: 2026-11-17}\n"
    )
    monkeypatch.setenv("WHOLESTORY_SCHOOL_CALENDAR", str(own))
    mine = load_calendar()
    assert mine.next_school_day_start(_at("2026-11-13 22:00")) == _at("2026-11-18 08:45")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("bank_holidays: [2026-13-01]\n", "bank_holidays has '2026-13-01'"),
        ("school_holidays:\n  - {from: 2026-11-20, to: 2026-11-10}\n", "ends before it starts"),
        ("school_holidays:\n  - {name: x}\n", "needs 'from' and 'to'"),
        ('day_starts: "half past eight"\n', "day_starts must be a time"),
        ("[unclosed\n", "not valid YAML"),
    ],
)
def test_a_bad_calendar_is_named_with_what_is_wrong(
    tmp_path: Path, text: str, message: str
) -> None:
    bad = tmp_path / "calendar.yaml"
    bad.write_text(text)
    with pytest.raises(CalendarError, match=message) as raised:
        load_calendar(bad)
    assert str(bad) in str(raised.value)
