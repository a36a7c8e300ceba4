"""Which of the cross-check's children carry a high-severity flag, and from which day.

The second practice measure counts the children with a high-severity flag on a month's
last day, a flag counting from the first day of its evidence. The cross-check plants no
indicator patterns of its own, so it restates here, from ``shared/spec/indicators.md``
and the severities the product publishes for its flags, the ones that are high, over a
child's own rows (every row the cross-check writes is true to its day and type):

* three domestic abuse incidents within a year (the child is written as present at every
  incident in their home while under 18), from the first of the three;
* three missing episodes within a year, from the first;
* two signs of exploitation within a year while aged 10 to 17 (missing, arrest, offence
  as suspect, suspension or exclusion, exploitation concern, substance misuse), from the
  first;
* concerns from three agencies within a year while no child in need, child protection or
  early help plan (nor a Marac referral of the child, in its year) was open, from the
  concern that begins them;
* a plan or case closed, then a serious event within six months, from the closure;
* self-harm twice within a year, from the first presentation; a permanent exclusion, or
  (with none) being missing education, from the first; a health appointment missed while
  on a child protection plan, from that appointment.

The Marac criterion is left out because the cross-check never meets it: its Dash records
give a risk level, not a count of "yes" answers, and its Marac referrals are the victim's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Final

from wholestory.crosscheck.habits import HEALTH
from wholestory.crosscheck.looks import Seen

YEAR, SIX_MONTHS = 365, 183
WORRYING: Final = frozenset(
    {"DA_INCIDENT", "DASH_ASSESSMENT", "MARAC_REFERRAL", "DA_SERVICE_CONTACT",
     "ENCOMPASS_NOTIFICATION", "REFERRAL", "REFERRAL_NFA", "STRATEGY_DISCUSSION",
     "S47_ENQUIRY", "APPOINTMENT_MISSED", "INJURY", "SELF_HARM", "SUBSTANCE_MISUSE",
     "CAMHS_REFERRAL", "SUSPENSION", "PERMANENT_EXCLUSION", "ATTENDANCE_CONCERN",
     "CHILD_MISSING_EDUCATION", "MISSING_EPISODE", "ARREST", "OFFENCE_VICTIM",
     "OFFENCE_SUSPECT", "EXPLOITATION_CONCERN", "HOMELESSNESS", "EVICTION",
     "PARENT_MENTAL_HEALTH", "PARENT_SUBSTANCE_MISUSE", "PARENT_IMPRISONMENT", "CONCERN"}
)  # fmt: skip
SIGNS: Final = frozenset(
    {"MISSING_EPISODE", "ARREST", "OFFENCE_SUSPECT", "SUSPENSION", "PERMANENT_EXCLUSION",
     "EXPLOITATION_CONCERN", "SUBSTANCE_MISUSE"}
)  # fmt: skip
CLOSING: Final = frozenset(
    {"CASE_CLOSED", "CIN_PLAN_END", "CP_PLAN_END", "EARLY_HELP_END", "LOOKED_AFTER_END",
     "CAMHS_DISCHARGE"}
)  # fmt: skip
SERIOUS: Final = frozenset(
    {"DA_INCIDENT", "MARAC_REFERRAL", "STRATEGY_DISCUSSION", "S47_ENQUIRY", "CP_PLAN_START",
     "LOOKED_AFTER_START", "SELF_HARM", "INJURY", "MISSING_EPISODE", "ARREST",
     "EXPLOITATION_CONCERN", "PERMANENT_EXCLUSION", "CUSTODY"}
)  # fmt: skip
#: Plans by name: the connecting ones (concerns), and all of them (on a plan).
CONNECTING: Final = ("CIN_PLAN", "CP_PLAN", "EARLY_HELP")
ALL_PLANS: Final = (*CONNECTING, "LOOKED_AFTER")

Spell = tuple[date, date | None]  # first and last day; None while open


def spells(own: Sequence[Seen], plans: Sequence[str] = ALL_PLANS) -> list[Spell]:
    """Each plan of the child's own rows: a start runs to the first end of the same plan on
    or after its day that no earlier start took, or stays open."""
    found: list[Spell] = []
    for plan in plans:
        ends = sorted(r.day for r in own if r.event_type == f"{plan}_END")
        for start in sorted(r.day for r in own if r.event_type == f"{plan}_START"):
            end = next((e for e in ends if e >= start), None)
            if end is not None:
                ends.remove(end)
            found.append((start, end))
    return found


def flagged_from(own: Sequence[Seen], born: date) -> date | None:
    """The first day of evidence of the child's earliest high-severity flag; None if none."""
    ordered = sorted(own, key=lambda r: (r.day, r.record_id))
    starts = [first(ordered, born) for first in _RULES]
    return min((s for s in starts if s is not None), default=None)


