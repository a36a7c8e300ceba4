"""Engagement in the analysis (issue 14): how a person's appointments went, by agency and
over time, the runs of missed ones and what followed each, and how attendance went before
and after each adjustment was recorded.

Facts, not judgements. A missed appointment is the agency's ``APPOINTMENT_MISSED`` (was
not brought, did not attend); a cancelled or no-access visit is one whose record says so.
Only the person's own records count, not the household's. "What followed" is the next
record the same agency made of the person, whatever it was, or that it recorded nothing
within :data:`FOLLOW_DAYS`. The needs in force at a point are those recorded on or before
it: a need is kept until an agency changes it, so one recorded once stays in force.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Final

from wholestory.chronology.display import parse_iso
from wholestory.engagement.needs import Need

ATTENDED: Final = "APPOINTMENT_ATTENDED"
MISSED: Final = "APPOINTMENT_MISSED"
#: A record whose words say a visit or appointment did not happen though nobody missed it.
_CANCELLED: Final = re.compile(r"\b(cancell?ed|no access|no reply at the door)\b", re.IGNORECASE)
#: The fewest missed appointments in a row, at one agency, that make a run worth showing.
RUN: Final = 2
#: How long after a run its agency's next record still counts as what followed it.
FOLLOW_DAYS: Final = 90
#: The months before and after an adjustment whose appointments are compared.
AROUND_MONTHS: Final = 6


@dataclass(frozen=True)
class Contact:
    """One of the person's own records, as engagement reads it."""

    day: dt.date
    agency: str
    kind: str  # "attended", "missed", "cancelled" or "other"
    summary: str


@dataclass
class Tally:
    attended: int = 0
    missed: int = 0
    cancelled: int = 0

    def add(self, kind: str) -> None:
        if kind in ("attended", "missed", "cancelled"):
            setattr(self, kind, getattr(self, kind) + 1)


@dataclass
class Engagement:
    """The engagement section: every list in date or agency order, for the page and the files."""

    by_agency: dict[str, Tally] = field(default_factory=dict)
    by_year: dict[int, Tally] = field(default_factory=dict)
    runs: list[dict[str, Any]] = field(default_factory=list)
    adjustments: list[dict[str, Any]] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not self.by_agency

    def as_dict(self) -> dict[str, Any]:
        return {
            "by_agency": {a: asdict(t) for a, t in sorted(self.by_agency.items())},
            "by_year": {str(y): asdict(t) for y, t in sorted(self.by_year.items())},
            "runs": self.runs,
            "adjustments": self.adjustments,
        }


def contact(day: dt.date, agency: str, event_types: Iterable[str], summary: str) -> Contact:
    """What one record says of engagement."""
    types = set(event_types)
    kind = (
        "missed" if MISSED in types
        else "attended" if ATTENDED in types
        else "cancelled" if _CANCELLED.search(summary or "")
        else "other"
    )  # fmt: skip
    return Contact(day, agency, kind, summary)


def contacts_of_json(entries: Sequence[Mapping[str, Any]]) -> list[Contact]:
    """The person's own records from a chronology in its JSON form, oldest first."""
    found = []
    for e in entries:
        day = parse_iso(str(e.get("date", "")))
        if e.get("household") or day is None:
            continue
        types = e.get("event_types") or [e.get("event_type", "")]
        found.append(contact(day, str(e["agency"]), types, str(e.get("summary", ""))))
    return sorted(found, key=lambda c: c.day)


def engagement(contacts: Sequence[Contact], needs: Sequence[Need]) -> Engagement:
    """The engagement section for ``contacts`` (oldest first) and the person's ``needs``."""
    found = Engagement()
    for c in contacts:
        if c.kind != "other":
            found.by_agency.setdefault(c.agency, Tally()).add(c.kind)
            found.by_year.setdefault(c.day.year, Tally()).add(c.kind)
    found.runs = _runs(contacts, needs)
    found.adjustments = [_around(n, contacts) for n in sorted(needs, key=lambda n: n.recorded_on)]
    return found


def _runs(contacts: Sequence[Contact], needs: Sequence[Need]) -> list[dict[str, Any]]:
    """Missed appointments in a row at one agency (none attended between), and what next.

    A letter or a cancelled visit between two missed appointments neither ends the run
    nor adds to it; what followed is the agency's next record after the last one missed.
    """
    by_agency: dict[str, list[Contact]] = {}
    for c in contacts:
        by_agency.setdefault(c.agency, []).append(c)
    runs: list[dict[str, Any]] = []
    for agency, mine in by_agency.items():
        streak: list[int] = []
        for i, c in enumerate(mine):
            if c.kind == "missed":
                streak.append(i)
            elif c.kind == "attended":
                runs += _run(agency, mine, streak, needs)
                streak = []
        runs += _run(agency, mine, streak, needs)
    return sorted(runs, key=lambda r: (r["first"], r["agency"]))


def _run(
    agency: str, mine: Sequence[Contact], streak: list[int], needs: Sequence[Need]
) -> list[dict[str, Any]]:
    """The run of ``mine[streak]``, if it is long enough to show."""
    if len(streak) < RUN:
        return []
    first, last = mine[streak[0]].day, mine[streak[-1]].day
    after = mine[streak[-1] + 1 :]
    nxt = next((c for c in after if (c.day - last).days <= FOLLOW_DAYS), None)
    return [
        {
            "agency": agency,
            "first": first.isoformat(),
            "last": last.isoformat(),
            "missed": len(streak),
            "needs_in_force": [n.words for n in needs if n.recorded_on <= last.isoformat()],
            "followed_by": (
                {"date": nxt.day.isoformat(), "summary": nxt.summary} if nxt is not None else None
            ),
        }
    ]


def _around(need: Need, contacts: Sequence[Contact]) -> dict[str, Any]:
    """Appointments in the months before the need was recorded, and in those after."""
    day = dt.date.fromisoformat(need.recorded_on)
    span = dt.timedelta(days=round(AROUND_MONTHS * 30.44))
    before, after = Tally(), Tally()
    for c in contacts:
        if day - span <= c.day < day:
            before.add(c.kind)
        elif day <= c.day < day + span:
            after.add(c.kind)
    return {
        "need": need.words,
        "agency": need.agency,
        "recorded_on": need.recorded_on,
        "before": asdict(before),
        "after": asdict(after),
    }
