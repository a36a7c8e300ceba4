"""One messy file must not flood the review queue (issue 11, M7).

A set of many records sharing a name, date of birth and address is not scored
pair by pair: it waits as one item, "2,000 records look alike: check this
file". The queue is paged in the database.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from typer.testing import CliRunner

from factories import event_row, write_csv
from web_support import PASSWORD, open_test_store, serving, totp_code
from wholestory.cli.main import app
from wholestory.identity import (
    LOOKALIKE_LIMIT,
    find_lookalikes,
    link_all,
    lookalike_sets,
    review_count,
    review_item,
    review_queue,
)
from wholestory.ingest import ingest_paths
from wholestory.store import Store, open_store, resolve_url

runner = CliRunner()


def _messy_file(folder: Path, copies: int, name: str = "messy.csv") -> Path:
    """``copies`` rows of one name, date of birth and address, each a different agency id,
    and a few ordinary people besides."""
    same = {"given_name": "Jo", "family_name": "Bloggs", "date_of_birth": "2015-05-05"}
    rows = [
        event_row(
            n,
            agency="SCHOOL",
            person_id=f"S{n:05d}",
            nhs_number="",
            address="1 Placeholder Road",
            postcode="ZZ1 1ZZ",
            **same,
        )
        for n in range(copies)
    ]
    for n, given in enumerate(("Amira", "Ben", "Cleo", "Dev", "Ela", "Finn"), start=copies):
        rows.append(
            event_row(
                n,
                agency="SCHOOL",
                person_id=f"S{n:05d}",
                given_name=given,
                family_name="Other",
                date_of_birth=f"2013-0{n % 9 + 1}-11",
                nhs_number="",
                address=f"{n} Real Street",
            )
        )
    return write_csv(folder / name, rows)


def _pairs_within(store: Store, keys: set[str]) -> int:
    rows = store.query("SELECT key_l, key_r FROM ws_link_pair")
    return sum(1 for a, b in rows if a in keys and b in keys)


def _bloggs(store: Store) -> set[str]:
    """The keys of the look-alike records of :func:`_messy_file`."""
    rows = store.query("SELECT key FROM ws_source_person WHERE family_name = 'Bloggs'")
    return {str(k) for (k,) in rows}


def test_a_set_just_over_the_limit_is_not_scored_pair_by_pair(store: Store, tmp_path: Path) -> None:
    copies = LOOKALIKE_LIMIT + 10
    ingest_paths(store, [_messy_file(tmp_path, copies)])
    summary = link_all(store)
    assert _pairs_within(store, _bloggs(store)) == 0  # scored, they made 1,770 pairs
    alike = {str(k) for (k,) in store.query("SELECT key FROM ws_lookalike")}
    assert alike == _bloggs(store)
    assert any("look-alike set" in note for note in summary.notes)
    # Each stays their own person: none is linked to another by the machine.
    people = store.query(
        "SELECT COUNT(DISTINCT ws_person_id), COUNT(*) FROM ws_source_person "
        "WHERE family_name = 'Bloggs'"
    )
    assert people[0] == (copies, copies)
    (found,) = lookalike_sets(store)
    assert found.records == copies and found.agencies == ("SCHOOL",)
    assert found.headline == f"{copies} records look alike: check this file"
    assert [Path(f).name for f in found.files] == ["messy.csv"]
    assert (found.given_name, found.date_of_birth) == ("Jo", "2015-05-05")


def _frame(copies: int, address: str | None = "1 placeholder road") -> pl.DataFrame:
    """A model frame's shared columns: ``copies`` records alike, and one other."""
    alike = [
        {"unique_id": f"A:{n}", "given": "jo", "family": "bloggs", "dob": "2015-05-05"}
        for n in range(copies)
    ]
    other = {"unique_id": "B:1", "given": "amira", "family": "bloggs", "dob": "2015-05-05"}
    return pl.DataFrame([*alike, other]).with_columns(address=pl.lit(address))


