"""The synthetic partnership generator: determinism, the template, and its ground truth."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from wholestory.records.identifiers import is_valid_nhs_number, is_valid_upn
from wholestory.records.template import (
    COLUMNS,
    EVENT_TYPES,
    RELATIONSHIP_COLUMNS,
    RELATIONSHIPS,
    ROLES,
)
from wholestory.synth import AS_OF, PLAIN, Options, SynthSummary, generate
from wholestory.synth.dash_rows import DASH_FILE
from wholestory.synth.identifiers import POSTCODE_AREAS, NhsNumbers, Upns
from wholestory.synth.names import NAME_VARIANTS
from wholestory.synth.needs_rows import NEEDS_FILE
from wholestory.synth.population import SynthPerson
from wholestory.synth.thrive import CURRENT_VIEW_FILE, THRIVE_FILE
from wholestory.synth.truth import CANONICAL, CODES, Fact, evaluate

#: Files of the partnership that are not agencies' event records.
NOT_RECORDS = {"relationships.csv", DASH_FILE, NEEDS_FILE, THRIVE_FILE, CURRENT_VIEW_FILE}
CHILDREN = 500
SEED = 11
REQUIRED_AGENCIES = (
    "POLICE", "CSC", "HEALTH_VISITING", "GP", "ED", "CAMHS", "SCHOOL", "HOUSING", "YOUTH_JUSTICE",
)  # fmt: skip
POSTCODE = re.compile(r"^(X[VWZ])[0-9]{1,2} ?[0-9][A-Z]{2}$")


@dataclass(frozen=True)
class Partnership:
    """One generated partnership, read back in."""

    out: Path
    summary: SynthSummary
    rows: list[dict[str, str]]  # every agency row
    people: dict[tuple[str, str], str]  # (agency, person_id) -> true_id
    registered: dict[tuple[str, str], str]  # (agency, person_id) -> first | episode | again
    persons: dict[str, dict[str, str]]
    events: dict[tuple[str, str], dict[str, str]]
    patterns: list[dict[str, str]]
    bad: dict[tuple[str, str], dict[str, str]]

    def good_rows(self) -> list[dict[str, str]]:
        return [r for r in self.rows if (r["agency"], r["record_id"]) not in self.bad]


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Partnership:
    out = tmp_path_factory.mktemp("partnership")
    summary = generate(CHILDREN, SEED, out)
    truth = out / "ground_truth"
    rows = [r for f in sorted(out.glob("*.csv")) if f.name not in NOT_RECORDS for r in _read(f)]
    return Partnership(
        out=out,
        summary=summary,
        rows=rows,
        people={(r["agency"], r["person_id"]): r["true_id"] for r in _read(truth / "people.csv")},
        registered={
            (r["agency"], r["person_id"]): r["registered"] for r in _read(truth / "people.csv")
        },
        persons={r["true_id"]: r for r in _read(truth / "persons.csv")},
        events={(r["agency"], r["record_id"]): r for r in _read(truth / "events.csv")},
        patterns=_read(truth / "patterns.csv"),
        bad={(r["agency"], r["record_id"]): r for r in _read(truth / "bad_rows.csv")},
    )


def _files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _real_date(text: str) -> bool:
    """The template's event_date: YYYY-MM-DD, YYYY-MM or YYYY, maybe with a leading ~."""
    body = text.removeprefix("~")
    try:
        if len(body) == 10:
            dt.date.fromisoformat(body)
        elif len(body) == 7:
            dt.date.fromisoformat(body + "-01")
        elif len(body) != 4 or not body.isdigit():
            return False
    except ValueError:
        return False
    return True


# --- determinism --------------------------------------------------------------------------------


def test_the_same_seed_gives_identical_files_and_another_seed_does_not(tmp_path: Path) -> None:
    generate(300, 3, tmp_path / "a")
    generate(300, 3, tmp_path / "b")
    generate(300, 4, tmp_path / "c")
    first, again, other = (_files(tmp_path / name) for name in "abc")
    assert first == again
    assert first.keys() == other.keys()
    assert first["police.csv"] != other["police.csv"]
    assert first["ground_truth/persons.csv"] != other["ground_truth/persons.csv"]


