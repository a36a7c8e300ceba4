"""Chronologies of a linked synthetic partnership, on both databases, and the CLI over them."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import TABLES
from wholestory.chronology.evaluation import evaluate_store
from wholestory.chronology.stored import (
    build_all,
    chronology_of,
    flagged_children,
    rebuild_people,
    stored_chronology,
)
from wholestory.cli.main import app
from wholestory.identity import LinkThresholds, link_all
from wholestory.ingest import ingest_paths
from wholestory.store import Store, open_store, resolve_url
from wholestory.synth import generate
from wholestory.web.bootstrap import ensure_schema

runner = CliRunner()


@pytest.fixture(scope="module")
def partnership(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("chronology-partnership")
    generate(300, 5, folder)
    return folder


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def built(
    request: pytest.FixtureRequest, partnership: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    """The partnership imported, linked, and every chronology built, once per database.

    Built once for the module (linking takes seconds); the tests only read it,
    except for rebuilding chronologies, which leaves it as it was.
    """
    if request.param == "sqlite":
        url = resolve_url(f"sqlite:///{tmp_path_factory.mktemp('built') / 'store.sqlite3'}")
        ensure_schema(url)
        store = open_store(url)
    else:
        store = open_store(request.getfixturevalue("postgres_url"))
        store.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
    ingest_paths(store, [partnership])
    link_all(store, retrain=True, thresholds=LinkThresholds())
    build_all(store)
    yield store
    store.close()


@pytest.fixture
def store_env(built: Store, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Store:
    """The built store, named by WHOLESTORY_DATABASE_URL, for CLI tests; cwd is tmp_path."""
    monkeypatch.setenv("WHOLESTORY_DATABASE_URL", built.url.raw)
    monkeypatch.chdir(tmp_path)
    return built


def test_stored_chronologies_are_what_a_fresh_build_gives(built: Store) -> None:
    people = [str(p) for (p,) in built.query("SELECT ws_person_id FROM ws_chronology")]
    assert len(people) == built.scalar("SELECT COUNT(DISTINCT ws_person_id) FROM ws_source_person")
    for person in random.Random(3).sample(sorted(people), 25):
        stored = stored_chronology(built, person)
        assert stored is not None
        fresh = chronology_of(built, person).as_dict()
        fresh["produced_at"] = stored["produced_at"]
        assert fresh == stored


def test_every_record_is_in_exactly_one_entry_of_its_person(built: Store) -> None:
    records = {(str(a), str(r)) for a, r in built.query("SELECT agency, record_id FROM ws_record")}
    owner = {
        (str(a), str(r)): str(p)
        for a, r, p in built.query(
            "SELECT r.agency, r.record_id, s.ws_person_id FROM ws_record r JOIN ws_source_person s "
            "ON s.agency = r.agency AND s.person_id = r.person_id"
        )
    }
    seen: set[tuple[str, str]] = set()
    for (person,) in built.query("SELECT ws_person_id FROM ws_chronology"):
        data = stored_chronology(built, str(person))
        assert data is not None
        own = [
            (s["agency"], s["record_id"]) for e in data["entries"] for s in e["records"] if s["own"]
        ]
        assert len(own) == len(set(own)), "a record in two entries"
        assert all(owner[k] == person for k in own)
        for e in data["entries"]:
            assert e["sources"], "an entry without a source"
            assert all((s["agency"], s["record_id"]) in records for s in e["sources"])
        for f in data["flags"]:
            assert f["evidence"] and f["explanation"]
            assert all((s["agency"], s["record_id"]) in records for s in f["evidence"])
        seen.update(own)
    assert seen == records


def test_flags_against_the_planted_patterns(built: Store, partnership: Path) -> None:
    scores = evaluate_store(built, partnership)
    for code, s in scores.codes.items():
        assert s.precision >= 0.95, (code, scores.misses)
        assert s.recall >= 0.95, (code, scores.misses)
        assert s.near_miss_raised == 0, code
    assert sum(s.tp for s in scores.codes.values()) > 40


def test_flagged_children_most_serious_first(built: Store) -> None:
    children = flagged_children(built)
    assert children
    order = {"high": 0, "medium": 1, "low": 2}
    ranks = [(order[c["top_severity"]], c["open_plan"]) for c in children]
    assert ranks == sorted(ranks)
    only = flagged_children(built, "CHILD_DA_VICTIM")
    assert only and all(any(f["code"] == "CHILD_DA_VICTIM" for f in c["flags"]) for c in only)


def test_rebuilding_some_people_replaces_only_theirs(built: Store) -> None:
    before = built.scalar("SELECT COUNT(*) FROM ws_chronology")
    person = str(built.scalar("SELECT ws_person_id FROM ws_flag LIMIT 1"))
    flags = built.scalar("SELECT COUNT(*) FROM ws_flag WHERE ws_person_id = ?", [person])
    assert rebuild_people(built, [person]) == 1
    assert built.scalar("SELECT COUNT(*) FROM ws_chronology") == before
    assert built.scalar("SELECT COUNT(*) FROM ws_flag WHERE ws_person_id = ?", [person]) == flags


def _a_flagged_child(store: Store) -> tuple[str, str]:
    person = str(store.scalar("SELECT ws_person_id FROM ws_flag ORDER BY ws_person_id LIMIT 1"))
    agency, person_id = store.query(
        "SELECT agency, person_id FROM ws_source_person WHERE ws_person_id = ? ORDER BY key",
        [person],
    )[0]
    return str(agency), str(person_id)


def test_the_chronology_command_in_every_format(
    built: Store, store_env: Store, tmp_path: Path
) -> None:
    agency, person_id = _a_flagged_child(built)
    shown = runner.invoke(app, ["chronology", agency, person_id, "--format", "json"])
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.output)
    assert {"agency": agency, "person_id": person_id} in data["person"]["source_records"]
    assert data["flags"] and data["entries"]
    for fmt in ("json", "html", "pdf", "csv"):
        out = tmp_path / f"story.{fmt}"
        result = runner.invoke(
            app, ["chronology", agency, person_id, "--format", fmt, "--out", str(out)]
        )
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 500
        again = runner.invoke(
            app, ["chronology", agency, person_id, "--format", fmt, "--out", str(out)]
        )
        assert again.exit_code == 2 and "--force" in again.output
    assert (tmp_path / "story.pdf").read_bytes().startswith(b"%PDF")
    names = data["person"]["names"]
    anonymous = runner.invoke(
        app, ["chronology", agency, person_id, "--format", "json", "--anonymise"]
    )
    assert anonymous.exit_code == 0
    for name in names:
        for part in name.split():
            assert part not in anonymous.output


def test_flags_and_review_pack_commands(built: Store, store_env: Store, tmp_path: Path) -> None:
    listed = runner.invoke(app, ["flags", "--json"])
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.output)["count"] == len(flagged_children(built))
    assert runner.invoke(app, ["flags", "--code", "NOT_A_CODE"]).exit_code == 2
    agency, person_id = _a_flagged_child(built)
    pack = tmp_path / "pack"
    made = runner.invoke(app, ["review-pack", agency, person_id, "--out", str(pack)])
    assert made.exit_code == 0, made.output
    names = {p.name for p in pack.iterdir()}
    assert {"chronology.pdf", "flags.csv", "involvement.csv", "ask-for-more.csv",
            "README.txt"} <= names  # fmt: skip
    assert any(n.startswith("agency-") for n in names)
    assert "flags.csv" in made.output
    again = runner.invoke(app, ["review-pack", agency, person_id, "--out", str(pack)])
    assert again.exit_code == 2 and "--force" in again.output


def test_an_anonymised_pack_holds_no_name_or_full_date_of_birth(
    built: Store, store_env: Store, tmp_path: Path
) -> None:
    agency, person_id = _a_flagged_child(built)
    pack = tmp_path / "published"
    made = runner.invoke(app, ["review-pack", agency, person_id, "--out", str(pack), "--anonymise"])
    assert made.exit_code == 0, made.output
    names = {
        str(n)
        for row in built.query(
            "SELECT s.given_name, s.family_name, s.date_of_birth FROM ws_source_person s "
            "WHERE s.ws_person_id = (SELECT ws_person_id FROM ws_source_person "
            "WHERE agency = ? AND person_id = ?)",
            [agency, person_id],
        )
        for n in row
        if n and len(str(n)) > 3
    }
    for path in pack.iterdir():
        if path.suffix in (".csv", ".txt", ".json", ".html"):
            text = path.read_text(encoding="utf-8-sig")
            assert not [n for n in names if n in text], path.name


def test_clear_words_for_what_cannot_be_done(built: Store, store_env: Store) -> None:
    unknown = runner.invoke(app, ["chronology", "POLICE", "NOBODY", "--format", "json"])
    assert unknown.exit_code == 2 and "POLICE has no person NOBODY" in unknown.output
    no_out = runner.invoke(app, ["chronology", "POLICE", "NOBODY", "--format", "pdf"])
    assert no_out.exit_code == 2 and "--out" in no_out.output
    bad_day = runner.invoke(app, ["chronologies", "--as-of", "31/10/2026"])
    assert bad_day.exit_code == 2 and "YYYY-MM-DD" in bad_day.output
    assert "Traceback" not in unknown.output + no_out.output + bad_day.output


def test_a_daily_feed_rebuilds_the_chronologies_it_touches(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "partnership"
    generate(120, 8, folder)
    feed = tmp_path / "feed"
    feed.mkdir()
    (folder / "school.csv").rename(feed / "school.csv")
    monkeypatch.setenv("WHOLESTORY_DATABASE_URL", store.url.raw)
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["ingest", str(folder), "--no-link"]).exit_code == 0
    assert runner.invoke(app, ["link"]).exit_code == 0
    assert runner.invoke(app, ["chronologies"]).exit_code == 0
    result = runner.invoke(app, ["ingest", str(feed / "school.csv"), "--json"])
    assert result.exit_code == 0, result.output
    rebuilt = json.loads(result.output)["chronologies_rebuilt"]
    assert rebuilt > 0
    pupils = {
        str(p)
        for (p,) in store.query(
            "SELECT DISTINCT s.ws_person_id FROM ws_source_person s WHERE s.agency = 'SCHOOL'"
        )
    }
    for person in sorted(pupils)[:15]:
        stored = stored_chronology(store, person)
        assert stored is not None
        assert any("SCHOOL" in e["agencies"] for e in stored["entries"])
        fresh = chronology_of(store, person).as_dict()
        fresh["produced_at"] = stored["produced_at"]
        assert fresh == stored
