"""The synthetic partnership: agency exports of invented children, with ground truth.

``generate(children, seed, out)`` writes what a safeguarding partnership's
agencies would hand over (one CSV per agency in the template's shape, plus a
relationships table, and the partnership's ``agencies.yaml`` saying that the
emergency department gives a new person id per attendance) for ``children``
invented children and the adults around them, and ``ground_truth/`` saying who
is really who (every agency id against its true person), which records are the
same real event, which indicator patterns were planted in whom, and which rows
were deliberately broken. Output depends only on (children, seed) and the
:class:`~wholestory.synth.options.Options` (realistic by default): the as-of
date is fixed and every random choice comes from a seeded generator, so the
same arguments give byte-identical files.

With ``feed_days``, the records of the partnership's last days are held back from the
agency files into ``feed/``, the delivery a daily feed would bring, and
``ground_truth/alerts.csv`` says which alerts that feed must raise
(:mod:`wholestory.synth.feed`, :mod:`wholestory.synth.alert_truth`); the base and the
feed together hold exactly the rows written without one.

Beside the agency files, ``usage/chronology_views.csv`` holds the looks at children's
chronologies that WholeStory's audit log would hold, planted around their assessments
(:mod:`wholestory.synth.views`), and ``ground_truth/practice_measures.csv`` what the four
practice measures must count, month by month (:mod:`wholestory.synth.measures_truth`).

The data is as messy as real exports in the ways linking must see through:
nicknames, slips, swapped dates, stale surnames; twins, a parent and child
sharing a name, unrelated namesakes born the same day; new ED ids for about
half of repeat attendances; about 1% of people registered twice at an agency
after a move. And it is live: some plans are still open on the as-of date.

Nothing here is real personal data: names come from common-name lists,
NHS numbers from the test range 999 000 0000-999 999 9999, postcodes from
areas no UK postcode uses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from wholestory.synth.agencies import AGENCIES
from wholestory.synth.feed import FEED, FEED_DAYS, feed_file, feed_start
from wholestory.synth.measures_truth import MEASURES_FILE
from wholestory.synth.options import PLAIN, Options
from wholestory.synth.partnership import Partnership
from wholestory.synth.places import build_world
from wholestory.synth.recording import AGAIN, EPISODE, EPISODE_AGENCIES
from wholestory.synth.timeline import AS_OF
from wholestory.synth.writer import PartnershipWriter, agency_file

__all__ = [
    "AS_OF",
    "FEED",
    "FEED_DAYS",
    "GENERATOR_VERSION",
    "MAX_CHILDREN",
    "PLAIN",
    "Options",
    "SynthSummary",
    "generate",
]

#: Bumped whenever the same (children, seed) would give different files.
GENERATOR_VERSION: Final = "1.1"
#: The NHS test range holds about 909,000 numbers; adults need some too.
MAX_CHILDREN: Final = 400_000


@dataclass(frozen=True)
class SynthSummary:
    """What was written: counts for the command line and the manifest."""

    children: int
    people: int  # true persons in persons.csv, adults included
    rows: int  # event rows across all agency files
    files: list[Path]
    per_agency: dict[str, int]  # event rows per agency code
    households: int = 0
    bad_rows: int = 0
    relationships: int = 0
    seed: int = 0
    as_of: str = AS_OF.isoformat()
    patterns: dict[str, int] = field(default_factory=dict)  # "kind:CODE" -> children
    episode_ids: int = 0  # ED ids made for a repeat attendance
    second_ids: int = 0  # ids made registering someone an agency already held
    open_plans: dict[str, int] = field(default_factory=dict)  # plan start type -> children
    feed_days: int = 0  # days held back in feed/ (0: no feed)
    feed_rows: int = 0  # event rows in feed/ (counted in rows and per_agency too)
    alerts: dict[str, int] = field(default_factory=dict)  # rule -> alerts the feed must raise


def generate(
    children: int,
    seed: int,
    out: Path,
    progress: Callable[[int], None] | None = None,
    *,
    force: bool = False,
    options: Options | None = None,
    feed_days: int = 0,
) -> SynthSummary:
    """Write a synthetic partnership of ``children`` children into ``out``.

    Refuses (ValueError) to write into a folder that is not empty unless
    ``force``: the files of an earlier run must not be silently mixed with or
    replaced by new ones. ``progress`` is called with the number of children
    made so far, about every thousand children, and once at the end.
    ``options`` sets the habits of real data (:class:`Options`); the default
    is realistic, :data:`PLAIN` turns them all off. ``feed_days`` (0: none) holds the
    records of that many days up to AS_OF back in ``feed/`` (:mod:`wholestory.synth.feed`).
    """
    _check_arguments(children, out, force)
    start = feed_start(feed_days) if feed_days else None
    habits = options or Options()
    out.mkdir(parents=True, exist_ok=True)
    with PartnershipWriter(out, seed, start) as writer:
        partnership = Partnership(seed, build_world(seed, children), writer, habits)
        tally = partnership.make(children, progress)
        ids = partnership.recorder.ids
        writer.agencies(EPISODE_AGENCIES if habits.ed_new_id_share > 0 else ())
        for row in tally.measures.rows():
            writer.write(MEASURES_FILE, row)
        per_agency = {a: writer.agency_rows(a) for a in AGENCIES}
        open_plans = dict(sorted(tally.open_plans.items()))
        feed_rows = sum(writer.counts.get(feed_file(agency_file(a)), 0) for a in AGENCIES)
        alerts = dict(sorted(tally.alerts.items()))
        feed = (
            {FEED: {"days": feed_days, "from": start.isoformat(), "rows": feed_rows,
                    "alerts": alerts}}
            if start
            else {}
        )  # fmt: skip
        writer.manifest(
            {
                **feed,
                "generator": "wholestory.synth",
                "version": GENERATOR_VERSION,
                "seed": seed,
                "children": tally.children,
                "households": tally.households,
                "people": tally.people,
                "as_of": AS_OF.isoformat(),
                "rows": sum(per_agency.values()),
                "bad_rows": writer.bad_rows,
                "options": habits.describe(),
                "person_ids": {
                    "episode": ids[EPISODE],  # new ED ids for repeat attendances
                    "again": ids[AGAIN],  # second registrations after a move
                    "total": sum(ids.values()),
                },
                "open_plans": open_plans,  # children on a plan still open on as_of
            }
        )
    return SynthSummary(
        children=tally.children,
        people=tally.people,
        rows=sum(per_agency.values()),
        files=writer.files(),
        per_agency=per_agency,
        households=tally.households,
        bad_rows=writer.bad_rows,
        relationships=writer.counts["relationships.csv"],
        seed=seed,
        patterns=dict(sorted(tally.patterns.items())),
        episode_ids=ids[EPISODE],
        second_ids=ids[AGAIN],
        open_plans=open_plans,
        feed_days=feed_days,
        feed_rows=feed_rows,
        alerts=alerts,
    )


def _check_arguments(children: int, out: Path, force: bool) -> None:
    """Refuse what would go wrong: silly sizes, a file in the way, an earlier run."""
    if children < 1:
        raise ValueError(f"children must be at least 1 (got {children})")
    if children > MAX_CHILDREN:
        raise ValueError(
            f"at most {MAX_CHILDREN:,} children: the NHS test number range would run out"
        )
    if out.exists() and not out.is_dir():
        raise ValueError(f"{out} is a file, not a folder")
    if out.exists() and any(out.iterdir()) and not force:
        raise ValueError(
            f"{out} is not empty; choose an empty folder, or pass force=True (--force) "
            "to write over the files there"
        )
