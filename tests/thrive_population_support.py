"""A small hand-made store for the THRIVE population view, where every answer is known
(shared by the core, command and page tests)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from assurance_support import planted, rec
from wholestory.store import Store
from wholestory.thrive.current_view import current_view
from wholestory.thrive.groupings import Grouping
from wholestory.thrive.records import record_current_view, record_grouping
from wholestory.thrive.vocabulary import PROBLEMS, WITH_GOALS

AS_OF = dt.date(2025, 12, 31)
ACES = ("DA_INCIDENT", "PARENT_SUBSTANCE_MISUSE", "PARENT_MENTAL_HEALTH", "PARENT_IMPRISONMENT")
FLOWING = tuple(f"T{n}" for n in range(1, 6))


def _records() -> list[dict[str, str]]:
    rows = [rec(p, "SCHOOL", "CONTACT", "2025-01-02") for p in ("V1", "G2", *FLOWING)]
    rows += [rec(p, "ED", "SELF_HARM", "2025-06-01") for p in ("S1", "S2", "G1", "C1")]
    rows.append(rec("S2", "GP", "MENTAL_HEALTH_CONTACT", "2025-07-01"))
    rows.append(rec("S3", "ED", "SELF_HARM", "2024-12-30"))  # a day before the 12 months
    rows.append(rec("E1", "SCHOOL", "SUSPENSION", "2025-03-01"))
    rows.append(rec("E1", "SCHOOL", "PERMANENT_EXCLUSION", "2025-05-01"))
    rows.append(rec("E2", "SCHOOL", "SUSPENSION", "2025-03-01"))
    rows += [rec("A1", "CSC", k, f"2025-0{n + 2}-01") for n, k in enumerate(ACES)]
    rows.append(rec("C1", "GP", "CAMHS_REFERRAL", "2025-02-01"))
    rows.append(rec("C1", "CAMHS", "APPOINTMENT_ATTENDED", "2025-03-03"))
    rows.append(rec("W1", "GP", "CAMHS_REFERRAL", "2025-08-01"))
    rows.append(rec("P1", "GP", "CONTACT", "2025-01-02", born="1980-01-01"))  # not a child
    return rows


def _grouping(store: Store, child: str, chosen: str, on: dt.date) -> None:
    helped = chosen in WITH_GOALS
    g = Grouping(person=f"WS-{child}", grouping=chosen, recorded_on=on, recorded_by="Hana Ito",
                 agency="CAMHS", reason="Talked it through", childs_view="Wants help",
                 agreement="agreed", review_on=on + dt.timedelta(days=60),
                 goals="Back at school" if helped else "",
                 success_by=on + dt.timedelta(days=90) if helped else None)  # fmt: skip
    record_grouping(store, g, agency="CAMHS", recorded_by="hana.camhs", now=f"{on}T10:00:00+00:00")


def build(store: Store, folder: Path) -> Store:
    """The records planted, a severe Current View, and groupings that move."""
    planted(store, folder, _records())
    answers = {"problems": {code: "none" for code in PROBLEMS} | {"self_harm": "severe"}}
    on = dt.date(2025, 11, 1)
    view = current_view("WS-V1", on, "Hana Ito", "CAMHS", answers, on)
    record_current_view(store, view, agency="CAMHS", recorded_by="hana.camhs",
                        now="2025-11-01T10:00:00+00:00")  # fmt: skip
    _grouping(store, "G1", "help", dt.date(2025, 10, 1))
    for child in (*FLOWING, "G2"):
        _grouping(store, child, "thriving", dt.date(2025, 1, 15))
        _grouping(store, child, "advice", dt.date(2025, 8, 1))
    store.execute(
        "UPDATE ws_source_person SET postcode = 'ab1 2cd', sex = 'female' WHERE person_id LIKE 'T%'"
    )
    return store
