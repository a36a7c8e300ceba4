"""Picking the days stories happen on: any day in a span, the next school day.

Shared by the stories in :mod:`wholestory.crosscheck.concerns` and
:mod:`wholestory.crosscheck.adolescence`, which draw from the same random stream.
"""

from __future__ import annotations

import random
from datetime import date, timedelta


def some_day(rng: random.Random, first: date, last: date) -> date:
    """A day from ``first`` to ``last`` inclusive (``first`` if the span is empty)."""
    return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))


def next_school_day(day: date) -> date:
    """The next weekday after ``day``: when school hears of a call-out the night before."""
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day
