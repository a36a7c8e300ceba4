"""Choosing an audit programme's cases: the children its criteria make eligible, and a
reproducible random sample of them.

An audit's findings are only as fair as its choice of cases, and a partnership has to be
able to show that nobody picked the easy ones. So the choice is a rule anyone can run
again: the eligible children are found from the stored chronologies by the criteria,
sorted by their WholeStory id, and ``random.Random(seed).sample`` draws the sample. The
programme keeps the criteria, the seed, how many children were eligible and a digest of
who they were, so :func:`check` can say whether the same children would be chosen today
and, if not, whether it is because the records have changed since.

Who is eligible (every criterion must hold):

* a child on the period's last day (:mod:`~wholestory.assurance.children`);
* with at least one record of their own, at any agency, dated in the period;
* ``flags``: at least one of these indicator flags, with evidence in the period (the flag's
  first evidence on or before the period's end, its last on or after its start);
* ``plan``: on a plan at some time in the period (child in need, child protection, early
  help, or looked after), or with ``False`` on none in the period;
* ``age_from``/``age_to``: aged from and to these (inclusive, whole years) on the period's
  last day; a child with no full date of birth has no known age and is left out;
* ``agencies``: every one of these agencies recorded something of the child in the period.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from wholestory.assurance.children import Person, agencies_in, on_plan, people
from wholestory.chronology.display import parse_iso
from wholestory.chronology.indicators import INDICATORS
from wholestory.chronology.stored import store_as_of
from wholestory.chronology.thresholds import IndicatorThresholds
from wholestory.store import Store

#: How the sample is drawn, kept with each programme so a checker knows what to run.
METHOD: Final = "eligible children sorted by id, then random.Random(seed).sample(eligible, n)"
#: The largest seed kept (the store's column is a signed 64-bit integer).
MAX_SEED: Final = 2**63 - 1


class SelectionError(ValueError):
    """Criteria, a sample or a seed that cannot choose cases; the message says why."""


@dataclass(frozen=True, slots=True)
class Criteria:
    """What makes a child eligible for a programme's sample (see the module's docstring)."""

    period_from: dt.date
    period_to: dt.date
    flags: tuple[str, ...] = ()
    plan: bool | None = None
    age_from: int | None = None
    age_to: int | None = None
    agencies: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """The criteria as kept with a programme (JSON), and as :meth:`of` reads them back."""
        return {
            "from": self.period_from.isoformat(),
            "to": self.period_to.isoformat(),
            "flags": list(self.flags),
            "plan": self.plan,
            "age_from": self.age_from,
            "age_to": self.age_to,
            "agencies": list(self.agencies),
        }

    def words(self) -> list[str]:
        """Each criterion as a person reads it, the period first."""
        said = [f"children with records from {self.period_from} to {self.period_to}"]
        if self.flags:
            said.append(f"flagged {' or '.join(self.flags)}")
        if self.plan is not None:
            said.append("on a plan in the period" if self.plan else "on no plan in the period")
        if self.age_from is not None and self.age_to is not None:
            said.append(f"aged {self.age_from} to {self.age_to} on {self.period_to}")
        elif self.age_from is not None:
            said.append(f"aged {self.age_from} or over on {self.period_to}")
        elif self.age_to is not None:
            said.append(f"aged {self.age_to} or under on {self.period_to}")
        if self.agencies:
            said.append(f"known to {' and '.join(self.agencies)} in the period")
        return said

    @classmethod
    def of(cls, data: dict[str, Any]) -> Criteria:
        return cls(
            dt.date.fromisoformat(data["from"]),
            dt.date.fromisoformat(data["to"]),
            tuple(data.get("flags", ())),
            data.get("plan"),
            data.get("age_from"),
            data.get("age_to"),
            tuple(data.get("agencies", ())),
        )


@dataclass(frozen=True, slots=True)
class Selection:
    """The children eligible under some criteria on some day, and the sample drawn from them."""

    criteria: Criteria
    seed: int
    as_of: dt.date  # the day the store's records ran to when they were chosen
    eligible: tuple[str, ...]  # sorted
    chosen: tuple[str, ...]  # in the order drawn
    names: dict[str, str] = field(default_factory=dict)

    @property
    def digest(self) -> str:
        return eligible_digest(self.eligible)


@dataclass(frozen=True, slots=True)
class Check:
    """What running a programme's selection again found."""

    same_cases: bool
    same_eligible: bool
    eligible_then: int
    eligible_now: int
    chosen_now: tuple[str, ...]


