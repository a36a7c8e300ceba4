"""Who opened a child's chronology in WholeStory before an assessment, and who did not.

The first practice measure asks whether the agency that began an assessment had looked at
the child's multi-agency chronology in the 30 days before. The answer lives in
WholeStory's audit log, not in any agency's export, so the cross-check writes its users'
looks in a file of their own, ``usage/chronology_views.csv``, in the columns WholeStory's
loader reads (the user, their agency and role, the page, the child as one agency's
records name them, the time in UTC), and what each look was meant to test in
``ground_truth/chronology_views.csv``.

The cross-check's habits, chosen apart from any other generator's: two assessments in
five are read first, and the looks hug the edges of the definition, in UTC. A look that
counts is made at any time from 00:00 UTC thirty days before to the day itself (a third
of them on the first or the last day that counts). The misses: a look late in the evening
(UTC) of the 31st day before, a look in the fortnight after that, a look by the school,
the police or the GP in the days before, and a look by the assessing agency the next
morning. Each draws on a stream of the family's own, so the rest of the partnership is
the same whether or not the looks are made.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Final

LOOKS_FILE: Final = "usage/chronology_views.csv"
LOOK_COLUMNS: Final = (
    "viewer", "viewer_agency", "viewer_role", "page", "child_agency", "child_person_id", "at",
)  # fmt: skip
INTENT_FILE: Final = "ground_truth/chronology_views.csv"
INTENT_COLUMNS: Final = ("at", "viewer", "child", "assessed_by", "assessed_on", "meant")
#: What a look was meant to be.
COUNTS, EDGE_EARLY, EARLIER, ELSEWHERE, NEXT_DAY = (
    "counts", "late_on_day_31", "earlier", "another_agency", "next_day",
)  # fmt: skip
READ_FIRST: Final = 0.4
#: The chance of each miss, for every assessment whether read first or not.
MISSES: Final[tuple[tuple[str, float], ...]] = (
    (EDGE_EARLY, 0.15), (EARLIER, 0.2), (ELSEWHERE, 0.3), (NEXT_DAY, 0.15),
)  # fmt: skip
#: Agencies whose staff look at a child before someone else's assessment.
BYSTANDERS: Final = ("SCHOOL", "POLICE", "GP")
ROLES: Final = ("practitioner", "practitioner", "practitioner", "lead", "manager")


@dataclass(frozen=True)
class Seen:
    """One row an agency wrote, as the looks and the measures' truth need it."""

    true_id: str
    agency: str
    record_id: str
    person_id: str
    day: date
    event_type: str


@dataclass(frozen=True)
class Look:
    """A user's look at a child's chronology."""

    at: datetime
    viewer: str
    agency: str
    role: str
    page: str
    child: str
    named_by: tuple[str, str]  # (agency, person id) the look found the child under
    assessed: tuple[str, date]
    meant: str

    def row(self) -> list[str]:
        stamp = self.at.isoformat(timespec="seconds")
        return [self.viewer, self.agency, self.role, self.page, *self.named_by, stamp]

    def intent(self) -> list[str]:
        stamp = self.at.isoformat(timespec="seconds")
        by, on = self.assessed
        return [stamp, self.viewer, self.child, by, on.isoformat(), self.meant]


def assessments(rows: Sequence[Seen], children: dict[str, date]) -> list[tuple[str, str, date]]:
    """(child, agency, day) of every assessment begun while the person was under 18."""
    found = {
        (r.true_id, r.agency, r.day)
        for r in rows
        if r.event_type == "ASSESSMENT" and r.true_id in children
        and _age(children[r.true_id], r.day) < 18
    }  # fmt: skip
    return sorted(found)


def make_looks(
    rng: random.Random,
    rows: Sequence[Seen],
    children: dict[str, date],
    staff: dict[str, tuple[str, ...]],
    last: date,
) -> list[Look]:
    """Every look around the assessments of one family's children (see the module's note)."""
    looks: list[Look] = []
    for child, agency, day in assessments(rows, children):
        meant = [COUNTS] if rng.random() < READ_FIRST else []
        meant += [name for name, chance in MISSES if rng.random() < chance]
        for kind in meant:
            at = _moment(rng, kind, day)
            if at.date() > last:
                continue
            by = rng.choice(BYSTANDERS) if kind == ELSEWHERE else agency
            looks.append(
                Look(at, _username(rng, staff, by), by, rng.choice(ROLES),
                     "download" if rng.random() < 0.15 else "chronology", child,
                     _named(rng, rows, child, by, at.date()), (agency, day), kind)
            )  # fmt: skip
    return looks


def _moment(rng: random.Random, kind: str, day: date) -> datetime:
    """When a look of ``kind`` is made, for an assessment begun on ``day`` (UTC)."""
    if kind == COUNTS:
        back = rng.choice((0, 30, rng.randint(0, 30)))
        clock = time(0, 0) if back == 30 and rng.random() < 0.5 else _office(rng)
    elif kind == EDGE_EARLY:
        back, clock = 31, time(23, rng.randint(0, 59))
    elif kind == EARLIER:
        back, clock = rng.randint(32, 45), _office(rng)
    elif kind == ELSEWHERE:
        back, clock = rng.randint(0, 30), _office(rng)
    else:
        back, clock = -1, time(rng.randint(7, 10), rng.randint(0, 59))
    return datetime.combine(day - timedelta(days=back), clock, tzinfo=UTC)


def _office(rng: random.Random) -> time:
    return time(rng.randint(9, 17), rng.randint(0, 59), rng.randint(0, 59))


def _named(
    rng: random.Random, rows: Sequence[Seen], child: str, agency: str, day: date
) -> tuple[str, str]:
    """The id the user found the child under: mostly the looking agency's own for them
    (the assessing one's), otherwise any agency's that had written of the child by then."""
    mine = [r for r in rows if r.true_id == child]
    earlier = [r for r in mine if r.day <= day] or mine
    own = [r for r in earlier if r.agency == agency]
    pick = rng.choice(own) if own and rng.random() < 0.7 else rng.choice(earlier)
    return pick.agency, pick.person_id


def _username(rng: random.Random, staff: dict[str, tuple[str, ...]], agency: str) -> str:
    """A login made from one of the agency's practitioners' names: "a.okafor"."""
    name = rng.choice(staff[agency])
    initial, _, family = name.partition(". ")
    return f"{initial}.{family}".lower().replace(" ", "").replace("'", "")


def _age(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
