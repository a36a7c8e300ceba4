"""Looks at children's chronologies in WholeStory, planted around their assessments.

Whether the assessing agency read a child's history before it began to assess is the
first practice measure (:mod:`wholestory.assurance.measures`), and its numerator comes
from WholeStory's own audit log, which no agency exports. So the generator writes what
users looked at into a file of its own, ``usage/chronology_views.csv`` (one row a look:
the user, their agency and role, the page, the child as one agency's records hold them,
the time in UTC), and :func:`wholestory.assurance.usage.replay_views` turns each row into
the audit entry a page view writes, once the partnership is loaded and linked. The
intent of each look is in ``ground_truth/chronology_views.csv``.

Looks are planted around each children's social care ``ASSESSMENT`` of a child, the
record the measure counts (an ``ASSESSMENT_NFA`` is not counted, so nothing is planted
for it). For each assessment, on a random stream of the household's own (so every other
row of the partnership is the same with or without the looks):

* about half the time, a user of the assessing agency looks 0 to 30 days before it
  (``read``), now and then exactly 30 days before or on the day itself, the edges the
  measure's definition draws;
* and, whether or not it was read, near misses that must not count: a look by the
  assessing agency 31 to 45 days before (``too_early``), a look by another agency's user
  in the 30 days before (``other_agency``), a look by the assessing agency after the
  assessment began (``after``).

The kinds say what was meant; the truth of the measure is worked out from the looks and
the assessments alone (:mod:`wholestory.synth.measures_truth`), so a look meant "after"
one assessment that falls in the 30 days before the child's next one counts for that one.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from wholestory.synth.feed import Written
from wholestory.synth.timeline import AS_OF

#: The looks, as the partnership's usage file (not an agency's export).
VIEWS_FILE: Final = "usage/chronology_views.csv"
VIEW_COLUMNS: Final = (
    "viewer", "viewer_agency", "viewer_role", "page", "child_agency", "child_person_id", "at",
)  # fmt: skip
#: What each look was meant to be, beside the rest of the ground truth.
TRUTH_FILE: Final = "ground_truth/chronology_views.csv"
TRUTH_COLUMNS: Final = ("viewer", "at", "child", "kind", "assessment_agency", "assessment_day")
#: The record the measure counts, and the agency that makes it.
ASSESSMENT: Final = "ASSESSMENT"
READ, TOO_EARLY, OTHER_AGENCY, AFTER = "read", "too_early", "other_agency", "after"
#: The share of assessments read first, and of each near miss.
READ_SHARE: Final = 0.5
NEAR_MISSES: Final[dict[str, float]] = {TOO_EARLY: 0.25, OTHER_AGENCY: 0.25, AFTER: 0.2}
#: The share of reads on an edge of the window: the day itself, or 30 days before.
EDGES: Final = 0.3
#: Pages: the chronology (a view), or its PDF (a download); both are looks.
PAGES: Final = (("chronology", 0.9), ("download", 0.1))
#: Agencies whose users look at children without assessing them.
ONLOOKERS: Final = ("POLICE", "SCHOOL", "GP", "HEALTH_VISITING", "CAMHS")
_ROLES: Final = (("practitioner", 0.8), ("manager", 0.2))
_USERS_PER_AGENCY: Final = 12


@dataclass(frozen=True, slots=True)
class View:
    """One look at a child's chronology, and the assessment it was planted around."""

    viewer: str
    agency: str
    role: str
    page: str
    child: str  # true id
    child_agency: str  # whose person id names the child
    child_person_id: str
    at: dt.datetime  # UTC
    kind: str
    assessment: tuple[str, dt.date]  # (agency, day)

    def row(self) -> tuple[str, ...]:
        """The row of the usage file."""
        return (self.viewer, self.agency, self.role, self.page, self.child_agency,
                self.child_person_id, _iso(self.at))  # fmt: skip

    def truth(self) -> tuple[str, ...]:
        """The row of the ground truth."""
        agency, day = self.assessment
        return (self.viewer, _iso(self.at), self.child, self.kind, agency, day.isoformat())


def assessments(written: Sequence[Written], children: set[str]) -> list[tuple[str, str, dt.date]]:
    """(child, agency, true day) of each assessment of a child among a household's rows."""
    return sorted(
        {
            (w.person, w.agency, w.day)
            for w in written
            if w.etype == ASSESSMENT and w.person in children and not w.bad
        }
    )


def plant(rng: random.Random, written: Sequence[Written], children: set[str]) -> list[View]:
    """The looks around each assessment of the household's children (module note)."""
    views: list[View] = []
    for child, agency, day in assessments(written, children):
        kinds = [READ] if rng.random() < READ_SHARE else []
        kinds += [kind for kind, share in NEAR_MISSES.items() if rng.random() < share]
        for kind in kinds:
            looked = _when(rng, kind, day)
            if looked > AS_OF:
                continue
            by = (
                rng.choice([a for a in ONLOOKERS if a != agency])
                if kind == OTHER_AGENCY
                else agency
            )
            held, person_id = _named(rng, written, child, looked)
            at = dt.datetime.combine(
                looked, dt.time(rng.randint(8, 18), rng.randrange(60)), tzinfo=dt.UTC
            )
            views.append(
                View(
                    viewer=f"{by.lower()}.user{rng.randint(1, _USERS_PER_AGENCY):02d}",
                    agency=by,
                    role=_pick(rng, _ROLES),
                    page=_pick(rng, PAGES),
                    child=child,
                    child_agency=held,
                    child_person_id=person_id,
                    at=at,
                    kind=kind,
                    assessment=(agency, day),
                )
            )
    return views


def _when(rng: random.Random, kind: str, day: dt.date) -> dt.date:
    """The day of a look of ``kind`` around an assessment on ``day``."""
    if kind == READ:
        before = rng.choice((0, 30)) if rng.random() < EDGES else rng.randint(1, 29)
    elif kind == TOO_EARLY:
        before = rng.randint(31, 45)
    elif kind == OTHER_AGENCY:
        before = rng.randint(0, 30)
    else:
        before = -rng.randint(1, 20)
    return day - dt.timedelta(days=before)


def _named(
    rng: random.Random, written: Sequence[Written], child: str, day: dt.date
) -> tuple[str, str]:
    """The child as some agency's records held them by ``day``: (agency, person id), chosen
    among the ids the child's rows carried up to then (the first row's id if none had)."""
    mine = [w for w in written if w.person == child and not w.bad]
    held = sorted({(w.agency, w.person_id) for w in mine if w.day <= day})
    if not held:
        first = min(mine, key=lambda w: (w.day, w.record_id))
        return first.agency, first.person_id
    return rng.choice(held)


def _pick(rng: random.Random, choices: Sequence[tuple[str, float]]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def _iso(at: dt.datetime) -> str:
    return at.isoformat(timespec="seconds")
