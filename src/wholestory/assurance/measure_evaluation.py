"""Measuring the practice measures against a synthetic partnership's ground truth.

Both generators write, beside their agency files, the cases each practice measure must
count (``ground_truth/practice_measure_cases.csv``: the measure, the month, the true
child, whether the case is in the numerator, the days for the fourth) and their sums by
month (``ground_truth/practice_measures.csv``), worked out from their own true events
and the looks they planted, never by running :mod:`wholestory.assurance.measures`. Here
a partnership is loaded as a first load would be (import, link with the shipped model,
build every chronology), its looks are replayed into the audit log
(:func:`wholestory.assurance.usage.replay`), and every measure is worked out for every
month from the first record to the last and set against the truth.

The measures count WholeStory people; the truth counts true children. Where linking left
a child's records on two people, or put two people's records on one, the counts may
differ because of linking and not of the measure. So each month is compared twice:
exactly, and once linking's misses are set aside, that is with the people linking did
not make whole taken out of the product's counts (each measure run over them alone) and
their true children out of the truth's. A month that agrees only the second way is put
down to linking; one that agrees neither way is put down to the measure, with the
children whose counts differ named where the truth has cases for them.
"""

from __future__ import annotations

import csv
import datetime as dt
import statistics
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from wholestory.assurance import measures as m
from wholestory.assurance.children import Person, people
from wholestory.assurance.usage import Replayed, replay
from wholestory.chronology.evaluation import people_of_children, stored_flags
from wholestory.chronology.stored import store_as_of
from wholestory.chronology.thresholds import IndicatorThresholds
from wholestory.records.keys import source_key
from wholestory.store import Store

TRUTH_FILE: Final = "ground_truth/practice_measures.csv"
CASES_FILE: Final = "ground_truth/practice_measure_cases.csv"
CODES: Final = (
    "history_read_first", "high_flags_with_plan", "was_not_brought_followed_up",
    "concern_to_referral_days",
)  # fmt: skip
#: Why a month differs.
LINKING, MEASURE = "linking", "measure"
#: The most children named for one month that differs.
NAMED: Final = 10

Counts = tuple[int, int]  # (numerator, denominator)


@dataclass(frozen=True, slots=True)
class TrueCase:
    """One case of the truth (a row of ``practice_measure_cases.csv``)."""

    code: str
    month: str
    child: str
    case: str
    counted: bool
    days: int | None


@dataclass(slots=True)
class MeasureScore:
    """One measure over every month: how many were compared, agreed, and why others did not."""

    months: int = 0
    exact: int = 0
    given_linking: int = 0  # months agreeing once linking's misses are set aside (exact too)
    differences: list[dict[str, Any]] = field(default_factory=list)
    cases: int = 0  # the truth's cases (the denominators summed)

    def perfect(self, *, given_linking: bool = False) -> bool:
        return (self.given_linking if given_linking else self.exact) == self.months


@dataclass(slots=True)
class MeasureScores:
    """Every measure's score for one partnership, with the replay and the seconds taken."""

    measures: dict[str, MeasureScore]
    replayed: Replayed
    first: str = ""
    last: str = ""
    set_aside: int = 0  # true children linking did not make whole
    seconds: dict[str, float] = field(default_factory=dict)

    def as_dict(self, differences: int = 20) -> dict[str, Any]:
        return {
            "months": [self.first, self.last],
            "set_aside": self.set_aside,
            "replayed": {
                "written": self.replayed.written,
                "unlinked": self.replayed.unlinked,
                "unknown": len(self.replayed.unknown),
            },
            "seconds": {k: round(v, 2) for k, v in self.seconds.items()},
            "measures": {
                code: {
                    "months": s.months,
                    "exact": s.exact,
                    "given_linking": s.given_linking,
                    "cases": s.cases,
                    "differences": s.differences[:differences],
                }
                for code, s in self.measures.items()
            },
        }


@dataclass(frozen=True, slots=True)
class Truth:
    """A partnership's truth as the comparison needs it."""

    owner: dict[str, str]  # AGENCY:PERSON_ID -> true id
    children: set[str]
    cases: dict[tuple[str, str], list[TrueCase]]  # (code, month) -> cases


def read_truth(folder: Path) -> Truth:
    """Who is who, which true people are children, and every case of every measure."""
    truth = folder / "ground_truth"
    owner = {source_key(r["agency"], r["person_id"]): r["true_id"]
             for r in _rows(truth / "people.csv")}  # fmt: skip
    children = {r["true_id"] for r in _rows(truth / "persons.csv") if r["kind"] == "child"}
    cases: dict[tuple[str, str], list[TrueCase]] = defaultdict(list)
    for r in _rows(folder / CASES_FILE):
        days = int(r["days"]) if r["days"] else None
        case = TrueCase(r["code"], r["month"], r["child"], r["case"], r["counted"] == "1", days)
        cases[(case.code, case.month)].append(case)
    return Truth(owner, children, dict(cases))


def measure_folder(store: Store, folder: Path) -> MeasureScores:
    """Load ``folder`` into an empty ``store``, replay its looks, and score every measure."""
    from wholestory.chronology.stored import build_all
    from wholestory.identity import LinkThresholds, link_all
    from wholestory.ingest import ingest_paths

    started = time.perf_counter()
    loaded = ingest_paths(store, [folder])
    if loaded.failed:
        raise ValueError(f"{loaded.failed[0].file}: {loaded.failed[0].error}")
    link_all(store, thresholds=LinkThresholds())
    build_all(store)
    replayed = replay(store, folder)
    load = time.perf_counter() - started
    scores = score_store(store, folder, replayed)
    scores.seconds = {"load": load, **scores.seconds}
    return scores


