"""The Marac referral list against ground truth, on two independently written partnerships.

``synth`` writes ``ground_truth/marac_candidates.csv`` from its true events. The
crosscheck generator writes no Marac truth, so it is restated here from its files and
its ``people.csv`` (which true person each agency id is), independently of the
product's linking: its Dash summaries give a risk level, not a count, so only potential
escalation and repeat can be measured on it. Each partnership is ingested, linked and
listed as in use; the list must reach precision and recall of 0.99 on both.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from wholestory.crosscheck import make_partnership
from wholestory.domestic_abuse import marac_words as words
from wholestory.domestic_abuse.marac import candidates, gather
from wholestory.domestic_abuse.marac_evaluation import evaluate, planted, true_people
from wholestory.identity import LinkThresholds, link_all
from wholestory.ingest import ingest_paths
from wholestory.store import Store
from wholestory.synth import generate

pytestmark = pytest.mark.slow


def _linked(store: Store, folder: Path) -> None:
    ingest_paths(store, [folder])
    link_all(store, thresholds=LinkThresholds())


def test_candidates_match_the_synthetic_partnerships_ground_truth(
    store: Store, tmp_path: Path
) -> None:
    folder = tmp_path / "partnership"
    generate(1000, 7, folder)
    _linked(store, folder)
    expected = planted(folder)
    assert {c for _, c in expected} == {
        words.VISIBLE_HIGH_RISK, words.POTENTIAL_ESCALATION, words.REPEAT,
    }  # fmt: skip
    scores = evaluate(store, folder, candidates(gather(store)))
    assert scores.true_positives >= 10
    assert scores.precision >= 0.99, scores.false_positives
    assert scores.recall >= 0.99, scores.false_negatives


def test_candidates_match_the_crosscheck_partnership(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "crosscheck"
    make_partnership(folder, 600, 3, end=dt.date(2026, 6, 30))
    _linked(store, folder)
    expected = crosscheck_truth(folder)
    assert {c for _, c in expected} == {words.POTENTIAL_ESCALATION, words.REPEAT}
    who = true_people(store, folder)
    listed = {(who.get(c.victim, c.victim), c.criterion) for c in candidates(gather(store))}
    assert len(listed & expected) >= 10
    assert len(listed & expected) / len(listed) >= 0.99, sorted(listed - expected)
    assert len(listed & expected) / len(expected) >= 0.99, sorted(expected - listed)


# The crosscheck partnership's truth, from its files


def crosscheck_truth(folder: Path, need: int = 3, year: int = 365) -> set[tuple[str, str]]:
    """(true victim, criterion) for escalation and repeat, from the rows and people.csv."""
    events = _true_events(folder)
    incidents = sorted((e for e in events if e["kind"] == "DA_INCIDENT"), key=lambda e: e["day"])
    found: set[tuple[str, str]] = set()
    days: dict[str, set[dt.date]] = defaultdict(set)
    for e in incidents:
        for victim in e["victims"]:
            days[victim].add(e["day"])
    for victim, seen in days.items():
        ordered = sorted(seen)
        if any((ordered[i + need - 1] - ordered[i]).days <= year
               for i in range(len(ordered) - need + 1)):  # fmt: skip
            found.add((victim, words.POTENTIAL_ESCALATION))
    referred: dict[tuple[str, str], list[dt.date]] = defaultdict(list)
    for e in events:
        if e["kind"] == "MARAC_REFERRAL":
            for victim in e["victims"]:
                before = [i for i in incidents if victim in i["victims"] and i["suspects"]
                          and 0 <= (e["day"] - i["day"]).days <= year]  # fmt: skip
                for suspect in e["suspects"] or (before[-1]["suspects"] if before else set()):
                    referred[(victim, suspect)].append(e["day"])
    for i in incidents:
        for pair in ((v, s) for v in i["victims"] for s in i["suspects"]):
            earlier = [d for d in referred.get(pair, []) if d < i["day"]]
            if earlier and (i["day"] - max(earlier)).days <= year:
                found.add((pair[0], words.REPEAT))
    return found


def _true_events(folder: Path) -> list[dict[str, Any]]:
    with (folder / "ground_truth" / "people.csv").open(encoding="utf-8") as handle:
        true = {(r["agency"], r["person_id"]): r["true_id"] for r in csv.DictReader(handle)}
    events: dict[tuple[str, str, str], dict[str, Any]] = {}
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8") as handle:
            for r in csv.DictReader(handle):
                kind, who = r.get("event_type", ""), true.get((r["agency"], r["person_id"]))
                if kind not in ("DA_INCIDENT", "MARAC_REFERRAL") or who is None:
                    continue
                key = (r["agency"], r["event_id"] or f"record:{r['record_id']}", kind)
                day = dt.date.fromisoformat(r["event_date"])
                fresh = {"kind": kind, "victims": set(), "suspects": set(), "day": day}
                e = events.setdefault(key, fresh)
                if r["role"] == "VICTIM" or (kind == "MARAC_REFERRAL" and r["role"] == "SUBJECT"):
                    e["victims"].add(who)
                elif r["role"] == "SUSPECT":
                    e["suspects"].add(who)
    return list(events.values())
