"""What the four practice measures must find in a cross-check partnership, month by month.

Restated from ``docs/practice-measures.md`` and worked out from the rows the cross-check
wrote (each true to its day and type) and the looks it planted (:mod:`.looks`), never
from the product. Every case is written to ``ground_truth/practice_measure_cases.csv``
(the measure, the month, the true person, the case, 1 if in the numerator, the days for
the fourth measure) and each month's sums to ``ground_truth/practice_measures.csv``. Only
people under 18 on the day that counts are cases.

1. ``history_read_first``: an assessment (``ASSESSMENT``) per agency and day; in the
   numerator when a user of that agency looked at the child from 30 days before to the
   day itself, by the UTC day of the look.
2. ``high_flags_with_plan``: on the last day of each month (the partnership's last day of
   records in its last month), each child whose high-severity flag's evidence had begun
   (:mod:`.high_risk`); in the numerator when a plan of theirs was open that day.
3. ``was_not_brought_followed_up``: two or more missed appointments at one agency with
   none attended there between them, put in the month of the last one; in the numerator
   when, that day or in the 30 after, the same agency wrote anything else of the child or
   any agency wrote a referral to social care or CAMHS.
4. ``concern_to_referral_days``: each day a referral (``REFERRAL``, ``REFERRAL_NFA``) of
   the child was written; in the numerator when, after the child's previous referral, the
   concerns of the 365 days up to some day came from three agencies by then, counting the
   days from the first such day.

The second measure needs the partnership's last day, known only once every family is
written: its children are kept (a day and a few spells each) until :meth:`Practice.finish`.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Final

from wholestory.crosscheck.high_risk import WORRYING, Spell, flagged_from, spells
from wholestory.crosscheck.looks import Look, Seen, assessments

CASES_FILE: Final = "ground_truth/practice_measure_cases.csv"
CASE_COLUMNS: Final = ("code", "month", "child", "case", "counted", "days")
SUMS_FILE: Final = "ground_truth/practice_measures.csv"
SUM_COLUMNS: Final = ("month", "code", "numerator", "denominator", "value")
REFERRED: Final = frozenset({"REFERRAL", "REFERRAL_NFA"})
FOLLOWING_UP: Final = REFERRED | {"CAMHS_REFERRAL"}
DAYS: Final = 30


@dataclass
class Flagged:
    """A child with a high-severity flag, kept until the partnership's last day is known."""

    child: str
    born: date
    since: date
    plans: list[Spell]


@dataclass
class Practice:
    """The cases of every family, and the sums they make."""

    sums: dict[tuple[str, str], list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0])
    )
    days: dict[tuple[str, str], list[int]] = field(default_factory=lambda: defaultdict(list))
    flagged: list[Flagged] = field(default_factory=list)
    last: date = date.min

    def family(
        self, rows: Sequence[Seen], born: dict[str, date], looks: Sequence[Look]
    ) -> list[list[str]]:
        """The cases of one family for measures 1, 3 and 4, as rows to write; its children
        with a high-severity flag are kept for measure 2."""
        self.last = max([self.last, *(r.day for r in rows)])
        found = _read_first(rows, born, looks)
        for child, birth in born.items():
            own = sorted(
                (r for r in rows if r.true_id == child), key=lambda r: (r.day, r.record_id)
            )
            found += [c for c in _sequences(child, own) + _referrals(child, own)
                      if _young(birth, c[1])]  # fmt: skip
            since = flagged_from(own, birth)
            if since is not None:
                self.flagged.append(Flagged(child, birth, since, spells(own)))
        return [self._case(*c) for c in found]

    def finish(self) -> list[list[str]]:
        """The second measure's cases, now that the last day of records is known."""
        cases = []
        for f in self.flagged:
            for day in _month_ends(f.since, self.last):
                if _young(f.born, day):
                    planned = any(s <= day and (e is None or day <= e) for s, e in f.plans)
                    cases.append(self._case("high_flags_with_plan", day, f.child,
                                            f"high flag since {f.since}", planned))  # fmt: skip
        return cases

    def sum_rows(self) -> list[list[str]]:
        """Each month's numerator, denominator and value of each measure."""
        rows = []
        for (month, code), (yes, all_) in sorted(self.sums.items()):
            days = self.days.get((month, code), [])
            if code == "concern_to_referral_days":
                value = f"{statistics.median(days):g}" if days else ""
            else:
                value = f"{yes / all_:.4f}".rstrip("0").rstrip(".")
            rows.append([month, code, str(yes), str(all_), value])
        return rows

    def _case(
        self, code: str, day: date, child: str, what: str, yes: bool, days: int | None = None
    ) -> list[str]:
        month = f"{day:%Y-%m}"
        self.sums[(month, code)][0] += yes
        self.sums[(month, code)][1] += 1
        if yes and days is not None:
            self.days[(month, code)].append(days)
        return [code, month, child, what, str(int(yes)), "" if days is None else str(days)]