def _days(own: Sequence[Seen], kinds: frozenset[str] | set[str]) -> list[date]:
    return sorted({r.day for r in own if r.event_type in kinds})


def _first_of(days: list[date], many: int) -> date | None:
    """The first day of the earliest ``many`` of ``days`` that fit within a year."""
    for i in range(len(days) - many + 1):
        if (days[i + many - 1] - days[i]).days <= YEAR:
            return days[i]
    return None


def _abuse(own: Sequence[Seen], born: date) -> date | None:
    return _first_of(_days(own, {"DA_INCIDENT"}), 3)


def _missing(own: Sequence[Seen], born: date) -> date | None:
    return _first_of(_days(own, {"MISSING_EPISODE"}), 3)


def _exploited(own: Sequence[Seen], born: date) -> date | None:
    signs = [r for r in own if r.event_type in SIGNS and 10 <= _age(born, r.day) <= 17]
    return _first_of(sorted(r.day for r in signs), 2)


def _unconnected(own: Sequence[Seen], born: date) -> date | None:
    worries = [(r.day, r.agency) for r in own if r.event_type in WORRYING]
    covered: list[Spell] = spells(own, CONNECTING)
    covered += [(r.day, r.day + timedelta(days=YEAR)) for r in own
                if r.event_type == "MARAC_REFERRAL"]  # fmt: skip
    for day, _ in worries:
        until = day + timedelta(days=YEAR)
        agencies = {a for d, a in worries if day <= d <= until}
        planned = any(s <= until and (e is None or e >= day) for s, e in covered)
        if len(agencies) >= 3 and not planned:
            return day
    return None


def _closed(own: Sequence[Seen], born: date) -> date | None:
    serious = _days(own, SERIOUS)
    for closed in _days(own, CLOSING):
        if any(0 < (s - closed).days <= SIX_MONTHS for s in serious):
            return closed
    return None


def _self_harm(own: Sequence[Seen], born: date) -> date | None:
    days = _days(own, {"SELF_HARM"})
    return days[0] if _first_of(days, 2) else None


def _out_of_school(own: Sequence[Seen], born: date) -> date | None:
    days = _days(own, {"PERMANENT_EXCLUSION"}) or _days(own, {"CHILD_MISSING_EDUCATION"})
    return days[0] if days else None


def _missed_on_plan(own: Sequence[Seen], born: date) -> date | None:
    protected = spells(own, ("CP_PLAN",))
    missed = [r.day for r in own if r.event_type == "APPOINTMENT_MISSED" and r.agency in HEALTH]
    on_plan = [d for d in missed if any(s <= d and (e is None or d <= e) for s, e in protected)]
    return min(on_plan, default=None)


def _age(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


_RULES: Final[tuple[Callable[[Sequence[Seen], date], date | None], ...]] = (
    _abuse, _missing, _exploited, _unconnected, _closed, _self_harm, _out_of_school,
    _missed_on_plan,
)  # fmt: skip