def score_store(store: Store, folder: Path, replayed: Replayed | None = None) -> MeasureScores:
    """Score the measures of ``store`` (``folder`` loaded, linked, built, its looks replayed)."""
    started = time.perf_counter()
    truth = read_truth(folder)
    keys, _ = stored_flags(store)
    split, affected = not_whole(keys, truth.owner, truth.children)
    everyone = people(store)
    apart = {p: who for p, who in everyone.items() if p in split}
    months = _months(store)
    scores = MeasureScores({code: MeasureScore() for code in CODES}, replayed or Replayed())
    scores.first, scores.last, scores.set_aside = months[0], months[-1], len(affected)
    for month in months:
        got = _measures(store, everyone, month)
        aside = _measures(store, apart, month) if apart else {}
        for code in CODES:
            want = truth.cases.get((code, month), [])
            _compare(scores.measures[code], month, got[code], aside.get(code), want, affected)
            scores.measures[code].cases += len(want)
    for code, score in scores.measures.items():
        _name_children(store, everyone, keys, truth, code, score)
    scores.seconds["measures"] = time.perf_counter() - started
    return scores


def not_whole(
    keys_of_person: Mapping[str, Iterable[str]], owner: Mapping[str, str], children: set[str]
) -> tuple[set[str], set[str]]:
    """(The WholeStory people linking did not make whole, the true children they hold).

    A person is not whole when they hold more than one true person's records, or some of
    a true child's records while others of the child's are on another person.
    """
    holders: dict[str, set[str]] = defaultdict(set)
    for person, keys in keys_of_person.items():
        for key in keys:
            if key in owner:
                holders[owner[key]].add(person)
    split = {
        person
        for person, keys in keys_of_person.items()
        if len({owner.get(k, k) for k in keys}) > 1
        or any(len(holders[owner[k]]) > 1 for k in keys if owner.get(k) in children)
    }
    held = {owner[k] for p in split for k in keys_of_person[p] if k in owner} & children
    return split, held


def _measures(store: Store, everyone: Mapping[str, Person], month: str) -> dict[str, m.Measure]:
    """The four measures of ``month`` for ``everyone`` (all people, or some set apart)."""
    t = IndicatorThresholds.current()
    as_of = store_as_of(store)
    return {
        "history_read_first": m.history_read_first(store, everyone, month, t),
        "high_flags_with_plan": m.high_flags_with_plan(store, everyone, month, as_of, t),
        "was_not_brought_followed_up": m.was_not_brought_followed_up(
            store, everyone, month, as_of, t
        ),
        "concern_to_referral_days": m.concern_to_referral_days(store, everyone, month, t),
    }


def _compare(
    score: MeasureScore,
    month: str,
    got: m.Measure,
    aside: m.Measure | None,
    want: Sequence[TrueCase],
    affected: set[str],
) -> None:
    """Count one month of one measure as exact, explained by linking, or a difference."""
    expected = _counts(want)
    value = _value(got.code, want)
    score.months += 1
    same_value = got.unit != "days" or got.value == value
    if (got.numerator, got.denominator) == expected and same_value:
        score.exact += 1
        score.given_linking += 1
        return
    kept = [c for c in want if c.child not in affected]
    mine = (got.numerator - (aside.numerator if aside else 0),
            got.denominator - (aside.denominator if aside else 0))  # fmt: skip
    linking = mine == _counts(kept) and (same_value or bool(affected & {c.child for c in want}))
    score.given_linking += linking
    score.differences.append(
        {
            "month": month,
            "got": [got.numerator, got.denominator],
            "expected": [expected[0], expected[1]],
            "value": [got.value, value],
            "cause": LINKING if linking else MEASURE,
            "children": [],
        }
    )


def _name_children(
    store: Store,
    everyone: Mapping[str, Person],
    keys: Mapping[str, Iterable[str]],
    truth: Truth,
    code: str,
    score: MeasureScore,
) -> None:
    """For each month put down to the measure, the children whose counts differ: the measure
    run over each true child's WholeStory person alone, against the child's cases."""
    person_of = people_of_children(keys, truth.owner, truth.children)
    for difference in (d for d in score.differences if d["cause"] == MEASURE):
        month = difference["month"]
        want = truth.cases.get((code, month), [])
        for child in sorted({c.child for c in want})[: NAMED * 5]:
            person = person_of.get(child, "")
            alone = {person: everyone[person]} if person in everyone else {}
            got = _measures(store, alone, month)[code]
            expected = _counts([c for c in want if c.child == child])
            if (got.numerator, got.denominator) != expected:
                difference["children"].append(
                    {"child": child, "person": person, "got": [got.numerator, got.denominator],
                     "expected": list(expected),
                     "cases": [c.case for c in want if c.child == child]}
                )  # fmt: skip
            if len(difference["children"]) >= NAMED:
                break


def _counts(cases: Sequence[TrueCase]) -> Counts:
    return sum(1 for c in cases if c.counted), len(cases)


def _value(code: str, cases: Sequence[TrueCase]) -> float | None:
    """The truth's value: the share, or the median days (None when there is nothing)."""
    numerator, denominator = _counts(cases)
    if code == "concern_to_referral_days":
        days = [c.days for c in cases if c.counted and c.days is not None]
        return float(statistics.median(days)) if days else None
    return numerator / denominator if denominator else None


def _months(store: Store) -> list[str]:
    """Every month from the first record's to the store's last."""
    first = store.scalar("SELECT MIN(event_date_start) FROM ws_record")
    day = dt.date.fromisoformat(str(first)[:10]).replace(day=1)
    last = store_as_of(store)
    found = []
    while day <= last:
        found.append(day.strftime("%Y-%m"))
        day = (day + dt.timedelta(days=31)).replace(day=1)
    return found


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))