_Case = tuple[str, date, str, str, bool, "int | None"]


def _read_first(rows: Sequence[Seen], born: dict[str, date], looks: Sequence[Look]) -> list[_Case]:
    """Measure 1's assessments, each read first or not."""
    found: list[_Case] = []
    for child, agency, day in assessments(rows, born):
        looked = any(
            k.child == child and k.agency == agency and 0 <= (day - k.at.date()).days <= DAYS
            for k in looks
        )
        found.append(("history_read_first", day, child, f"{agency} assessment {day}", looked, None))
    return found


def _sequences(child: str, own: Sequence[Seen]) -> list[_Case]:
    """Measure 3's sequences of the child: runs of missed appointments at each agency."""
    found: list[_Case] = []
    for agency in sorted({r.agency for r in own}):
        missed: list[date] = []
        for r in [*(r for r in own if r.agency == agency), None]:
            if r is not None and r.event_type == "APPOINTMENT_MISSED":
                missed.append(r.day)
            elif r is None or r.event_type == "APPOINTMENT_ATTENDED":
                if len(missed) >= 2:
                    found.append(_followed(child, agency, missed[-1], len(missed), own))
                missed = []
    return found


def _followed(child: str, agency: str, last: date, missed: int, own: Sequence[Seen]) -> _Case:
    until = last + timedelta(days=DAYS)
    done = any(
        last <= r.day <= until
        and ((r.agency == agency and r.event_type != "APPOINTMENT_MISSED")
             or r.event_type in FOLLOWING_UP)
        for r in own
    )  # fmt: skip
    what = f"{missed} missed at {agency}, the last {last}"
    return ("was_not_brought_followed_up", last, child, what, done, None)


def _referrals(child: str, own: Sequence[Seen]) -> list[_Case]:
    """Measure 4's referrals of the child, each with the days since three agencies' concern."""
    referred = sorted({r.day for r in own if r.event_type in REFERRED})
    worries = sorted((r.day, r.agency) for r in own if r.event_type in WORRYING - REFERRED)
    found: list[_Case] = []
    before: date | None = None
    for day in referred:
        since = [(d, a) for d, a in worries if (before is None or d > before) and d <= day]
        third = next(
            (d for d, _ in since
             if len({a for e, a in since if d - timedelta(days=365) <= e <= d}) >= 3),
            None,
        )  # fmt: skip
        days = None if third is None else (day - third).days
        found.append(("concern_to_referral_days", day, child, f"referral {day}",
                      third is not None, days))  # fmt: skip
        before = day
    return found


def _month_ends(since: date, last: date) -> list[date]:
    ends, month = [], since.replace(day=1)
    while month <= last:
        after = (month + timedelta(days=32)).replace(day=1)
        ends.append(min(after - timedelta(days=1), last))
        month = after
    return ends


def _young(born: date, day: date) -> bool:
    return (
        born <= day and day.year - born.year - ((day.month, day.day) < (born.month, born.day)) < 18
    )
