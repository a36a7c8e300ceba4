"""The needs table (issue 14): each person's communication and engagement needs, imported.

An agency's ``needs`` export is recognised by its header. Good rows are kept in
``ws_need``; a bad one is quarantined with its file, row, column and reason, and the
others still go in. A person's needs are then read from every agency that recorded
them, newest first, with a need past its review day marked.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from factories import write_csv
from wholestory.engagement.needs import needs_of_person, needs_of_source
from wholestory.ingest import ingest_paths
from wholestory.records.confidential import HIDDEN
from wholestory.records.template import NEEDS_COLUMNS
from wholestory.store import Store
from wholestory.store.imports import list_quarantine
from wholestory.store.needs import record_need

TODAY = dt.date(2026, 11, 30)


def need(n: int, kind: str, detail: str = "", **more: str) -> dict[str, str]:
    row = {
        "agency": "CSC", "record_id": f"N{n}", "person_id": "C1", "need": kind,
        "detail": detail, "recorded_on": "2026-03-02", "review_on": "2027-03-02",
        "practitioner": "Sam Worker",
    }  # fmt: skip
    return row | more


def _ingest(store: Store, tmp_path: Path, rows: list[dict[str, str]]) -> dict[str, int]:
    path = write_csv(tmp_path / "csc_needs.csv", rows, NEEDS_COLUMNS)
    result = ingest_paths(store, [path], None, today=TODAY)
    assert not result.failed and [f.kind for f in result.files] == ["needs"]
    return result.totals()


def test_needs_are_kept_and_bad_rows_quarantined_with_their_reason(
    store: Store, tmp_path: Path
) -> None:
    rows = [
        need(1, "INTERPRETER", "Polish"),
        need(2, "bsl", review_on=""),
        need(3, "INTERPRETER"),  # which language?
        need(4, "SIGN_SOMETHING"),
        need(5, "EASY_READ", recorded_on="2026-03"),
        need(6, "LARGE_PRINT", review_on="2026-01-01"),  # reviewed before it was recorded
        need(7, "TRUSTED_ADULT", "Her aunt, Jo", recorded_on="2027-01-01"),  # in the future
        need(8, "ADVOCATE", agency="not an agency"),
    ]
    totals = _ingest(store, tmp_path, rows)
    assert (totals["inserted"], totals["quarantined"]) == (2, 6)
    stored = store.query("SELECT record_id, need, detail, review_on FROM ws_need ORDER BY 1")
    assert stored == [("N1", "INTERPRETER", "Polish", "2027-03-02"), ("N2", "BSL", "", None)]
    held = {(e.row_number, e.columns): e.reason for e in list_quarantine(store)}
    assert held == {
        (4, "detail"): "detail: required for INTERPRETER: it says the language",
        (5, "need"): (
            "need: 'SIGN_SOMETHING' is not a need the template names (INTERPRETER, BSL, "
            "EASY_READ, LARGE_PRINT, BRAILLE, ADVOCATE, CONTACT_METHOD, TIMES_PLACES, "
            "TRUSTED_ADULT, NEURODIVERGENCE, LEARNING_DISABILITY, TRAUMA_INFORMED, OTHER)"
        ),
        (6, "recorded_on"): "recorded_on: must be a whole date (YYYY-MM-DD)",
        (7, "review_on"): "review_on: is before the need was recorded",
        (8, "recorded_on"): "recorded_on: '2027-01-01' is in the future",
        (9, "agency"): "agency: not an agency code (POLICE, GP, ...)",
    }
    again = _ingest(store, tmp_path, rows[:2])
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 2)
    changed = _ingest(store, tmp_path, [need(1, "INTERPRETER", "Polish, and Russian")])
    assert (changed["inserted"], changed["updated"]) == (0, 1)


def test_a_persons_needs_come_from_every_agency_newest_first(store: Store, tmp_path: Path) -> None:
    _ingest(store, tmp_path, [need(1, "INTERPRETER", "Polish"), need(2, "CONTACT_METHOD",
            "Text first, never a home visit unannounced", agency="HEALTH_VISITING",
            person_id="HV7", recorded_on="2026-05-01", review_on="2026-06-01")])  # fmt: skip
    store.execute(
        "INSERT INTO ws_source_person (key, agency, person_id, names, details_hash, "
        "ws_person_id) VALUES ('CSC:C1', 'CSC', 'C1', '{}', '', 'WS-1'), "
        "('HEALTH_VISITING:HV7', 'HEALTH_VISITING', 'HV7', '{}', '', 'WS-1'), "
        "('GP:OTHER', 'GP', 'OTHER', '{}', '', 'WS-2')"
    )
    record_need(store, agency="GP", person="WS-2", need="ADVOCATE", detail="",
                review_on=None, recorded_by="gp.lead", today=TODAY,
                now="2026-11-30 10:00:00+00:00")  # fmt: skip
    found = needs_of_person(store, "WS-1")
    assert [(n.agency, n.need) for n in found] == [
        ("HEALTH_VISITING", "CONTACT_METHOD"),
        ("CSC", "INTERPRETER"),
    ]
    contact, interpreter = found
    assert contact.past_review(TODAY) and not interpreter.past_review(TODAY)
    assert contact.review_words(TODAY) == "Review overdue: it was due on 1 June 2026"
    assert interpreter.review_words(TODAY) == "Review by 2 March 2027"
    assert (interpreter.words, interpreter.detail_label) == ("Needs an interpreter", "Language")
    assert interpreter.as_dict(TODAY)["past_review"] is False
    (advocate,) = needs_of_person(store, "WS-2")
    assert advocate.recorded_in_app and advocate.recorded_by == "gp.lead"
    assert advocate.record_id.startswith("APP-") and advocate.review_words(TODAY) == (
        "No review date set"
    )
    assert needs_of_source(store, "GP", "OTHER") == []  # kept by WholeStory id, not GP's


def test_the_cli_shows_a_persons_needs_from_every_agency(store_env: Store, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from wholestory.cli.main import app

    _ingest(store_env, tmp_path, [need(1, "INTERPRETER", "Polish"), need(2, "TRUSTED_ADULT",
            "Her aunt", agency="SCHOOL", person_id="S9", recorded_on="2025-09-01",
            review_on="2026-01-10")])  # fmt: skip
    store_env.execute(
        "INSERT INTO ws_source_person (key, agency, person_id, names, details_hash, "
        "ws_person_id) VALUES ('CSC:C1', 'CSC', 'C1', '{}', '', 'WS-1'), "
        "('SCHOOL:S9', 'SCHOOL', 'S9', '{}', '', 'WS-1')"
    )
    runner = CliRunner()
    shown = runner.invoke(app, ["needs", "csc", "C1"])
    assert shown.exit_code == 0, shown.output
    assert "How to work with this family: CSC:C1 (WS-1)" in shown.output
    assert "- Needs an interpreter (language: Polish)" in shown.output
    assert "- Trusted adult (detail: Her aunt)" in shown.output
    assert (
        "SCHOOL, recorded 2025-09-01 by Sam Worker; Review overdue: it was due on 10 January 2026"
        in (shown.output)
    )
    data = json.loads(runner.invoke(app, ["needs", "SCHOOL", "S9", "--json"]).output)
    assert data["person"] == "WS-1"
    assert {(n["agency"], n["need"], n["past_review"]) for n in data["needs"]} == {
        ("CSC", "INTERPRETER", False),
        ("SCHOOL", "TRUSTED_ADULT", True),
    }
    unknown = runner.invoke(app, ["needs", "CSC", "NOBODY"])
    assert unknown.exit_code != 0 and "CSC has no person NOBODY in the store" in unknown.output


def test_a_confidential_place_named_in_a_need_is_hidden(store: Store, tmp_path: Path) -> None:
    """An agency may write where a victim now lives into a need: it is hidden, as in records."""
    _ingest(store, tmp_path, [need(1, "TIMES_PLACES", "Meet her at 14 Larch Close, LS6 2QT only")])
    store.execute(
        "INSERT INTO ws_source_person (key, agency, person_id, names, details_hash, "
        "ws_person_id) VALUES ('CSC:C1', 'CSC', 'C1', '{}', '', 'WS-1')"
    )
    assert needs_of_person(store, "WS-1")[0].detail == "Meet her at 14 Larch Close, LS6 2QT only"
    store.execute(
        "INSERT INTO ws_confidential_address (agency, record_id, address, postcode, recorded_at) "
        "VALUES ('DA_SERVICE', 'R1', '14 Larch Close, Leeds', 'LS6 2QT', '2026-01-01 00:00:00')"
    )
    (hidden,) = needs_of_person(store, "WS-1")
    assert "Larch" not in hidden.detail and "2QT" not in hidden.detail
    assert hidden.detail.startswith("Meet her at ") and HIDDEN in hidden.detail
    assert needs_of_source(store, "CSC", "C1") == [hidden]


def test_the_chronology_command_gives_out_the_familys_needs(
    store_env: Store, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from marac_support import loaded
    from wholestory.cli.main import app

    loaded(store_env, tmp_path)
    _ingest(store_env, tmp_path, [need(1, "INTERPRETER", "Farsi", agency="POLICE",
            person_id="V1", recorded_on="2025-01-10")])  # fmt: skip
    result = CliRunner().invoke(app, ["chronology", "POLICE", "C1", "--format", "json"])
    assert result.exit_code == 0, result.output
    (mother,) = json.loads(result.output)["needs"]
    assert mother["person"] == "WS-V" and mother["relation"] == "adult in the household"
    assert [(n["need"], n["detail"]) for n in mother["needs"]] == [("INTERPRETER", "Farsi")]
