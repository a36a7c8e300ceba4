"""A feed run (wholestory.feed): files in, new people linked, touched chronologies rebuilt.

The command line and the upload page both run feeds this way; here the run is checked
at the core, against what is known of the records put in.
"""

from __future__ import annotations

from pathlib import Path

from arrival_support import child_row, fed_child
from factories import write_csv
from wholestory.chronology.stored import build_all
from wholestory.feed import held_back, run_feed
from wholestory.identity import LinkThresholds
from wholestory.store import Store
from wholestory.store.imports import FEED, UPLOAD, Arrival


def _known_child(store: Store, folder: Path) -> str:
    """A child the school and the GP know by their feeds, linked and built; their id."""
    child = fed_child(store, folder)
    build_all(store)
    return child


def test_a_feed_run_links_the_new_records_rebuilds_and_says_whom_to_tell(
    store: Store, tmp_path: Path
) -> None:
    child = _known_child(store, tmp_path)
    housing = write_csv(tmp_path / "housing.csv", [child_row(1, "HOUSING")])
    run = run_feed(store, [housing], Arrival(UPLOAD, "dot", "HOUSING"), thresholds=LinkThresholds())
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
    housing = write_csv(tmp_path / "housing.csv", [child_row(1, "HOUSING")])
    run = run_feed(store, [housing], Arrival(FEED, "cron"), link=False)
    assert run.changed and (run.linked, run.rebuilt, run.notices) == (None, 0, [])
    assert (
        store.scalar("SELECT ws_person_id FROM ws_source_person WHERE key = 'HOUSING:HOUSING-P1'")
        is None
    )


def test_held_back_lists_the_rows_the_last_import_of_a_file_quarantined(
    store: Store, tmp_path: Path
) -> None:
    rows = [
        child_row(1, "SCHOOL"),
        child_row(2, "SCHOOL", event_date="not a date"),
        child_row(3, "SCHOOL"),
    ]
    path = write_csv(tmp_path / "school.csv", rows)
    run = run_feed(store, [path], Arrival(FEED, "cron"), link=False)
    assert run.result.totals()["quarantined"] == 1
    count, listed = held_back(store, path)
    assert count == 1 and [r["row"] for r in listed] == [3]  # the header is row 1
    assert "event_date" in listed[0]["columns"]
    assert held_back(store, tmp_path / "never-imported.csv") == (0, [])
