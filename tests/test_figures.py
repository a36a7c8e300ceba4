"""The partnership's figures (wholestory.figures): counted right, small numbers suppressed."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from factories import event_row, write_csv
from wholestory.chronology.stored import build_all, flagged_children
from wholestory.figures import partnership_figures, suppressed
from wholestory.identity import LinkThresholds, link_all
from wholestory.ingest import ingest_paths
from wholestory.store import Store


def _rows() -> list[dict[str, str]]:
    """Keeley: six police incidents in 2023, two school records in 2024. Jamie, a child: one
    police record in 2024. Their father, an adult: one police record in 2023."""
    keeley = {
        "given_name": "Keeley",
        "family_name": "Marchbank",
        "date_of_birth": "2014-06-11",
        "nhs_number": "9434765919",
    }
    jamie = {"given_name": "Jamie", "family_name": "Ashdown", "date_of_birth": "2015-02-01"}
    father = {"given_name": "Ron", "family_name": "Ashdown", "date_of_birth": "1980-09-30"}
    police = [
        event_row(n, person_id="P-K", event_date=f"2023-0{n}-10", **keeley) for n in range(1, 7)
    ]
    school = [
        event_row(
            n,
            agency="SCHOOL",
            person_id="S-K",
            event_type="ATTENDANCE_CONCERN",
            summary="Absent without reason",
            event_date=f"2024-0{n}-10",
            **keeley,
        )
        for n in (1, 2)
    ]
    others = [
        event_row(7, person_id="P-J", nhs_number="", event_date="2024-03-01", **jamie),
        event_row(8, person_id="P-R", nhs_number="", event_date="2023-05-01", **father),
    ]
    return police + school + others


def test_partnership_figures_count_records_children_and_flags(store: Store, tmp_path: Path) -> None:
    ingest_paths(store, [write_csv(tmp_path / "partnership.csv", _rows())])
    link_all(store, thresholds=LinkThresholds())
    build_all(store)
    figures = partnership_figures(store)

    assert figures["years"] == ["2023", "2024"]
    assert figures["by_agency"] == [
        {"agency": "Police", "counts": ["7", "fewer than 5"]},
        {"agency": "School", "counts": ["0", "fewer than 5"]},
    ]
    # Children only: Keeley is known to two agencies, Jamie to one; the adult is not counted.
    assert figures["agencies"] == [
        {"agencies": 1, "count": "fewer than 5"},
        {"agencies": 2, "count": "fewer than 5"},
    ]
    # Each flag counts the children carrying it, as the flags dashboard lists them.
    carrying = Counter((f["code"], f["title"]) for c in flagged_children(store) for f in c["flags"])
    assert len(carrying) >= 2, "the incidents and the absences should each raise a flag"
    assert figures["flags"] == [  # in the order of their codes
        {"title": title, "count": suppressed(n)} for (_, title), n in sorted(carrying.items())
    ]
    assert [s["severity"] for s in figures["severities"]] == ["High", "Medium", "Low"]


def test_small_counts_are_suppressed() -> None:
    assert [suppressed(n) for n in (0, 1, 4, 5, 1234)] == [
        "0",
        "fewer than 5",
        "fewer than 5",
        "5",
        "1,234",
    ]
