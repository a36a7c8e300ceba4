"""One family's records alone in a store: linked right from the first, flagged at any age.

The family is written by hand (``family_case.py``), not by ``wholestory
synth``, so the linking is not measured only on the noise it was tuned to.
"""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest

from family_case import EXPECTED_FLAGS, TRUTH, write_family
from wholestory.chronology.stored import chronology_of
from wholestory.identity.linking import link_all, review_queue
from wholestory.ingest import ingest_paths
from wholestory.store import Store


def _pairs(groups: dict[str, list[str]]) -> set[tuple[str, str]]:
    return {pair for keys in groups.values() for pair in itertools.combinations(sorted(keys), 2)}


def _linked(store: Store, folder: Path) -> None:
    result = ingest_paths(store, [folder])
    assert not result.failed and result.totals()["quarantined"] == 0
    link_all(store)


def _jamie(store: Store) -> str:
    return str(store.scalar("SELECT ws_person_id FROM ws_source_person WHERE key = 'CSC:C200'"))


def test_every_true_link_is_made_automatically_and_no_false_one(
    store: Store, tmp_path: Path
) -> None:
    _linked(store, write_family(tmp_path / "family"))
    made: dict[str, list[str]] = {}
    for key, person in store.query("SELECT key, ws_person_id FROM ws_source_person"):
        made.setdefault(str(person), []).append(str(key))
    truth: dict[str, list[str]] = {}
    for key, who in TRUTH.items():
        truth.setdefault(who, []).append(key)
    assert set(made_keys := {k for keys in made.values() for k in keys}) == set(TRUTH)
    assert len(made_keys) == 33
    assert _pairs(made) - _pairs(truth) == set()  # no false link: no twins, no father and son
    assert _pairs(truth) - _pairs(made) == set()  # every true link, with nobody asked
    links = store.query("SELECT state FROM ws_link_pair WHERE state = 'auto'")
    assert links, "the links were made by the model, not by a person"
    assert store.scalar("SELECT COUNT(*) FROM ws_link_decision") == 0
    # Nothing a person would need to look at: the twins, the father and son, and the
    # other James Rowland are told apart by the records themselves.
    assert review_queue(store) == []


def test_the_shipped_model_links_a_store_of_one_family(store: Store, tmp_path: Path) -> None:
    _linked(store, write_family(tmp_path / "family"))
    assert store.scalar("SELECT origin FROM ws_link_model") == "default"
    assert store.scalar("SELECT COUNT(*) FROM ws_agency_setting WHERE agency = 'ED'") == 1


def test_the_father_and_the_twins_are_apart_with_their_reasons(
    store: Store, tmp_path: Path
) -> None:
    _linked(store, write_family(tmp_path / "family"))
    notes = {
        str(n)
        for (n,) in store.query("SELECT note FROM ws_link_pair WHERE state = 'apart'")
        if n is not None
    }
    assert any("a generation apart" in n for n in notes)
    assert all(
        TRUTH[str(a)] != TRUTH[str(b)]
        for a, b in store.query("SELECT key_l, key_r FROM ws_link_pair WHERE state = 'apart'")
    )


@pytest.mark.parametrize("years_after", [0, 6], ids=["family alone", "years after 18"])
def test_every_planted_flag_is_raised_at_any_age(
    store: Store, tmp_path: Path, years_after: int
) -> None:
    """The boy's story as a child stays, whether the store ends when he is 15 or 24.

    Moved six years back, his records end when he is 15 and the store runs
    on (a stranger's record a month ago) to when he is 24.
    """
    later = (dt.date.today() - dt.timedelta(days=30)).isoformat() if years_after else None
    folder = write_family(tmp_path / "family", years_earlier=years_after, later=later)
    _linked(store, folder)
    chronology = chronology_of(store, _jamie(store))
    if years_after:
        assert chronology.as_of.year - int(chronology.person.date_of_birth[:4]) >= 23
    flags = {f.code for f in chronology.flags}
    assert EXPECTED_FLAGS <= flags, f"missing: {sorted(EXPECTED_FLAGS - flags)}"
