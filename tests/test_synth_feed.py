"""The synthetic partnership's daily feed: its last days held back in feed/, and the alerts
that feed must raise (ground_truth/alerts.csv), checked against the rows and on small
households whose every event is known."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from collections import defaultdict
from pathlib import Path

import pytest

from wholestory.alerts.settings import WATCHED_EVENTS
from wholestory.ingest.reading import expand_paths
from wholestory.records.keys import source_key
from wholestory.synth import FEED, generate
from wholestory.synth.alert_truth import (
    NEW_FLAG,
    NEW_INVOLVEMENT,
    SOMETHING_NEW,
    WATCHED,
    alert_rows,
    high_flags,
    lead_agency,
)
from wholestory.synth.events import Record, Story
from wholestory.synth.feed import Written, feed_start
from wholestory.synth.population import Household, SynthPerson
from wholestory.synth.truth import Chronicle, Fact

CHILDREN = 400
SEED = 3
DAYS = 270
NOT_RECORDS = {
    "relationships.csv",
    "police_dash.csv",
    "needs.csv",
    "thrive.csv",
    "current_view.csv",
}


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The same partnership written whole, and with its last DAYS days as a feed."""
    whole, split = tmp_path_factory.mktemp("whole"), tmp_path_factory.mktemp("split")
    generate(CHILDREN, SEED, whole, force=True)
    generate(CHILDREN, SEED, split, force=True, feed_days=DAYS)
    return whole, split


# --- the split ------------------------------------------------------------------------------------


def test_the_base_and_the_feed_together_are_the_partnership_without_a_feed(
    pair: tuple[Path, Path],
) -> None:
    whole, split = pair
    assert not (whole / FEED).exists() and not (whole / "ground_truth" / "alerts.csv").exists()
    fed = 0
    for path in sorted(whole.rglob("*")):
        name = path.relative_to(whole)
        if path.is_dir() or name.name == "manifest.json":
            continue
        base, feed = split / name, split / FEED / name
        if not feed.exists():  # not an agency's records: the same bytes
            assert base.read_bytes() == path.read_bytes(), name
            continue
        rows, held, kept = _lines(path), _lines(feed), _lines(base)
        assert held[0] == kept[0] == rows[0]  # the template's header, in both
        assert sorted(kept[1:] + held[1:]) == sorted(rows[1:]), name
        assert [r for r in rows if r in set(held[1:])] == held[1:]  # in the order written
        fed += len(held) - 1
    assert fed > 100
    before = json.loads((whole / "manifest.json").read_text(encoding="utf-8"))
    after = json.loads((split / "manifest.json").read_text(encoding="utf-8"))
    assert after.pop("feed")["rows"] == fed
    assert {k: v for k, v in after.items() if k != "files"} == {
        k: v for k, v in before.items() if k != "files"
    }


def test_the_feed_holds_the_last_days_and_the_base_the_days_before(
    pair: tuple[Path, Path],
) -> None:
    _, split = pair
    start = feed_start(DAYS).isoformat()
    bad = {(r["agency"], r["record_id"]) for r in _read(split / "ground_truth" / "bad_rows.csv")}
    for folder, in_feed in ((split, False), (split / FEED, True)):
        for path in folder.glob("*.csv"):
            if path.name in NOT_RECORDS:
                continue
            for row in _read(path):
                day = row["event_date"].removeprefix("~")
                if (row["agency"], row["record_id"]) in bad or len(day) != 10:
                    continue  # a spoiled or partial date says nothing of the day
                assert (day >= start) == in_feed, (path, row["record_id"], day)


def test_importing_the_folder_reads_the_base_and_the_feed_is_its_own_delivery(
    pair: tuple[Path, Path],
) -> None:
    _, split = pair
    assert not any(FEED in p.parts[-2:-1] for p in expand_paths([split]))
    assert {p.name for p in expand_paths([split / FEED])} == {
        p.name for p in expand_paths([split]) if p.name not in NOT_RECORDS
    }


def test_a_feed_is_one_to_366_days() -> None:
    assert feed_start(1) == dt.date(2026, 10, 31)
    for days in (0, 367):
        with pytest.raises(ValueError, match="1 to 366 days"):
            feed_start(days)


# --- the ground truth, against the rows -----------------------------------------------------------


