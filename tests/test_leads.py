"""A child's allocated workers and lead professional (issue 14, part 4), on both databases.

An allocation is the worker of a plan still open at an agency: a start with no end of
the same plan, nor a case closed, at that agency on or after its day. The lead is one set
in the app by a safeguarding lead, or else the plan of the highest level, the newest
first. ``wholestory lead`` prints both.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from factories import event_row, write_csv
from wholestory.engagement.leads import (
    APP,
    RECORDS,
    SET_HERE,
    Allocation,
    allocations,
    end_lead,
    history,
    lead_professionals,
    name_like,
    practitioner_matches,
    set_lead,
)
from wholestory.identity import refresh_sources
from wholestory.ingest import ingest_paths
from wholestory.store import Store

_n = iter(range(1, 10_000))


def plan(agency: str, person: str, kind: str, day: str, worker: str = "", team: str = "",
         role: str = "SUBJECT") -> dict[str, str]:  # fmt: skip
    n = next(_n)
    return event_row(n, agency=agency, record_id=f"{agency[0]}{n}", person_id=person, role=role,
                     event_type=kind, event_date=day, practitioner=worker, team=team,
                     given_name=f"Kid{person}", summary=kind.replace("_", " ").lower())  # fmt: skip


#: Each agency person and the WholeStory person they are.
LINKS = {
    "CSC:A1": "WS-A", "EARLY_HELP:EA1": "WS-A", "CSC:B1": "WS-B", "EARLY_HELP:C1": "WS-C",
    "CSC:D1": "WS-D", "CSC:E1": "WS-E", "CSC:M1": "WS-M", "CSC:F1": "WS-F",
}  # fmt: skip
RECORDS_ROWS = [
    # A: a child in need plan, then a child protection plan (both open); early help ended.
    plan("CSC", "A1", "CIN_PLAN_START", "2024-01-10", "Jo Smith", "Child in Need Team"),
    plan("CSC", "A1", "CP_PLAN_START", "2024-06-01", "Sam Patel", "CP Team 2"),
    plan("EARLY_HELP", "EA1", "EARLY_HELP_START", "2023-01-01", "Ann Lee"),
    plan("EARLY_HELP", "EA1", "EARLY_HELP_END", "2023-09-01", "Ann Lee"),
    # B: a plan closed by the case closing, then a new one, the name spaced differently.
    plan("CSC", "B1", "CIN_PLAN_START", "2023-01-01", "Jo Smith"),
    plan("CSC", "B1", "CASE_CLOSED", "2023-05-01", "Jo Smith"),
    plan("CSC", "B1", "CIN_PLAN_START", "2025-02-01", "  jo   SMITH ", "Child in Need Team"),
    # C: early help reallocated without closing: the newest start is the allocation.
    plan("EARLY_HELP", "C1", "EARLY_HELP_START", "2024-01-01", "Ann Lee"),
    plan("EARLY_HELP", "C1", "EARLY_HELP_START", "2024-08-01", "Ben Ode"),
    # D: started and ended the same day.
    plan("CSC", "D1", "CP_PLAN_START", "2024-03-03", "Sam Patel"),
    plan("CSC", "D1", "CP_PLAN_END", "2024-03-03", "Sam Patel"),
    # E: looked after leads a newer child in need plan; an unnamed worker still allocates.
    plan("CSC", "E1", "LOOKED_AFTER_START", "2022-02-02", ""),
    plan("CSC", "E1", "CIN_PLAN_START", "2025-01-01", "Jo Smith"),
    # M: the mother named on her child's plan start (role PARENT): a plan of hers too, as the
    # chronology counts it. An end at another agency does not close a plan.
    plan("CSC", "M1", "CIN_PLAN_START", "2024-02-02", "Jo Smith", role="PARENT"),
    plan("POLICE", "PM1", "CIN_PLAN_END", "2024-03-03", "PC Nobody"),
    # F: known to children's social care, with no plan at all.
    plan("CSC", "F1", "REFERRAL", "2024-01-01", "Jo Smith"),
    # U: never linked; asked by its agency key.
    plan("CSC", "U1", "CIN_PLAN_START", "2024-04-04", "Jo Smith"),
]


@pytest.fixture
def linked(store: Store, tmp_path: Path) -> Store:
    result = ingest_paths(store, [write_csv(tmp_path / "plans.csv", RECORDS_ROWS)], None)
    assert not result.failed and result.totals()["quarantined"] == 0
    refresh_sources(store)
    store.executemany("UPDATE ws_source_person SET ws_person_id = ? WHERE key = ?",
                      [(ws, key) for key, ws in LINKS.items()])  # fmt: skip
    store.execute("UPDATE ws_source_person SET ws_person_id = 'WS-M' WHERE key = 'POLICE:PM1'")
    store.executemany(
        "INSERT INTO ws_person (id, status, created_at, updated_at) VALUES (?, 'active', ?, ?)",
        [(ws, "2025-01-01 00:00:00+00:00", "2025-01-01 00:00:00+00:00")
         for ws in sorted(set(LINKS.values()))],
    )  # fmt: skip
    return store


def _summary(found: list[Allocation]) -> list[tuple[str, str, str, str]]:
    return [(a.agency, a.plan, a.practitioner, a.since.isoformat()) for a in found]


def test_open_plans_allocate_their_workers_and_the_highest_plan_leads(linked: Store) -> None:
    found = allocations(linked, ["WS-A", "WS-B", "WS-C", "WS-D", "WS-E", "WS-M", "CSC:U1"])
    assert _summary(found["WS-A"]) == [
        ("CSC", "CP_PLAN", "Sam Patel", "2024-06-01"),
        ("CSC", "CIN_PLAN", "Jo Smith", "2024-01-10"),
    ]
    assert found["WS-A"][0].team == "CP Team 2" and found["WS-A"][0].source == RECORDS
    assert _summary(found["WS-B"]) == [("CSC", "CIN_PLAN", "jo   SMITH", "2025-02-01")]
    assert _summary(found["WS-C"]) == [("EARLY_HELP", "EARLY_HELP", "Ben Ode", "2024-08-01")]
    assert "WS-D" not in found  # ended the day it began
    assert _summary(found["WS-E"]) == [
        ("CSC", "LOOKED_AFTER", "", "2022-02-02"),
        ("CSC", "CIN_PLAN", "Jo Smith", "2025-01-01"),
    ]
    assert _summary(found["WS-M"]) == [("CSC", "CIN_PLAN", "Jo Smith", "2024-02-02")]
    assert _summary(found["CSC:U1"]) == [("CSC", "CIN_PLAN", "Jo Smith", "2024-04-04")]
    leads = lead_professionals(linked, ["WS-A", "WS-D", "WS-E"])
    assert set(leads) == {"WS-A", "WS-E"}
    assert (leads["WS-A"].plan, leads["WS-E"].plan) == ("CP_PLAN", "LOOKED_AFTER")
    assert allocations(linked, []) == {} and lead_professionals(linked, ["WS-NOBODY"]) == {}


def test_a_lead_set_here_overrides_the_records_and_its_history_is_kept(linked: Store) -> None:
    set_lead(linked, "WS-A", "SCHOOL", " Dee  Ward ", "Pastoral", "liz.lead",
             now="2025-03-01 10:00:00+00:00")  # fmt: skip
    lead = lead_professionals(linked, ["WS-A"])["WS-A"]
    assert (lead.agency, lead.practitioner, lead.team, lead.plan, lead.source) == (
        "SCHOOL",
        "Dee Ward",
        "Pastoral",
        SET_HERE,
        APP,
    )
    assert lead.since == dt.date(2025, 3, 1)
    assert [a.plan for a in allocations(linked, ["WS-A"])["WS-A"]] == [SET_HERE, "CP_PLAN",
                                                                       "CIN_PLAN"]  # fmt: skip
    # Another replaces it; the first is kept, ended by whoever set the second.
    set_lead(linked, "WS-A", "CSC", "Jo Smith", "", "lee.lead", now="2025-04-01 10:00:00+00:00")
    assert lead_professionals(linked, ["WS-A"])["WS-A"].practitioner == "Jo Smith"
    assert end_lead(linked, "WS-A", "lee.lead", now="2025-05-01 10:00:00+00:00")
    assert not end_lead(linked, "WS-A", "lee.lead")  # nothing open any more
    assert lead_professionals(linked, ["WS-A"])["WS-A"].plan == "CP_PLAN"  # the records again
    kept = history(linked, "WS-A")
    assert [(h.practitioner, h.set_by, h.ended_by) for h in kept] == [
        ("Jo Smith", "lee.lead", "lee.lead"), ("Dee Ward", "liz.lead", "lee.lead"),
    ]  # fmt: skip
    assert all(h.ended_at is not None for h in kept)
    # A lead set for someone the records allocate nothing: they now have a lead.
    set_lead(linked, "WS-D", "CSC", "Sam Patel", "CP Team 2", "lee.lead")
    assert lead_professionals(linked, ["WS-D"])["WS-D"].practitioner == "Sam Patel"


def test_practitioner_names_match_whatever_their_case_and_spacing() -> None:
    assert practitioner_matches("Jo Smith", "  jo   SMITH ")
    assert practitioner_matches("Zoë Ågren", "ZOË  ÅGREN")
    assert not practitioner_matches("Jo Smith", "Jo Smithson")
    assert not practitioner_matches("", "") and not practitioner_matches(None, "Jo")
    assert name_like("  Jo   SMITH ") == "%jo%smith%"
    assert name_like("Zoë O'Neil") == "%zo%o%neil%" and name_like("  ") == "%"


def test_the_plan_index_is_used(linked: Store) -> None:
    """The allocations read plan records through their partial index, not every record."""
    from wholestory.engagement.leads import open_start_sql

    sql = (
        "SELECT r.record_id FROM ws_record r WHERE r.agency = 'CSC' AND r.person_id = 'A1' "
        f"AND {open_start_sql('r')}"
    )
    if linked.backend == "sqlite":
        plan_text = " ".join(str(r[-1]) for r in linked.query("EXPLAIN QUERY PLAN " + sql))
    else:
        linked.execute("SET enable_seqscan = off")
        plan_text = " ".join(str(r[0]) for r in linked.query("EXPLAIN " + sql))
        linked.execute("SET enable_seqscan = on")
    assert "ws_record_plan" in plan_text, plan_text


def test_the_cli_prints_the_lead_and_every_allocation(linked: Store, store_env: Store) -> None:
    from typer.testing import CliRunner

    from wholestory.cli.main import app

    runner = CliRunner()
    shown = runner.invoke(app, ["lead", "csc", "A1"])
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert lines[0] == "Lead professional: CSC:A1 (WS-A)"
    assert lines[1] == (
        "Sam Patel, CP Team 2, Children's social care: child protection plan since 1 June 2024"
    )
    assert lines[2:] == [
        "Allocated workers:",
        "- Sam Patel, CP Team 2, Children's social care: child protection plan since 1 June 2024",
        "- Jo Smith, Child in Need Team, Children's social care: child in need plan since "
        "10 January 2024",
    ]
    data = json.loads(runner.invoke(app, ["lead", "WS-E", "--json"]).output)
    assert data["person"] == "WS-E" and data["lead"]["plan"] == "LOOKED_AFTER"
    assert data["lead"]["practitioner"] == "" and len(data["allocations"]) == 2
    nobody = runner.invoke(app, ["lead", "CSC", "D1"])
    assert nobody.exit_code == 0 and "No lead professional" in nobody.output
    unknown = runner.invoke(app, ["lead", "CSC", "NOBODY"])
    assert unknown.exit_code != 0 and "CSC has no person NOBODY in the store" in unknown.output


def _chronology(store: Store, person: str, severity: str | None, flags: list[list[str]]) -> None:
    """A stored chronology's row and its flags, as the home lists read them (no content)."""
    store.execute(
        "INSERT INTO ws_chronology (ws_person_id, as_of, built_at, display_name, is_child, "
        "entry_count, flag_count, top_severity, open_plan, content) VALUES "
        "(?, '2026-01-01', '2026-01-01 00:00:00+00:00', ?, ?, 1, ?, ?, ?, ?)",
        [person, f"Child {person}", True, len(flags), severity, False, b""],
    )
    for n, agencies in enumerate(flags):
        evidence = json.dumps([{"agency": a, "record_id": "X"} for a in agencies])
        store.execute(
            "INSERT INTO ws_flag (ws_person_id, code, title, severity, first_date, last_date, "
            "explanation, evidence, open_plan, built_at) VALUES (?, ?, ?, ?, '2025-01-01', ?, "
            "'', ?, ?, '2026-01-01 00:00:00+00:00')",
            [person, f"F{n}", f"Flag {n}", severity, f"2025-0{n + 1}-01", evidence, False],
        )


