"""Practice-quality measures that need no audit, for one month across the whole partnership.

Each is a count of cases (the denominator) and of those that show the practice asked for
(the numerator), read from the records and from WholeStory's own audit log, so that the
board can see month by month whether history is read before acting, whether high risk is
met by a plan, whether children not brought are followed up, and how long three
agencies' worries wait for a referral. Every definition, written for a QA officer, is in
``docs/practice-measures.md``; a change here changes that page.

All four count children only: under 18 on the day that counts, as their stored
chronology gives their date of birth (:mod:`~wholestory.assurance.children`). Days are
the days the agencies recorded; audit times are UTC.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

from wholestory.access import AUDITOR
from wholestory.assurance import words
from wholestory.assurance.children import OwnRecord, Person, on_plan, own_records, people
from wholestory.audit.actions import Action
from wholestory.chronology.display import parse_iso
from wholestory.chronology.stored import store_as_of
from wholestory.chronology.thresholds import IndicatorThresholds
from wholestory.chronology.view import CONCERNS
from wholestory.engagement.analysis import MISSED, contact, engagement
from wholestory.store import Store

#: An assessment begun: the record of its start.
ASSESSMENT: Final = "ASSESSMENT"
#: How many days before an assessment a look at the chronology counts as reading it first.
READ_BEFORE_DAYS: Final = 30
#: What a look at the chronology is, in the audit log: a page or a download about the child.
LOOKS: Final = (Action.VIEW.value, Action.DOWNLOAD.value)
#: How many days after the last missed appointment a follow-up still counts.
FOLLOW_UP_DAYS: Final = 30
#: A referral: to children's social care (whatever came of it), as the template codes it.
REFERRALS: Final = frozenset({"REFERRAL", "REFERRAL_NFA"})
#: A referral that follows up missed appointments: to social care or to CAMHS.
FOLLOW_UP_REFERRALS: Final = REFERRALS | {"CAMHS_REFERRAL"}
#: A concern, as UNCONNECTED_CONCERNS counts one, less the referrals it leads to.
WORRIES: Final = CONCERNS - REFERRALS
_MONTH: Final = re.compile(r"(\d{4})-(\d{2})")


class MonthError(ValueError):
    """A month not written YYYY-MM."""


@dataclass(frozen=True, slots=True)
class Measure:
    """One measure for one month: its numerator, its denominator and its value.

    ``value`` is the share (numerator / denominator) or, for ``concern_to_referral_days``,
    the median days over the numerator's cases; None when there is nothing to measure.
    """

    code: str
    month: str
    numerator: int
    denominator: int
    value: float | None
    unit: str  # "share" or "days"
    note: str = ""

    @property
    def title(self) -> str:
        return words.MEASURE_TITLES[self.code]

    def counts(self) -> str:
        """The numerator and denominator in words: "3 of 4 sequences followed up"."""
        return words.MEASURE_COUNTS[self.code].format(n=self.numerator, d=self.denominator)

    def figure(self) -> str:
        """The value in words: "75%", "a median of 12 days", or that there is nothing to measure."""
        if self.value is None:
            return words.NOTHING_TO_MEASURE
        if self.unit == "days":
            return f"a median of {self.value:g} days"
        return f"{self.value:.0%}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "title": self.title,
            "month": self.month,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "counts": self.counts(),
            "value": None if self.value is None else round(self.value, 4),
            "unit": self.unit,
            "note": self.note,
        }


def month_days(month: str) -> tuple[dt.date, dt.date]:
    """The first and last days of ``YYYY-MM``, or :class:`MonthError`."""
    found = _MONTH.fullmatch(month.strip())
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise MonthError(f"a month is written YYYY-MM (2025-03), not '{month}'")
    first = dt.date(int(found.group(1)), int(found.group(2)), 1)
    following = (first + dt.timedelta(days=31)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def last_whole_month(store: Store) -> str:
    """The latest month the records cover to its end: the month before the one the store's
    newest record falls in, or that month when the newest record is on its last day."""
    ends = store_as_of(store) + dt.timedelta(days=1)
    return (ends.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")


def practice_measures(
    store: Store, month: str, thresholds: IndicatorThresholds | None = None
) -> list[Measure]:
    """The four measures for ``month`` (``YYYY-MM``), in the order the definitions give them."""
    first, _ = month_days(month)
    t = thresholds or IndicatorThresholds.current()
    everyone = people(store)
    as_of = store_as_of(store)
    label = first.strftime("%Y-%m")
    return [
        history_read_first(store, everyone, label, t),
        high_flags_with_plan(store, everyone, label, as_of, t),
        was_not_brought_followed_up(store, everyone, label, as_of, t),
        concern_to_referral_days(store, everyone, label, t),
    ]


def history_read_first(
    store: Store, everyone: Mapping[str, Person], month: str, t: IndicatorThresholds
) -> Measure:
    """Of the assessments of children begun in the month, those whose agency opened the
    child's chronology on the day or in the 30 days before."""
    first, last = month_days(month)
    begun = sorted(
        {
            (r.person, r.agency, r.day)
            for r in own_records(store, types={ASSESSMENT}, since=first, until=last)
            if r.exact and _child(everyone, r.person, r.day, t)
        }
    )
    looked = looks(store, sorted({p for p, _, _ in begun}), first, last)
    opened = sum(
        1
        for person, agency, day in begun
        if any(
            day - dt.timedelta(days=READ_BEFORE_DAYS) <= seen <= day
            for seen in looked.get((person, agency.upper()), ())
        )
    )
    return _share("history_read_first", month, opened, len(begun))