def test_refuses_a_folder_that_is_not_empty_unless_forced(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("someone's work", encoding="utf-8")
    with pytest.raises(ValueError, match="not empty"):
        generate(50, 1, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    summary = generate(50, 1, tmp_path, force=True)
    assert summary.children == 50
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "someone's work"


def test_refuses_nonsense_sizes(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        generate(0, 1, tmp_path / "x")
    with pytest.raises(ValueError, match="at most"):
        generate(10_000_000, 1, tmp_path / "y")


def test_progress_counts_children_up_to_the_total(tmp_path: Path) -> None:
    seen: list[int] = []
    generate(1_200, 2, tmp_path, progress=seen.append)
    assert seen == sorted(seen)
    assert seen[-1] == 1_200
    assert any(1_000 <= n < 1_200 for n in seen)


# --- the template ---------------------------------------------------------------------------------


def test_every_agency_file_has_the_template_header(made: Partnership) -> None:
    for agency in REQUIRED_AGENCIES:
        path = made.out / f"{agency.lower()}.csv"
        with path.open(encoding="utf-8", newline="") as handle:
            assert tuple(next(csv.reader(handle))) == COLUMNS
        assert made.summary.per_agency[agency] > 0, agency
    with (made.out / "relationships.csv").open(encoding="utf-8", newline="") as handle:
        assert tuple(next(csv.reader(handle))) == RELATIONSHIP_COLUMNS


def test_every_good_row_is_valid_against_the_template(made: Partnership) -> None:
    for row in made.good_rows():
        for column in ("agency", "record_id", "person_id", "given_name", "family_name", "summary"):
            assert row[column], (column, row)
        assert _real_date(row["event_date"]), row
        assert row["event_date"].removeprefix("~")[:10] <= AS_OF.isoformat()
        assert row["role"] in ROLES, row
        assert row["event_type"] == "" or row["event_type"] in EVENT_TYPES, row
        assert row["sex"] in ("", "F", "M", "Female", "Male"), row
        if row["date_of_birth"]:
            dt.date.fromisoformat(row["date_of_birth"])
        assert (row.get("restricted") or "") in ("", "SEXUAL_HEALTH"), row


def test_record_ids_are_unique_within_each_agency(made: Partnership) -> None:
    keys = [(r["agency"], r["record_id"]) for r in made.rows]
    assert len(keys) == len(set(keys))
    assert set(keys) == set(made.events)


def test_a_small_share_of_rows_leave_the_event_type_for_the_summary(made: Partnership) -> None:
    untyped = [r for r in made.good_rows() if r["event_type"] == ""]
    assert 0.03 < len(untyped) / len(made.rows) < 0.08
    assert all(r["summary"] for r in untyped)


def test_some_dates_are_partial_or_approximate(made: Partnership) -> None:
    partial = [r for r in made.good_rows() if len(r["event_date"]) != 10]
    assert 0 < len(partial) / len(made.rows) < 0.03
    assert {len(r["event_date"].removeprefix("~")) for r in partial} >= {7, 10}


def test_relationships_use_the_vocabulary_and_known_people(made: Partnership) -> None:
    rows = _read(made.out / "relationships.csv")
    assert {r["agency"] for r in rows} <= {"CSC", "HEALTH_VISITING"}
    assert {r["relationship"] for r in rows} <= RELATIONSHIPS
    assert {"MOTHER", "FATHER", "SIBLING"} <= {r["relationship"] for r in rows}
    for r in rows:
        mine = made.people[(r["agency"], r["person_id"])]
        theirs = made.people[(r["agency"], r["related_person_id"])]
        assert mine != theirs
        assert made.persons[mine]["household_id"] == made.persons[theirs]["household_id"]
        if r["relationship"] == "MOTHER":
            assert made.persons[theirs]["sex"] == "F"
            assert made.persons[theirs]["kind"] == "adult"


# --- who is who -----------------------------------------------------------------------------------


def test_every_agency_person_maps_to_one_true_person(made: Partnership) -> None:
    for row in made.rows:
        assert (row["agency"], row["person_id"]) in made.people, row
    assert set(made.people.values()) == set(made.persons)
    # Each agency registers each person once first; any other id of theirs is a new id
    # for an ED attendance, or (elsewhere) a registration again after a move.
    first = Counter(
        (agency, made.people[(agency, pid)])
        for (agency, pid), how in made.registered.items()
        if how == "first"
    )
    assert set(first.values()) == {1}
    assert set(first) == {(agency, true) for (agency, _), true in made.people.items()}
    for (agency, _), how in made.registered.items():
        assert how in ("first", "episode", "again")
        assert (how == "episode") == (agency == "ED" and how != "first")


def _ids_in_row_order(made: Partnership) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """Each (agency, true person)'s rows as (event_date, person_id), oldest first."""
    seen: defaultdict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for row in made.good_rows():
        true_id = made.people[(row["agency"], row["person_id"])]
        seen[(row["agency"], true_id)].append(
            (row["event_date"].removeprefix("~"), row["person_id"])
        )
    return {key: sorted(rows) for key, rows in seen.items()}


def test_a_new_id_takes_over_from_the_old_one(made: Partnership) -> None:
    # The first id is used until the agency registers the person again; then the new one.
    for (agency, _), rows in _ids_in_row_order(made).items():
        ids = [pid for _, pid in rows]
        firsts = [i for i, pid in enumerate(ids) if i == 0 or pid != ids[i - 1]]
        if agency != "ED":  # ED may give any attendance a new number, and reuse an old one
            assert len(firsts) == len(set(ids)), (agency, rows)
        assert made.registered[(agency, ids[0])] == "first", (agency, rows)


def test_the_agencies_file_says_ed_gives_an_id_per_episode(made: Partnership) -> None:
    text = (made.out / "agencies.yaml").read_text(encoding="utf-8")
    assert text == "agencies:\n  ED: {person_ids: episode}\n"
    assert yaml.safe_load(text) == {"agencies": {"ED": {"person_ids": "episode"}}}
    assert made.out / "agencies.yaml" in made.summary.files


def test_the_manifest_counts_the_new_ids_and_open_plans(made: Partnership) -> None:
    manifest = json.loads((made.out / "manifest.json").read_text(encoding="utf-8"))
    how = Counter(made.registered.values())
    assert manifest["person_ids"] == {
        "episode": how["episode"],
        "again": how["again"],
        "total": len(made.people),
    }
    assert (made.summary.episode_ids, made.summary.second_ids) == (how["episode"], how["again"])
    assert manifest["open_plans"] == made.summary.open_plans
    assert manifest["options"] == {
        "ed_new_id_share": 0.5,
        "reregister_after_move": 0.022,
        "open_casework": 1.0,
    }


def test_the_summary_counts_what_was_written(made: Partnership) -> None:
    children = [p for p in made.persons.values() if p["kind"] == "child"]
    assert made.summary.children == len(children) == CHILDREN
    assert made.summary.people == len(made.persons)
    assert made.summary.rows == len(made.rows) == sum(made.summary.per_agency.values())
    assert all(path.exists() for path in made.summary.files)
    manifest = json.loads((made.out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["seed"] == SEED
    assert manifest["as_of"] == "2026-10-31"
    for name, count in manifest["files"].items():
        with (made.out / name).open(encoding="utf-8", newline="") as handle:
            assert sum(1 for _ in csv.reader(handle)) - 1 == count, name


def test_children_are_under_18_and_adults_are_adults(made: Partnership) -> None:
    for person in made.persons.values():
        age = (AS_OF - dt.date.fromisoformat(person["date_of_birth"])).days / 365.25
        if person["kind"] == "child":
            assert 0 <= age < 18
        else:
            assert 16 < age < 80


def test_nothing_happens_to_a_child_before_birth(made: Partnership) -> None:
    for row in made.good_rows():
        person = made.persons[made.people[(row["agency"], row["person_id"])]]
        if person["kind"] == "child":
            when = row["event_date"].removeprefix("~")
            assert when >= person["date_of_birth"][: len(when)], (row, person)


def test_twins_are_two_people_born_the_same_day_in_one_household(made: Partnership) -> None:
    twins = [p for p in made.persons.values() if p["twin_of"]]
    assert twins
    for person in twins:
        other = made.persons[person["twin_of"]]
        assert other["twin_of"] == person["true_id"] != other["true_id"]
        assert other["date_of_birth"] == person["date_of_birth"]
        assert other["household_id"] == person["household_id"]
        assert other["given_name"] != person["given_name"]
        assert other["nhs_number"] != person["nhs_number"]


def test_different_people_share_a_name_and_birth_date(made: Partnership) -> None:
    by_name = defaultdict(list)
    for p in made.persons.values():
        by_name[(p["given_name"], p["family_name"], p["date_of_birth"])].append(p)
    shared = [group for group in by_name.values() if len(group) > 1]
    assert shared
    for group in shared:
        assert len({p["household_id"] for p in group}) == len(group)


def test_a_parent_and_child_share_a_name(made: Partnership) -> None:
    households = defaultdict(list)
    for person in made.persons.values():
        households[person["household_id"]].append(person)
    pairs = [
        (adult, child)
        for people in households.values()
        for adult in people
        for child in people
        if adult["kind"] == "adult" and child["kind"] == "child"
        if (adult["given_name"], adult["family_name"])
        == (child["given_name"], child["family_name"])
    ]
    assert pairs
    assert all(a["date_of_birth"] != c["date_of_birth"] for a, c in pairs)


def test_agencies_write_the_same_person_differently(made: Partnership) -> None:
    given = defaultdict(set)
    for row in made.rows:
        given[made.people[(row["agency"], row["person_id"])]].add(row["given_name"])
    nicknamed = [
        names
        for names in given.values()
        if any(b in NAME_VARIANTS.get(a, ()) for a in names for b in names)
    ]
    assert len(nicknamed) >= 10
    surnames = defaultdict(set)
    for row in made.rows:
        surnames[made.people[(row["agency"], row["person_id"])]].add(row["family_name"].lower())
    assert sum(1 for names in surnames.values() if len(names) > 1) >= 20


def test_nhs_numbers_are_test_numbers_mostly_valid(made: Partnership) -> None:
    true_numbers = [p["nhs_number"] for p in made.persons.values()]
    assert all(is_valid_nhs_number(n) and n.startswith("999") for n in true_numbers)
    assert len(set(true_numbers)) == len(true_numbers)
    recorded = [r["nhs_number"] for r in made.rows if r["nhs_number"]]
    assert all(len(n) == 10 and n.startswith("999") for n in recorded)
    invalid = sum(1 for n in recorded if not is_valid_nhs_number(n))
    assert 0 < invalid < 0.02 * len(recorded)
    police = [r for r in made.rows if r["agency"] == "POLICE"]
    assert not any(r["nhs_number"] for r in police)


def test_upns_carry_a_valid_check_letter(made: Partnership) -> None:
    upns = [r["upn"] for r in made.rows if r["upn"]]
    assert upns
    assert all(is_valid_upn(u) for u in upns)


def test_postcodes_are_all_in_fictional_areas(made: Partnership) -> None:
    postcodes = [r["postcode"] for r in made.rows if r["postcode"]]
    assert len(postcodes) > 0.8 * len(made.rows)
    assert all(POSTCODE.match(p) for p in postcodes), [
        p for p in postcodes if not POSTCODE.match(p)
    ]
    assert {p[:2] for p in postcodes} <= set(POSTCODE_AREAS)


def test_identifier_allocators_never_repeat() -> None:
    nhs = NhsNumbers(1)
    numbers = [nhs.issue() for _ in range(20_000)]
    assert len(set(numbers)) == len(numbers)
    assert all(is_valid_nhs_number(n) for n in numbers)
    upns = Upns()
    issued = [upns.issue(2001, 2020) for _ in range(1_500)]
    assert len(set(issued)) == len(issued)
    assert all(is_valid_upn(u) for u in issued)


# --- events -------------------------------------------------------------------------------------


def test_a_police_incident_school_notice_and_referral_are_one_true_event(made: Partnership) -> None:
    by_event: defaultdict[str, list[dict[str, str]]] = defaultdict(list)
    for row in made.rows:
        by_event[made.events[(row["agency"], row["record_id"])]["true_event_id"]].append(row)
    linked = 0
    for rows in by_event.values():
        police = [r for r in rows if r["agency"] == "POLICE" and r["event_type"] == "DA_INCIDENT"]
        school = [r for r in rows if r["agency"] == "SCHOOL"]
        if not police or not school:
            continue
        linked += 1
        incident = dt.date.fromisoformat(police[0]["event_date"])
        notice = dt.date.fromisoformat(school[0]["event_date"])
        assert 1 <= (notice - incident).days <= 3
        assert notice.weekday() < 5
        assert len({r["event_id"] for r in police}) == 1  # one police event, several rows
        assert {"VICTIM", "SUSPECT"} <= {r["role"] for r in police}
    assert linked >= 3


def test_dash_summaries_carry_a_readable_yes_count(made: Partnership) -> None:
    true_type = {key: event["true_event_type"] for key, event in made.events.items()}
    dash = [r for r in made.rows if true_type[(r["agency"], r["record_id"])] == "DASH_ASSESSMENT"]
    assert dash
    for row in dash:
        found = re.search(
            r"DASH risk checklist completed: (\d+) of 27 questions answered yes", row["summary"]
        )
        assert found and 0 <= int(found.group(1)) <= 27


def _plans(made: Partnership) -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(child, plan) -> [(date, START or END)] in date order, from the true event types."""
    found: defaultdict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for row in made.rows:
        kind = made.events[(row["agency"], row["record_id"])]["true_event_type"]
        for plan in ("CP_PLAN", "CIN_PLAN", "EARLY_HELP"):
            if kind.startswith(plan) and row["role"] == "SUBJECT":
                person = made.people[(row["agency"], row["person_id"])]
                found[(person, plan)].append((row["event_date"], kind.rsplit("_", 1)[1]))
    return {key: sorted(marks) for key, marks in found.items()}


def test_plans_end_or_are_still_open_on_the_as_of_date(made: Partnership) -> None:
    still_open = 0
    for key, marks in _plans(made).items():
        starts = sum(1 for _, m in marks if m == "START")
        ends = sum(1 for _, m in marks if m == "END")
        assert starts - ends in (0, 1), (key, marks)  # at most one open, never an end too many
        if starts > ends:
            assert marks[-1][1] == "START", (key, marks)  # the open plan is the latest
            still_open += 1
    children = sum(1 for p in made.persons.values() if p["kind"] == "child")
    assert 0.005 * children < still_open < 0.08 * children
    assert made.summary.open_plans
    assert sum(made.summary.open_plans.values()) == still_open


def test_the_partnership_is_live_up_to_its_as_of_date(made: Partnership) -> None:
    dates = sorted(r["event_date"].removeprefix("~") for r in made.good_rows())
    assert dates[-1] == AS_OF.isoformat()
    last_weeks = (AS_OF - dt.timedelta(days=28)).isoformat()
    recent = [r for r in made.good_rows() if r["event_date"].removeprefix("~") >= last_weeks]
    assert len(recent) > 0.002 * len(made.rows)
    assert {"CSC", "EARLY_HELP"} & {r["agency"] for r in recent}  # an open plan's work goes on


def test_bad_rows_are_listed_and_really_bad(made: Partnership) -> None:
    assert made.bad
    assert len(made.bad) < len(made.rows) / 800
    index = {(r["agency"], r["record_id"]): r for r in made.rows}
    for key, listed in made.bad.items():
        row = index[key]
        if listed["column"] == "event_date":
            assert not _real_date(row["event_date"])
        elif listed["column"] == "event_type":
            assert row["event_type"] and row["event_type"] not in EVENT_TYPES
        else:
            assert listed["column"] == "summary" and row["summary"] == ""


# --- planted patterns ----------------------------------------------------------------------------


def test_every_code_is_planted_in_some_children(made: Partnership) -> None:
    planted = Counter(p["code"] for p in made.patterns if p["kind"] == "planted")
    assert set(planted) == set(CODES)
    assert min(planted.values()) >= 3
    assert {p["kind"] for p in made.patterns} == {"planted", "implied", "near_miss"}


def test_patterns_are_about_children_and_consistent(made: Partnership) -> None:
    seen: set[tuple[str, str]] = set()
    for p in made.patterns:
        assert made.persons[p["true_id"]]["kind"] == "child"
        assert p["code"] in CODES and p["note"]
        key = (p["true_id"], p["code"])
        assert key not in seen  # a code is planted, implied or a near miss, never two of these
        seen.add(key)
    flagged = {p["true_id"] for p in made.patterns if p["kind"] != "near_miss"}
    children = sum(1 for p in made.persons.values() if p["kind"] == "child")
    assert len(flagged) < 0.25 * children  # most children have no pattern at all


def test_domestic_abuse_escalation_implies_the_child_is_a_victim(made: Partnership) -> None:
    codes = defaultdict(set)
    for p in made.patterns:
        if p["kind"] != "near_miss":
            codes[p["true_id"]].add(p["code"])
    escalated = [c for c in codes.values() if "DA_ESCALATION" in c]
    assert escalated
    assert all("CHILD_DA_VICTIM" in c for c in escalated)


# --- the reading of indicators.md that ground truth follows -------------------------------------


CHILD = SynthPerson("T1", "child", "Ava", dt.date(2012, 1, 1), "F", "H1", "9990000000", [])


def _fact(day: str, etype: str, event: str, agency: str = "POLICE", **extra: str) -> Fact:
    return Fact(
        day=dt.date.fromisoformat(day),
        etype=etype,
        agency=agency,
        event=event,
        own=True,
        shared=True,
        household=False,
        summary=extra.get("summary", ""),
        outcome=extra.get("outcome", ""),
        victims=frozenset({"M"}),
        suspects=frozenset({"P"}),
    )


def test_three_incidents_in_a_year_escalate_but_spread_out_they_do_not() -> None:
    close = [
        _fact(d, "DA_INCIDENT", f"e{i}")
        for i, d in enumerate(["2022-01-01", "2022-05-01", "2022-12-01"])
    ]
    spread = [
        _fact(d, "DA_INCIDENT", f"e{i}")
        for i, d in enumerate(["2022-01-01", "2022-06-01", "2023-03-01"])
    ]
    assert {"DA_ESCALATION", "CHILD_DA_VICTIM"} <= evaluate(close, CHILD, CANONICAL)
    assert "DA_ESCALATION" not in evaluate(spread, CHILD, CANONICAL)


def test_records_of_one_true_event_count_once() -> None:
    one = [
        _fact("2022-01-01", "MISSING_EPISODE", "e1"),
        _fact("2022-01-02", "MISSING_EPISODE", "e1", agency="CSC"),
        _fact("2022-02-01", "MISSING_EPISODE", "e2"),
    ]
    assert "MISSING_REPEAT" not in evaluate(one, CHILD, CANONICAL)
    assert "MISSING_REPEAT" in evaluate([*one, _fact("2022-03-01", "MISSING_EPISODE", "e3")], CHILD)


def test_a_dash_of_14_meets_marac_criteria_and_13_does_not() -> None:
    def dash(yes: int) -> list[Fact]:
        text = f"DASH risk checklist completed: {yes} of 27 questions answered yes"
        return [_fact("2022-01-01", "DASH_ASSESSMENT", "e1", summary=text)]

    assert "MARAC_CRITERIA" in evaluate(dash(14), CHILD)
    assert "MARAC_CRITERIA" not in evaluate(dash(13), CHILD)


def test_concerns_from_three_agencies_need_a_plan_to_be_connected() -> None:
    concerns = [
        _fact("2022-01-01", "CONCERN", "e1", agency="SCHOOL"),
        _fact("2022-03-01", "APPOINTMENT_MISSED", "e2", agency="GP"),
        _fact("2022-05-01", "HOMELESSNESS", "e3", agency="HOUSING"),
    ]
    plan = [
        _fact("2022-02-01", "CIN_PLAN_START", "e4", agency="CSC"),
        _fact("2022-09-01", "CIN_PLAN_END", "e5", agency="CSC"),
    ]
    assert "UNCONNECTED_CONCERNS" in evaluate(concerns, CHILD)
    assert "UNCONNECTED_CONCERNS" not in evaluate(concerns + plan, CHILD)


def test_exploitation_needs_two_signals_from_age_ten() -> None:
    young = SynthPerson("T2", "child", "Leo", dt.date(2016, 6, 1), "M", "H1", "9990000001", [])
    signals = [
        _fact("2025-09-01", "MISSING_EPISODE", "e1"),
        _fact("2025-10-01", "EXPLOITATION_CONCERN", "e2"),
    ]
    assert "EXPLOITATION_RISK" in evaluate(signals, CHILD)
    assert "EXPLOITATION_RISK" not in evaluate(signals, young)


# --- the habits of real data, and turning them off ------------------------------------------------


@pytest.fixture(scope="module")
def larger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A partnership big enough to measure rates on."""
    out = tmp_path_factory.mktemp("larger")
    generate(4_000, 5, out)
    return out


def test_about_one_percent_of_people_are_registered_twice(larger: Path) -> None:
    people = _read(larger / "ground_truth" / "people.csv")
    held = {(r["agency"], r["true_id"]) for r in people if r["agency"] != "ED"}
    twice = {(r["agency"], r["true_id"]) for r in people if r["registered"] == "again"}
    assert 0.005 < len(twice) / len(held) < 0.02
    assert len({agency for agency, _ in twice}) >= 4  # not one agency's quirk


def test_ed_gives_about_half_of_repeat_attendances_a_new_id(larger: Path) -> None:
    people = {
        (r["agency"], r["person_id"]): r for r in _read(larger / "ground_truth" / "people.csv")
    }
    attendances: defaultdict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for row in _read(larger / "ed.csv"):
        true_id = people[("ED", row["person_id"])]["true_id"]
        attendances[true_id].append((row["event_date"], row["record_id"], row["person_id"]))
    repeats = new = 0
    for rows in attendances.values():
        rows.sort()
        for (_, _, before), (_, _, now) in itertools.pairwise(rows):
            repeats += 1
            new += now != before and people[("ED", now)]["registered"] == "episode"
    assert repeats >= 10
    assert 0.2 < new / repeats < 0.8


def test_open_plans_are_at_realistic_rates(larger: Path) -> None:
    manifest = json.loads((larger / "manifest.json").read_text(encoding="utf-8"))
    share = {kind: n / manifest["children"] for kind, n in manifest["open_plans"].items()}
    # England: about 0.4% of children on a child protection plan, about 1% on a child in
    # need plan; early help varies by area. The synthetic partnership is busier than most.
    assert 0.001 < share["CP_PLAN_START"] < 0.01
    assert 0.005 < share["CIN_PLAN_START"] < 0.03
    assert 0.005 < share["EARLY_HELP_START"] < 0.03


def test_a_few_teenagers_gp_consultations_are_marked_restricted(larger: Path) -> None:
    """SEXUAL_HEALTH on some ordinary GP consultations of 15 to 17 year olds, and nothing else."""
    owner = {
        (r["agency"], r["person_id"]): r["true_id"]
        for r in _read(larger / "ground_truth" / "people.csv")
    }
    persons = {r["true_id"]: r for r in _read(larger / "ground_truth" / "persons.csv")}
    every = [r for f in sorted(larger.glob("*.csv")) if f.name not in NOT_RECORDS
             for r in _read(f)]  # fmt: skip
    marked = [r for r in every if r.get("restricted")]
    gp = [r for r in every if r["agency"] == "GP"]
    assert 5 <= len(marked) < 0.005 * len(gp)  # shown in a demo, rare among GP records
    for row in marked:
        assert row["agency"] == "GP" and row["restricted"] == "SEXUAL_HEALTH", row
        assert row["event_type"] in ("APPOINTMENT_ATTENDED", ""), row
        person = persons[owner[("GP", row["person_id"])]]
        year = int(row["event_date"].removeprefix("~")[:4])  # a date may be a month or a year
        assert person["kind"] == "child", row
        assert 15 <= year - int(person["date_of_birth"][:4]) <= 18, row  # aged 15 to 17 then
    worded = [r for r in marked if r["event_type"]]
    assert worded and all(
        "contraception" in r["summary"] or "Sexual health" in r["summary"] for r in worded
    )


def test_twins_and_shared_names_at_realistic_rates(larger: Path) -> None:
    persons = _read(larger / "ground_truth" / "persons.csv")
    children = [p for p in persons if p["kind"] == "child"]
    births = {(p["household_id"], p["date_of_birth"]) for p in children}
    twin_births = {(p["household_id"], p["date_of_birth"]) for p in children if p["twin_of"]}
    assert 0.008 < len(twin_births) / len(births) < 0.025  # UK: about 1.5% of maternities
    households = {p["household_id"] for p in persons}
    adults = {(p["household_id"], p["given_name"]) for p in persons if p["kind"] == "adult"}
    named_after = {
        p["household_id"] for p in children if (p["household_id"], p["given_name"]) in adults
    }
    assert 0.005 < len(named_after) / len(households) < 0.05


def test_the_habits_can_be_turned_off_and_nothing_else_changes(tmp_path: Path) -> None:
    generate(400, 7, tmp_path / "plain", options=PLAIN)
    generate(400, 7, tmp_path / "ids", options=Options(open_casework=0.0))
    plain = _read(tmp_path / "plain" / "ground_truth" / "people.csv")
    assert {r["registered"] for r in plain} == {"first"}
    assert (tmp_path / "plain" / "agencies.yaml").read_text(encoding="utf-8") == "agencies: {}\n"
    manifest = json.loads((tmp_path / "plain" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["open_plans"] == {} and manifest["person_ids"]["episode"] == 0

    def story(folder: Path) -> dict[tuple[str, str], tuple[str, ...]]:
        """Each record's true person and what it says, leaving out who the agency thinks it is."""
        owner = {
            (r["agency"], r["person_id"]): r["true_id"]
            for r in _read(folder / "ground_truth" / "people.csv")
        }
        return {
            (r["agency"], r["record_id"]): (
                owner[(r["agency"], r["person_id"])],
                r["event_date"],
                r["event_type"],
                r["summary"],
                r["role"],
                r["postcode"],
            )
            for f in sorted(folder.glob("*.csv"))
            if f.name not in NOT_RECORDS
            for r in _read(f)
        }

    assert story(tmp_path / "plain") == story(tmp_path / "ids")


def test_options_out_of_range_are_refused() -> None:
    with pytest.raises(ValueError, match="ed_new_id_share"):
        Options(ed_new_id_share=1.5)
    with pytest.raises(ValueError, match="open_casework"):
        Options(open_casework=-1)
