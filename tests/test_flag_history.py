"""When a flag first appeared on a person: what "a new flag" is measured by (issue 14)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import TABLES
from wholestory.chronology.flag_history import flags_now
from wholestory.chronology.stored import build_all, rebuild_people
from wholestory.identity import LinkThresholds, link_all
from wholestory.ingest import ingest_paths
from wholestory.store import Store, open_store, resolve_url
from wholestory.synth import generate
from wholestory.web.bootstrap import ensure_schema


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def built(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    folder = tmp_path_factory.mktemp("flag-history")
    generate(120, 11, folder)
    if request.param == "sqlite":
        url = resolve_url(f"sqlite:///{tmp_path_factory.mktemp('fh') / 'store.sqlite3'}")
        ensure_schema(url)
        store = open_store(url)
    else:
        store = open_store(request.getfixturevalue("postgres_url"))
        store.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
    ingest_paths(store, [folder])
    link_all(store, retrain=True, thresholds=LinkThresholds())
    build_all(store)
    yield store
    store.close()


def _raised(store: Store) -> list[tuple[str, str]]:
    return [
        (str(p), str(c))
        for p, c in store.query("SELECT ws_person_id, code FROM ws_flag_raised ORDER BY 1, 2")
    ]


def test_a_rebuild_keeps_only_the_flags_that_were_not_there(built: Store) -> None:
    assert flags_now(built), "the partnership should have flags"
    assert _raised(built) == []  # the first build: every flag would be new, none is news
    person = str(built.scalar("SELECT ws_person_id FROM ws_flag ORDER BY ws_person_id LIMIT 1"))
    rebuild_people(built, [person])
    assert _raised(built) == []  # nothing changed, nothing new
    codes = sorted(c for p, c in flags_now(built, [person]))
    built.execute("DELETE FROM ws_flag WHERE ws_person_id = ? AND code = ?", [person, codes[0]])
    rebuild_people(built, [person])
    assert _raised(built) == [(person, codes[0])]
    severity = built.scalar("SELECT severity FROM ws_flag_raised")
    assert severity in {"high", "medium", "low"}
    built.execute("DELETE FROM ws_flag WHERE ws_person_id = ? AND code = ?", [person, codes[-1]])
    build_all(built)  # a whole rebuild of a built store keeps what is new too
    assert (person, codes[-1]) in _raised(built)
    built.execute("DELETE FROM ws_flag_raised")


def test_flags_now_reads_the_people_asked_for(built: Store, tmp_path: Path) -> None:
    person = str(built.scalar("SELECT ws_person_id FROM ws_flag ORDER BY ws_person_id LIMIT 1"))
    mine = flags_now(built, [person])
    assert mine and {p for p, _ in mine} == {person}
    assert flags_now(built, []) == set()
