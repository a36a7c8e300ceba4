"""The practice-quality measures kept month by month, read back, and charted.

The issue asks for the four measures "computed across the whole partnership every night
and charted month by month". A chart needs every month, and a late record (an assessment
recorded weeks after it began, a referral sent in a later file) changes a month already
past, so each night every month of the window is counted again and kept in
``ws_assurance_measure``, one row per measure and month (:func:`keep_months`).

Counting each month on its own (:func:`~wholestory.assurance.measures.practice_measures`)
reads the records and the stored plans once per month: about 1.2 s a month at 10,000
children, 45 s for three years, most of it reading the plans of every child with a high
flag again for each month. So :func:`month_by_month` reads each measure's records once for
the whole window and counts them into months, by the same rules and with the same helpers
as the single month; a test holds the two equal month by month.

:func:`chart` draws a measure's kept months with the charts engine, leaving out months
with nothing to measure and, for the pages the board reads, months with small numbers,
and says which it left out.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from wholestory.assurance import words
from wholestory.assurance.children import OwnRecord, Person, own_records, people
from wholestory.assurance.measure_words import (
    LEFT_OUT,
    LEFT_OUT_EMPTY,
    LEFT_OUT_SMALL,
    VALUE_LABELS,
)
from wholestory.assurance.measures import (
    ASSESSMENT,
    READ_BEFORE_DAYS,
    REFERRALS,
    WORRIES,
    Measure,
    followed_up,
    last_whole_month,
    looks,
    month_days,
    third_concern,
)
from wholestory.charts.icons import Direction
from wholestory.charts.spc import ChartOptions, SpcChart, xmr_chart
from wholestory.chronology.display import parse_iso
from wholestory.chronology.stored import store_as_of, stored_chronology
from wholestory.chronology.thresholds import IndicatorThresholds
from wholestory.chronology.view import CONCERNS
from wholestory.engagement.analysis import MISSED, contact, engagement
from wholestory.figures import SUPPRESS_BELOW
from wholestory.store import Store

#: The measures, in the order the definitions give them.
CODES: Final = tuple(words.MEASURE_TITLES)
#: Which way is better: more of each share, fewer days from a third concern to a referral.
DIRECTIONS: Final[dict[str, Direction]] = {
    "history_read_first": Direction.HIGHER_IS_BETTER,
    "high_flags_with_plan": Direction.HIGHER_IS_BETTER,
    "was_not_brought_followed_up": Direction.HIGHER_IS_BETTER,
    "concern_to_referral_days": Direction.LOWER_IS_BETTER,
}
_UPSERT: Final = (
    "INSERT INTO ws_assurance_measure (code, month, numerator, denominator, value, computed_at) "
    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (code, month) DO UPDATE SET "
    "numerator = excluded.numerator, denominator = excluded.denominator, "
    "value = excluded.value, computed_at = excluded.computed_at"
)


@dataclass(frozen=True, slots=True)
class MeasureMonth:
    """One measure for one month as the nightly run kept it."""

    code: str
    month: str
    numerator: int
    denominator: int
    value: float | None
    computed_at: dt.datetime

    @property
    def unit(self) -> str:
        return unit_of(self.code)

    @property
    def small_numbers(self) -> bool:
        """Whether a count the month shows or implies is 1 to 4: the numerator, the
        denominator, or those without (18 of 20 tells a reader that 2 were not)."""
        counts = (self.numerator, self.denominator, self.denominator - self.numerator)
        return any(0 < n < SUPPRESS_BELOW for n in counts)

    def charted(self) -> float | None:
        """The value as a chart plots it: a share in per cent, days as they are."""
        if self.value is None:
            return None
        return self.value * 100 if self.unit == "share" else self.value

    def measure(self) -> Measure:
        """The month as the single-month measure, for its words (counts and figure)."""
        return Measure(
            self.code, self.month, self.numerator, self.denominator, self.value, self.unit
        )


@dataclass(frozen=True, slots=True)
class KeptMeasures:
    """What one keep did: the months counted (first to last) and the latest month's figures."""

    first: str | None
    last: str | None
    months: int
    seconds: float
    latest: tuple[Measure, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "first": self.first,
            "last": self.last,
            "months": self.months,
            "seconds": round(self.seconds, 2),
            "latest": [m.as_dict() for m in self.latest],
        }


