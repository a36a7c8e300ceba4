"""The learning reviews' clocks (issue 17): working days across Easter, Christmas and bank
holiday Mondays, the partnership's closure days, and six months at a month's end.

Every worked date is counted by hand in the comment beside it, with the day of the event
as day 0 and the first working day after it as day 1. The bank holidays are checked
against the list GOV.UK publishes for England and Wales, not against the library's own.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wholestory.reviews.clocks import WorkingDays, add_months
from wholestory.reviews.timescales import (
    NOTIFICATION,
    PUBLICATION,
    RAPID_REVIEW,
    TIMESCALES_ENV,
    Timescales,
    TimescalesError,
    due_dates,
)

D = dt.date
DAYS = WorkingDays()

#: The bank holidays of England and Wales that fall on a weekday, 2020 to 2026, as GOV.UK
#: lists them (substitute days in place of a weekend's, and the one-off days).
GOV_UK_BANK_HOLIDAYS = {
    2020: ["01-01", "04-10", "04-13", "05-08", "05-25", "08-31", "12-25", "12-28"],
    2021: ["01-01", "04-02", "04-05", "05-03", "05-31", "08-30", "12-27", "12-28"],
    2022: ["01-03", "04-15", "04-18", "05-02", "06-02", "06-03", "08-29", "09-19", "12-26",
           "12-27"],
    2023: ["01-02", "04-07", "04-10", "05-01", "05-08", "05-29", "08-28", "12-25", "12-26"],
    2024: ["01-01", "03-29", "04-01", "05-06", "05-27", "08-26", "12-25", "12-26"],
    2025: ["01-01", "04-18", "04-21", "05-05", "05-26", "08-25", "12-25", "12-26"],
    2026: ["01-01", "04-03", "04-06", "05-04", "05-25", "08-31", "12-25", "12-28"],
}  # fmt: skip


def _weekdays_closed(year: int) -> list[str]:
    days = (D(year, 1, 1) + dt.timedelta(days=k) for k in range(366))
    return [
        f"{d:%m-%d}"
        for d in days
        if d.year == year and d.weekday() < 5 and not DAYS.is_working_day(d)
    ]


@pytest.mark.parametrize("year", sorted(GOV_UK_BANK_HOLIDAYS))
def test_the_bank_holidays_are_gov_uks_for_england_and_wales(year: int) -> None:
    assert _weekdays_closed(year) == GOV_UK_BANK_HOLIDAYS[year]


def test_the_one_off_days_are_holidays_and_the_days_they_replaced_are_not() -> None:
    # VE Day 75: the early May bank holiday moved from Monday 4 May 2020 to Friday 8 May.
    assert DAYS.is_working_day(D(2020, 5, 4)) and DAYS.why_closed(D(2020, 5, 8)) is not None
    # Platinum Jubilee: the spring bank holiday moved from Monday 30 May 2022 to Thursday
    # 2 June, with Friday 3 June added.
    assert DAYS.is_working_day(D(2022, 5, 30))
    assert not DAYS.is_working_day(D(2022, 6, 2)) and not DAYS.is_working_day(D(2022, 6, 3))
    # The State Funeral (Monday 19 September 2022) and the Coronation (Monday 8 May 2023).
    assert not DAYS.is_working_day(D(2022, 9, 19)) and not DAYS.is_working_day(D(2023, 5, 8))


def test_notification_across_easter() -> None:
    # Learned of on Thursday 28 March 2024 (day 0). Good Friday 29 March, the weekend and
    # Easter Monday 1 April are not counted: Tue 2 = 1, Wed 3 = 2, Thu 4 = 3, Fri 5 = 4,
    # Mon 8 April = 5. Without Easter it would be Thursday 4 April.
    assert DAYS.add_working_days(D(2024, 3, 28), 5) == D(2024, 4, 8)
    assert DAYS.why_closed(D(2024, 3, 29)) == "Good Friday"
    assert DAYS.why_closed(D(2024, 4, 1)) == "Easter Monday"


def test_rapid_review_across_easter() -> None:
    # Notified on Wednesday 27 March 2024 (day 0): Thu 28 March = 1; Good Friday to Easter
    # Monday skipped; Tue 2 to Fri 5 April = 2 to 5; Mon 8 to Fri 12 = 6 to 10; Mon 15 to
    # Fri 19 April = 11 to 15.
    assert DAYS.add_working_days(D(2024, 3, 27), 15) == D(2024, 4, 19)


def test_across_christmas_on_weekdays() -> None:
    # Learned of on Monday 23 December 2024 (day 0): Tue 24 = 1; Christmas Day (Wed 25) and
    # Boxing Day (Thu 26) skipped; Fri 27 = 2, Mon 30 = 3, Tue 31 = 4; New Year's Day
    # (Wed 1 January) skipped; Thu 2 January 2025 = 5.
    assert DAYS.add_working_days(D(2024, 12, 23), 5) == D(2025, 1, 2)


@pytest.mark.parametrize(
    ("learned", "due"),
    [
        # 2021: Christmas on Saturday, Boxing Day on Sunday, so Mon 27 and Tue 28 December
        # are the substitute days; New Year's Day on Saturday, so Mon 3 January 2022 is too.
        # From Fri 24 December (day 0): Wed 29 = 1, Thu 30 = 2, Fri 31 = 3, Tue 4 January
        # = 4, Wed 5 January 2022 = 5.
        (D(2021, 12, 24), D(2022, 1, 5)),
        # 2022: Christmas on Sunday, so Boxing Day is Mon 26 and Christmas's substitute Tue
        # 27; New Year's Day on Sunday, so Mon 2 January 2023 is its substitute. From Fri 23
        # December (day 0): Wed 28 = 1, Thu 29 = 2, Fri 30 = 3, Tue 3 January = 4, Wed 4
        # January 2023 = 5.
        (D(2022, 12, 23), D(2023, 1, 4)),
    ],
)
def test_across_a_christmas_at_a_weekend_with_substitute_days(learned: D, due: D) -> None:
    assert DAYS.add_working_days(learned, 5) == due


def test_across_a_bank_holiday_monday() -> None:
    # The spring bank holiday, Monday 27 May 2024. From Thursday 23 May (day 0): Fri 24 = 1,
    # Mon 27 skipped, Tue 28 = 2, Wed 29 = 3, Thu 30 = 4, Fri 31 May = 5.
    assert DAYS.add_working_days(D(2024, 5, 23), 5) == D(2024, 5, 31)
    assert DAYS.why_closed(D(2024, 5, 27)) is not None
    # Two bank holiday Mondays in one notification: Friday 28 April 2023 (day 0); Mon 1 May
    # skipped; Tue 2 = 1, Wed 3 = 2, Thu 4 = 3, Fri 5 = 4; the Coronation, Mon 8 May,
    # skipped; Tue 9 May 2023 = 5.
    assert DAYS.add_working_days(D(2023, 4, 28), 5) == D(2023, 5, 9)


def test_a_partnership_closure_day_is_not_counted() -> None:
    # The partnership closes Fri 27, Mon 30 and Tue 31 December 2024. From Monday 23
    # December (day 0): Tue 24 = 1; 25 and 26 (bank holidays), 27, 30, 31 (closed) and
    # New Year's Day skipped; Thu 2 = 2, Fri 3 = 3, Mon 6 = 4, Tue 7 January 2025 = 5.
    closed = WorkingDays([D(2024, 12, 27), D(2024, 12, 30), D(2024, 12, 31)])
    assert closed.add_working_days(D(2024, 12, 23), 5) == D(2025, 1, 7)
    assert closed.why_closed(D(2024, 12, 30)) == "Partnership closure day"
    assert DAYS.add_working_days(D(2024, 12, 23), 5) == D(2025, 1, 2)  # open, as before


@pytest.mark.parametrize(
    ("learned", "due"),
    [
        # Saturday 8 June 2024 is day 0: Mon 10 = 1, Tue 11 = 2, ..., Fri 14 June = 5.
        (D(2024, 6, 8), D(2024, 6, 14)),
        # Sunday 9 June 2024 is day 0: the same five days, Mon 10 to Fri 14 June.
        (D(2024, 6, 9), D(2024, 6, 14)),
    ],
)
def test_a_start_on_a_weekend(learned: D, due: D) -> None:
    assert DAYS.add_working_days(learned, 5) == due


@pytest.mark.parametrize(
    ("learned", "due"),
    [
        # Easter Monday 1 April 2024 is day 0: Tue 2 = 1, Wed 3 = 2, Thu 4 = 3, Fri 5 = 4,
        # Mon 8 April = 5.
        (D(2024, 4, 1), D(2024, 4, 8)),
        # Boxing Day, Thursday 26 December 2024, is day 0: Fri 27 = 1, Mon 30 = 2, Tue 31 =
        # 3, New Year's Day skipped, Thu 2 January = 4, Fri 3 January 2025 = 5.
        (D(2024, 12, 26), D(2025, 1, 3)),
    ],
)
def test_a_start_on_a_bank_holiday(learned: D, due: D) -> None:
    assert DAYS.add_working_days(learned, 5) == due


@pytest.mark.parametrize(
    ("decided", "months", "due"),
    [
        (D(2025, 3, 15), 6, D(2025, 9, 15)),  # the same day of the month
        (D(2025, 8, 31), 6, D(2026, 2, 28)),  # February 2026 has no 31st: its last day
        (D(2023, 8, 31), 6, D(2024, 2, 29)),  # ... and in a leap year, the 29th
        (D(2025, 3, 31), 6, D(2025, 9, 30)),  # September has 30 days
        (D(2025, 7, 31), 6, D(2026, 1, 31)),  # into the next year, the 31st kept
        (D(2025, 12, 31), 6, D(2026, 6, 30)),  # from a year's last day
        (D(2024, 2, 29), 12, D(2025, 2, 28)),  # a leap day, a year on
        (D(2025, 8, 30), 6, D(2026, 2, 28)),  # the 30th, too, ends on 28 February
    ],
)
def test_six_months_at_a_months_end(decided: D, months: int, due: D) -> None:
    assert add_months(decided, months) == due


def test_six_months_is_not_moved_off_a_weekend() -> None:
    # Decided on Thursday 6 March 2025: 6 September 2025 is a Saturday, and the publication
    # is due then, as the timescale is in calendar months, not working days.
    assert add_months(D(2025, 3, 6), 6) == D(2025, 9, 6) and D(2025, 9, 6).weekday() == 5


@given(
    st.dates(min_value=D(2019, 1, 1), max_value=D(2030, 12, 31)),
    st.integers(min_value=0, max_value=40),
)
def test_counting_between_undoes_adding(start: D, n: int) -> None:
    due = DAYS.add_working_days(start, n)
    assert DAYS.working_days_between(start, due) == n
    assert DAYS.working_days_between(due, start) == -n
    assert n == 0 or DAYS.is_working_day(due)  # a due date is never a closed day
    assert due - start >= dt.timedelta(days=n)


def test_days_left_and_overdue_count_working_days() -> None:
    # Learned of on Monday 23 December 2024: notification due Thursday 2 January 2025 (see
    # the Christmas test). On Tue 31 December one working day is left (New Year's Day does
    # not count); on 2 January none, and it is not yet late; on Fri 3 January it is one
    # working day overdue.
    clocks = due_dates(D(2024, 12, 23), settings=Timescales())
    assert clocks.notification.due == D(2025, 1, 2)
    assert clocks.rapid_review is None and clocks.publication is None
    assert clocks.days_left(D(2024, 12, 31)) == {NOTIFICATION: 1}
    assert clocks.days_left(D(2025, 1, 2)) == {NOTIFICATION: 0}
    assert clocks.overdue(D(2025, 1, 2)) == ()
    assert clocks.overdue(D(2025, 1, 3)) == (clocks.notification,)
    assert clocks.notification.days_left(D(2025, 1, 6)) == -2  # Fri 3, Mon 6


def test_each_clock_starts_from_its_own_event() -> None:
    # Notified on Thursday 2 January 2025 (day 0): Fri 3 = 1, 6 to 10 January = 2 to 6,
    # 13 to 17 = 7 to 11, Mon 20 = 12, Tue 21 = 13, Wed 22 = 14, Thu 23 January = 15.
    # Decided on Friday 31 January 2025: published by Thursday 31 July 2025. On Friday 24
    # January the rapid review is a working day late, and the publication has 130 working
    # days left: 27 January to 25 July is 26 weeks (130 days), 28 to 31 July adds 4, and
    # Good Friday, Easter Monday and the two May bank holidays take 4 away.
    clocks = due_dates(D(2024, 12, 23), D(2025, 1, 2), D(2025, 1, 31), Timescales())
    assert [(c.step, c.counted_from, c.due) for c in clocks.all()] == [
        (NOTIFICATION, D(2024, 12, 23), D(2025, 1, 2)),
        (RAPID_REVIEW, D(2025, 1, 2), D(2025, 1, 23)),
        (PUBLICATION, D(2025, 1, 31), D(2025, 7, 31)),
    ]
    assert clocks.notification.on_time is True and not clocks.notification.overdue(D(2025, 2, 1))
    assert clocks.overdue(D(2025, 1, 24)) == (clocks.rapid_review,)
    assert clocks.days_left(D(2025, 1, 24)) == {RAPID_REVIEW: -1, PUBLICATION: 130}
    assert clocks.notification.rule == (
        "within 5 working days of the local authority learning of the incident"
    )


def test_a_late_step_is_marked_late_once_done() -> None:
    # Due Thursday 2 January 2025, notified Monday 6 January: done, late, no longer overdue.
    # The rapid review counts from the day the notification was sent.
    clocks = due_dates(D(2024, 12, 23), D(2025, 1, 6), settings=Timescales())
    assert clocks.notification.on_time is False and clocks.overdue(D(2025, 1, 7)) == ()
    assert clocks.rapid_review is not None and clocks.rapid_review.counted_from == D(2025, 1, 6)


def test_steps_out_of_order_are_refused() -> None:
    with pytest.raises(ValueError, match="before it learned of the incident"):
        due_dates(D(2025, 1, 10), notified_on=D(2025, 1, 9), settings=Timescales())
    with pytest.raises(ValueError, match="needs the date the Panel is notified"):
        due_dates(D(2025, 1, 10), settings=Timescales(), rapid_review_on=D(2025, 1, 20))


def test_a_partnerships_file_sets_the_timescales_and_its_closure_days(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Notification within 3 working days; closed Fri 27 to Tue 31 December 2024 and Fri 3
    # January 2025. From Monday 23 December (day 0): Tue 24 = 1, Thu 2 January = 2,
    # Mon 6 January 2025 = 3. Publication within 4 months of Friday 31 January 2025:
    # Saturday 31 May 2025.
    path = tmp_path / "timescales.yaml"
    path.write_text(
        "notification_working_days: 3\npublication_months: 4\n"
        "closure_days:\n  - {from: 2024-12-27, to: 2024-12-31}\n  - 2025-01-03\n"
    )
    monkeypatch.setenv(TIMESCALES_ENV, str(path))
    settings = Timescales.load()
    assert settings.rapid_review_working_days == 15  # not set: Working Together's
    clocks = due_dates(D(2024, 12, 23), decided_on=D(2025, 1, 31))  # reads the file itself
    assert clocks.notification.due == D(2025, 1, 6)
    assert clocks.publication is not None and clocks.publication.due == D(2025, 5, 31)
    assert clocks.notification.rule.startswith("within 3 working days")


def test_without_a_file_the_timescales_are_working_togethers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(TIMESCALES_ENV, raising=False)
    assert Timescales.load() == Timescales(5, 15, 6, frozenset())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("notification_days: 5\n", "unknown setting 'notification_days'"),
        ("notification_working_days: five\n", "should be a whole number from 1 to 60"),
        ("rapid_review_working_days: 0\n", "should be a whole number from 1 to 60"),
        ("publication_months: 60\n", "publication_months should be a whole number from 1 to 24"),
        ("publication_months: -6\n", "should be a whole number"),
        ("closure_days: 2024-12-27\n", "'closure_days' should be a list of dates"),
        ("closure_days: [2024-12-32]\n", "'2024-12-32', not a date as YYYY-MM-DD"),
        ("closure_days: [{from: 2024-12-31, to: 2024-12-27}]\n", "ends before it starts"),
        ("closure_days: [{from: 2024-12-27}]\n", "needs 'from' and 'to'"),
        ("- 5\n", "expected settings such as 'publication_months'"),
        ("publication_months: [6\n", "is not valid YAML"),
    ],
)
def test_a_timescales_file_that_cannot_be_used_is_refused_in_one_line(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "timescales.yaml"
    path.write_text(text)
    with pytest.raises(TimescalesError) as raised:
        Timescales.load(path)
    said = str(raised.value)
    assert said.startswith(f"{path}: ") and message in said and "\n" not in said


def test_a_missing_timescales_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    with pytest.raises(TimescalesError, match="the review timescales cannot be read") as raised:
        Timescales.load(path)
    assert str(path) in str(raised.value)
