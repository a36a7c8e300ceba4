"""A whole synthetic partnership goes in, every row accounted for, and again changes nothing."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from wholestory.chronology.stored import build_all, flagged_children, store_as_of
from wholestory.identity import LinkThresholds, link_all, refresh_sources
from wholestory.ingest import ingest_paths
from wholestory.store import Store
from wholestory.store.imports import list_quarantine
from wholestory.synth import AS_OF, generate


def planted_bad_rows(folder: Path) -> set[tuple[str, str]]:
    with (folder / "ground_truth" / "bad_rows.csv").open(encoding="utf-8") as handle:
        return {(row["agency"], row["record_id"]) for row in csv.DictReader(handle)}


def quarantined_keys(store: Store) -> set[tuple[str, str]]:
    return {(e.raw["agency"], e.raw["record_id"]) for e in list_quarantine(store)}


def check_partnership(store: Store, folder: Path) -> None:
    first = ingest_paths(store, [folder])
    totals = first.totals()
    assert not first.failed
    assert all(f.balanced() for f in first.files)
    assert totals["updated"] == totals["unchanged"] == 0
    assert quarantined_keys(store) == planted_bad_rows(folder)
    assert totals["quarantined"] == len(planted_bad_rows(folder))
    events = sum(f.read for f in first.files if f.kind == "events")
    assert store.scalar("SELECT COUNT(*) FROM ws_record") == events - totals["quarantined"]

    again = ingest_paths(store, [folder]).totals()
    assert (again["inserted"], again["updated"]) == (0, 0)
    assert again["unchanged"] == totals["inserted"]
    assert again["quarantined"] == totals["quarantined"]


def check_confidential(store: Store, folder: Path) -> int:
    """No refuge an agency marked is in a record or a person's details; how many there are.

    The generator plants refuges (ground_truth/confidential_addresses.csv); agencies
    that know (police, the DA service, social care) mark them where they record the
    address, and a school or a GP records the family there unmarked: the store hides
    those as well. A refuge no agency marked cannot be known, and is not counted.
    """
    with (folder / "ground_truth" / "confidential_addresses.csv").open(encoding="utf-8") as f:
        planted = {r["postcode"]: r["address"] for r in csv.DictReader(f)}
    marked = set()
    for path in folder.glob("*.csv"):
        with path.open(encoding="utf-8") as f:
            marked |= {r["postcode"] for r in csv.DictReader(f) if r.get("address_confidential")}
    refuges = [(p, a) for p, a in planted.items() if p in marked]
    for postcode, address in refuges:
        for table in ("ws_record", "ws_source_person"):
            # The synthetic world reuses an address's words under other postcodes, as
            # real places do: without a postcode the address alone is the place.
            found = store.scalar(
                f"SELECT COUNT(*) FROM {table} "
                "WHERE postcode = ? OR (address = ? AND postcode IS NULL)",
                [postcode, address],
            )
            assert found == 0, (table, postcode, address)
        kept = store.scalar("SELECT COUNT(*) FROM ws_confidential_address WHERE postcode = ?",
                            [postcode])  # fmt: skip
        assert kept, postcode  # the recording agencies can still read it
    return len(refuges)


def check_dash(store: Store, folder: Path) -> int:
    """Every police checklist is kept, scored as its Dash record's free text says."""
    with (folder / "police_dash.csv").open(encoding="utf-8") as f:
        sent = {r["record_id"]: r for r in csv.DictReader(f)}
    kept = dict(store.query("SELECT record_id, score FROM ws_dash WHERE agency = 'POLICE'"))
    assert set(kept) == set(sent)
    said = dict(store.query(
        "SELECT record_id, summary FROM ws_record WHERE agency = 'POLICE' AND "
        "event_type = 'DASH_ASSESSMENT'"))  # fmt: skip
    for record_id, score in kept.items():
        assert f"{score} of 27 questions answered yes" in said[record_id], record_id
        assert sum(sent[record_id][f"q{q}"] == "Y" for q in range(1, 28)) == score
    return len(kept)


def check_needs(store: Store, folder: Path) -> int:
    """Every need the agencies sent is kept, of the true person the ground truth names."""
    with (folder / "ground_truth" / "needs.csv").open(encoding="utf-8") as f:
        truth = {
            (r["agency"], r["record_id"]): (r["true_id"], r["need"]) for r in csv.DictReader(f)
        }
    with (folder / "ground_truth" / "people.csv").open(encoding="utf-8") as f:
        who = {(r["agency"], r["person_id"]): r["true_id"] for r in csv.DictReader(f)}
    kept = store.query("SELECT agency, record_id, person_id, need FROM ws_need")
    assert {(str(a), str(r)) for a, r, _, _ in kept} == set(truth)
    for agency, record_id, person_id, need in kept:
        assert truth[(agency, record_id)] == (who[(agency, person_id)], need)
    return len(kept)


def test_small_partnership_round_trip(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "partnership"
    generate(300, 11, folder)
    check_partnership(store, folder)
    check_confidential(store, folder)
    assert check_dash(store, folder) > 10
    assert check_needs(store, folder) > 10


@pytest.mark.slow
def test_ten_thousand_children_every_row_accounted_for(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "partnership"
    generate(10_000, 3, folder)
    check_partnership(store, folder)
    refresh_sources(store)
    assert check_confidential(store, folder) > 10  # about 0.3 a 100 children
    assert check_dash(store, folder) > 500
    assert check_needs(store, folder) > 500


def test_a_live_partnership_has_flagged_children_with_and_without_an_open_plan(
    store: Store, tmp_path: Path
) -> None:
    """Plans still open on the as-of date reach the flags list, which can put the
    children with no open plan first (the dashboard: who may be slipping through)."""
    folder = tmp_path / "partnership"
    generate(400, 11, folder)
    ingest_paths(store, [folder])
    link_all(store, retrain=True, thresholds=LinkThresholds())
    built = build_all(store)
    assert built.as_of == AS_OF.isoformat() == store_as_of(store).isoformat()

    children = flagged_children(store, open_plan_first=True)
    with_plan = [c for c in children if c["open_plan"]]
    without = [c for c in children if not c["open_plan"]]
    assert with_plan and without
    assert children == without + with_plan  # no open plan first, each group in its own order
    assert {c["person"] for c in flagged_children(store)} == {c["person"] for c in children}
