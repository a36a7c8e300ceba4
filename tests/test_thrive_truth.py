"""THRIVE against planted truth (issue 16, "what it must show"): unmet need matches the
ground truth of a synthetic partnership, and the suggested groupings agree with the
planted true groupings at a rate docs/thrive.md reports.

Both generators plant THRIVE stories (``wholestory.synth.thrive``, and the cross-check's
own ``wholestory.crosscheck.thrive``) on random streams of their own: the first tests
show that every other file is the same with or without them, so no other ground truth
moves. The slow ones load a small partnership from each generator into SQLite only
(loading, linking and building chronologies is most of their time; a PostgreSQL variant
would double it and the readings under test are the same SQL run by the same code), set
aside the children linking did not make whole, and compare.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from thrive_truth_support import (
    Linked,
    agreement,
    camhs_days,
    compare_unmet,
    linked,
    load,
    rows,
    truth_reasons,
)
from wholestory.crosscheck import make_partnership
from wholestory.store import Store, open_store, resolve_url
from wholestory.synth import AS_OF, generate
from wholestory.thrive.vocabulary import GROUPINGS

END = dt.date(2025, 6, 30)  # the cross-check's last day
#: The files the THRIVE planting writes; every other file is the same without it.
THRIVE_FILES = {
    "thrive.csv", "current_view.csv", "mh_thrive.csv", "mh_current_view.csv",
    "ground_truth/thrive_groupings.csv", "ground_truth/thrive_unmet_need.csv",
    "ground_truth/camhs_waits.csv", "manifest.json",
}  # fmt: skip
#: The agreement rate's floor: measured at 300 synth children (seed 5) and 150 cross-check
#: families (seed 12), see docs/thrive.md; the floor sits well below both, so that it
#: catches a suggestion engine or a planting gone wrong, not a few children's noise.
AGREEMENT_FLOOR = 0.75


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _made(tmp: pytest.TempPathFactory, name: str) -> tuple[Path, Path]:
    made, bare = tmp.mktemp(name), tmp.mktemp(f"{name}-bare")
    if name == "synth":
        generate(300, 5, made, force=True)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("wholestory.synth.thrive.plant", lambda *args: ([], [], []))
            generate(300, 5, bare, force=True)
    else:
        make_partnership(made, 150, 12, end=END, force=True)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("wholestory.crosscheck.thrive.ThriveFiles.family", lambda *a: None)
            make_partnership(bare, 150, 12, end=END, force=True)
    return made, bare


@pytest.fixture(scope="module")
def pairs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """Each generator's partnership, and the same one made without its THRIVE planting."""
    return {name: _made(tmp_path_factory, name) for name in ("synth", "crosscheck")}


@pytest.fixture(scope="module")
def loaded(
    pairs: dict[str, tuple[Path, Path]],
    sqlite_template: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, tuple[Store, Path, Linked]]]:
    """Each partnership loaded, linked and built in a SQLite store of its own."""
    stores: dict[str, tuple[Store, Path, Linked]] = {}
    for name, (folder, _) in pairs.items():
        path = tmp_path_factory.mktemp(f"{name}-db") / "store.sqlite3"
        shutil.copy(sqlite_template, path)
        store = open_store(resolve_url(f"sqlite:///{path}"))
        load(store, folder)
        stores[name] = (store, folder, linked(store, folder))
    yield stores
    for store, _, _ in stores.values():
        store.close()


# --- the planting -------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name", ["synth", "crosscheck"])
def test_the_planting_changes_no_other_file(name: str, pairs: dict[str, tuple[Path, Path]]) -> None:
    made, bare = (_files(p) for p in pairs[name])
    assert {n for n in made if made.get(n) != bare.get(n)} <= THRIVE_FILES
    assert set(bare) <= set(made)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["synth", "crosscheck"])
def test_each_planted_child_has_a_view_a_grouping_and_a_truth(
    name: str, pairs: dict[str, tuple[Path, Path]]
) -> None:
    folder = pairs[name][0]
    prefix = "" if name == "synth" else "mh_"
    views, groupings = (rows(folder / f"{prefix}{t}.csv") for t in ("current_view", "thrive"))
    truth = rows(folder / "ground_truth/thrive_groupings.csv")
    assert len(views) == len(groupings) == len(truth) > 30
    for view, grouping, true in zip(views, groupings, truth, strict=True):
        assert view["person_id"] == grouping["person_id"] == true["person_id"]
        assert view["recorded_on"] == grouping["recorded_on"] == true["recorded_on"]
    chosen = sum(t["true_grouping"] == t["recorded_grouping"] for t in truth) / len(truth)
    assert 0.6 < chosen < 0.95  # mostly the true grouping, sometimes not
    assert len({t["true_grouping"] for t in truth}) >= 4