def default_period(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """A year to ``as_of`` (the store's newest record): from the day after the same date a
    year before, to ``as_of``; a programme given no period looks at this one."""
    try:
        year_before = as_of.replace(year=as_of.year - 1)
    except ValueError:  # 29 February, and the year before has none
        year_before = dt.date(as_of.year - 1, 2, 28)
    return year_before + dt.timedelta(days=1), as_of


def criteria(
    period_from: dt.date,
    period_to: dt.date,
    *,
    flags: Sequence[str] = (),
    plan: bool | None = None,
    age_from: int | None = None,
    age_to: int | None = None,
    agencies: Sequence[str] = (),
    limit: int = 18,
) -> Criteria:
    """Criteria checked for sense before any store is read; :class:`SelectionError` if not.

    Codes are upper-cased, and repeated ones kept once, so two ways of writing the same
    criteria are kept as the same criteria.
    """
    if period_from > period_to:
        raise SelectionError(
            f"the period must end on or after its start ({period_from} is after {period_to})"
        )
    codes = tuple(sorted({f.strip().upper() for f in flags}))
    unknown = [c for c in codes if c not in INDICATORS]
    if unknown:
        raise SelectionError(
            f"there is no flag '{unknown[0]}': the flags are {', '.join(sorted(INDICATORS))}"
        )
    for name, age in (("the lowest age", age_from), ("the highest age", age_to)):
        if age is not None and not 0 <= age < limit:
            raise SelectionError(f"{name} must be a child's age, 0 to {limit - 1}, not {age}")
    if age_from is not None and age_to is not None and age_from > age_to:
        raise SelectionError(f"the lowest age ({age_from}) is above the highest ({age_to})")
    named = tuple(sorted({a.strip().upper() for a in agencies}))
    return Criteria(period_from, period_to, codes, plan, age_from, age_to, named)


def eligible_children(
    store: Store, chosen_by: Criteria, thresholds: IndicatorThresholds | None = None
) -> list[Person]:
    """The children ``chosen_by`` makes eligible, sorted by id (the order the sample needs)."""
    t = thresholds or IndicatorThresholds.current()
    everyone = people(store)
    _check_agencies(store, chosen_by.agencies)
    start, end = chosen_by.period_from, chosen_by.period_to
    found = []
    for person, agencies in agencies_in(store, start, end).items():
        who = everyone.get(person)
        if who is None or not who.child_on(end, t.child_age_limit):
            continue
        if not set(chosen_by.agencies) <= agencies or not _aged(who, chosen_by):
            continue
        found.append(who)
    if chosen_by.flags:
        flagged = _flagged(store, chosen_by)
        found = [p for p in found if p.id in flagged]
    if chosen_by.plan is not None:
        found = [p for p in found if on_plan(store, p.id, start, end) == chosen_by.plan]
    return sorted(found, key=lambda p: p.id)


def select(
    store: Store,
    chosen_by: Criteria,
    sample: int,
    seed: int,
    thresholds: IndicatorThresholds | None = None,
) -> Selection:
    """The eligible children and a sample of ``sample`` of them drawn with ``seed``."""
    if sample < 1:
        raise SelectionError(f"the sample must be at least 1 case, not {sample}")
    if not 0 <= seed <= MAX_SEED:
        raise SelectionError(f"the seed must be a whole number from 0 to {MAX_SEED}, not {seed}")
    eligible = eligible_children(store, chosen_by, thresholds)
    if sample > len(eligible):
        raise SelectionError(
            f"only {_children(len(eligible))} the criteria, fewer than the sample of {sample}: "
            "ask for fewer cases or widen the criteria"
        )
    ids = tuple(p.id for p in eligible)
    return Selection(
        chosen_by,
        seed,
        store_as_of(store),
        ids,
        tuple(draw(ids, sample, seed)),
        {p.id: p.name for p in eligible},
    )


def draw(eligible: Sequence[str], sample: int, seed: int) -> list[str]:
    """The sample: ``random.Random(seed).sample`` of the eligible ids in sorted order."""
    return random.Random(seed).sample(sorted(eligible), sample)


def eligible_digest(eligible: Sequence[str]) -> str:
    """A SHA-256 of the sorted eligible ids: tells whether the same children were eligible."""
    return hashlib.sha256("\n".join(sorted(eligible)).encode()).hexdigest()


def check(
    store: Store,
    chosen_by: Criteria,
    seed: int,
    chosen: Sequence[str],
    digest: str,
    eligible_then: int,
) -> Check:
    """Run a programme's selection again and compare it with the cases it kept."""
    now = [p.id for p in eligible_children(store, chosen_by)]
    again = tuple(draw(now, len(chosen), seed)) if len(chosen) <= len(now) else ()
    return Check(
        same_cases=again == tuple(chosen),
        same_eligible=eligible_digest(now) == digest,
        eligible_then=eligible_then,
        eligible_now=len(now),
        chosen_now=again,
    )


def criteria_json(chosen_by: Criteria) -> str:
    """The criteria as kept, with the method that drew the sample (one stable JSON text)."""
    return json.dumps({**chosen_by.as_dict(), "method": METHOD}, sort_keys=True)


def _aged(who: Person, chosen_by: Criteria) -> bool:
    if chosen_by.age_from is None and chosen_by.age_to is None:
        return True
    age = who.age_on(chosen_by.period_to)
    if age is None:
        return False
    low = chosen_by.age_from if chosen_by.age_from is not None else 0
    high = chosen_by.age_to if chosen_by.age_to is not None else age
    return low <= age <= high


def _flagged(store: Store, chosen_by: Criteria) -> set[str]:
    """Children with one of the flags, its evidence overlapping the period."""
    condition, params = store.keys_in("code", list(chosen_by.flags))
    found = set()
    for person, first, last in store.query(
        f"SELECT ws_person_id, first_date, last_date FROM ws_flag WHERE {condition}", params
    ):
        began, ended = parse_iso(str(first)), parse_iso(str(last))
        if began and ended and began <= chosen_by.period_to and ended >= chosen_by.period_from:
            found.add(str(person))
    return found


def _check_agencies(store: Store, agencies: Sequence[str]) -> None:
    """An agency that has sent no records is most likely a mistyped code: say so."""
    if not agencies:
        return
    known = {str(a) for (a,) in store.query("SELECT DISTINCT agency FROM ws_record")}
    unknown = [a for a in agencies if a not in known]
    if unknown:
        raise SelectionError(
            f"no agency '{unknown[0]}' has sent records: "
            f"the agencies are {', '.join(sorted(known))}"
        )


def _children(n: int) -> str:
    return "no child meets" if n == 0 else "1 child meets" if n == 1 else f"{n} children meet"