def test_more_than_the_limit_look_alike_and_the_limit_itself_does_not() -> None:
    assert find_lookalikes(_frame(LOOKALIKE_LIMIT)).is_empty()
    found = find_lookalikes(_frame(LOOKALIKE_LIMIT + 1))
    assert found.height == LOOKALIKE_LIMIT + 1 and found["set_id"].n_unique() == 1
    assert "B:1" not in found["key"].to_list()
    assert found["set_id"][0] == find_lookalikes(_frame(LOOKALIKE_LIMIT + 5))["set_id"][0]
    # No address is one shared "no address": the blocking rules flood just the same.
    assert find_lookalikes(_frame(LOOKALIKE_LIMIT + 1, None)).height == LOOKALIKE_LIMIT + 1


def test_a_small_set_is_still_scored(store: Store, tmp_path: Path) -> None:
    ingest_paths(store, [_messy_file(tmp_path, 12)])
    link_all(store)
    assert lookalike_sets(store) == []
    assert _pairs_within(store, _bloggs(store)) > 0


def test_two_thousand_look_alikes_are_one_item_and_review_limit_1_works(
    store_env: Store, tmp_path: Path
) -> None:
    """The issue's file: 2,000 rows made 2,051,327 waiting pairs; now one item."""
    messy = _messy_file(tmp_path, 2000)
    assert runner.invoke(app, ["ingest", str(messy), "--no-link", "--json"]).exit_code == 0
    linked = runner.invoke(app, ["link", "--json"])
    assert linked.exit_code == 0, linked.output
    assert store_env.scalar("SELECT COUNT(*) FROM ws_link_pair") < 50
    assert store_env.scalar("SELECT COUNT(*) FROM ws_lookalike") == 2000

    shown = runner.invoke(app, ["review", "--limit", "1"])
    assert shown.exit_code == 0, shown.output
    assert "2,000 records look alike: check this file" in shown.output
    unwrapped = "".join(shown.output.split())  # the console folds a long file path
    assert "messy.csv" in unwrapped and "SCHOOL" in unwrapped

    queue = json.loads(runner.invoke(app, ["review", "--json"]).output)
    assert [s["records"] for s in queue["lookalikes"]] == [2000]
    assert queue["total"] == len(queue["pairs"]) == review_count(store_env)


def _source(store: Store, key: str, person: str) -> None:
    agency, person_id = key.split(":")
    store.execute(
        "INSERT INTO ws_source_person (key, agency, person_id, given_name, family_name, names, "
        "details_hash, ws_person_id) VALUES (?, ?, ?, 'Sam', 'Test', '{}', 'h', ?)",
        [key, agency, person_id, person],
    )


def _waiting(store: Store, key_l: str, key_r: str, probability: float) -> None:
    store.execute(
        "INSERT INTO ws_link_pair (key_l, key_r, match_weight, match_probability, evidence, "
        "state, note, model_id, scored_at) VALUES (?, ?, 1.0, ?, '{}', 'review', NULL, NULL, ?)",
        [key_l, key_r, probability, "2025-01-01 00:00:00+00:00"],
    )


def test_the_queue_is_paged_in_the_database(store: Store) -> None:
    """Pages of the queue are what the whole queue would give, cut in the database."""
    for n in range(7):
        _source(store, f"GP:{n}", f"WS-{n}")
        _source(store, f"POLICE:{n}", f"WS-P{n}")
    _source(store, "GP:7", "WS-0")  # a second record of the person WS-0
    for n in range(7):
        _waiting(store, f"GP:{n}", f"POLICE:{n}", 0.5 + n / 100)
    _waiting(store, "GP:7", "POLICE:0", 0.4)  # the same two people again: one item
    _waiting(store, "GP:1", "GP:2", 0.45)  # no police record in it
    everything = review_queue(store)
    assert [i["a"] for i in everything[:7]] == [f"GP:{n}" for n in range(6, -1, -1)]
    assert everything[6]["record_pairs"] == 2 and len(everything) == 8
    assert review_count(store) == 8
    assert review_queue(store, limit=3, offset=2) == everything[2:5]
    assert review_queue(store, limit=3, offset=7) == everything[7:]
    police = review_queue(store, agency="POLICE")
    assert police == [i for i in everything if "POLICE:" in i["a"] + i["b"]]
    assert review_count(store, agency="POLICE") == 7
    # The page of one pair finds its item in the database, either way round.
    assert review_item(store, "POLICE:3", "GP:3") == everything[3]
    assert review_item(store, "GP:7", "POLICE:0") is None  # not the strongest of its two people
    # A record in a look-alike set waits with its set, not in a pair.
    store.execute("INSERT INTO ws_lookalike (key, set_id) VALUES ('POLICE:6', 'x')")
    assert [i["a"] for i in review_queue(store, limit=1)] == ["GP:5"]


