"""How long each step of a learning review may take, and when each falls due.

The defaults are Working Together to Safeguard Children 2023's: a serious incident is
notified to the Child Safeguarding Practice Review Panel within 5 working days of the
local authority learning of it; the rapid review is done within 15 working days of the
notification; a local child safeguarding practice review is published within 6 months
of the decision to hold it. A partnership may set its own (``WHOLESTORY_REVIEW_TIMESCALES``
names a YAML file) and list the days it is closed, which no clock counts::

    notification_working_days: 5
    rapid_review_working_days: 15
    publication_months: 6
    closure_days:
      - 2026-12-29
      - {from: 2026-12-30, to: 2026-12-31}

Anything else in the file is refused by name, so a typing slip never leaves a clock
running to a timescale nobody set.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from wholestory.reviews.clocks import WorkingDays, add_months
from wholestory.settings_file import read_settings
from wholestory.words import count_words

#: The environment variable that names a partnership's timescales file.
TIMESCALES_ENV: Final = "WHOLESTORY_REVIEW_TIMESCALES"

NOTIFICATION: Final = "notification"
RAPID_REVIEW: Final = "rapid_review"
PUBLICATION: Final = "publication"

#: Each timescale's setting, and the largest value taken as meant: a longer timescale
#: is far beyond any statutory one and more likely a slip (50 for 5) than a choice.
_LIMITS: Final = {
    "notification_working_days": 60,
    "rapid_review_working_days": 60,
    "publication_months": 24,
}
_SETTINGS: Final = (*_LIMITS, "closure_days")


class TimescalesError(ValueError):
    """The timescales file cannot be used; the message names the file and the fault."""


@dataclass(frozen=True, slots=True)
class Timescales:
    """The partnership's timescales and its own closure days."""

    notification_working_days: int = 5
    rapid_review_working_days: int = 15
    publication_months: int = 6
    closure_days: frozenset[dt.date] = frozenset()

    def working_days(self) -> WorkingDays:
        """The calendar the clocks count by: bank holidays and these closure days."""
        return WorkingDays(self.closure_days)

    @classmethod
    def load(cls, path: Path | None = None) -> Timescales:
        """The timescales in ``path``, the file ``WHOLESTORY_REVIEW_TIMESCALES`` names, or
        Working Together's."""
        chosen = path or (Path(p) if (p := os.environ.get(TIMESCALES_ENV)) else None)
        if chosen is None:
            return cls()
        data = read_settings(chosen, "review timescales", TimescalesError, as_written=True)
        return cls.from_mapping(data, chosen)

    @classmethod
    def from_mapping(cls, data: Any, where: Path | str) -> Timescales:
        """Timescales from a file's YAML, read as written (every value a string)."""
        if data is None or data == "":
            return cls()
        if not isinstance(data, dict):
            raise TimescalesError(f"{where}: expected settings such as 'publication_months'")
        unknown = sorted(set(data) - set(_SETTINGS))
        if unknown:
            raise TimescalesError(
                f"{where}: unknown setting {unknown[0]!r}; the settings are {', '.join(_SETTINGS)}"
            )
        numbers = {name: _whole_number(data[name], name, where) for name in _LIMITS if name in data}
        return cls(**numbers, closure_days=_closure_days(data.get("closure_days"), where))


def _whole_number(value: Any, name: str, where: Path | str) -> int:
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= _LIMITS[name]:
        raise TimescalesError(
            f"{where}: {name} should be a whole number from 1 to {_LIMITS[name]}, not {value!r}"
        )
    return int(text)


def _closure_days(value: Any, where: Path | str) -> frozenset[dt.date]:
    if value is None or value == "":
        return frozenset()
    if not isinstance(value, list):
        raise TimescalesError(f"{where}: 'closure_days' should be a list of dates")
    days: set[dt.date] = set()
    for item in value:
        days |= _closure(item, where)
    return frozenset(days)


def _closure(item: Any, where: Path | str) -> set[dt.date]:
    """One closure day ("2026-12-29"), or a run of them ({from: ..., to: ...})."""
    if not isinstance(item, dict):
        return {_date(item, where)}
    if set(item) != {"from", "to"}:
        raise TimescalesError(f"{where}: closure_days: a run of days needs 'from' and 'to' only")
    first, last = _date(item["from"], where), _date(item["to"], where)
    if last < first:
        raise TimescalesError(f"{where}: closure_days: the run from {first} ends before it starts")
    return {first + dt.timedelta(days=n) for n in range((last - first).days + 1)}


