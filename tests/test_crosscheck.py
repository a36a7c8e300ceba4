"""The independent cross-check generator: deterministic, truthful, independent, importable."""

from __future__ import annotations

import ast
import csv
import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import yaml

from wholestory.crosscheck import Rates, make_partnership
from wholestory.crosscheck.national_numbers import NhsNumbers, upn_check_letter
from wholestory.ingest import ingest_paths
from wholestory.records.identifiers import is_valid_nhs_number, is_valid_upn
from wholestory.records.template import COLUMNS, EVENT_TYPES, REQUIRED, ROLES
from wholestory.store import Store

END = dt.date(2025, 6, 30)
PACKAGE = Path(__file__).parent.parent / "src" / "wholestory" / "crosscheck"
#: All the cross-check may import from the rest of WholeStory: the input contract that
#: any agency's export follows, and how CSV files are opened and closed together.
SHARED = frozenset({"wholestory.records.template", "wholestory.records.csv_files"})


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def event_files(folder: Path) -> list[Path]:
    return [
        p
        for p in sorted(folder.glob("*.csv"))
        if p.name not in ("relationships.csv", "needs.csv", "mh_thrive.csv", "mh_current_view.csv")
    ]


@pytest.fixture(scope="module")
def partnership(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("crosscheck") / "partnership"
    make_partnership(folder, 120, 5, end=END, rates=Rates(twins=0.05, juniors=0.05))
    return folder


def test_the_same_seed_gives_the_same_files(tmp_path: Path) -> None:
    first = make_partnership(tmp_path / "a", 25, 9, end=END)
    make_partnership(tmp_path / "b", 25, 9, end=END)
    make_partnership(tmp_path / "c", 25, 10, end=END)
    names = sorted(str(p.relative_to(tmp_path / "a")) for p in (tmp_path / "a").rglob("*.*"))
    assert "agencies.yaml" in names and "ground_truth/people.csv" in names
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert (tmp_path / "a" / "gp.csv").read_bytes() != (tmp_path / "c" / "gp.csv").read_bytes()
    assert first.rows == sum(len(read(p)) for p in event_files(tmp_path / "a"))


def test_rows_follow_the_template(partnership: Path) -> None:
    for path in event_files(partnership):
        rows = read(path)
        assert rows, path
        assert set(rows[0]) <= set(COLUMNS) and set(REQUIRED) <= set(rows[0])
        for row in rows:
            assert all(row[c] for c in REQUIRED), row
            assert row["event_type"] in EVENT_TYPES and row["role"] in ROLES
            assert row["event_date"] <= END.isoformat()
            assert row["agency"] == path.stem.upper()
        record_ids = [r["record_id"] for r in rows]
        assert len(record_ids) == len(set(record_ids)), path


def test_every_agency_id_is_in_the_ground_truth_and_back(partnership: Path) -> None:
    people = read(partnership / "ground_truth" / "people.csv")
    persons = {p["true_id"]: p for p in read(partnership / "ground_truth" / "persons.csv")}
    truth = {(p["agency"], p["person_id"]): p["true_id"] for p in people}
    assert len(truth) == len(people)  # one row per agency person id
    written = {(r["agency"], r["person_id"]) for p in event_files(partnership) for r in read(p)}
    assert written == set(truth)
    for row in read(partnership / "relationships.csv"):
        assert (row["agency"], row["person_id"]) in truth
        assert (row["agency"], row["related_person_id"]) in truth
    assert {r["agency"] for r in read(partnership / "relationships.csv")} >= {
        "CSC",
        "HEALTH_VISITING",
    }
    assert set(truth.values()) <= set(persons)
    assert {p["kind"] for p in persons.values()} == {"adult", "child"}


def test_twins_are_reciprocal_and_look_alike(partnership: Path) -> None:
    persons = {p["true_id"]: p for p in read(partnership / "ground_truth" / "persons.csv")}
    twins = [p for p in persons.values() if p["twin_of"]]
    assert twins
    for twin in twins:
        other = persons[twin["twin_of"]]
        assert other["twin_of"] == twin["true_id"]
        assert other["date_of_birth"] == twin["date_of_birth"]
        assert other["household_id"] == twin["household_id"]
        assert other["given_name"] != twin["given_name"]
        assert twin["kind"] == other["kind"] == "child"


def test_juniors_share_their_fathers_names(partnership: Path) -> None:
    persons = read(partnership / "ground_truth" / "persons.csv")
    by_household: dict[str, list[dict[str, str]]] = defaultdict(list)
    for person in persons:
        by_household[person["household_id"]].append(person)
    juniors = 0
    for members in by_household.values():
        adults = {(p["given_name"], p["family_name"]) for p in members if p["kind"] == "adult"}
        juniors += sum(
            (p["given_name"], p["family_name"]) in adults for p in members if p["kind"] == "child"
        )
    assert juniors >= 1


def test_namesakes_are_unrelated_children_born_days_apart(tmp_path: Path) -> None:
    make_partnership(tmp_path / "p", 40, 3, end=END, rates=Rates(namesakes=0.5))
    children = [p for p in read(tmp_path / "p" / "ground_truth" / "persons.csv")]
    children = [p for p in children if p["kind"] == "child"]
    by_name: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for child in children:
        by_name[(child["given_name"], child["family_name"])].append(child)
    pairs = 0
    for same in by_name.values():
        for a in same:
            for b in same:
                apart = abs(
                    dt.date.fromisoformat(a["date_of_birth"])
                    - dt.date.fromisoformat(b["date_of_birth"])
                ).days
                if a["household_id"] < b["household_id"] and 0 < apart <= 7:
                    pairs += 1
    assert pairs >= 3


def test_the_emergency_department_gives_ids_per_episode(tmp_path: Path) -> None:
    make_partnership(tmp_path / "half", 80, 4, end=END)
    make_partnership(tmp_path / "none", 80, 4, end=END, episode_share=0.0)
    agencies = yaml.safe_load((tmp_path / "half" / "agencies.yaml").read_text(encoding="utf-8"))
    assert agencies == {"agencies": {"ED": {"person_ids": "episode"}}}

    def ed_ids_per_person(folder: Path) -> Counter[str]:
        people = read(folder / "ground_truth" / "people.csv")
        return Counter(p["true_id"] for p in people if p["agency"] == "ED")

    assert max(ed_ids_per_person(tmp_path / "half").values()) > 1
    assert sum(n > 1 for n in ed_ids_per_person(tmp_path / "half").values()) >= 5
    assert set(ed_ids_per_person(tmp_path / "none").values()) == {1}


def _duplicate_share(folder: Path) -> float:
    people = read(folder / "ground_truth" / "people.csv")
    ids = Counter((p["agency"], p["true_id"]) for p in people if p["agency"] != "ED")
    return sum(n > 1 for n in ids.values()) / len(ids)


def test_duplicate_registrations_come_at_about_the_asked_rate(tmp_path: Path) -> None:
    make_partnership(tmp_path / "five", 150, 6, end=END, duplicate_rate=0.05)
    make_partnership(tmp_path / "none", 40, 6, end=END, duplicate_rate=0.0)
    assert 0.03 <= _duplicate_share(tmp_path / "five") <= 0.07
    assert _duplicate_share(tmp_path / "none") == 0.0


def test_identifiers_pass_the_products_own_checks(partnership: Path) -> None:
    gp = read(partnership / "gp.csv")
    numbers = {r["nhs_number"] for r in gp if r["nhs_number"]}
    assert all(n.startswith("999") for n in numbers)
    assert sum(is_valid_nhs_number(n) for n in numbers) / len(numbers) > 0.97
    upns = {r["upn"] for r in read(partnership / "school.csv") if r["upn"]}
    assert upns and sum(is_valid_upn(u) for u in upns) / len(upns) > 0.95
    police = read(partnership / "police.csv")
    assert sum(bool(r["nhs_number"]) for r in police) / len(police) < 0.2


def test_nhs_numbers_and_upns_are_made_by_the_published_rules() -> None:
    import random

    issued = NhsNumbers(random.Random(1))
    numbers = [issued.issue() for _ in range(500)]
    assert len(set(numbers)) == 500 and all(is_valid_nhs_number(n) for n in numbers)
    body = "987200114001"
    assert is_valid_upn(upn_check_letter(body) + body)


def test_imports_nothing_from_the_main_generator() -> None:
    sources = sorted(PACKAGE.glob("*.py"))
    assert len(sources) > 5
    for source in sources:
        text = source.read_text(encoding="utf-8")
        assert "wholestory.synth" not in text, source
        assert "nicknames" not in text, source
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ImportFrom) and node.module:
                module = node.module
                assert (
                    not module.startswith("wholestory.")
                    or module.startswith("wholestory.crosscheck")
                    or module in SHARED
                ), (source, module)
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("wholestory") for a in node.names), source


