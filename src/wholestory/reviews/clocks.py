"""Working days and calendar months, as the learning reviews' clocks count them.

Working Together to Safeguard Children 2023 sets two clocks in working days (a serious
incident notified within 5 working days of the local authority learning of it, a rapid
review within 15 working days of the notification) and one in months (a local review
published within 6 months of the decision to hold it). A working day is a weekday that
is neither a bank holiday of England and Wales nor a day the partnership itself is
closed (the days between Christmas and New Year, say).

The bank holidays come from the ``holidays`` package (python-holidays), whose United
Kingdom calendar for the England subdivision holds the bank holidays England and Wales
share: the fixed days with their substitute days when they fall at a weekend, Easter,
and the one-off days (VE Day moved to 8 May 2020, the Platinum Jubilee on 3 June 2022
with the spring bank holiday moved to 2 June, the State Funeral on 19 September 2022,
the Coronation on 8 May 2023). A tested package is kept up to date as new one-off days
are announced; a list written here would go stale silently.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Final

#: What a partnership's own closure day is called where a day's reason is shown.
CLOSURE: Final = "Partnership closure day"
_ONE_DAY: Final = dt.timedelta(days=1)


@lru_cache(maxsize=1)
def england_and_wales_bank_holidays() -> Mapping[dt.date, str]:
    """Every bank holiday of England and Wales, by date, with its name.

    The mapping works out each year as it is first asked about, so no year range is
    fixed here. ``holidays`` is imported only when a calendar is first needed: the
    package loads every country's calendar, which takes a noticeable part of a second
    that a command which counts no days should not pay.
    """
    import holidays

    return holidays.country_holidays("GB", subdiv="ENG")


class WorkingDays:
    """The partnership's working days: weekdays less bank holidays and closure days."""

    def __init__(
        self,
        closures: Iterable[dt.date] = (),
        bank_holidays: Mapping[dt.date, str] | None = None,
    ) -> None:
        self.closures = frozenset(closures)
        self.bank_holidays = (
            england_and_wales_bank_holidays() if bank_holidays is None else bank_holidays
        )

    def why_closed(self, day: dt.date) -> str | None:
        """Why ``day`` is not a working day ("Saturday", "Easter Monday", ...), or None."""
        if day.weekday() >= 5:
            return calendar.day_name[day.weekday()]
        if (holiday := self.bank_holidays.get(day)) is not None:
            return holiday
        return CLOSURE if day in self.closures else None

    def is_working_day(self, day: dt.date) -> bool:
        return self.why_closed(day) is None

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The day a thing is due when it must be done within ``n`` working days of ``start``.

        The day of the event is day 0, whatever day it is, and the first working day after
        it is day 1; the due date is day ``n``. So an incident learned of on a Monday is
        due for notification (5 working days) on the next Monday; one learned of on a
        Saturday is due on the Friday after; one learned of on Good Friday 2024 (29 March)
        is due on Monday 8 April, Easter Monday not being counted. This is how "within n
        working days of" is read elsewhere in English law, for example the Freedom of
        Information Act 2000, s10(1): "not later than the twentieth working day following
        the date of receipt". Counting the event's own day as day 1 would take a day from
        whoever must act, and only when the event happened on a working day.
        """
        if n < 0:
            raise ValueError(f"a clock cannot run backwards ({n} working days)")
        day, counted = start, 0
        while counted < n:
            day += _ONE_DAY
            counted += self.is_working_day(day)
        return day

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """The working days after ``a`` up to and including ``b``; negative when ``b`` is earlier.

        It undoes ``add_working_days``: ``working_days_between(start,
        add_working_days(start, n)) == n``. Read from today to a due date it is the
        working days left (0 on the day itself); past the due date it is minus the
        working days overdue.
        """
        if b < a:
            return -self.working_days_between(b, a)
        return sum(self.is_working_day(a + _ONE_DAY * k) for k in range(1, (b - a).days + 1))


def add_months(start: dt.date, n: int) -> dt.date:
    """The same day of the month ``n`` calendar months on, or the month's last day.

    This is the "corresponding date" rule by which English law counts a period of
    months (Dodds v Walker [1981] 1 WLR 1027): 15 March + 6 months is 15 September.
    Where the later month has no such day, the period ends on that month's last day, so
    31 August + 6 months is 28 February (29 February in a leap year), and 31 March + 6
    months is 30 September. The date is not moved off a weekend or a bank holiday: the
    timescale is in calendar months, not working days.
    """
    months = start.year * 12 + start.month - 1 + n
    year, month = divmod(months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(start.day, last))