def test_new_involvement_is_each_first_record_at_an_agency_of_a_child_known_elsewhere(
    pair: tuple[Path, Path],
) -> None:
    """Worked out again from the files: who each row is (people.csv), which rows never
    arrive (bad_rows.csv), which people are children (persons.csv)."""
    _, split = pair
    truth = split / "ground_truth"
    who = {(r["agency"], r["person_id"]): r["true_id"] for r in _read(truth / "people.csv")}
    children = {r["true_id"] for r in _read(truth / "persons.csv") if r["kind"] == "child"}
    bad = {(r["agency"], r["record_id"]) for r in _read(truth / "bad_rows.csv")}
    known: defaultdict[str, set[str]] = defaultdict(set)
    arrived: defaultdict[tuple[str, str], set[str]] = defaultdict(set)
    for folder, into in ((split, None), (split / FEED, arrived)):
        for path in folder.glob("*.csv"):
            if path.name in NOT_RECORDS:
                continue
            for row in _read(path):
                person = who[(row["agency"], row["person_id"])]
                if person not in children or (row["agency"], row["record_id"]) in bad:
                    continue
                if into is None:
                    known[person].add(row["agency"])
                else:
                    into[(person, row["agency"])].add(source_key(row["agency"], row["record_id"]))
    expected = {
        (child, agency)
        for (child, agency) in arrived
        if known[child] and agency not in known[child]
    }
    rows = [r for r in _read(truth / "alerts.csv") if r["rule"] == NEW_INVOLVEMENT]
    assert {(r["child"], r["agency"]) for r in rows} == expected
    assert len(rows) == len(expected) > 10
    assert all(r["record"] in arrived[(r["child"], r["agency"])] for r in rows)


def test_something_new_and_new_flags_name_the_feeds_records_and_the_childs_own_codes(
    pair: tuple[Path, Path],
) -> None:
    _, split = pair
    truth = split / "ground_truth"
    true_type = {
        source_key(r["agency"], r["record_id"]): r["true_event_type"]
        for r in _read(truth / "events.csv")
    }
    fed = {
        source_key(row["agency"], row["record_id"])
        for path in (split / FEED).glob("*.csv")
        for row in _read(path)
    }
    codes = defaultdict(set)
    for r in _read(truth / "patterns.csv"):
        if r["kind"] != "near_miss":
            codes[r["true_id"]].add(r["code"])
    for r in _read(truth / "alerts.csv"):
        if r["rule"] == SOMETHING_NEW:
            assert r["record"] in fed and true_type[r["record"]] in WATCHED, r
            assert r["record"].startswith(r["agency"] + ":") and not r["code"]
        elif r["rule"] == NEW_FLAG:
            assert r["code"] in codes[r["child"]] and not (r["agency"] or r["record"]), r
    manifest = json.loads((split / "manifest.json").read_text(encoding="utf-8"))
    counted = defaultdict(int)
    for r in _read(truth / "alerts.csv"):
        counted[r["rule"]] += 1
    assert manifest["feed"]["alerts"] == dict(counted)


def test_the_watched_events_are_the_products_defaults() -> None:
    """Written down twice on purpose (the truth must not move with the product's setting);
    the two must say the same."""
    assert WATCHED == WATCHED_EVENTS


# --- the ground truth, on households whose every event is known ----------------------------------

START = dt.date(2026, 10, 1)
CHILD = SynthPerson("T9-03", "child", "Ava", dt.date(2012, 1, 1), "F", "H9", "9990000000", [])
MOTHER = SynthPerson("T9-01", "adult", "Jo", dt.date(1985, 1, 1), "F", "H9", "9990000001", [])


def _household() -> Household:
    return Household(9, "H9", MOTHER, [CHILD], {}, [MOTHER], [], [], {}, "", False, False)


class _Told:
    """A household's story and its rows as written, made by hand: each event one string,
    "DAY TYPE AGENCY", with " spoiled" for a row the writer spoiled."""

    def __init__(self, *events: str) -> None:
        self.story = Story(_household(), random.Random(0))
        self.written: list[Written] = []
        for event in events:
            day, etype, agency, *spoiled = event.split()
            when = dt.date.fromisoformat(day)
            self.story.add(Record(agency, when, etype, "summary", [(CHILD, "SUBJECT")]))
            number = f"R{len(self.written) + 1}"
            self.written.append(Written(CHILD.true_id, agency, number, when, etype, bool(spoiled)))

    def alerts(self, rule: str) -> set[str]:
        """What the feed from START must raise by ``rule``: the agency of a new involvement,
        the record of something new, the code of a new flag."""
        column = {NEW_INVOLVEMENT: 2, SOMETHING_NEW: 3, NEW_FLAG: 4}[rule]
        rows = alert_rows(_household(), self.story, self.written, START)
        return {row[column] for row in rows if row[0] == rule}

    def facts(self) -> list[Fact]:
        return Chronicle(self.story, _household()).facts_for(CHILD)


