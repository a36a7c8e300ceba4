"""Small planted partnerships for the quality assurance tests (issue 15).

Each child is one person at every agency that knows them (the same ``person_id``
everywhere), linked by hand to ``WS-<person_id>`` as tests/test_leads.py does, so that
what each measure counts is known exactly from the rows written here.
"""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

from factories import event_row, write_csv
from wholestory import audit
from wholestory.chronology.stored import build_all
from wholestory.identity import refresh_sources
from wholestory.ingest import ingest_paths
from wholestory.store import Store

_n = itertools.count(1)

#: A child's date of birth in these stores: 10 in 2025.
CHILD: str = "2015-01-01"
#: An adult's.
ADULT: str = "1985-05-05"


def rec(person: str, agency: str, kind: str, day: str, born: str = CHILD) -> dict[str, str]:
    """One record of ``person`` at ``agency``: ``kind`` (an event type) on ``day``."""
    n = next(_n)
    return event_row(
        n,
        agency=agency,
        record_id=f"{agency}-{n}",
        person_id=person,
        given_name=f"Kid{person}",
        family_name="Planted",
        date_of_birth=born,
        nhs_number="",
        role="SUBJECT",
        event_id="",
        event_type=kind,
        event_date=day,
        summary=kind.replace("_", " ").lower(),
    )


def planted(store: Store, folder: Path, rows: list[dict[str, str]], name: str = "planted") -> Store:
    """The rows ingested (from ``name``.csv), each new person linked to ``WS-<person_id>``,
    and every chronology built again; it may be called again with more rows."""
    result = ingest_paths(store, [write_csv(folder / f"{name}.csv", rows)], None)
    assert not result.failed and result.totals()["quarantined"] == 0
    refresh_sources(store)
    store.execute(
        "UPDATE ws_source_person SET ws_person_id = 'WS-' || person_id WHERE ws_person_id IS NULL"
    )
    known = {str(p) for (p,) in store.query("SELECT id FROM ws_person")}
    people = sorted({f"WS-{r['person_id']}" for r in rows} - known)
    store.executemany(
        "INSERT INTO ws_person (id, status, created_at, updated_at) VALUES (?, 'active', ?, ?)",
        [(p, "2025-01-01 00:00:00+00:00", "2025-01-01 00:00:00+00:00") for p in people],
    )
    build_all(store)
    return store


def looked(
    store: Store, person: str, agency: str, at: str, action: str = "view", outcome: str = "allowed",
    role: str = "practitioner",
) -> None:  # fmt: skip
    """A user of ``agency`` looked at ``person`` at ``at`` (ISO, UTC), as the pages record it."""
    audit.append(
        store,
        audit.Event(
            actor=f"{agency.lower()}.{role}", action=action, agency=agency, role=role,
            person=person, target=f"/people/{person}", outcome=outcome,
        ),
        now=dt.datetime.fromisoformat(at).replace(tzinfo=dt.UTC),
    )  # fmt: skip


def selection_rows() -> list[dict[str, str]]:
    """Children for audit selection, the period being the first half of 2025.

    C01-C12 each have a school record in the period; C01-C04 are flagged MISSING_REPEAT
    by three police missing episodes in it; C01 and C05 start a plan in it, C09 had one
    that ended before it; C06 is 17 and C07 is 5 on 30 June 2025, the rest 10; C01, C02 and
    C08 are known to the GP in the period. Not eligible: C13 (records only in 2024), C14
    (18 on 1 March 2025) and A01 (an adult).
    """
    rows = []
    for n in range(1, 13):
        born = {6: "2008-01-01", 7: "2020-01-01"}.get(n, CHILD)
        rows.append(rec(f"C{n:02d}", "SCHOOL", "CONTACT", "2025-02-01", born))
    for n in range(1, 5):
        for day in ("2025-01-10", "2025-02-10", "2025-03-10"):
            rows.append(rec(f"C{n:02d}", "POLICE", "MISSING_EPISODE", day))
    rows += [
        rec("C01", "CSC", "CIN_PLAN_START", "2025-04-01"),
        rec("C05", "CSC", "CP_PLAN_START", "2025-05-01"),
        rec("C09", "CSC", "CIN_PLAN_START", "2024-01-01"),
        rec("C09", "CSC", "CIN_PLAN_END", "2024-12-31"),
        rec("C01", "GP", "APPOINTMENT_ATTENDED", "2025-03-01"),
        rec("C02", "GP", "APPOINTMENT_ATTENDED", "2025-03-01"),
        rec("C08", "GP", "APPOINTMENT_ATTENDED", "2025-03-01"),
        rec("C13", "SCHOOL", "CONTACT", "2024-06-01"),
        rec("C14", "SCHOOL", "CONTACT", "2025-02-01", "2007-03-01"),
        rec("A01", "SCHOOL", "CONTACT", "2025-02-01", ADULT),
        rec("C12", "SCHOOL", "CONTACT", "2025-06-30"),  # the newest record: the as-of day
    ]
    return rows
