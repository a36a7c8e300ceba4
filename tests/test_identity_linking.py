"""Linking a synthetic partnership in the store: right people, stable ids, decisions that win."""

from __future__ import annotations

import csv
import json
import shutil
from collections import defaultdict
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factories import event_row, write_csv
from wholestory.cli.main import app
from wholestory.identity import (
    LinkThresholds,
    TrainedModel,
    current_id,
    decide,
    default_model,
    link_all,
    link_new,
    load_sources,
    model_frame,
    now_iso,
    pair_scores,
    pairs_within,
    read_truth,
    rebuild_household_links,
    refresh_sources,
    review_queue,
    train,
    use_model,
    view_person,
)
from wholestory.ingest import ingest_paths
from wholestory.store import Store, open_store, resolve_url
from wholestory.synth import generate
from wholestory.web.bootstrap import ensure_schema

runner = CliRunner()
THRESHOLDS = LinkThresholds()


@pytest.fixture(scope="module")
def partnership(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic partnership of 400 children, with the school's file held back as a feed."""
    folder = tmp_path_factory.mktemp("partnership")
    generate(400, 21, folder)
    feed = folder / "feed"
    feed.mkdir()
    shutil.move(folder / "school.csv", feed / "school.csv")
    return folder


@pytest.fixture(scope="module")
def trained(partnership: Path, tmp_path_factory: pytest.TempPathFactory) -> TrainedModel:
    """The model trained once on the whole partnership; each test stores it in its own store."""
    url = resolve_url(f"sqlite:///{tmp_path_factory.mktemp('train') / 'train.sqlite3'}")
    ensure_schema(url)
    scratch = open_store(url)
    try:
        ingest_paths(scratch, [partnership, partnership / "feed"])
        refresh_sources(scratch)
        return train([model_frame(load_sources(scratch))])
    finally:
        scratch.close()


def _use(store: Store, model: TrainedModel) -> None:
    use_model(store, model.settings_json, "store")


def _people(store: Store) -> dict[str, str]:
    return {
        str(k): str(p) for k, p in store.query("SELECT key, ws_person_id FROM ws_source_person")
    }


def _scores(store: Store, folder: Path) -> tuple[float, float]:
    truth, _ = read_truth(folder)
    groups: dict[str, list[str]] = defaultdict(list)
    true_groups: dict[str, list[str]] = defaultdict(list)
    for key, person in _people(store).items():
        groups[person].append(key)
        true_groups[truth[key]].append(key)
    precision, recall, _, _ = pair_scores(
        pairs_within(groups.values()), pairs_within(true_groups.values())
    )
    return precision, recall


def test_linking_finds_the_right_people(
    store: Store, partnership: Path, trained: TrainedModel
) -> None:
    ingest_paths(store, [partnership])
    _use(store, trained)
    summary = link_all(store, thresholds=THRESHOLDS)
    assert not summary.trained
    precision, recall = _scores(store, partnership)
    assert precision >= 0.999
    assert recall >= 0.95
    truth, persons = read_truth(partnership)
    people = _people(store)
    for key, person in people.items():
        twin = persons[truth[key]]["twin_of"]
        twin_keys = [k for k in people if truth[k] == twin]
        assert all(people[k] != person for k in twin_keys), "twins merged"
    assert len(review_queue(store)) < 0.01 * len(set(truth.values())) + 3


def test_relinking_keeps_every_id(store: Store, partnership: Path, trained: TrainedModel) -> None:
    ingest_paths(store, [partnership])
    _use(store, trained)
    link_all(store, thresholds=THRESHOLDS)
    before = _people(store)
    again = link_all(store, thresholds=THRESHOLDS)
    assert _people(store) == before
    assert (again.merges, again.splits, again.new_people) == (0, 0, 0)


def test_a_daily_feed_is_linked_without_retraining(
    store: Store, partnership: Path, trained: TrainedModel
) -> None:
    ingest_paths(store, [partnership])
    _use(store, trained)
    link_all(store, thresholds=THRESHOLDS)
    before = _people(store)
    since = now_iso()
    ingest_paths(store, [partnership / "feed"])
    summary = link_new(store, since=since, thresholds=THRESHOLDS)
    assert summary is not None and summary.kind == "incremental"
    assert store.scalar("SELECT COUNT(*) FROM ws_link_model") == 1
    after = _people(store)
    school = [k for k in after if k.startswith("SCHOOL:")]
    assert school and all(after[k] for k in school)
    assert all(after[k] == before[k] for k in before), "existing people kept their ids"
    truth, _ = read_truth(partnership)
    joined = [k for k in school if after[k] in set(before.values())]
    assert len(joined) >= 0.9 * len(school)
    for key in joined:
        mates = [k for k, p in before.items() if p == after[key]]
        assert all(truth[m] == truth[key] for m in mates)
    # the feed's household links, updated on their own, are what a full rebuild makes
    condition, params = store.keys_in("key_a", school)
    sql = (
        "SELECT key_a, key_b, basis, detail, first_date, last_date FROM ws_household_link "
        f"WHERE {condition} OR {condition.replace('key_a', 'key_b')} ORDER BY 1, 2, 3, 4"
    )
    updated = store.query(sql, [*params, *params])
    assert updated
    rebuild_household_links(store)
    assert store.query(sql, [*params, *params]) == updated


def test_a_small_store_links_its_first_feed_at_once(store: Store, partnership: Path) -> None:
    """The first records of a rapid review are linked as they arrive, by a model that
    starts from the shipped one, not after someone runs `wholestory link`."""
    ingest_paths(store, [partnership / "feed"])
    summary = link_new(store, since="")
    assert summary is not None
    origin = store.scalar("SELECT origin FROM ws_link_model ORDER BY id DESC LIMIT 1")
    # A school's file alone holds no NHS numbers to train on: the shipped model links it.
    assert (origin, summary.trained) == ("default", False)
    assert any("could not be trained on" in note for note in summary.notes)
    assert store.scalar("SELECT COUNT(*) FROM ws_source_person WHERE ws_person_id IS NULL") == 0


def test_no_model_means_no_incremental_linking_in_a_store_big_enough_to_train(
    store: Store, partnership: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A partnership-sized store trains its own model first (`wholestory link`)."""
    monkeypatch.setattr(default_model, "TF_FROM", 50)
    ingest_paths(store, [partnership / "feed"])
    assert link_new(store, since="") is None


def _linked_pair(store: Store) -> tuple[str, str, str]:
    rows = store.query(
        "SELECT ws_person_id, MIN(key), MAX(key) FROM ws_source_person "
        "GROUP BY ws_person_id HAVING COUNT(*) = 2 ORDER BY ws_person_id LIMIT 1"
    )
    person, a, b = rows[0]
    return str(person), str(a), str(b)


def test_different_is_never_overridden(
    store: Store, partnership: Path, trained: TrainedModel
) -> None:
    ingest_paths(store, [partnership])
    _use(store, trained)
    link_all(store, thresholds=THRESHOLDS)
    person, a, b = _linked_pair(store)
    summary = decide(store, a, b, "different", "checked with the school: two children", "tester")
    assert summary.splits == 1
    people = _people(store)
    assert people[a] != people[b]
    assert person in (people[a], people[b])
    link_all(store, thresholds=THRESHOLDS)
    people = _people(store)
    assert people[a] != people[b]
    events = store.query("SELECT kind, reason FROM ws_person_event WHERE kind = 'split'")
    assert any("decided" in str(reason) for _, reason in events)


def test_same_is_never_split_and_old_ids_lead_to_the_merged_person(
    store: Store, partnership: Path, trained: TrainedModel
) -> None:
    ingest_paths(store, [partnership])
    _use(store, trained)
    link_all(store, thresholds=THRESHOLDS)
    people = _people(store)
    alone = store.query(
        "SELECT key, agency FROM ws_source_person WHERE linked_by = 'alone' "
        "AND nhs_number IS NULL ORDER BY key"
    )
    a = str(alone[0][0])
    b = next(str(k) for k, agency in alone if agency != alone[0][1])
    old_a, old_b = people[a], people[b]
    assert old_a != old_b
    summary = decide(store, a, b, "same", "confirmed by the social worker", "tester")
    assert summary.merges == 1
    link_all(store, thresholds=THRESHOLDS)
    people = _people(store)
    assert people[a] == people[b]
    survivor = people[a]
    gone = old_b if survivor == old_a else old_a
    assert current_id(store, gone) == survivor
    view = view_person(store, gone)
    assert view is not None and view.id == survivor
    assert any(link.made_by == "person" for link in view.links)
    assert any(event["kind"] in ("merged", "merged_into") for event in view.history)


def test_decisions_need_a_reason_and_known_records(store: Store, partnership: Path) -> None:
    from wholestory.identity import LinkError

    ingest_paths(store, [partnership / "feed"])
    refresh_sources(store)
    keys = sorted(_people(store))
    with pytest.raises(LinkError, match="reason"):
        decide(store, keys[0], keys[1], "same", "  ", "tester")
    with pytest.raises(LinkError, match="No person"):
        decide(store, keys[0], "SCHOOL:NOPE", "same", "why", "tester")
    with pytest.raises(LinkError, match="same' or 'different"):
        decide(store, keys[0], keys[1], "maybe", "why", "tester")


def test_person_index_commands(
    store_env: Store, partnership: Path, trained: TrainedModel, tmp_path: Path
) -> None:
    assert runner.invoke(app, ["ingest", str(partnership), "--json"]).exit_code == 0
    _use(store_env, trained)
    done = runner.invoke(app, ["link", "--json"])
    assert done.exit_code == 0, done.output
    counts = json.loads(done.output)
    assert counts["people"] > 0 and counts["source_persons"] > counts["people"]

    key = str(store_env.scalar("SELECT MIN(key) FROM ws_source_person WHERE agency = 'GP'"))
    agency, person_id = key.split(":", 1)
    shown = runner.invoke(app, ["person", agency, person_id, "--json"])
    assert shown.exit_code == 0, shown.output
    person = json.loads(shown.output)
    assert person["id"].startswith("WS-")
    assert any(
        s["agency"] == agency and s["person_id"] == person_id for s in person["source_records"]
    )
    words = runner.invoke(app, ["person", person["id"]])
    assert words.exit_code == 0 and person["id"] in words.output

    out = tmp_path / "people.csv"
    assert runner.invoke(app, ["people", "export", "--out", str(out)]).exit_code == 0
    with out.open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == counts["source_persons"]
    assert {"ws_person_id", "agency", "person_id"} <= set(rows[0])

    queue = json.loads(runner.invoke(app, ["review", "--json"]).output)
    assert queue["total"] == len(queue["pairs"])

    fed = runner.invoke(app, ["ingest", str(partnership / "feed"), "--json"])
    assert fed.exit_code == 0, fed.output
    assert json.loads(fed.output)["linking"]["kind"] == "incremental"

    alone = [
        str(k)
        for (k,) in store_env.query(
            "SELECT key FROM ws_source_person WHERE linked_by = 'alone' AND nhs_number IS NULL "
            "ORDER BY key LIMIT 2"
        )
    ]
    typed = alone[0].split(":", 1)[0].lower() + ":" + alone[0].split(":", 1)[1]
    decided = runner.invoke(
        app,
        ["review", "decide", typed, alone[1], "same", "--reason", "confirmed", "--by", "a.tester"],
    )
    assert decided.exit_code == 0, decided.output
    assert "Recorded" in decided.output and "1 merge" in decided.output
    shown = json.loads(runner.invoke(app, ["person", *alone[0].split(":", 1), "--json"]).output)
    links = [link for link in shown["links"] if link["made_by"] == "person"]
    assert links and links[0]["decided_by"] == "a.tester"
    refused = runner.invoke(app, ["review", "decide", *alone, "perhaps", "--reason", "x"])
    assert refused.exit_code == 2 and "same' or 'different" in refused.output

    half = runner.invoke(app, ["person", "GP"])
    assert half.exit_code == 2 and "agency's own id" in half.output

    missing = runner.invoke(app, ["person", "GP", "NOBODY"])
    assert missing.exit_code == 2 and "not a linked person" in missing.output


def test_a_changed_person_is_scored_again_and_keeps_their_id(
    store: Store, partnership: Path, trained: TrainedModel, tmp_path: Path
) -> None:
    ingest_paths(store, [partnership])
    _use(store, trained)
    link_all(store, thresholds=THRESHOLDS)
    key, given, family, dob, person = store.query(
        "SELECT key, given_name, family_name, date_of_birth, ws_person_id FROM ws_source_person "
        "WHERE agency = 'GP' AND date_of_birth IS NOT NULL ORDER BY key LIMIT 1"
    )[0]
    agency, person_id = str(key).split(":", 1)
    moved = event_row(
        1,
        agency=agency,
        record_id="GP-MOVE-1",
        person_id=person_id,
        given_name=given,
        family_name=family,
        date_of_birth=dob,
        nhs_number="",
        postcode="XW9 9ZZ",
        address="1 New Street, Elsewhere",
        event_date="2026-10-01",
        event_type="",
        summary="Registered at a new address",
    )
    since = now_iso()
    ingest_paths(store, [write_csv(tmp_path / "gp-feed.csv", [moved])])
    summary = link_new(store, since=since, thresholds=THRESHOLDS)
    assert summary is not None and summary.source_persons == 1
    assert summary.scored > 0, "the changed person was scored again"
    assert _people(store)[str(key)] == person
    address = store.scalar("SELECT address FROM ws_source_person WHERE key = ?", [key])
    assert address == "1 New Street, Elsewhere"


def test_one_person_keeps_their_id_from_run_to_run(store: Store, tmp_path: Path) -> None:
    ingest_paths(store, [write_csv(tmp_path / "police.csv", [event_row(1)])])
    first = link_all(store, thresholds=THRESHOLDS)
    assert first.notes and first.new_people == 1
    people = _people(store)
    again = link_all(store, thresholds=THRESHOLDS)
    assert _people(store) == people
    assert again.new_people == 0