def test_the_leads_lists_page_in_the_database_and_leave_out_who_has_a_plan(
    linked: Store,
) -> None:
    from wholestory.engagement.caseloads import news_since, unled_concerns, unplanned_high

    _chronology(linked, "WS-F", "high", [["SCHOOL", "POLICE"], ["SCHOOL"]])
    _chronology(linked, "WS-D", "high", [["GP"]])  # its plan ended the day it began
    _chronology(linked, "WS-A", "high", [["GP", "ED"]])  # child protection plan open
    _chronology(linked, "WS-B", "high", [["GP", "ED"]])  # a child in need plan open again
    _chronology(linked, "WS-M", None, [])
    first, total = unplanned_high(linked, "CSC", 0, 1)
    assert [c.person for c in first] == ["WS-F"] and total == 2 and first[0].count == 2
    assert first[0].flags == ["Flag 1", "Flag 0"]  # the latest evidence first
    second, total = unplanned_high(linked, "CSC", 1, 1)
    assert [c.person for c in second] == ["WS-D"] and total == 2
    assert unplanned_high(linked, "CSC", 5, 1) == ([], 2)  # past the end: still counted
    assert unplanned_high(linked, "SCHOOL", 0, 25) == ([], 0)  # the school knows none of them
    unled, total = unled_concerns(linked, "CSC")
    assert [(c.person, c.agencies) for c in unled] == [("WS-F", {"POLICE": 1, "SCHOOL": 2})]
    set_lead(linked, "WS-F", "CSC", "Jo Smith", "", "liz.lead")
    assert unled_concerns(linked, "CSC") == ([], 0)
    linked.execute("UPDATE ws_record SET created_at = '2020-01-01 00:00:00+00:00'")
    linked.execute("UPDATE ws_record SET created_at = '2030-01-01 00:00:00+00:00' "
                   "WHERE agency = 'POLICE'")  # fmt: skip
    news, total = news_since(linked, "CSC", "2029-12-31 00:00:00+00:00")
    assert [(c.person, c.agencies, c.count) for c in news] == [("WS-M", {"POLICE": 1}, 1)]
    assert total == 1 and news_since(linked, "POLICE", "2029-12-31 00:00:00+00:00") == ([], 0)
    assert news_since(linked, "CSC", "2030-06-01 00:00:00+00:00") == ([], 0)


def test_where_news_starts() -> None:
    from wholestory.engagement.caseloads import news_window_start

    now = dt.datetime(2026, 12, 5, 12, 0, tzinfo=dt.UTC)
    visit = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
    assert news_window_start(visit, now, 30) == "2026-12-01 09:30:00+00:00"
    assert news_window_start(None, now, 30) == "2026-11-05 12:00:00+00:00"
    long_ago = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    assert news_window_start(long_ago, now, 30) == "2026-11-05 12:00:00+00:00"