def test_a_folder_in_use_is_refused(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(ValueError, match="not empty"):
        make_partnership(tmp_path, 3, 1, end=END)


def test_a_small_partnership_goes_in_with_nothing_quarantined(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "partnership"
    summary = make_partnership(folder, 30, 12, end=END)
    result = ingest_paths(store, [folder])
    totals = result.totals()
    assert not result.failed
    assert totals["quarantined"] == 0
    assert all(f.balanced() for f in result.files)
    assert store.scalar("SELECT COUNT(*) FROM ws_record") == summary.rows
    assert store.scalar("SELECT COUNT(*) FROM ws_relationship") == summary.relationships


def test_planted_needs_change_nothing_else(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The needs the cross-check plants (crosscheck/needs.py) draw on a stream of their own:
    without them every file is the same, but for a near miss's notes gaining its words."""
    from wholestory.crosscheck import needs

    make_partnership(tmp_path / "with", 200, 4, end=END)
    monkeypatch.setattr(needs, "PLANT_RATE", 0.0)
    monkeypatch.setattr(needs, "NEAR_RATE", 0.0)
    make_partnership(tmp_path / "without", 200, 4, end=END)
    assert read(tmp_path / "without" / "needs.csv") == []
    assert read(tmp_path / "with" / "needs.csv")
    changed = 0
    for path in sorted((tmp_path / "without").rglob("*.csv")):
        name = path.relative_to(tmp_path / "without")
        if str(name) in ("needs.csv", "ground_truth/patterns.csv"):
            continue
        before, after = read(path), read(tmp_path / "with" / name)
        assert len(before) == len(after), name
        for old, new in zip(before, after, strict=True):
            if old != new:
                changed += 1
                assert {k for k in old if old[k] != new[k]} == {"action"}, name
    assert changed
