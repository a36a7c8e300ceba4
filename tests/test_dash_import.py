"""The dash table (issue 13): agencies' checklists imported, scored, quarantined when wrong.

Each row of an agency's ``dash`` export is one checklist: SafeLives' 24 questions or the
police's 27. Good rows are scored and kept in ``ws_dash``; a bad one is quarantined with
its file, row, column and reason, and the others still go in. The Marac list then reads
the structured answers instead of a summary's words.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from factories import write_csv
from wholestory.domestic_abuse import marac_words as words
from wholestory.domestic_abuse.dash import stored_checklists
from wholestory.domestic_abuse.marac import referral_list
from wholestory.ingest import ingest_paths
from wholestory.records.template import DASH_COLUMNS
from wholestory.store import Store
from wholestory.store.imports import list_quarantine

TODAY = dt.date(2026, 11, 30)


def checklist(n: int, form: str, yes: int, asked: int, **more: str) -> dict[str, str]:
    """A checklist with ``yes`` yeses then noes, for ``asked`` questions."""
    row = {
        "agency": "POLICE", "record_id": f"D{n}", "event_id": f"INC{n}",
        "victim_person_id": f"V{n}", "perpetrator_person_id": f"S{n}",
        "assessed_on": "2026-03-02", "form": form, "professional_judgement": "N",
        "practitioner": "PC 101 Ahmed", "notes": "Victim's words recorded",
    }  # fmt: skip
    row |= {f"q{q}": ("Y" if q <= yes else "N") for q in range(1, asked + 1)}
    return row | more


def _ingest(store: Store, tmp_path: Path, rows: list[dict[str, str]]) -> None:
    path = write_csv(tmp_path / "police_dash.csv", rows, DASH_COLUMNS)
    result = ingest_paths(store, [path], None, today=TODAY)
    assert not result.failed and [f.kind for f in result.files] == ["dash"]


def test_checklists_are_scored_and_bad_rows_quarantined_with_their_reason(
    store: Store, tmp_path: Path
) -> None:
    rows = [
        checklist(1, "POLICE_DASH_27", 15, 27),
        checklist(2, "safelives_ric_24", 13, 24, professional_judgement="y", q24="nk"),
        checklist(3, "DASH", 5, 24),
        checklist(4, "SAFELIVES_RIC_24", 5, 24, q25="Y"),
        checklist(5, "SAFELIVES_RIC_24", 5, 24, q3="maybe"),
        checklist(6, "SAFELIVES_RIC_24", 5, 24, assessed_on="2026-03"),
        checklist(7, "POLICE_DASH_27", 5, 24),  # three of the police form's questions empty
    ]
    _ingest(store, tmp_path, rows)
    stored = store.query(
        "SELECT record_id, form, score, not_known, professional_judgement, answers "
        "FROM ws_dash ORDER BY record_id"
    )
    assert [r[:5] for r in stored] == [
        ("D1", "POLICE_DASH_27", 15, 0, False),
        ("D2", "SAFELIVES_RIC_24", 13, 1, True),
    ]
    assert stored[0][5] == ",".join(["Y"] * 15 + ["N"] * 12)
    assert stored[1][5].split(",")[-1] == "NK"
    held = {(e.row_number, e.columns): e.reason for e in list_quarantine(store)}
    assert held == {
        (4, "form"): "form: 'DASH' is not SAFELIVES_RIC_24 or POLICE_DASH_27",
        (5, "q25"): "q25: SAFELIVES_RIC_24 asks no question 25",
        (6, "q3"): "q3: 'MAYBE' is not Y, N or NK",
        (7, "assessed_on"): (
            "assessed_on: the day a checklist was completed must be a whole date (YYYY-MM-DD)"
        ),
        (8, "q25, q26, q27"): (
            "q25: required by POLICE_DASH_27, but empty; q26: required by POLICE_DASH_27, "
            "but empty; q27: required by POLICE_DASH_27, but empty"
        ),
    }
    again = ingest_paths(store, [tmp_path / "police_dash.csv"], None, today=TODAY).totals()
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 2)


def test_the_marac_list_reads_the_structured_answers(store: Store, tmp_path: Path) -> None:
    rows = [
        checklist(1, "POLICE_DASH_27", 14, 27),
        checklist(2, "SAFELIVES_RIC_24", 13, 24),
        checklist(3, "SAFELIVES_RIC_24", 2, 24, professional_judgement="Y"),
    ]
    _ingest(store, tmp_path, rows)
    (first, *_) = stored_checklists(store)
    assert (first.victim, first.perpetrator, first.score) == ("POLICE:V1", "POLICE:S1", 14)
    found = {(c.victim, c.criterion) for c in referral_list(store).candidates}
    assert found == {
        ("POLICE:V1", words.VISIBLE_HIGH_RISK),
        ("POLICE:V3", words.PROFESSIONAL_JUDGEMENT),
    }  # 13 yeses and no judgement: not a candidate
