"""A feed run (wholestory.feed): files in, new people linked, touched chronologies rebuilt.

The command line and the upload page both run feeds this way; here the run is checked
at the core, against what is known of the records put in.
"""

from __future__ import annotations

from pathlib import Path

from factories import event_row, write_csv
from wholestory.chronology.stored import build_all
from wholestory.feed import held_back, run_feed
from wholestory.identity import Thresholds, link_all
from wholestory.ingest import ingest_paths
from wholestory.store import Store
from wholestory.store.imports import FEED, UPLOAD, Arrival


def _child(n: int, agency: str, **values: str) -> dict[str, str]:
    return event_row(
        n,
        agency=agency,
        record_id=f"{agency}-R{n}",
        person_id=f"{agency}-P1",
        given_name="Keeley",
        family_name="Marchbank",
        date_of_birth="2014-06-11",
        nhs_number="9434765919" if agency != "HOUSING" else "",
        postcode="XW4 7QT",
        address="12 Lark Rise",
        event_id="",
        **values,
    )


def _known_child(store: Store, folder: Path) -> str:
    """A child the school and the GP know by their feeds, linked and built; their id."""
    rows = [_child(1, "SCHOOL"), _child(2, "SCHOOL"), _child(1, "GP")]
    ingest_paths(store, [write_csv(folder / "feeds.csv", rows)], arrival=Arrival(FEED, "cron"))
    link_all(store, thresholds=Thresholds())
    build_all(store)
    return str(
        store.scalar("SELECT ws_person_id FROM ws_source_person WHERE key = 'SCHOOL:SCHOOL-P1'")
    )


def test_a_feed_run_links_the_new_records_rebuilds_and_says_whom_to_tell(
    store: Store, tmp_path: Path
) -> None:
    child = _known_child(store, tmp_path)
    housing = write_csv(tmp_path / "housing.csv", [_child(1, "HOUSING")])
    run = run_feed(store, [housing], Arrival(UPLOAD, "dot", "HOUSING"), thresholds=Thresholds())
    assert run.result.totals()["inserted"] == 1 and run.changed
    assert run.linked is not None and run.linked.source_persons == 1
    assert (
        store.scalar("SELECT ws_person_id FROM ws_source_person WHERE key = 'HOUSING:HOUSING-P1'")
        == child
    )
    assert run.rebuilt == 1  # the child's chronology, now with Housing's record
    assert [(n.agency, n.person) for n in run.notices] == [("GP", child), ("SCHOOL", child)]
    assert "uploaded by hand by dot" in run.notices[0].message

    again = run_feed(store, [housing], Arrival(UPLOAD, "dot", "HOUSING"))
    assert not again.changed and again.result.totals()["unchanged"] == 1
    assert (again.linked, again.rebuilt, again.notices) == (None, 0, [])


def test_a_feed_run_asked_not_to_link_only_imports(store: Store, tmp_path: Path) -> None:
    _known_child(store, tmp_path)
    housing = write_csv(tmp_path / "housing.csv", [_child(1, "HOUSING")])
    run = run_feed(store, [housing], Arrival(FEED, "cron"), link=False)
    assert run.changed and (run.linked, run.rebuilt, run.notices) == (None, 0, [])
    assert (
        store.scalar("SELECT ws_person_id FROM ws_source_person WHERE key = 'HOUSING:HOUSING-P1'")
        is None
    )


def test_held_back_lists_the_rows_the_last_import_of_a_file_quarantined(
    store: Store, tmp_path: Path
) -> None:
    rows = [_child(1, "SCHOOL"), _child(2, "SCHOOL", event_date="not a date"), _child(3, "SCHOOL")]
    path = write_csv(tmp_path / "school.csv", rows)
    run = run_feed(store, [path], Arrival(FEED, "cron"), link=False)
    assert run.result.totals()["quarantined"] == 1
    count, listed = held_back(store, path)
    assert count == 1 and [r["row"] for r in listed] == [3]  # the header is row 1
    assert "event_date" in listed[0]["columns"]
    assert held_back(store, tmp_path / "never-imported.csv") == (0, [])
