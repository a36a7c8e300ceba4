"""The cross-check partnership's last days as a feed, with the alerts it must raise.

A partnership folder already written is cut in two: the rows of the last ``days`` days up
to ``end`` move to ``feed/`` (one file per agency, the same header), the rest stay. The
cross-check writes every row with its true day and true event type and spoils none, so
the alerts due follow from the rows and ``ground_truth/`` alone, as restated here from
issue 14 (not from the product, nor the main generator):

* **New involvement**: a child (under 18 on the record's day) has a record in the feed at
  an agency that had none of them before, and some other agency had one. One per child
  and agency; the record named is the agency's first in the feed (by day, then id).
* **Something new**, for children on a plan before the feed only: a record of the child's
  own in the feed of a watched type (:data:`WATCHED`) at an agency other than the one
  leading (the open plan of the highest level: child protection, looked after, child in
  need, early help; the newest start among plans of one level). A plan is open when a
  start of the child's own has no end of the same plan on or after its day, each end
  closing the earliest open start.
* **A new flag** is not judged: the cross-check knows no indicator truth.

Children with no open plan are not judged for something new either (a high-severity flag
would make their news count, and the cross-check cannot say who has one). What was
judged is written beside the truth (``ground_truth/alerts_judged.csv``: a rule and a
child, ``*`` for every child), so a measure leaves the rest out rather than count it
wrong.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Final

from wholestory.crosscheck.thrive import GROUPINGS_FILE, VIEWS_FILE
from wholestory.records.csv_files import CsvFiles

FEED: Final = "feed"
ALERTS: Final = "ground_truth/alerts.csv"
JUDGED: Final = "ground_truth/alerts_judged.csv"
NOT_EVENTS: Final = frozenset({"relationships.csv", "needs.csv", VIEWS_FILE, GROUPINGS_FILE})
WATCHED: Final = frozenset(
    {
        "ED_ATTENDANCE", "HOSPITAL_ADMISSION", "INJURY", "SELF_HARM",
        "DA_INCIDENT", "MISSING_EPISODE", "ARREST", "OFFENCE_VICTIM", "OFFENCE_SUSPECT",
        "EXPLOITATION_CONCERN", "CUSTODY",
        "SUSPENSION", "PERMANENT_EXCLUSION", "CHILD_MISSING_EDUCATION",
    }
)  # fmt: skip
#: Plans that give a child a lead, the highest level first.
PLANS: Final = ("CP_PLAN", "LOOKED_AFTER", "CIN_PLAN", "EARLY_HELP")


@dataclass(frozen=True)
class Row:
    """What the truth needs of one agency row."""

    true_id: str
    agency: str
    record_id: str
    day: date
    event_type: str


@dataclass(frozen=True)
class FeedSummary:
    """What was held back, and how many alerts of each rule it must raise."""

    start: date
    rows: int
    alerts: dict[str, int]


def hold_back(folder: Path, days: int, end: date) -> FeedSummary:
    """Move the rows of the ``days`` days up to ``end`` into ``folder/feed``; write the truth."""
    if days < 1:
        raise ValueError(f"a feed holds at least one day (got {days})")
    start = end - timedelta(days=days - 1)
    truth = folder / "ground_truth"
    owner = {(r["agency"], r["person_id"]): r["true_id"] for r in _read(truth / "people.csv")}
    born = {
        r["true_id"]: date.fromisoformat(r["date_of_birth"]) for r in _read(truth / "persons.csv")
    }
    rows: list[Row] = []
    held = 0
    (folder / FEED).mkdir(exist_ok=True)
    for path in sorted(folder.glob("*.csv")):
        if path.name in NOT_EVENTS:
            continue
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header, body = next(reader), list(reader)
        at = {name: i for i, name in enumerate(header)}
        before = [r for r in body if date.fromisoformat(r[at["event_date"]]) < start]
        after = [r for r in body if date.fromisoformat(r[at["event_date"]]) >= start]
        _write(path, header, before)
        _write(folder / FEED / path.name, header, after)
        held += len(after)
        for r in body:
            person = owner[(r[at["agency"]], r[at["person_id"]])]
            day = date.fromisoformat(r[at["event_date"]])
            if _age(born[person], day) < 18:
                rows.append(
                    Row(person, r[at["agency"]], r[at["record_id"]], day, r[at["event_type"]])
                )
    alerts, judged = due(rows, start)
    _write(folder / ALERTS, ("rule", "child", "agency", "record", "code"), alerts)
    _write(folder / JUDGED, ("rule", "child"), judged)
    counted: dict[str, int] = defaultdict(int)
    for alert in alerts:
        counted[alert[0]] += 1
    return FeedSummary(start, held, dict(sorted(counted.items())))


def due(rows: Iterable[Row], start: date) -> tuple[list[list[str]], list[list[str]]]:
    """(The alerts due, what was judged) for children's ``rows``, the feed from ``start``."""
    by_child: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        by_child[row.true_id].append(row)
    alerts: list[list[str]] = []
    judged = [["NEW_INVOLVEMENT", "*"]]
    for child, own in sorted(by_child.items()):
        own.sort(key=lambda r: (r.day, r.record_id))
        before = [r for r in own if r.day < start]
        news = [r for r in own if r.day >= start]
        if not news:
            continue
        known = {r.agency for r in before}
        firsts: dict[str, Row] = {}
        for r in news:
            if known and r.agency not in known:
                firsts.setdefault(r.agency, r)
        alerts += [
            ["NEW_INVOLVEMENT", child, a, f"{a}:{r.record_id}", ""]
            for a, r in sorted(firsts.items())
        ]
        lead = _lead(before)
        if lead is None:
            continue
        judged.append(["SOMETHING_NEW", child])
        alerts += [
            ["SOMETHING_NEW", child, r.agency, f"{r.agency}:{r.record_id}", ""]
            for r in news
            if r.event_type in WATCHED and r.agency != lead
        ]
    return alerts, judged


def _lead(rows: list[Row]) -> str | None:
    """The agency of the open plan that leads, or None when no plan is open."""
    open_plans: list[tuple[int, int, str]] = []
    for level, plan in enumerate(PLANS):
        ends = [r.day for r in rows if r.event_type == f"{plan}_END"]
        for r in (r for r in rows if r.event_type == f"{plan}_START"):
            end = next((e for e in sorted(ends) if e >= r.day), None)
            if end is None:
                open_plans.append((level, -r.day.toordinal(), r.agency))
            else:
                ends.remove(end)
    return min(open_plans)[2] if open_plans else None


def _age(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _write(path: Path, header: Iterable[str], rows: Iterable[Iterable[str]]) -> None:
    with CsvFiles() as files:
        files.open_csv(path, list(header)).writerows(rows)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))
