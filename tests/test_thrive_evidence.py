"""The complexity factors the records evidence, proposed for a Current View (issue 16, item 2).

Each factor WholeStory can evidence fires on records planted for it, with the entries that
show it, and not on a near miss: a plan that has ended (or ended by a case closed), an
enquiry with no plan, the child as a victim or a witness, the child's own mental health,
a carer who is not the child. A plan is read on the Current View's day: open then, though
ended since, it is current.
"""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest

from factories import event_row, write_csv
from wholestory.engagement.leads import from_records
from wholestory.identity import refresh_sources
from wholestory.ingest import ingest_paths
from wholestory.store import Store
from wholestory.thrive.evidence import EVIDENCED, as_dict, confirmed, evidenced_factors
from wholestory.thrive.vocabulary import COMPLEXITY

AS_OF = dt.date(2026, 3, 1)
_ids = itertools.count(1)


def row(agency: str, person: str, kind: str, day: str, summary: str = "", role: str = "SUBJECT",
        given: str = "Robin", born: str = "2012-04-04") -> dict[str, str]:  # fmt: skip
    return event_row(next(_ids), agency=agency, person_id=person, event_type=kind,
                     event_date=day, role=role, given_name=given, family_name="Evidence",
                     date_of_birth=born, event_id="", nhs_number="",
                     summary=summary or kind.replace("_", " ").lower())  # fmt: skip


MOTHER = {"given": "Alex", "born": "1985-01-01"}
RECORDS = [
    # WS-1: every factor the records can show.
    row("CSC", "C1", "CIN_PLAN_START", "2025-10-01"),
    row("EARLY_HELP", "EH1", "CIN_PLAN_END", "2025-12-01"),  # another agency's end closes nothing
    row("CSC", "C1", "CP_PLAN_START", "2025-01-10", "Child protection plan: emotional abuse"),
    row("CSC", "C1", "CP_PLAN_END", "2025-09-01"),
    row("CSC", "C1", "LOOKED_AFTER_START", "2026-01-15"),
    row("POLICE", "P1", "ARREST", "2025-11-20", role="SUSPECT"),
    row("YOUTH_JUSTICE", "Y1", "CONTACT", "2025-12-02", "Referral order panel"),
    row("POLICE", "P1", "DA_INCIDENT", "2025-08-08", role="PRESENT"),
    row("GP", "G1", "PARENT_MENTAL_HEALTH", "2025-06-01", "Mother's depression discussed"),
    row("CSC", "CM", "PARENT_SUBSTANCE_MISUSE", "2025-07-07", "Alcohol use assessed", **MOTHER),
    row("SCHOOL", "S1", "CONCERN", "2025-10-10", "Identified as a Young Carer for his mum"),
    row("POLICE", "P1", "ARREST", "2026-03-05", role="SUSPECT"),  # after the day: not yet
    # WS-2: near misses only.
    row("CSC", "C2", "LOOKED_AFTER_START", "2024-01-01", given="Sky"),
    row("CSC", "C2", "CASE_CLOSED", "2024-06-01", given="Sky"),
    row("CSC", "C2", "CIN_PLAN_START", "2024-07-01", given="Sky"),
    row("CSC", "C2", "CIN_PLAN_END", "2024-07-01", given="Sky"),  # a same-day end closes it
    row("CSC", "C2", "S47_ENQUIRY", "2025-02-01", given="Sky"),
    row("POLICE", "P2", "OFFENCE_VICTIM", "2025-03-01", role="VICTIM", given="Sky"),
    row("POLICE", "P2", "ARREST", "2025-04-01", role="WITNESS", given="Sky"),
    row("CAMHS", "M2", "MENTAL_HEALTH_CONTACT", "2025-05-01", given="Sky"),
    row("SCHOOL", "S2", "CONCERN", "2025-06-01", "Carer says he is a young man now", given="Sky"),
]  # fmt: skip
LINKS = {"CSC:C1": "WS-1", "EARLY_HELP:EH1": "WS-1", "POLICE:P1": "WS-1",
         "YOUTH_JUSTICE:Y1": "WS-1", "GP:G1": "WS-1", "SCHOOL:S1": "WS-1", "CSC:CM": "WS-M",
         **{f"{a}:{p}": "WS-2" for a, p in (("CSC", "C2"), ("POLICE", "P2"), ("CAMHS", "M2"),
                                            ("SCHOOL", "S2"))}}  # fmt: skip


