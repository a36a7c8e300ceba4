"""The cross-check partnership's last days as a feed (wholestory.crosscheck.feed), with the
alerts it must raise: the rows split by day, nothing lost, the truth as the rows say."""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from pathlib import Path

import pytest

from wholestory.alerts.evaluation import measure_folder, read_truth
from wholestory.crosscheck import make_partnership
from wholestory.crosscheck.feed import FEED, WATCHED, hold_back
from wholestory.store import Store

END = dt.date(2025, 6, 30)
DAYS = 365


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _events(folder: Path) -> dict[str, list[dict[str, str]]]:
    return {
        p.name: _read(p)
        for p in sorted(folder.glob("*.csv"))
        if p.name not in ("relationships.csv", "needs.csv", "mh_thrive.csv", "mh_current_view.csv")
    }


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    whole, split = tmp_path_factory.mktemp("whole"), tmp_path_factory.mktemp("split")
    make_partnership(whole, 400, 12, end=END, force=True)
    make_partnership(split, 400, 12, end=END, force=True)
    hold_back(split, DAYS, END)
    return whole, split


def test_the_base_and_the_feed_are_the_rows_split_by_day(pair: tuple[Path, Path]) -> None:
    whole, split = pair
    start = (END - dt.timedelta(days=DAYS - 1)).isoformat()
    base, feed = _events(split), _events(split / FEED)
    assert set(base) == set(feed) == set(_events(whole))
    for name, rows in _events(whole).items():
        assert base[name] + feed[name] == sorted(rows, key=lambda r: r["event_date"] >= start)
        assert all(r["event_date"] < start for r in base[name])
        assert all(r["event_date"] >= start for r in feed[name])
    assert sum(len(rows) for rows in feed.values()) > 100
    for name in ("relationships.csv", "ground_truth/people.csv", "ground_truth/persons.csv"):
        assert (split / name).read_bytes() == (whole / name).read_bytes()


def test_new_involvement_and_something_new_follow_from_the_rows(pair: tuple[Path, Path]) -> None:
    _, split = pair
    truth = read_truth(split)
    born = {r["true_id"]: r["date_of_birth"] for r in _read(split / "ground_truth" / "persons.csv")}
    rows = {folder: _events(split / folder) for folder in ("", FEED)}
    known: defaultdict[str, set[str]] = defaultdict(set)
    fed: dict[str, tuple[str, str, str]] = {}  # record -> (child, agency, type)
    for folder, files in rows.items():
        for found in files.values():
            for r in found:
                child = truth.owner[f"{r['agency']}:{r['person_id']}"]
                eighteen = f"{int(born[child][:4]) + 18}{born[child][4:]}"
                if r["event_date"] >= eighteen:  # a child is under 18 on the record's day
                    continue
                if folder:
                    fed[f"{r['agency']}:{r['record_id']}"] = (child, r["agency"], r["event_type"])
                else:
                    known[child].add(r["agency"])
    involvement = {(c, a) for c, a, _ in fed.values() if known[c] and a not in known[c]}
    listed = [a for a in truth.alerts if a["rule"] == "NEW_INVOLVEMENT"]
    assert {(a["child"], a["agency"]) for a in listed} == involvement and len(listed) > 10
    assert all(fed[a["record"]][:2] == (a["child"], a["agency"]) for a in listed)
    assert truth.judged is not None and truth.judged["NEW_INVOLVEMENT"] == {"*"}
    assert "NEW_FLAG" not in truth.judged
    for a in truth.alerts:
        if a["rule"] == "SOMETHING_NEW":
            assert fed[a["record"]][2] in WATCHED and a["child"] in truth.judged["SOMETHING_NEW"]


def test_a_feed_is_at_least_a_day(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least one day"):
        hold_back(tmp_path, 0, END)


@pytest.mark.slow
def test_a_feed_into_the_crosschecks_partnership_raises_the_alerts_due(
    store: Store, tmp_path: Path
) -> None:
    """Issue 14's measure on data the product's generator did not make: 4,700 households
    (about 10,000 children), their last 60 days as a feed. SQLite only, as
    tests/test_alerts_measure.py is, for the minutes it takes."""
    if store.backend != "sqlite":
        pytest.skip("measured on SQLite only")
    folder = tmp_path / "partnership"
    make_partnership(folder, 4_700, 11, end=END)
    held = hold_back(folder, 60, END)
    assert held.alerts["NEW_INVOLVEMENT"] > 100 and held.alerts["SOMETHING_NEW"]
    scores = measure_folder(store, folder)
    assert set(scores.rules) == {"NEW_INVOLVEMENT", "SOMETHING_NEW"}  # what it judges
    for rule, score in scores.rules.items():
        assert score.expected == held.alerts[rule], rule
        assert (score.rule_precision, score.rule_recall) == (1.0, 1.0), (rule, score)
        assert score.precision >= 0.99 and score.recall >= 0.99, (rule, score)
