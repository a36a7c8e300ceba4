"""The partnership's last days as a daily feed: ``feed/``, cut from the agency files.

A partnership loads its agencies' history once, then takes a feed every day; the alerts
(issue 14) are about what a feed brings. So the generator can hold back the records of
the last ``days`` days up to :data:`~wholestory.synth.timeline.AS_OF`: they go into
``feed/<agency>.csv`` (the template's layout, one file per agency, as the base), and the
base agency files keep every record before. Nothing else changes: the base and the feed
together are, row for row, the files the generator writes without a feed, because a row
goes to one file or the other only by its true day, decided after everything about it
was drawn. The tables that are not records (relationships, the police's Dash
checklists, needs) stay whole in the base, as a partnership's first load would bring them.

``feed/`` is a sub-folder because importing a folder reads only the files directly in it
(:func:`wholestory.ingest.reading.expand_paths`): the base folder imports as the
partnership before the feed, and ``feed/`` is imported after it, as the feed.

**Why a window, and not one day.** At 10,000 children the generator writes about 35
rows a day at the end of its history (37 on 31 October 2026 for seed 3; 1,128 in the
last 30 days, 3,336 in the last 60): a child's history is spread over their whole life,
and the planted stories end before the last months, so the last day is thinner than a
real partnership's. One day holds 8 new involvements, no "something new" and no new
flag, so precision and recall of 1.0 on it would say nothing of two rules out of three.
:data:`FEED_DAYS` is the shortest of the windows tried (30, 60, 90 days) whose feed
holds every rule for every seed tried (1, 3 and 11 at 10,000 children: about 800 new
involvements, 1 something new, 1 to 5 new flags). Something new stays rare at any
window (1 to 3 up to a year): the children it is about, on a plan or with a high flag
before the feed, rarely have a watched event at the end of the history. A measure of
that rule worth its name needs the generator to plant live cases into the feed's days,
which would change the rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from wholestory.synth.timeline import AS_OF

#: The feed's folder, inside the partnership's.
FEED: Final = "feed"
#: The ground truth of the alerts the feed must raise (:mod:`wholestory.synth.alert_truth`).
ALERTS_FILE: Final = "ground_truth/alerts.csv"
ALERT_COLUMNS: Final = ("rule", "child", "agency", "record", "code")
#: The days the command line's feed holds, ending on AS_OF (see the module's note).
FEED_DAYS: Final = 60
#: The most days a feed may hold: beyond a year it is a second history, not a feed.
MAX_FEED_DAYS: Final = 366


def feed_file(agency_file: str) -> str:
    """Where an agency's feed file goes, relative to the partnership's folder."""
    return f"{FEED}/{agency_file}"


def feed_start(days: int) -> dt.date:
    """The first day of a feed of ``days`` days ending on AS_OF."""
    if not 1 <= days <= MAX_FEED_DAYS:
        raise ValueError(f"a feed holds 1 to {MAX_FEED_DAYS} days (got {days})")
    return AS_OF - dt.timedelta(days=days - 1)


@dataclass(frozen=True, slots=True)
class Written:
    """One agency row as written, for the alerts' and the practice measures' ground truth:
    whose it is, its true type (never the blanked one), whether the writer spoiled it (it
    never arrives), and the person id and event date as the agency wrote them."""

    person: str  # true id
    agency: str
    record_id: str
    day: dt.date
    etype: str
    bad: bool
    person_id: str = ""
    date: str = ""  # event_date as written: a day, a month, a year, maybe with "~"
