"""The template's thrive and current_view tables (issue 16): groupings and Current Views,
imported.

Each table is recognised by its header. Good rows are kept; a bad one is quarantined with
its file, row, column and reason, in the words the web form uses (thrive's own checks),
and the others still go in. Sent again the same, rows are left alone; with other words,
they replace the ones before.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from factories import write_csv
from wholestory.ingest import ingest_paths
from wholestory.records.template import CURRENT_VIEW_KEY_COLUMNS, THRIVE_COLUMNS
from wholestory.store import Store
from wholestory.store.imports import list_quarantine
from wholestory.thrive.vocabulary import COMPLEXITY, CONTEXTUAL, EET, PROBLEMS

TODAY = dt.date(2026, 3, 1)
ITEMS = ("self_harm", "low_mood", "young_carer", "looked_after", "home", "attendance")


def grouping(n: int, **more: str) -> dict[str, str]:
    row = {
        "agency": "CAMHS", "record_id": f"G{n}", "person_id": "M1", "grouping": "Getting Help",
        "recorded_on": "2026-02-02", "practitioner": "Hana Lee",
        "reason": "Low mood for six months, affecting school.",
        "childs_view": "Wants help to feel able to go to school.", "agreement": "Agreed",
        "goals": "Back at school full time.", "success_by": "2026-05-01",
        "review_on": "2026-05-04",
    }  # fmt: skip
    return row | more


def view(n: int, **more: str) -> dict[str, str]:
    row = {"agency": "CAMHS", "record_id": f"V{n}", "person_id": "M1",
           "recorded_on": "2026-02-02", "practitioner": "Hana Lee"}  # fmt: skip
    return row | more


def _ingest(store: Store, path: Path, kind: str) -> dict[str, int]:
    result = ingest_paths(store, [path], None, today=TODAY)
    assert not result.failed and [f.kind for f in result.files] == [kind]
    return result.totals()


def _held(store: Store, file_name: str) -> dict[tuple[int, str], str]:
    return {
        (e.row_number, e.columns): e.reason
        for e in list_quarantine(store)
        if e.file_name == file_name
    }


def test_groupings_are_kept_and_each_kind_of_bad_row_held_with_its_reason(
    store: Store, tmp_path: Path
) -> None:
    rows = [
        grouping(1),
        grouping(2, grouping="THRIVING", agreement="not asked", childs_view="", goals="",
                 success_by=""),
        grouping(3, grouping="crisis"),
        grouping(4, agreement=""),  # never assumed
        grouping(5, goals="", success_by=""),  # help without goals or a day for them
        grouping(6, review_on="2026-02-02"),  # a review must come after
        grouping(7, recorded_on="2026-04-01", success_by="2026-06-01", review_on="2026-07-01"),
        grouping(8, recorded_on="2026-02"),
        grouping(9, reason=" "),
        grouping(10, agency="not an agency"),
    ]  # fmt: skip
    path = write_csv(tmp_path / "camhs_thrive.csv", rows, THRIVE_COLUMNS)
    totals = _ingest(store, path, "thrive")
    assert (totals["inserted"], totals["quarantined"]) == (2, 8)
    stored = store.query(
        "SELECT record_id, grouping, agreement, recorded_on, success_by, review_on, suggested, "
        "recorded_in_app FROM ws_thrive_grouping ORDER BY record_id"
    )
    assert [(*r[:7], bool(r[7])) for r in stored] == [
        ("G1", "help", "agreed", "2026-02-02", "2026-05-01", "2026-05-04", "", False),
        ("G2", "thriving", "not_asked", "2026-02-02", None, "2026-05-04", "", False),
    ]
    assert _held(store, "camhs_thrive.csv") == {
        (4, "grouping"): "grouping: 'crisis' is not one of Thriving, Getting Advice and "
        "Signposting, Getting Help, Getting More Help, Getting Risk Support.",
        (5, "agreement"): "agreement: choose one of Agreed, Partly agreed, Did not agree, "
        "Not asked, Could not give a view (it is never assumed).",
        (6, "goals, success_by"): "goals: Getting Help needs the goals agreed.; success_by: "
        "say when success, as the goals describe it, is due.",
        (7, "review_on"): "review_on: it must be after the day the grouping was recorded.",
        (8, "recorded_on"): "recorded_on: '2026-04-01' is in the future",
        (9, "recorded_on"): "recorded_on: must be a whole date (YYYY-MM-DD)",
        (10, "reason"): "reason: say why this grouping describes the child's need now.",
        (11, "agency"): "agency: not an agency code (POLICE, GP, ...)",
    }


def test_groupings_sent_again_are_left_alone_or_replace_the_ones_before(
    store: Store, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "thrive.csv", [grouping(1), grouping(2)], THRIVE_COLUMNS)
    _ingest(store, path, "thrive")
    again = _ingest(store, path, "thrive")
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 2)
    changed = [grouping(1, grouping="more help", goals="Safe at home and at school.")]
    path = write_csv(tmp_path / "thrive.csv", changed, THRIVE_COLUMNS)
    totals = _ingest(store, path, "thrive")
    assert (totals["inserted"], totals["updated"]) == (0, 1)
    assert store.query("SELECT grouping, goals FROM ws_thrive_grouping WHERE record_id = 'G1'") == [
        ("more_help", "Safe at home and at school.")
    ]


def test_a_thrive_table_without_agreement_is_refused_whole(store: Store, tmp_path: Path) -> None:
    columns = tuple(c for c in THRIVE_COLUMNS if c != "agreement")
    path = write_csv(tmp_path / "thrive.csv", [grouping(1)], columns)
    result = ingest_paths(store, [path], None, today=TODAY)
    assert result.failed and "agreement" in str(result.files[0].error)
    assert store.scalar("SELECT COUNT(*) FROM ws_thrive_grouping") == 0


def test_current_views_are_kept_whole_and_bad_ratings_held(store: Store, tmp_path: Path) -> None:
    rows = [
        view(1, self_harm="Severe", low_mood="moderate", young_carer="yes", home="Mild",
             attendance="NOT KNOWN"),
        view(2, self_harm="very bad"),
        view(3, young_carer="severe", home="sometimes"),
        view(4, recorded_on="2026-03-02"),
        view(5, recorded_on="~2026-02-01"),
        view(6, person_id=""),
    ]  # fmt: skip
    path = write_csv(tmp_path / "camhs_cv.csv", rows, (*CURRENT_VIEW_KEY_COLUMNS, *ITEMS))
    totals = _ingest(store, path, "current_view")
    assert (totals["inserted"], totals["quarantined"]) == (1, 5)
    ((answers, confirmed),) = store.query("SELECT answers, confirmed FROM ws_thrive_current_view")
    kept = json.loads(answers)
    assert list(kept) == ["problems", "complexity", "contextual", "eet"]
    assert list(kept["problems"]) == list(PROBLEMS) and list(kept["complexity"]) == list(COMPLEXITY)
    assert len(kept["contextual"]) == len(CONTEXTUAL) and len(kept["eet"]) == len(EET)
    assert (kept["problems"]["self_harm"], kept["problems"]["low_mood"]) == ("severe", "moderate")
    assert kept["problems"]["panics"] == "not_known"  # a column left out is not known
    assert (kept["complexity"]["young_carer"], kept["contextual"]["home"]) == ("yes", "mild")
    assert kept["eet"] == {"attendance": "not_known", "attainment": "not_known"}
    assert json.loads(confirmed) == []  # nothing was proposed to a file
    assert _held(store, "camhs_cv.csv") == {
        (3, "self_harm"): "self_harm: 'very bad' is not one of None, Mild, Moderate, Severe, "
        "Not known.",
        (4, "young_carer, home"): "young_carer: 'severe' is not one of Yes, No, Not known.; "
        "home: 'sometimes' is not one of None, Mild, Moderate, Severe, Not known.",
        (5, "recorded_on"): "recorded_on: '2026-03-02' is in the future",
        (6, "recorded_on"): "recorded_on: must be a whole date (YYYY-MM-DD)",
        (7, "person_id"): "person_id: required, but empty",
    }
    again = _ingest(store, path, "current_view")
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 1)
    changed = [view(1, self_harm="mild")]
    path = write_csv(tmp_path / "camhs_cv.csv", changed, (*CURRENT_VIEW_KEY_COLUMNS, *ITEMS))
    assert _ingest(store, path, "current_view")["updated"] == 1
    ((answers,),) = store.query("SELECT answers FROM ws_thrive_current_view")
    assert json.loads(answers)["problems"]["self_harm"] == "mild"


def test_the_template_doc_names_every_column_and_choice() -> None:
    """docs/agency-template.md lists each column and item code as the template reads them,
    so the page an agency's analyst reads cannot drift from what is checked."""
    from wholestory.thrive.vocabulary import AGREEMENT, GROUPINGS

    doc = (Path(__file__).parent.parent / "docs" / "agency-template.md").read_text()
    named = {*THRIVE_COLUMNS, *CURRENT_VIEW_KEY_COLUMNS, *PROBLEMS, *COMPLEXITY, *CONTEXTUAL,
             *EET, *GROUPINGS, *AGREEMENT}  # fmt: skip
    assert [
        code for code in sorted(named) if f"`{code}`" not in doc and f"| {code} |" not in doc
    ] == []
