"""Time in the synthetic partnership: the fixed as-of date and the school calendar.

Output must be a pure function of (children, seed), so nothing here reads
the clock: every date is measured from :data:`AS_OF`.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Final

#: The date the partnership's data is drawn up to. Fixed, so output depends
#: only on (children, seed) and never on the day the generator runs.
AS_OF: Final = dt.date(2026, 10, 31)
#: The earliest birth date of a child still under 18 on AS_OF.
EARLIEST_CHILD_DOB: Final = dt.date(2008, 11, 1)
YEAR: Final = 365.25


def days(n: float) -> dt.timedelta:
    """A timedelta of ``n`` days (rounded)."""
    return dt.timedelta(days=round(n))


def years(n: float) -> dt.timedelta:
    """A timedelta of ``n`` years of 365.25 days."""
    return dt.timedelta(days=round(n * YEAR))


def between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    """A uniformly random day in [start, end]."""
    span = (end - start).days
    return start + dt.timedelta(days=rng.randint(0, max(span, 0)))


def school_years(dob: dt.date) -> tuple[dt.date, dt.date, dt.date]:
    """(Reception start, Year 7 start, end of Year 11) for a child's birth date.

    A child starts Reception in the September after their fourth birthday.
    """
    reception_year = dob.year + (5 if dob.month >= 9 else 4)
    return (
        term_start(reception_year),
        term_start(reception_year + 7),
        dt.date(reception_year + 12, 7, 21),
    )


def term_start(year: int) -> dt.date:
    """The first school day of the autumn term in ``year``."""
    return next_weekday(dt.date(year, 9, 3))


def next_weekday(day: dt.date) -> dt.date:
    """``day`` itself if a weekday, else the Monday after."""
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def next_school_day(day: dt.date) -> dt.date:
    """The next weekday after ``day`` (Operation Encompass: before the next school day)."""
    return next_weekday(day + dt.timedelta(days=1))
