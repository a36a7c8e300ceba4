"""Ground truth for the four practice measures, month by month (issue 15, item 5).

Written from each household's rows as written, its true events and the looks planted
around its assessments (:mod:`wholestory.synth.views`), never by running the product's
measures: ``ground_truth/practice_measure_cases.csv`` holds every case a measure counts
(one row a case: the measure, the month, the true child, what the case is, whether it is
in the numerator, and for the fourth measure the days), and
``ground_truth/practice_measures.csv`` the month's numerator and denominator of each (and
the value: the share, or the median days). The definitions are restated from
``docs/practice-measures.md``:

1. ``history_read_first``: the child's assessments (``ASSESSMENT``) dated to the day, one
   per agency and day; read first when a user of that agency looked at the child on the
   day or in the 30 days before (UTC days).
2. ``high_flags_with_plan``: on each month's last day (the as-of day for the last month),
   the children whose high-severity flags' evidence had begun by then
   (:func:`wholestory.synth.flag_dates.high_since`); on a plan when a child in need, child
   protection, early help or looked-after spell of the child's own records was open that
   day, its first and last days included.
3. ``was_not_brought_followed_up``: at each agency, two or more of the child's missed
   appointments with none kept between; in the month of the last one; followed up when in
   the 30 days from that day the agency recorded anything else of the child, or any
   agency a referral to social care or CAMHS.
4. ``concern_to_referral_days``: the child's referrals (``REFERRAL``, ``REFERRAL_NFA``) at
   any agency, one a day; in the numerator when, since the referral before, concerns
   recorded in 365 days came from three agencies, the days counted from the first day they
   did.

Measures 1, 3 and 4 read the rows the agencies wrote: a spoiled row never arrives, and a
date written as a month or a year counts from its first day (one with "~" from its day),
as the product stores it. Every synthetic child is under 18 on every day of the history.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final

from wholestory.synth.feed import Written
from wholestory.synth.flag_dates import YEAR, high_since
from wholestory.synth.population import Household, SynthPerson
from wholestory.synth.timeline import AS_OF
from wholestory.synth.truth import CANONICAL, CONCERNS, PLANS, Chronicle, Fact, _plan_spells
from wholestory.synth.views import ASSESSMENT, View

MEASURES_FILE: Final = "ground_truth/practice_measures.csv"
MEASURE_COLUMNS: Final = ("month", "code", "numerator", "denominator", "value")
CASES_FILE: Final = "ground_truth/practice_measure_cases.csv"
CASE_COLUMNS: Final = ("code", "month", "child", "case", "counted", "days")
READ_FIRST, HIGH_PLAN = "history_read_first", "high_flags_with_plan"
NOT_BROUGHT, CONCERN_DAYS = "was_not_brought_followed_up", "concern_to_referral_days"
CODES: Final = (READ_FIRST, HIGH_PLAN, NOT_BROUGHT, CONCERN_DAYS)
WITHIN: Final = 30  # days before an assessment a look counts; after a sequence, a follow-up
MISSED, KEPT = "APPOINTMENT_MISSED", "APPOINTMENT_ATTENDED"
REFERRALS: Final = frozenset({"REFERRAL", "REFERRAL_NFA"})
FOLLOW_UPS: Final = REFERRALS | {"CAMHS_REFERRAL"}
WORRIES: Final = CONCERNS - REFERRALS
#: Plans a child is on, for the second measure: the connecting plans, and looked after.
ON_PLAN: Final = (*PLANS, ("LOOKED_AFTER_START", "LOOKED_AFTER_END"))


@dataclass(frozen=True, slots=True)
class Case:
    """One case a measure counts."""

    code: str
    day: dt.date  # the day that puts it in its month
    child: str
    what: str
    counted: bool
    days: int | None = None

    @property
    def month(self) -> str:
        return self.day.strftime("%Y-%m")

    def row(self) -> tuple[str, ...]:
        days = "" if self.days is None else str(self.days)
        return (self.code, self.month, self.child, self.what, "1" if self.counted else "0", days)


@dataclass(frozen=True, slots=True)
class Row:
    """One of a child's own rows as it arrives: where, when (as stored) and its true type."""

    agency: str
    record_id: str
    day: dt.date
    exact: bool
    etype: str


@dataclass(slots=True)
class Tally:
    """Each month's cases of each measure, summed as households are written."""

    counts: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    days: dict[tuple[str, str], list[int]] = field(default_factory=dict)

    def add(self, case: Case) -> None:
        count = self.counts.setdefault((case.month, case.code), [0, 0])
        count[0] += case.counted
        count[1] += 1
        if case.counted and case.days is not None:
            self.days.setdefault((case.month, case.code), []).append(case.days)

    def rows(self) -> list[tuple[str, ...]]:
        """The rows of ``practice_measures.csv``, by month then measure."""
        found: list[tuple[str, ...]] = []
        for (month, code), (numerator, denominator) in sorted(self.counts.items()):
            days = self.days.get((month, code), [])
            if code == CONCERN_DAYS:
                value = f"{statistics.median(days):g}" if days else ""
            else:
                value = f"{numerator / denominator:.4f}".rstrip("0").rstrip(".")
            found.append((month, code, str(numerator), str(denominator), value))
        return found