def _date(value: Any, where: Path | str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise TimescalesError(
            f"{where}: closure_days has {value!r}, not a date as YYYY-MM-DD"
        ) from None


@dataclass(frozen=True, slots=True)
class Clock:
    """One step's clock: what it counts from, when it is due, and whether it is done."""

    step: str
    what: str
    rule: str
    counted_from: dt.date
    due: dt.date
    done_on: dt.date | None
    calendar: WorkingDays = field(repr=False, compare=False)

    def overdue(self, today: dt.date) -> bool:
        """Not done, and its due date has passed (on the due date itself it is not late)."""
        return self.done_on is None and today > self.due

    def days_left(self, today: dt.date) -> int:
        """Working days from ``today`` to the due date: 0 on the day, negative once overdue."""
        return self.calendar.working_days_between(today, self.due)

    @property
    def on_time(self) -> bool | None:
        """Whether it was done by its due date; None while it is not done."""
        return None if self.done_on is None else self.done_on <= self.due


@dataclass(frozen=True, slots=True)
class Clocks:
    """A review's clocks: the notification's always; the others once their start is known."""

    notification: Clock
    rapid_review: Clock | None
    publication: Clock | None

    def all(self) -> tuple[Clock, ...]:
        return tuple(c for c in (self.notification, self.rapid_review, self.publication) if c)

    def overdue(self, today: dt.date) -> tuple[Clock, ...]:
        return tuple(c for c in self.all() if c.overdue(today))

    def days_left(self, today: dt.date) -> dict[str, int]:
        """Working days left on each clock not yet done, by step."""
        return {c.step: c.days_left(today) for c in self.all() if c.done_on is None}


def due_dates(
    learned_on: dt.date,
    notified_on: dt.date | None = None,
    decided_on: dt.date | None = None,
    settings: Timescales | None = None,
    *,
    rapid_review_on: dt.date | None = None,
    published_on: dt.date | None = None,
) -> Clocks:
    """Each step's due date, from the day the local authority learned of the incident,
    the day it notified the Panel and the day the partners decided to hold a local
    review; ``rapid_review_on`` and ``published_on`` are when those steps were done.

    The rapid review's clock starts at the notification actually sent, not the day it
    was due, as Working Together counts it; so it has no due date until the notification
    is sent. Without ``settings`` the partnership's file is read (``Timescales.load``).
    """
    chosen = Timescales.load() if settings is None else settings
    _in_order(learned_on, notified_on, decided_on)
    days = chosen.working_days()
    n = chosen.notification_working_days
    notification = Clock(
        NOTIFICATION, "Serious incident notification",
        f"within {count_words(n, 'working day')} of the local authority learning of the incident",
        learned_on, days.add_working_days(learned_on, n), notified_on, days,
    )  # fmt: skip
    return Clocks(
        notification,
        _rapid_review(notified_on, rapid_review_on, chosen, days),
        _publication(decided_on, published_on, chosen, days),
    )


def _rapid_review(
    notified_on: dt.date | None, done_on: dt.date | None, chosen: Timescales, days: WorkingDays
) -> Clock | None:
    if notified_on is None:
        _not_started(done_on, "a rapid review", "the Panel is notified")
        return None
    r = chosen.rapid_review_working_days
    return Clock(
        RAPID_REVIEW, "Rapid review", f"within {count_words(r, 'working day')} of the notification",
        notified_on, days.add_working_days(notified_on, r), done_on, days,
    )  # fmt: skip


def _publication(
    decided_on: dt.date | None, done_on: dt.date | None, chosen: Timescales, days: WorkingDays
) -> Clock | None:
    if decided_on is None:
        _not_started(done_on, "a published review", "the decision to hold one")
        return None
    m = chosen.publication_months
    return Clock(
        PUBLICATION, "Local child safeguarding practice review published",
        f"within {count_words(m, 'month')} of the decision to hold the review",
        decided_on, add_months(decided_on, m), done_on, days,
    )  # fmt: skip


def _not_started(done_on: dt.date | None, what: str, needs: str) -> None:
    if done_on is not None:
        raise ValueError(f"{what} on {done_on} needs the date {needs}")


def _in_order(learned_on: dt.date, notified_on: dt.date | None, decided_on: dt.date | None) -> None:
    """A review's steps cannot come before the local authority learned of the incident."""
    for when, what in ((notified_on, "notified the Panel"), (decided_on, "decided on a review")):
        if when is not None and when < learned_on:
            raise ValueError(
                f"the local authority {what} on {when}, before it learned of the incident "
                f"({learned_on})"
            )