# -- the review page ----------------------------------------------------------------------


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def review_site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    """A store with 55 Police pairs waiting and a Police look-alike set, served; no partnership."""
    folder = tmp_path_factory.mktemp("lookalike-web")
    if request.param == "sqlite":  # a copy of the session's migrated file: quicker than migrating
        shutil.copy(request.getfixturevalue("sqlite_template"), folder / "store.sqlite3")
        store = open_store(resolve_url(f"sqlite:///{folder / 'store.sqlite3'}"))
    else:
        store = open_test_store(request.param, request, folder)
    for n in range(55):
        _source(store, f"GP:{n}", f"WS-G{n}")
        _source(store, f"POLICE:{n}", f"WS-P{n}")
        _waiting(store, f"GP:{n}", f"POLICE:{n}", 0.9 - n / 1000)
    for n in range(60):
        _source(store, f"POLICE:X{n}", f"WS-X{n}")
        store.execute("INSERT INTO ws_lookalike (key, set_id) VALUES (?, 'set1')", [f"POLICE:X{n}"])
    with serving(store.url):
        yield store
    store.close()


def _reviewer() -> Any:
    """A Police user who may review, signed in (the role that has the review queue)."""
    from django.test import Client

    from wholestory.access import CAPABILITIES, TWO_FACTOR_REQUIRED
    from wholestory.web.accounts.users import add_totp, add_user

    role = sorted(CAPABILITIES["link_review"][1])[0]
    user = add_user("rob.review", "POLICE", role, PASSWORD, check_password=False)
    if role in TWO_FACTOR_REQUIRED:
        add_totp(user)
    client = Client()
    signed = client.post("/login", {"username": "rob.review", "password": PASSWORD})
    assert signed.status_code == 302
    if role in TWO_FACTOR_REQUIRED:
        assert client.post("/two-factor", {"code": totp_code("rob.review")}).status_code == 302
    return client


def _href(item: dict[str, Any]) -> str:
    a, b = (str(item[side]).replace(":", "%3A") for side in ("a", "b"))
    return f"/review/{a}/{b}"


def test_the_review_page_is_paged_and_shows_a_look_alike_set_as_one_item(
    review_site: Store,
) -> None:
    queue = review_queue(review_site)
    client = _reviewer()
    first = client.get("/review").content.decode()
    assert "60 records look alike: check this file" in first
    assert "55 pairs waiting" in first and "Showing 1 to 50" in first
    assert [i for i in queue if _href(i) in first] == queue[:50]
    second = client.get("/review?page=2").content.decode()
    assert [i for i in queue if _href(i) in second] == queue[50:]
    assert "60 records look alike" in second


def test_an_import_says_when_it_brought_a_look_alike_set(store_env: Store, tmp_path: Path) -> None:
    """Whoever runs the import hears of the set, not only whoever opens the review queue."""
    messy = _messy_file(tmp_path, LOOKALIKE_LIMIT + 1)
    done = runner.invoke(app, ["ingest", str(messy)])
    assert done.exit_code == 0, done.output
    assert f"{LOOKALIKE_LIMIT + 1} records in 1 look-alike set" in " ".join(done.output.split())