def cases(
    household: Household, chronicle: Chronicle, written: Sequence[Written], views: Sequence[View]
) -> list[Case]:
    """Every case of the four measures among the household's children."""
    found: list[Case] = []
    for child in household.children:
        rows = own_rows(written, child.true_id)
        found += read_first(child.true_id, rows, views)
        found += high_with_plan(child, chronicle.facts_for(child))
        found += not_brought(child.true_id, rows)
        found += concern_days(child.true_id, rows)
    return found


def own_rows(written: Iterable[Written], child: str) -> list[Row]:
    """The child's rows that arrive, oldest first, dated as the product stores them."""
    rows = [
        Row(w.agency, w.record_id, _stored_day(w.date), _exact(w.date), w.etype)
        for w in written
        if w.person == child and not w.bad
    ]
    return sorted(rows, key=lambda r: (r.day, r.agency, r.record_id))


def read_first(child: str, rows: Sequence[Row], views: Sequence[View]) -> list[Case]:
    """Measure 1: each assessment of the child dated to the day, read first or not."""
    looks = {(v.agency, v.at.date()) for v in views if v.child == child}
    begun = sorted({(r.agency, r.day) for r in rows if r.etype == ASSESSMENT and r.exact})
    found = []
    for agency, day in begun:
        window = [day - dt.timedelta(days=n) for n in range(WITHIN + 1)]
        read = any((agency, seen) in looks for seen in window)
        found.append(Case(READ_FIRST, day, child, f"{agency} assessment {day}", read))
    return found


def high_with_plan(child: SynthPerson, facts: list[Fact]) -> list[Case]:
    """Measure 2: the child on each month's last day from their high flag's first evidence."""
    since = high_since(facts, child)
    if since is None:
        return []
    spells = _plan_spells([f for f in facts if f.shared], CANONICAL, ON_PLAN)
    what = f"high flag since {since}"
    return [
        Case(HIGH_PLAN, day, child.true_id, what, any(s <= day <= e for s, e in spells))
        for day in month_ends(since)
    ]


def month_ends(since: dt.date) -> list[dt.date]:
    """The last day of each month from ``since``'s to AS_OF's (AS_OF itself for its month)."""
    ends = []
    first = since.replace(day=1)
    while first <= AS_OF:
        following = (first + dt.timedelta(days=31)).replace(day=1)
        ends.append(min(following - dt.timedelta(days=1), AS_OF))
        first = following
    return ends


def not_brought(child: str, rows: Sequence[Row]) -> list[Case]:
    """Measure 3: each sequence of missed appointments at an agency, followed up or not."""
    found: list[Case] = []
    for agency in sorted({r.agency for r in rows}):
        streak: list[Row] = []
        for r in (r for r in rows if r.agency == agency):
            if r.etype == MISSED:
                streak.append(r)
            elif r.etype == KEPT:
                found += _sequence(child, agency, streak, rows)
                streak = []
        found += _sequence(child, agency, streak, rows)
    return found


def _sequence(child: str, agency: str, streak: Sequence[Row], rows: Sequence[Row]) -> list[Case]:
    """The sequence of ``streak`` (none if it is a single missed appointment), followed up
    or not."""
    if len(streak) < 2:
        return []
    ended = streak[-1].day
    until = ended + dt.timedelta(days=WITHIN)
    done = any(
        ended <= r.day <= until
        and ((r.agency == agency and r.etype != MISSED) or r.etype in FOLLOW_UPS)
        for r in rows
    )
    return [Case(NOT_BROUGHT, ended, child, f"{len(streak)} missed at {agency} to {ended}", done)]


def concern_days(child: str, rows: Sequence[Row]) -> list[Case]:
    """Measure 4: each referral of the child, with the days from a third agency's concern."""
    made = sorted({r.day for r in rows if r.etype in REFERRALS})
    worries = [(r.day, r.agency) for r in rows if r.etype in WORRIES]
    found = []
    for n, day in enumerate(made):
        since = made[n - 1] if n else dt.date.min
        third = third_agency(sorted((d, a) for d, a in worries if since < d <= day))
        days = None if third is None else (day - third).days
        found.append(Case(CONCERN_DAYS, day, child, f"referral {day}", third is not None, days))
    return found


def third_agency(worries: Sequence[tuple[dt.date, str]]) -> dt.date | None:
    """The first day on which the concerns of the year up to it came from three agencies."""
    for day, _ in worries:
        year = {a for d, a in worries if day - dt.timedelta(days=YEAR) <= d <= day}
        if len(year) >= 3:
            return day
    return None


def _stored_day(text: str) -> dt.date:
    """The first day of a written date: a day, a month or a year, maybe after "~"."""
    body = text.strip().lstrip("~").strip()
    padding = {4: "-01-01", 7: "-01"}.get(len(body), "")
    return dt.date.fromisoformat(body + padding)


def _exact(text: str) -> bool:
    """Whether a written date gives the day (an approximate day does)."""
    return len(text.strip().lstrip("~").strip()) == 10