def test_a_first_record_at_an_agency_is_news_only_if_another_knew_the_child() -> None:
    told = _Told(
        "2020-01-01 IMMUNISATION GP",
        "2026-10-05 CONTACT SCHOOL",
        "2026-10-07 CONTACT SCHOOL",
        "2026-10-08 APPOINTMENT_ATTENDED GP",
    )
    rows = alert_rows(_household(), told.story, told.written, START)
    assert rows == [(NEW_INVOLVEMENT, CHILD.true_id, "SCHOOL", "SCHOOL:R2", "")]
    assert _Told("2026-10-05 CONTACT SCHOOL").alerts(NEW_INVOLVEMENT) == set()  # no one knew


def test_a_spoiled_row_never_arrives_so_it_is_nobodys_first_record() -> None:
    told = _Told(
        "2020-01-01 IMMUNISATION GP",
        "2021-01-01 CONTACT SCHOOL spoiled",
        "2026-10-05 CONTACT SCHOOL",
    )
    assert told.alerts(NEW_INVOLVEMENT) == {"SCHOOL"}
    spoiled = _Told("2020-01-01 IMMUNISATION GP", "2026-10-05 CONTACT SCHOOL spoiled")
    assert spoiled.alerts(NEW_INVOLVEMENT) == set()


def test_something_new_for_a_child_on_a_plan_is_news_from_any_agency_but_the_leads() -> None:
    told = _Told(
        "2025-01-01 IMMUNISATION GP",
        "2026-03-01 CIN_PLAN_START CSC",
        "2026-10-02 ED_ATTENDANCE ED",
        "2026-10-03 MISSING_EPISODE CSC",
        "2026-10-04 APPOINTMENT_ATTENDED GP",
    )
    assert told.alerts(SOMETHING_NEW) == {"ED:R3"}


def test_the_lead_is_the_plan_of_the_highest_level_then_the_newest() -> None:
    told = _Told("2025-01-01 EARLY_HELP_START EARLY_HELP", "2025-06-01 CIN_PLAN_START CSC")
    assert lead_agency(told.facts()) == "CSC"
    ended = _Told(
        "2025-01-01 EARLY_HELP_START EARLY_HELP",
        "2025-06-01 CIN_PLAN_START CSC",
        "2025-09-01 CIN_PLAN_END CSC",
    )
    assert lead_agency(ended.facts()) == "EARLY_HELP"
    assert lead_agency([]) is None


def test_a_plan_that_starts_in_the_feed_is_not_a_plan_before_it() -> None:
    told = _Told(
        "2025-01-01 IMMUNISATION GP", "2026-10-02 CIN_PLAN_START CSC", "2026-10-03 ED_ATTENDANCE ED"
    )
    assert told.alerts(SOMETHING_NEW) == set()


def test_a_high_flag_without_a_plan_makes_every_agencys_news_count() -> None:
    told = _Told(
        "2026-01-01 SELF_HARM ED",
        "2026-03-01 SELF_HARM ED",
        "2026-10-02 SUSPENSION SCHOOL",
        "2026-10-03 ED_ATTENDANCE ED",
    )
    assert told.alerts(SOMETHING_NEW) == {"SCHOOL:R3", "ED:R4"}
    once = _Told("2026-01-01 SELF_HARM ED", "2026-10-03 ED_ATTENDANCE ED")
    assert once.alerts(SOMETHING_NEW) == set()  # self-harm once is a medium flag


def test_high_severity_follows_the_indicators() -> None:
    def high(*events: str) -> set[str]:
        return high_flags(_Told(*events).facts(), CHILD)

    assert high("2024-01-01 SELF_HARM ED", "2024-06-01 SELF_HARM ED") == {"SELF_HARM"}
    assert high("2022-01-01 SELF_HARM ED", "2024-06-01 SELF_HARM ED") == set()
    assert high("2024-01-01 PERMANENT_EXCLUSION SCHOOL") == {"EDUCATION_DISRUPTION"}
    assert high("2024-01-01 ATTENDANCE_CONCERN SCHOOL") == set()
    on_plan = high("2024-01-01 CP_PLAN_START CSC", "2024-03-01 APPOINTMENT_MISSED GP")
    assert on_plan == {"WAS_NOT_BROUGHT"}
    twice = high("2024-01-01 APPOINTMENT_MISSED GP", "2024-03-01 APPOINTMENT_MISSED GP")
    assert twice == set()  # raised, but medium
    missing = [f"2024-0{m}-01 MISSING_EPISODE POLICE" for m in (1, 3, 5)]
    assert "MISSING_REPEAT" in high(*missing)


def test_a_new_flag_is_a_code_the_feed_raises_that_was_not_raised_before() -> None:
    told = _Told(*(f"2026-{m}-02 MISSING_EPISODE POLICE" for m in ("05", "07", "10")))
    assert "MISSING_REPEAT" in told.alerts(NEW_FLAG)
    again = _Told("2026-01-01 SELF_HARM ED", "2026-10-02 SELF_HARM ED")
    assert again.alerts(NEW_FLAG) == set()  # SELF_HARM was raised before the feed