def high_flags_with_plan(
    store: Store,
    everyone: Mapping[str, Person],
    month: str,
    as_of: dt.date,
    t: IndicatorThresholds,
) -> Measure:
    """Of the children with a high-severity flag on the month's last day, those on a plan
    that day (or on the day the records end, if that is earlier)."""
    _, last = month_days(month)
    day = min(last, as_of)
    flagged = sorted(
        {
            str(person)
            for person, began in store.query(
                "SELECT ws_person_id, first_date FROM ws_flag WHERE severity = 'high'"
            )
            if (start := parse_iso(str(began))) is not None and start <= day
            and _child(everyone, str(person), day, t)
        }
    )  # fmt: skip
    planned = sum(1 for person in flagged if on_plan(store, person, day, day))
    note = words.RECORDS_END if as_of < last else words.PAST_FLAGS if as_of > last else ""
    measure = _share("high_flags_with_plan", month, planned, len(flagged))
    return _noted(measure, note.format(as_of=as_of.isoformat()))


def was_not_brought_followed_up(
    store: Store,
    everyone: Mapping[str, Person],
    month: str,
    as_of: dt.date,
    t: IndicatorThresholds,
) -> Measure:
    """Of the 'was not brought' sequences whose last missed appointment fell in the month,
    those followed up within 30 days: see :func:`followed_up`."""
    first, last = month_days(month)
    persons = sorted(
        {r.person for r in own_records(store, types={MISSED}, since=first, until=last)}
    )
    records: dict[str, list[OwnRecord]] = {}
    for r in own_records(store, persons=persons) if persons else ():  # none missed: none read
        records.setdefault(r.person, []).append(r)
    sequences = [
        (mine, run["agency"], ended)
        for person, mine in records.items()
        for run in engagement([contact(r.day, r.agency, [r.event_type], "") for r in mine], []).runs
        if first <= (ended := dt.date.fromisoformat(run["last"])) <= last
        and _child(everyone, person, ended, t)
    ]  # fmt: skip
    done = sum(1 for mine, agency, ended in sequences if followed_up(mine, agency, ended))
    waiting = sum(
        1
        for mine, agency, ended in sequences
        if not followed_up(mine, agency, ended)
        and ended + dt.timedelta(days=FOLLOW_UP_DAYS) > as_of
    )
    measure = _share("was_not_brought_followed_up", month, done, len(sequences))
    note = words.WAITING.format(count=waiting, as_of=as_of.isoformat()) if waiting else ""
    return _noted(measure, note)


def followed_up(mine: Sequence[OwnRecord], agency: str, ended: dt.date) -> bool:
    """Whether a sequence that ended on ``ended`` at ``agency`` was followed up: on that day
    or in the 30 days after, the same agency recorded anything else of the child (a call,
    a letter, a visit, an appointment kept), or any agency recorded a referral of the child
    (to children's social care or to CAMHS)."""
    until = ended + dt.timedelta(days=FOLLOW_UP_DAYS)
    return any(
        ended <= r.day <= until
        and ((r.agency == agency and r.event_type != MISSED) or r.event_type in FOLLOW_UP_REFERRALS)
        for r in mine
    )


