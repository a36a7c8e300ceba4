"""The day a child's high-severity flags begin: the first day of the evidence each rests on.

The second practice measure counts, on a month's last day, the children with a
high-severity flag "whose first evidence is on or before the day", flags being those of
the latest build (``docs/practice-measures.md``). Which codes a child's true history
raises at high severity is :func:`wholestory.synth.alert_truth.high_flags`; here is where
the evidence of each begins, as the indicators' definitions put it, restated over the
child's true facts (never by running the product's rules):

* a count within a window (escalating domestic abuse: 3 incidents in 12 months, the
  household's included; repeatedly missing: 3 in 12 months; exploitation: 2 signals in
  12 months while aged 10 to 17): the first event of the first run that meets it;
* Marac criteria: the first Dash checklist with 14 or more "yes" answers; without one,
  the Marac referral before a further incident between the same victim and perpetrator
  within 12 months;
* concerns from three agencies with no plan: the first concern that begins 12 months of
  concerns from three agencies while no plan (or Marac referral in its year) was open;
* closed, then escalated: the first closure followed by a high-severity event within
  6 months;
* self-harm (high at 2 in 12 months): the first presentation; education disrupted (high for
  a permanent exclusion or missing education): the first permanent exclusion, or without
  one the first record of missing education; not brought (high on a child protection plan):
  the first health appointment missed while on the plan.

A day is the first day of a true event's records of the child, as an entry's day is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Final

from wholestory.synth.agencies import HEALTH
from wholestory.synth.alert_truth import high_flags
from wholestory.synth.population import SynthPerson
from wholestory.synth.truth import (
    CANONICAL,
    CLOSURES,
    CONCERNS,
    HIGH,
    PLANS,
    SIGNALS,
    Fact,
    _own_days,
    _plan_spells,
    dash_yes,
)

YEAR: Final = 365
HALF_YEAR: Final = 183
MARAC_YES: Final = 14
EXPLOITATION_AGES: Final = (10, 17)


def high_since(facts: list[Fact], child: SynthPerson) -> dt.date | None:
    """The first day of the evidence of the child's earliest high-severity flag, or None."""
    codes = high_flags(facts, child)
    shared = [f for f in facts if f.shared]
    days = [day for code in codes if (day := _FIRST[code](facts, shared, child)) is not None]
    return min(days, default=None)


def run_start(days: Sequence[dt.date], k: int, window: int = YEAR) -> dt.date | None:
    """The first day of the first run of ``k`` of the sorted ``days`` within ``window`` days."""
    return next(
        (days[i] for i in range(len(days) - k + 1) if (days[i + k - 1] - days[i]).days <= window),
        None,
    )


def _da_incidents(facts: list[Fact], shared: list[Fact]) -> list[dt.date]:
    """Incidents the child was in, and the household's while an adult lived with the child."""
    theirs = [f for f in facts if f.household and not f.shared and f.etype == "DA_INCIDENT"]
    return sorted({*_own_days(shared, ["DA_INCIDENT"]), *_first_days(theirs)})


def _first_days(facts: list[Fact]) -> list[dt.date]:
    """The first day of each true event among ``facts``."""
    first: dict[str, dt.date] = {}
    for f in facts:
        first[f.event] = min(f.day, first.get(f.event, f.day))
    return sorted(first.values())


def _da_escalation(facts: list[Fact], shared: list[Fact], child: SynthPerson) -> dt.date | None:
    return run_start(_da_incidents(facts, shared), 3)


def _missing(facts: list[Fact], shared: list[Fact], child: SynthPerson) -> dt.date | None:
    return run_start(_own_days(shared, ["MISSING_EPISODE"]), 3)


def _exploitation(facts: list[Fact], shared: list[Fact], child: SynthPerson) -> dt.date | None:
    low, high = EXPLOITATION_AGES
    days = [d for d in _own_days(shared, SIGNALS) if low <= _years(child.dob, d) <= high]
    return run_start(days, 2)


def _marac(facts: list[Fact], shared: list[Fact], child: SynthPerson) -> dt.date | None:
    """The first Dash of 14 or more, in an event of the child's or their household's; with
    none, the Marac referral before a further incident between the same couple."""
    dash = [f.day for f in facts if f.etype == "DASH_ASSESSMENT"
            and dash_yes(f.summary) >= MARAC_YES and (f.shared or f.household)]  # fmt: skip
    if dash:
        return min(dash)
    referrals = sorted((f for f in shared if f.own and f.etype == "MARAC_REFERRAL"),
                       key=lambda f: f.day)  # fmt: skip
    for incident in sorted((f for f in shared if f.own and f.etype == "DA_INCIDENT"),
                           key=lambda f: f.day):  # fmt: skip
        for referral in referrals:
            gap = (incident.day - referral.day).days
            couple = incident.victims & referral.victims and incident.suspects & referral.suspects
            if incident.event != referral.event and 0 < gap <= YEAR and couple:
                return referral.day
    return None


def _unconnected(facts: list[Fact], shared: list[Fact], child: SynthPerson) -> dt.date | None:
    concerns = sorted((f.day, f.agency) for f in shared if f.own and f.etype in CONCERNS)
    plans = _plan_spells(shared, CANONICAL, PLANS) + [
        (f.day, f.day + dt.timedelta(days=YEAR))
        for f in shared
        if f.own and f.etype == "MARAC_REFERRAL"
    ]
    for day, _ in concerns:
        end = day + dt.timedelta(days=YEAR)
        agencies = {a for d, a in concerns if day <= d <= end}
        if len(agencies) >= 3 and not any(s <= end and e >= day for s, e in plans):
            return day
    return None


def _closed(facts: list[Fact], shared: list[Fact], child: SynthPerson) -> dt.date | None:
    closures = _own_days(shared, CLOSURES)
    high = _own_days(shared, HIGH)
    return next((c for c in closures if any(0 < (h - c).days <= HALF_YEAR for h in high)), None)


def _self_harm(facts: list[Fact], shared: list[Fact], child: SynthPerson) -> dt.date | None:
    return min(_own_days(shared, ["SELF_HARM"]), default=None)


def _education(facts: list[Fact], shared: list[Fact], child: SynthPerson) -> dt.date | None:
    excluded = _own_days(shared, ["PERMANENT_EXCLUSION"])
    return min(excluded or _own_days(shared, ["CHILD_MISSING_EDUCATION"]), default=None)


def _not_brought(facts: list[Fact], shared: list[Fact], child: SynthPerson) -> dt.date | None:
    plans = _plan_spells(shared, CANONICAL, [("CP_PLAN_START", "CP_PLAN_END")])
    missed = _own_days(shared, ["APPOINTMENT_MISSED"], HEALTH)
    return min((d for d in missed for s, e in plans if s <= d <= e), default=None)


def _years(born: dt.date, day: dt.date) -> int:
    """Whole years of age on ``day``, as people count them."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


_First = Callable[[list[Fact], list[Fact], SynthPerson], "dt.date | None"]
_FIRST: Final[dict[str, _First]] = {
    "DA_ESCALATION": _da_escalation,
    "MARAC_CRITERIA": _marac,
    "MISSING_REPEAT": _missing,
    "EXPLOITATION_RISK": _exploitation,
    "UNCONNECTED_CONCERNS": _unconnected,
    "CLOSED_THEN_ESCALATED": _closed,
    "SELF_HARM": _self_harm,
    "EDUCATION_DISRUPTION": _education,
    "WAS_NOT_BROUGHT": _not_brought,
}