@pytest.fixture
def planted(store: Store, tmp_path: Path) -> Store:
    result = ingest_paths(store, [write_csv(tmp_path / "records.csv", RECORDS)], None)
    assert not result.failed and result.totals()["quarantined"] == 0
    refresh_sources(store)
    store.executemany("UPDATE ws_source_person SET ws_person_id = ? WHERE key = ?",
                      [(ws, key) for key, ws in LINKS.items()])  # fmt: skip
    store.execute(  # the mother lives with WS-1 (an undated link: throughout)
        "INSERT INTO ws_household_link (key_a, key_b, basis, detail, first_date, last_date) "
        "VALUES ('CSC:C1', 'CSC:CM', 'relationship', 'MOTHER', NULL, NULL)"
    )
    return store


def _found(store: Store, person: str, as_of: dt.date = AS_OF) -> dict[str, list[str]]:
    return {
        code: [f"{e.agency} {e.event_type} {e.day}" for e in entries]
        for code, entries in evidenced_factors(store, person, as_of).items()
    }


def test_each_factor_the_records_show_is_proposed_with_its_entries(planted: Store) -> None:
    assert _found(planted, "WS-1") == {
        "looked_after": ["CSC LOOKED_AFTER_START 2026-01-15"],
        "young_carer": ["SCHOOL CONCERN 2025-10-10"],
        "child_in_need": ["CSC CIN_PLAN_START 2025-10-01"],
        "abuse_neglect": ["CSC CP_PLAN_START 2025-01-10", "POLICE DA_INCIDENT 2025-08-08"],
        "parental_health": ["GP PARENT_MENTAL_HEALTH 2025-06-01",
                            "CSC PARENT_SUBSTANCE_MISUSE 2025-07-07"],
        "youth_justice": ["POLICE ARREST 2025-11-20", "YOUTH_JUSTICE CONTACT 2025-12-02"],
    }  # fmt: skip
    # The mother's record is hers, in the child's story as the household's.
    (_, household) = evidenced_factors(planted, "WS-1", AS_OF)["parental_health"]
    assert household.household


def test_near_misses_propose_nothing(planted: Store) -> None:
    assert _found(planted, "WS-2") == {}
    assert _found(planted, "WS-NOBODY") == {}


def test_a_plan_is_read_on_the_day_of_the_current_view(planted: Store) -> None:
    during = _found(planted, "WS-1", dt.date(2025, 6, 1))
    assert during["protection_plan"] == ["CSC CP_PLAN_START 2025-01-10"]
    assert "child_in_need" not in during and "looked_after" not in during
    assert "youth_justice" not in during and "young_carer" not in during


def test_open_plans_agree_with_the_allocations_rule_today(planted: Store) -> None:
    """Read today, the plans proposed are those engagement.leads allocates from."""
    plans = {"CIN_PLAN": "child_in_need", "CP_PLAN": "protection_plan",
             "LOOKED_AFTER": "looked_after"}  # fmt: skip
    for person in ("WS-1", "WS-2"):
        allocated = {plans[a.plan] for a in from_records(planted, [person]) if a.plan in plans}
        found = set(evidenced_factors(planted, person, dt.date.today())) & set(plans.values())
        assert found == allocated


def test_what_is_proposed_is_told_and_what_is_confirmed_is_kept(planted: Store) -> None:
    found = evidenced_factors(planted, "WS-1", AS_OF)
    told = as_dict(found)
    assert told["young_carer"]["factor"] == COMPLEXITY["young_carer"]
    assert told["young_carer"]["evidenced_by"] == EVIDENCED["young_carer"]
    assert told["young_carer"]["entries"][0]["summary"].startswith("Identified as a Young Carer")
    answers = {code: "yes" for code in found} | {"young_carer": "no", "refugee": "yes"}
    assert confirmed(answers, found) == (
        "looked_after", "child_in_need", "abuse_neglect", "parental_health", "youth_justice"
    )  # fmt: skip