def concern_to_referral_days(
    store: Store, everyone: Mapping[str, Person], month: str, t: IndicatorThresholds
) -> Measure:
    """Of the referrals of children made in the month, those that followed a third agency's
    concern (see :func:`third_concern`); the value is the median days between."""
    first, last = month_days(month)
    persons = sorted(
        {r.person for r in own_records(store, types=REFERRALS, since=first, until=last)}
    )
    records: dict[str, list[OwnRecord]] = {}
    for r in own_records(store, types=CONCERNS | REFERRALS, persons=persons, until=last):
        records.setdefault(r.person, []).append(r)
    referrals, days = 0, []
    for person, mine in records.items():
        made = sorted({r.day for r in mine if r.event_type in REFERRALS})
        worries = [(r.day, r.agency) for r in mine if r.event_type in WORRIES]
        for n, day in enumerate(made):
            if not first <= day <= last or not _child(everyone, person, day, t):
                continue
            referrals += 1
            since = made[n - 1] if n else None
            third = third_concern(worries, since, day, t)
            if third is not None:
                days.append((day - third).days)
    return Measure(
        "concern_to_referral_days",
        month,
        len(days),
        referrals,
        float(statistics.median(days)) if days else None,
        "days",
    )


def third_concern(
    worries: Sequence[tuple[dt.date, str]],
    since: dt.date | None,
    referred: dt.date,
    t: IndicatorThresholds,
) -> dt.date | None:
    """The day a third agency's concern was recorded before a referral on ``referred``.

    Only concerns after the child's previous referral (``since``) and on or before this one
    count: an earlier referral answered the concerns before it. The day is the first on
    which the concerns of the year up to it (``year_days``, 365) came from as many agencies
    as UNCONNECTED_CONCERNS asks (``unconnected_agencies``, 3); None if there was no such day.
    """
    kept = sorted((d, a) for d, a in worries if (since is None or d > since) and d <= referred)
    for day, _ in kept:
        window = day - dt.timedelta(days=t.year_days)
        if len({a for d, a in kept if window <= d <= day}) >= t.unconnected_agencies:
            return day
    return None


def looks(
    store: Store, persons: Sequence[str], first: dt.date, last: dt.date
) -> dict[tuple[str, str], list[dt.date]]:
    """The UTC days each agency's users looked at each child (a page or a download, allowed),
    from 30 days before ``first`` to ``last``: what "opened the chronology first" reads, for
    this measure and for the audit's evidence prompts (:mod:`~wholestory.assurance.evidence`).

    A case file auditor's look, under an audit grant, is left out: it judges practice after
    the event, and counting it would make a later assessment by the auditor's agency read
    as history read first."""
    if not persons:
        return {}
    condition, params = store.keys_in("person", list(persons))
    actions, more = store.keys_in("action", list(LOOKS))
    since = (first - dt.timedelta(days=READ_BEFORE_DAYS)).isoformat()
    until = (last + dt.timedelta(days=1)).isoformat()
    found: dict[tuple[str, str], list[dt.date]] = {}
    for person, agency, at in store.query(
        f"SELECT person, agency, at FROM ws_audit WHERE {condition} AND {actions} "
        "AND outcome = 'allowed' AND role <> ? AND at >= ? AND at < ?",
        [*params, *more, AUDITOR, since, until],
    ):
        day = dt.date.fromisoformat(str(at)[:10])
        found.setdefault((str(person), str(agency).upper()), []).append(day)
    return found


def _child(
    everyone: Mapping[str, Person], person: str, day: dt.date, t: IndicatorThresholds
) -> bool:
    who = everyone.get(person)
    return who is not None and who.child_on(day, t.child_age_limit)


def _share(code: str, month: str, numerator: int, denominator: int) -> Measure:
    value = numerator / denominator if denominator else None
    return Measure(code, month, numerator, denominator, value, "share")


def _noted(measure: Measure, note: str) -> Measure:
    return replace(measure, note=note)