@pytest.mark.slow
@pytest.mark.parametrize("name", ["synth", "crosscheck"])
def test_unmet_need_is_planted_with_its_near_misses(
    name: str, pairs: dict[str, tuple[Path, Path]]
) -> None:
    """Children with a Severe problem and no help are planted; so are Severe problems with
    help (at CAMHS's first contact), which unmet need must not count."""
    folder = pairs[name][0]
    unmet = {r["child"]: r["reasons"] for r in rows(folder / "ground_truth/thrive_unmet_need.csv")}
    assert any("current_view_severe" in r for r in unmet.values())
    prefix = "" if name == "synth" else "mh_"
    views = rows(folder / f"{prefix}current_view.csv")
    severe = [v for v in views if any(x.lower() == "severe" for x in v.values())]
    truth = {(t["agency"], t["person_id"]): t["child"]
             for t in rows(folder / "ground_truth/thrive_groupings.csv")}  # fmt: skip
    helped = [v for v in severe if truth[(v["agency"], v["person_id"])] not in unmet]
    assert severe and len(helped) < len(severe)
    waits = rows(folder / "ground_truth/camhs_waits.csv")
    assert waits and all(int(w["days"]) >= 0 for w in waits)


# --- against the store --------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name", ["synth", "crosscheck"])
def test_every_planted_record_arrives(
    name: str, loaded: dict[str, tuple[Store, Path, Linked]]
) -> None:
    store, folder, who = loaded[name]
    planted = len(rows(folder / "ground_truth/thrive_groupings.csv"))
    kept = [store.query(f"SELECT count(*) FROM {t}")[0][0]
            for t in ("ws_thrive_current_view", "ws_thrive_grouping")]  # fmt: skip
    assert kept == [planted, planted]
    assert len(who.set_aside) <= 10


@pytest.mark.slow
@pytest.mark.parametrize("name", ["synth", "crosscheck"])
def test_the_suggestions_agree_with_the_planted_truth(
    name: str, loaded: dict[str, tuple[Store, Path, Linked]]
) -> None:
    """The rate is counted child by child from the suggestions, never a constant: every
    whole child with a planted Current View is counted once, in the cell of its true and
    suggested grouping."""
    store, folder, who = loaded[name]
    as_of = AS_OF if name == "synth" else END
    found = agreement(store, folder, who, as_of)
    planted = Counter(
        r["true_grouping"] for r in rows(folder / "ground_truth/thrive_groupings.csv")
    )
    assert found.children + found.set_aside == sum(planted.values())
    for grouping in GROUPINGS:
        assert found.rate_of(grouping)[1] <= planted[grouping]
    assert found.rate >= AGREEMENT_FLOOR, found.markdown()


@pytest.mark.slow
@pytest.mark.parametrize("name", ["synth", "crosscheck"])
def test_each_planted_camhs_wait_arrives_as_written(
    name: str, loaded: dict[str, tuple[Store, Path, Linked]]
) -> None:
    """Each wait the truth names (days written whole) is in the store: the referral and the
    first contact on their days, and no CAMHS contact of the child's in between."""
    store, folder, who = loaded[name]
    checked = 0
    for wait in rows(folder / "ground_truth/camhs_waits.csv"):
        person = who.person_of.get(wait["child"])
        if person is None or wait["exact"] != "1":
            continue
        days = camhs_days(store, person)
        referred, first = wait["referred_on"], wait["first_contact_on"]
        assert referred in days["CAMHS_REFERRAL"] and first in days["MENTAL_HEALTH_CONTACT"]
        assert not [d for d in days["MENTAL_HEALTH_CONTACT"] if referred <= d < first], wait
        assert (dt.date.fromisoformat(first) - dt.date.fromisoformat(referred)).days == int(
            wait["days"]
        )
        checked += 1
    assert checked >= 3


@pytest.mark.slow
@pytest.mark.parametrize("name", ["synth", "crosscheck"])
def test_unmet_need_matches_the_planted_truth(
    name: str, loaded: dict[str, tuple[Store, Path, Linked]]
) -> None:
    """Every whole child in unmet need by the truth is found, with the same reasons, and
    no other child is (but for four or more adversities alone, which the truth files do
    not count: those are counted, not compared)."""
    from wholestory.thrive import population_need as population

    store, folder, who = loaded[name]
    as_of = AS_OF if name == "synth" else END
    found = {
        str(u.ws_person_id): truth_reasons(u.codes) for u in population.unmet_need(store, as_of)
    }
    truth = {
        r["child"]: frozenset(r["reasons"].split(";"))
        for r in rows(folder / "ground_truth/thrive_unmet_need.csv")
    }
    compared = compare_unmet(found, truth, who)
    assert compared.agreed >= 1  # 300 children plant few: docs/thrive.md gives the counts
    assert (compared.missing, compared.extra, compared.differing) == ([], [], [])
