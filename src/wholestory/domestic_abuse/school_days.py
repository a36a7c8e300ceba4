"""School days, school age, and when an Operation Encompass notice falls due.

Since 7 November 2025 the police must tell a child's school when the child may be a
victim of domestic abuse (Domestic Abuse Act 2021 s49A); the practice standard is
*before the start of the next school day*, weekends and holidays included. So a notice
for an incident at 22:00 on a Friday is due at the start of Monday's school day, or
Tuesday's when Monday is a bank holiday, or the Monday after half term.

Times are the partnership's local time (Europe/London), naive, as agencies record
them. The calendar (bank holidays, school holidays, when the school day starts) is a
partnership setting: the packaged ``school_calendar.yaml`` holds England and Wales
bank holidays and an example authority's term dates, and ``WHOLESTORY_SCHOOL_CALENDAR``
names a partnership's own file of the same shape.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Final

import yaml

from wholestory.settings_file import read_settings

#: Where a partnership's own calendar is read from, when set.
CALENDAR_ENV: Final = "WHOLESTORY_SCHOOL_CALENDAR"
#: The calendar shipped with WholeStory, in this package.
PACKAGED: Final = "school_calendar.yaml"
#: The oldest age at which a child is still of school age for Encompass (reception to 17).
OLDEST: Final = 17
#: How far ahead a due time is looked for: a calendar this closed is a mistake in it.
_LOOK_AHEAD_DAYS: Final = 120


class CalendarError(ValueError):
    """The calendar file cannot be used; the message says where and why."""


@dataclass(frozen=True, slots=True)
class SchoolCalendar:
    """Which days schools are closed, beyond weekends, and when the school day starts."""

    closed: frozenset[dt.date] = field(default_factory=frozenset)
    day_starts: dt.time = dt.time(8, 30)

    def is_school_day(self, day: dt.date) -> bool:
        """A weekday that is neither a bank holiday nor in the school holidays."""
        return day.weekday() < 5 and day not in self.closed

    def next_school_day_start(self, when: dt.datetime) -> dt.datetime:
        """The first start of a school day after ``when``: when a notice is due.

        An incident at 02:00 on a school day is due that morning; one during the school
        day, or at the very minute it starts, is due the next school day's morning.
        """
        day = when.date()
        for _ in range(_LOOK_AHEAD_DAYS):
            start = dt.datetime.combine(day, self.day_starts)
            if start > when and self.is_school_day(day):
                return start
            day += dt.timedelta(days=1)
        raise CalendarError(
            f"no school day in the {_LOOK_AHEAD_DAYS} days after {when:%Y-%m-%d}"
        ) from None


def school_year_start(on: dt.date) -> int:
    """The year the school year holding ``on`` began (school years start on 1 September)."""
    return on.year if on.month >= 9 else on.year - 1


def of_school_age(born: dt.date, on: dt.date) -> bool:
    """Whether a child is in reception to age 17 on ``on``, so that their school is told.

    A child starts reception in the school year after their fourth birthday's 31 August
    (born by 31 August four years before the school year began) and is of school age
    until their eighteenth birthday.
    """
    start = school_year_start(on)
    in_reception_or_above = born <= dt.date(start - 4, 8, 31)
    return in_reception_or_above and age_on(born, on) <= OLDEST


def age_on(born: dt.date, on: dt.date) -> int:
    """Age in whole years on ``on``: a birthday counts from the day itself."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def load_calendar(path: Path | None = None) -> SchoolCalendar:
    """The partnership's calendar: ``path``, else the file the environment names, else ours."""
    chosen = path or (Path(os.environ[CALENDAR_ENV]) if os.environ.get(CALENDAR_ENV) else None)
    if chosen is None:
        text = resources.files("wholestory.domestic_abuse").joinpath(PACKAGED).read_text()
        return _calendar(yaml.load(text, Loader=yaml.BaseLoader), PACKAGED)  # builds no objects
    data = read_settings(chosen, "school calendar", CalendarError, as_written=True)
    return _calendar(data, str(chosen))


def _calendar(data: Any, where: str) -> SchoolCalendar:
    if not isinstance(data, dict):
        raise CalendarError(
            f"{where}: expected day_starts, bank_holidays and school_holidays"
        ) from None
    closed = {_day(d, where, "bank_holidays") for d in data.get("bank_holidays") or []}
    for holiday in data.get("school_holidays") or []:
        closed |= _holiday_days(holiday, where)
    starts = str(data.get("day_starts", "08:30"))
    try:
        day_starts = dt.time.fromisoformat(starts)
    except ValueError:
        raise CalendarError(
            f"{where}: day_starts must be a time like 08:30, not '{starts}'"
        ) from None
    return SchoolCalendar(frozenset(closed), day_starts)


def _holiday_days(holiday: Any, where: str) -> set[dt.date]:
    if not isinstance(holiday, dict) or "from" not in holiday or "to" not in holiday:
        raise CalendarError(f"{where}: each school holiday needs 'from' and 'to' dates") from None
    first = _day(holiday["from"], where, "school_holidays")
    last = _day(holiday["to"], where, "school_holidays")
    if last < first:
        raise CalendarError(
            f"{where}: the holiday from {first} ends before it starts ({last})"
        ) from None
    return {first + dt.timedelta(days=n) for n in range((last - first).days + 1)}


def _day(value: Any, where: str, section: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise CalendarError(f"{where}: {section} has '{value}', not a date as YYYY-MM-DD") from None