@dataclass(frozen=True)
class MeasureChart:
    """A measure's chart over its kept months, and the months it leaves out and why.

    ``spc`` is None when no month has a value to plot.
    """

    code: str
    months: tuple[MeasureMonth, ...]
    spc: SpcChart | None
    empty: tuple[str, ...]
    small: tuple[str, ...]

    @property
    def value_label(self) -> str:
        return VALUE_LABELS[unit_of(self.code)]

    def left_out(self) -> str:
        """The months not on the chart, in a sentence; empty if every month is on it."""
        reasons = [
            template.format(months=", ".join(month_words(m) for m in months))
            for template, months in ((LEFT_OUT_EMPTY, self.empty), (LEFT_OUT_SMALL, self.small))
            if months
        ]
        return LEFT_OUT.format(reasons="; ".join(reasons)) if reasons else ""


def unit_of(code: str) -> str:
    """What a measure's value is: "days" for the median days, "share" for the others."""
    return "days" if code == "concern_to_referral_days" else "share"


def keep_months(store: Store, months: int = 36, now: dt.datetime | None = None) -> KeptMeasures:
    """Count every measure for each whole month of the window (:func:`months_to_keep`) and
    keep them, replacing what an earlier night kept for the same months.

    Raises :class:`~wholestory.assurance.children.NotBuiltError` before the first build.
    """
    started = time.perf_counter()
    wanted = months_to_keep(store, months)
    if not wanted:
        return KeptMeasures(None, None, 0, time.perf_counter() - started, ())
    found = month_by_month(store, wanted)
    at = (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
    rows = [(m.code, m.month, m.numerator, m.denominator, m.value, at) for m in found]
    with store.transaction():
        store.executemany(_UPSERT, rows)
    latest = tuple(m for m in found if m.month == wanted[-1])
    return KeptMeasures(wanted[0], wanted[-1], len(wanted), time.perf_counter() - started, latest)


def months_to_keep(store: Store, months: int = 36) -> list[str]:
    """The whole months from the earliest record's month, or from ``months`` months before the
    last whole month if that is later, to the last whole month; none if there are no records."""
    earliest = store.scalar("SELECT MIN(event_date_start) FROM ws_record")
    if earliest is None or months < 1:
        return []
    last = last_whole_month(store)
    first = max(str(earliest)[:7], _shifted(last, -(months - 1)))
    found: list[str] = []
    while first <= last:
        found.append(first)
        first = _shifted(first, 1)
    return found


def month_by_month(
    store: Store, months: Sequence[str], thresholds: IndicatorThresholds | None = None
) -> list[Measure]:
    """Every measure for each of ``months`` (in order, ``YYYY-MM``), measure by measure: what
    :func:`~wholestory.assurance.measures.practice_measures` gives month by month, each
    measure's records read once for them all."""
    t = thresholds or IndicatorThresholds.current()
    everyone = people(store)
    as_of = store_as_of(store)
    counted = [
        _history_read_first(store, everyone, months, t),
        _high_flags_with_plan(store, everyone, months, as_of, t),
        _was_not_brought_followed_up(store, everyone, months, t),
        _concern_to_referral_days(store, everyone, months, t),
    ]
    return [by_month[month] for by_month in counted for month in months]


def series(store: Store, code: str) -> list[MeasureMonth]:
    """A measure's kept months, oldest first."""
    _known(code)
    return [
        MeasureMonth(str(c), str(month), int(n), int(d), None if v is None else float(v), _at(at))
        for c, month, n, d, v, at in store.query(
            "SELECT code, month, numerator, denominator, value, computed_at "
            "FROM ws_assurance_measure WHERE code = ? ORDER BY month",
            [code],
        )
    ]


def chart(store: Store, code: str, *, hide_small: bool = True) -> MeasureChart:
    """The XmR chart of a measure's kept months, in its better direction.

    A month with nothing to measure (no denominator, or for the median no referral after a
    third concern) has no value, so it is left out; with ``hide_small`` (the pages: the board
    reads them), so is a month with small numbers, whose value would tell a count of 1 to 4.
    """
    kept = series(store, code)
    points: list[tuple[str, float]] = []
    empty: list[str] = []
    small: list[str] = []
    for month in kept:
        value = month.charted()
        if value is None:
            empty.append(month.month)
        elif hide_small and month.small_numbers:
            small.append(month.month)
        else:
            points.append((month.month, value))
    spc = xmr_chart(points, ChartOptions(direction=DIRECTIONS[code])) if points else None
    return MeasureChart(code, tuple(kept), spc, tuple(empty), tuple(small))


# Each measure over many months: the rules are measures.py's, read once and counted by month.


def _history_read_first(
    store: Store, everyone: Mapping[str, Person], months: Sequence[str], t: IndicatorThresholds
) -> dict[str, Measure]:
    first, last = _window(months)
    begun = {
        (r.person, r.agency, r.day)
        for r in own_records(store, types={ASSESSMENT}, since=first, until=last)
        if r.exact and _child(everyone, r.person, r.day, t)
    }
    looked = looks(store, sorted({p for p, _, _ in begun}), first, last)
    tally = _Tally()
    for person, agency, day in begun:
        seen = looked.get((person, agency.upper()), ())
        opened = any(day - dt.timedelta(days=READ_BEFORE_DAYS) <= s <= day for s in seen)
        tally.add(_month(day), opened)
    return tally.shares("history_read_first", months)


def _high_flags_with_plan(
    store: Store,
    everyone: Mapping[str, Person],
    months: Sequence[str],
    as_of: dt.date,
    t: IndicatorThresholds,
) -> dict[str, Measure]:
    flagged: dict[str, dt.date] = {}  # each child's earliest high flag
    for person, began in store.query(
        "SELECT ws_person_id, first_date FROM ws_flag WHERE severity = 'high'"
    ):
        start = parse_iso(str(began))
        if start is not None:
            flagged[str(person)] = min(start, flagged.get(str(person), start))
    plans = {person: _plans(store, person) for person in flagged}
    tally = _Tally()
    for month in months:
        day = min(month_days(month)[1], as_of)
        for person, start in flagged.items():
            if start <= day and _child(everyone, person, day, t):
                tally.add(month, _open_on(plans[person], day))
    return tally.shares("high_flags_with_plan", months)


def _was_not_brought_followed_up(
    store: Store, everyone: Mapping[str, Person], months: Sequence[str], t: IndicatorThresholds
) -> dict[str, Measure]:
    first, last = _window(months)
    persons = sorted(
        {r.person for r in own_records(store, types={MISSED}, since=first, until=last)}
    )
    records: dict[str, list[OwnRecord]] = defaultdict(list)
    if persons:
        for r in own_records(store, persons=persons):
            records[r.person].append(r)
    tally = _Tally()
    for person, mine in records.items():
        contacts = [contact(r.day, r.agency, [r.event_type], "") for r in mine]
        for run in engagement(contacts, []).runs:
            ended = dt.date.fromisoformat(run["last"])
            if first <= ended <= last and _child(everyone, person, ended, t):
                tally.add(_month(ended), followed_up(mine, run["agency"], ended))
    return tally.shares("was_not_brought_followed_up", months)


def _concern_to_referral_days(
    store: Store, everyone: Mapping[str, Person], months: Sequence[str], t: IndicatorThresholds
) -> dict[str, Measure]:
    first, last = _window(months)
    persons = sorted(
        {r.person for r in own_records(store, types=REFERRALS, since=first, until=last)}
    )
    records: dict[str, list[OwnRecord]] = defaultdict(list)
    if persons:
        for r in own_records(store, types=CONCERNS | REFERRALS, persons=persons, until=last):
            records[r.person].append(r)
    referrals: dict[str, int] = defaultdict(int)
    days: dict[str, list[int]] = defaultdict(list)
    for person, mine in records.items():
        made = sorted({r.day for r in mine if r.event_type in REFERRALS})
        worries = [(r.day, r.agency) for r in mine if r.event_type in WORRIES]
        for n, day in enumerate(made):
            if not first <= day <= last or not _child(everyone, person, day, t):
                continue
            referrals[_month(day)] += 1
            third = third_concern(worries, made[n - 1] if n else None, day, t)
            if third is not None:
                days[_month(day)].append((day - third).days)
    code = "concern_to_referral_days"
    return {
        m: Measure(code, m, len(days[m]), referrals[m], _median(days[m]), "days") for m in months
    }


class _Tally:
    """Cases counted into months: each month's denominator, and how many showed the practice."""

    def __init__(self) -> None:
        self.cases: dict[str, int] = defaultdict(int)
        self.shown: dict[str, int] = defaultdict(int)

    def add(self, month: str, shows: bool) -> None:
        self.cases[month] += 1
        self.shown[month] += int(shows)

    def shares(self, code: str, months: Sequence[str]) -> dict[str, Measure]:
        return {
            m: Measure(
                code,
                m,
                self.shown[m],
                self.cases[m],
                self.shown[m] / self.cases[m] if self.cases[m] else None,
                "share",
            )
            for m in months
        }


def _plans(store: Store, person: str) -> list[tuple[dt.date, dt.date | None]]:
    """The start and end (None while open) of each plan on the person's stored chronology."""
    stored = stored_chronology(store, person) or {}
    found = []
    for plan in stored.get("summary", {}).get("plans", []):
        began = parse_iso(str(plan.get("start") or ""))
        if began is not None:
            found.append((began, parse_iso(str(plan["end"])) if plan.get("end") else None))
    return found


def _open_on(plans: Sequence[tuple[dt.date, dt.date | None]], day: dt.date) -> bool:
    """A plan open on ``day``, counting its first and last days, as
    :func:`~wholestory.assurance.children.on_plan` reads it for a single day."""
    return any(began <= day and (ended is None or ended >= day) for began, ended in plans)


def _child(
    everyone: Mapping[str, Person], person: str, day: dt.date, t: IndicatorThresholds
) -> bool:
    who = everyone.get(person)
    return who is not None and who.child_on(day, t.child_age_limit)


def _window(months: Sequence[str]) -> tuple[dt.date, dt.date]:
    return month_days(months[0])[0], month_days(months[-1])[1]


def month_words(month: str) -> str:
    """``YYYY-MM`` as people write it: "March 2025"."""
    return month_days(month)[0].strftime("%B %Y")


def _month(day: dt.date) -> str:
    return day.strftime("%Y-%m")


def _shifted(month: str, by: int) -> str:
    """``YYYY-MM`` moved ``by`` months, earlier when negative."""
    year, number = divmod(int(month[:4]) * 12 + int(month[5:7]) - 1 + by, 12)
    return f"{year:04d}-{number + 1:02d}"


def _median(days: Sequence[int]) -> float | None:
    return float(statistics.median(days)) if days else None


def _at(value: object) -> dt.datetime:
    """A kept time as a datetime: PostgreSQL gives one, SQLite the text that was written."""
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


def _known(code: str) -> None:
    if code not in DIRECTIONS:
        raise ValueError(f"unknown measure '{code}': one of {', '.join(CODES)}")
