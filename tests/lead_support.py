"""The lead professional's and the home lists' partnership, on either database (issue 14).

A small partnership, linked by hand: Kit on a child protection plan and Ada on a child
in need plan, both Jo Smith's at children's social care; Bo, whose plan closed with his
case, now with concerns at three agencies; Cy (a lead professional set here) and Eve
with concerns and no plan; Di, whom children's social care does not know; and 26 children
on Max Load's child in need plans. Flags are set by hand: what the lists read is
``ws_flag``, not how the indicators raise it. Every record arrived long ago.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from typing import Any

import pytest

from factories import event_row, write_csv
from web_support import open_test_store, serving, signed_in
from wholestory.identity import refresh_sources
from wholestory.ingest import ingest_paths
from wholestory.store import Store

USERS = (
    ("jo.csc", "CSC", "practitioner", ""),
    ("max.csc", "CSC", "practitioner", ""),
    ("meg.csc", "CSC", "manager", "CP Team 2"),
    ("liz.csc", "CSC", "lead", ""),
    ("pat.police", "POLICE", "practitioner", "Response South"),
    ("hal.housing", "HOUSING", "lead", ""),
    ("ada.admin", "PARTNERSHIP", "admin", ""),
)
_ids = itertools.count(1)
OLD = "2020-01-01 00:00:00+00:00"


def row(agency: str, record: str, person: str, kind: str, day: str, given: str,
        **more: str) -> dict[str, str]:  # fmt: skip
    return event_row(next(_ids), agency=agency, record_id=record, person_id=person,
                     role="SUBJECT", event_type=kind, event_date=day, given_name=given,
                     family_name="Listcase", date_of_birth="2015-05-05", event_id="",
                     **more)  # fmt: skip


BASE = [
    row("CSC", "K1", "K1", "CP_PLAN_START", "2025-01-10", "Kit", practitioner="Jo Smith",
        team="CP Team 2"),
    row("SCHOOL", "SK1", "SK1", "ATTENDANCE_CONCERN", "2025-02-01", "Kit"),
    row("POLICE", "PK1", "PK1", "MISSING_EPISODE", "2025-03-01", "Kit",
        team="Public Protection Unit"),
    row("CSC", "A1", "A1", "CIN_PLAN_START", "2024-06-01", "Ada", practitioner="jo  smith",
        team="Child in Need Team"),
    row("GP", "GA1", "GA1", "APPOINTMENT_ATTENDED", "2024-07-01", "Ada"),
    row("CSC", "B1", "B1", "CIN_PLAN_START", "2023-01-01", "Bo", practitioner="Jo Smith"),
    row("CSC", "B2", "B1", "CASE_CLOSED", "2023-05-01", "Bo", practitioner="Jo Smith"),
    row("SCHOOL", "SB1", "SB1", "ATTENDANCE_CONCERN", "2025-01-01", "Bo"),
    row("POLICE", "PB1", "PB1", "MISSING_EPISODE", "2025-02-01", "Bo", team="Response South"),
    row("ED", "EB1", "EB1", "SELF_HARM", "2025-03-01", "Bo"),
    row("CSC", "Y1", "Y1", "REFERRAL", "2025-01-05", "Cy"),
    row("SCHOOL", "SY1", "SY1", "CONCERN", "2025-02-05", "Cy"),
    row("GP", "D1", "D1", "CONCERN", "2025-01-01", "Di"),
    row("ED", "ED1", "ED1", "SELF_HARM", "2025-02-01", "Di"),
    row("CSC", "E1", "E1", "REFERRAL_NFA", "2025-01-01", "Eve"),
    row("SCHOOL", "SE1", "SE1", "CONCERN", "2025-01-02", "Eve"),
    row("GP", "GE1", "GE1", "CONCERN", "2025-01-03", "Eve"),
    *(row("CSC", f"M{n}", f"M{n}", "CIN_PLAN_START", f"2024-{1 + n % 12:02d}-{1 + n:02d}",
          f"Many{n:02d}", practitioner="Max Load") for n in range(26)),
]  # fmt: skip
LINKS = {
    "CSC:K1": "WS-K", "SCHOOL:SK1": "WS-K", "POLICE:PK1": "WS-K", "CSC:A1": "WS-A",
    "GP:GA1": "WS-A", "CSC:B1": "WS-B", "SCHOOL:SB1": "WS-B", "POLICE:PB1": "WS-B",
    "ED:EB1": "WS-B", "CSC:Y1": "WS-Y", "SCHOOL:SY1": "WS-Y", "GP:D1": "WS-D", "ED:ED1": "WS-D",
    "CSC:E1": "WS-E", "SCHOOL:SE1": "WS-E", "GP:GE1": "WS-E",
    **{f"CSC:M{n}": f"WS-M{n:02d}" for n in range(26)},
}  # fmt: skip
#: (person, code, title, severity, evidence agencies) of the flags each child has.
FLAGS = [
    ("WS-B", "UNCONNECTED_CONCERNS", "Concerns from several agencies", "high",
     ["SCHOOL", "POLICE", "ED"]),
    ("WS-B", "SELF_HARM", "Self-harm", "high", ["ED"]),
    ("WS-Y", "UNCONNECTED_CONCERNS", "Concerns from several agencies", "high", ["CSC", "SCHOOL"]),
    ("WS-K", "MISSING", "Missing episodes", "high", ["SCHOOL", "POLICE"]),
    ("WS-D", "SELF_HARM", "Self-harm", "high", ["GP", "ED"]),
    ("WS-E", "ACE_PROFILE", "Adverse childhood experiences", "medium", ["SCHOOL", "GP"]),
]  # fmt: skip


def _flags(store: Store) -> None:
    store.execute("DELETE FROM ws_flag")
    store.execute("UPDATE ws_chronology SET flag_count = 0, top_severity = NULL")
    for person, code, title, severity, agencies in FLAGS:
        evidence = json.dumps([{"agency": a, "record_id": "X"} for a in agencies])
        store.execute(
            "INSERT INTO ws_flag (ws_person_id, code, title, severity, first_date, last_date, "
            "explanation, evidence, open_plan, built_at) VALUES (?, ?, ?, ?, '2025-01-01', "
            "'2025-03-01', '', ?, ?, '2026-01-01 00:00:00+00:00')",
            [person, code, title, severity, evidence, False],
        )
    for person in sorted({f[0] for f in FLAGS}):
        top = "high" if any(f[0] == person and f[3] == "high" for f in FLAGS) else "medium"
        count = sum(1 for f in FLAGS if f[0] == person)
        store.execute("UPDATE ws_chronology SET flag_count = ?, top_severity = ? "
                      "WHERE ws_person_id = ?", [count, top, person])  # fmt: skip


def lead_site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Store, dict[str, Any]]]:
    """A module's site on ``request.param``'s database: this partnership, a signed-in client
    for each of :data:`USERS`, and the folder its files are in (``"folder"``)."""
    from wholestory.chronology.stored import build_all
    from wholestory.engagement.leads import set_lead

    store = open_test_store(request.param, request, tmp_path_factory.mktemp("leads"))
    folder = tmp_path_factory.mktemp("lead-files")
    with serving(store.url):
        result = ingest_paths(store, [write_csv(folder / "base.csv", BASE)], None)
        assert not result.failed and result.totals()["quarantined"] == 0
        refresh_sources(store)
        store.executemany("UPDATE ws_source_person SET ws_person_id = ? WHERE key = ?",
                          [(ws, key) for key, ws in LINKS.items()])  # fmt: skip
        build_all(store)
        _flags(store)
        store.execute("UPDATE ws_record SET created_at = ?", [OLD])  # all arrived long ago
        set_lead(store, "WS-Y", "SCHOOL", "Sue Teach", "Pastoral", "someone.earlier")
        clients = signed_in(list(USERS))
        from django.contrib.auth.models import User

        from wholestory.web.accounts.users import set_practitioner_name

        set_practitioner_name(User.objects.get(username="jo.csc"), "Jo Smith")
        set_practitioner_name(User.objects.get(username="max.csc"), "MAX LOAD")
        yield store, clients | {"folder": folder}
    store.close()
