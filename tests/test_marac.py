"""The Marac referral list: each criterion at its boundary, from records on both databases.

The criteria are SafeLives' (``shared/spec/domestic-abuse.md``); the numbers are the
partnership's settings (``IndicatorThresholds``). The pure tests build events by hand;
the store tests ingest agency files, link the victim across agencies and read the list
back as the coordinator's page and the CLI do.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from marac_support import load
from wholestory.chronology.thresholds import IndicatorThresholds
from wholestory.cli.main import app
from wholestory.domestic_abuse import marac_words as words
from wholestory.domestic_abuse.marac import (
    DASH,
    INCIDENT,
    REFERRAL,
    Event,
    candidates,
    referral_list,
)
from wholestory.domestic_abuse.marac_decisions import DecisionError, decide, decisions
from wholestory.store import Store

DAY = dt.date(2025, 3, 1)
_ids = itertools.count(1)
runner = CliRunner()


def event(
    kind: str,
    day: dt.date,
    victim: str = "WS-V",
    suspect: str = "WS-P",
    agency: str = "POLICE",
    score: int | None = None,
    judgement: bool = False,
) -> Event:
    n = next(_ids)
    return Event(
        agency, f"E{n}", day, kind, (f"{agency}:R{n}",), frozenset({victim}),
        frozenset({suspect}) if suspect else frozenset(), frozenset(), score, judgement,
    )  # fmt: skip


def met(found: list, criterion: str) -> list[str]:  # type: ignore[type-arg]
    return sorted(c.victim for c in found if c.criterion == criterion)


# Potential escalation


def test_three_events_within_365_days_are_potential_escalation() -> None:
    found = candidates([event(INCIDENT, DAY + dt.timedelta(days=d)) for d in (0, 100, 365)])
    assert met(found, words.POTENTIAL_ESCALATION) == ["WS-V"]
    (hit,) = found
    assert hit.met_on == DAY + dt.timedelta(days=365)
    assert len(hit.evidence) == 3
    assert hit.perpetrators == ("WS-P",)


def test_three_events_spanning_366_days_are_not() -> None:
    found = candidates([event(INCIDENT, DAY + dt.timedelta(days=d)) for d in (0, 100, 366)])
    assert met(found, words.POTENTIAL_ESCALATION) == []


def test_escalation_counts_every_agencys_events_and_the_partnerships_number() -> None:
    events = [
        event(INCIDENT, DAY, agency="POLICE"),
        event(INCIDENT, DAY + dt.timedelta(days=40), agency="GP", suspect=""),
        event(INCIDENT, DAY + dt.timedelta(days=80), agency="HOUSING", suspect=""),
    ]
    assert met(candidates(events), words.POTENTIAL_ESCALATION) == ["WS-V"]
    four = IndicatorThresholds(da_escalation_incidents=4)
    assert met(candidates(events, four), words.POTENTIAL_ESCALATION) == []


def test_two_agencies_recording_one_days_incident_count_once() -> None:
    events = [event(INCIDENT, DAY, agency="POLICE"), event(INCIDENT, DAY, agency="ED")]
    events.append(event(INCIDENT, DAY + dt.timedelta(days=30)))
    assert met(candidates(events), words.POTENTIAL_ESCALATION) == []


# Repeat


def test_abuse_one_day_inside_12_months_of_the_last_referral_is_a_repeat() -> None:
    found = candidates([event(REFERRAL, DAY), event(INCIDENT, DAY + dt.timedelta(days=365))])
    assert met(found, words.REPEAT) == ["WS-V"]
    (hit,) = [c for c in found if c.criterion == words.REPEAT]
    assert "365 days after" in hit.detail
    assert len(hit.evidence) == 2


def test_abuse_one_day_outside_12_months_is_not_a_repeat() -> None:
    found = candidates([event(REFERRAL, DAY), event(INCIDENT, DAY + dt.timedelta(days=366))])
    assert met(found, words.REPEAT) == []


def test_the_last_referral_counts_and_the_perpetrator_must_be_the_same() -> None:
    later = DAY + dt.timedelta(days=300)
    events = [event(REFERRAL, DAY), event(REFERRAL, later)]
    assert met(candidates([*events, event(INCIDENT, later + dt.timedelta(days=200))]),
               words.REPEAT) == ["WS-V"]  # fmt: skip
    other = event(INCIDENT, DAY + dt.timedelta(days=10), suspect="WS-OTHER")
    assert met(candidates([event(REFERRAL, DAY), other]), words.REPEAT) == []


def test_a_referral_naming_no_perpetrator_is_about_her_last_incidents() -> None:
    incident = event(INCIDENT, DAY - dt.timedelta(days=1))
    referral = event(REFERRAL, DAY, suspect="")
    again = event(INCIDENT, DAY + dt.timedelta(days=200))
    assert met(candidates([incident, referral, again]), words.REPEAT) == ["WS-V"]
    stranger = event(INCIDENT, DAY + dt.timedelta(days=200), suspect="WS-OTHER")
    assert met(candidates([incident, referral, stranger]), words.REPEAT) == []


# Dash


def test_fourteen_yes_is_visible_high_risk_and_thirteen_is_not() -> None:
    assert met(candidates([event(DASH, DAY, score=14)]), words.VISIBLE_HIGH_RISK) == ["WS-V"]
    assert candidates([event(DASH, DAY, score=13)]) == []


def test_judgement_raises_a_low_score_and_never_replaces_a_high_one() -> None:
    low = candidates([event(DASH, DAY, score=5, judgement=True)])
    assert [(c.victim, c.criterion) for c in low] == [("WS-V", words.PROFESSIONAL_JUDGEMENT)]
    high = candidates([event(DASH, DAY, score=20, judgement=True)])
    assert [c.criterion for c in high] == [words.VISIBLE_HIGH_RISK]


# From the store, on both databases


@pytest.fixture
def db(store: Store) -> Store:
    store.execute("DELETE FROM ws_household_link")
    store.execute("DELETE FROM ws_source_person")
    return store


def test_the_list_from_records_linked_across_agencies(db: Store, tmp_path: Path) -> None:
    load(db, tmp_path)
    found = referral_list(db)
    by = {c.criterion: c for c in found.candidates}
    assert sorted(by) == [words.POTENTIAL_ESCALATION, words.REPEAT, words.VISIBLE_HIGH_RISK]
    assert {c.victim for c in found.candidates} == {"WS-V"}
    assert by[words.VISIBLE_HIGH_RISK].evidence == ("POLICE:P4",)
    assert "15 'yes'" in by[words.VISIBLE_HIGH_RISK].detail
    assert by[words.VISIBLE_HIGH_RISK].perpetrators == ("WS-P",)  # through its incident
    escalation = by[words.POTENTIAL_ESCALATION]
    assert escalation.evidence == ("POLICE:P1", "GP:G1", "HOUSING:H1", "POLICE:P5")
    assert escalation.met_on == dt.date(2026, 1, 30)
    assert escalation.detail.startswith("4 domestic abuse events")
    repeat = by[words.REPEAT]
    assert repeat.evidence == ("DA_SERVICE:D1", "POLICE:P5")  # the victim's own records
    assert all(c.children == ("WS-C",) for c in found.candidates)
    (referred,) = found.referrals
    assert (referred.victim, referred.agency, referred.perpetrators) == (
        "WS-V",
        "DA_SERVICE",
        ("WS-P",),
    )
    assert referred.children == ("WS-C",)


def test_a_decision_needs_a_reason_and_is_kept(db: Store, tmp_path: Path) -> None:
    load(db, tmp_path)
    key = referral_list(db).candidates[0].key
    with pytest.raises(DecisionError, match=words.REASON_MISSING):
        decide(db, key, "accepted", "   ", "cody.coordinator")
    with pytest.raises(DecisionError, match=words.DECISION_MISSING):
        decide(db, key, "maybe", "reason", "cody.coordinator")
    assert decisions(db) == {}
    decide(db, key, "declined", "Already heard last month", "cody.coordinator")
    decide(db, key, "accepted", "A new incident since", "cody.coordinator")
    (made,) = decisions(db).values()
    assert (made.key, made.decision, made.reason, made.victim) == (
        key, "accepted", "A new incident since", "WS-V",
    )  # fmt: skip


def test_the_cli_lists_candidates_and_referrals_apart(store_env: Store, tmp_path: Path) -> None:
    store_env.execute("DELETE FROM ws_household_link")
    store_env.execute("DELETE FROM ws_source_person")
    load(store_env, tmp_path)
    result = runner.invoke(app, ["marac", "candidates", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert sorted(c["criterion"] for c in data["candidates"]) == [
        words.POTENTIAL_ESCALATION, words.REPEAT, words.VISIBLE_HIGH_RISK,
    ]  # fmt: skip
    assert data["candidates"][0]["children"] == ["WS-C"]
    assert [r["evidence"] for r in data["referrals"]] == [["DA_SERVICE:D1"]]
    shown = runner.invoke(app, ["marac", "candidates"])
    assert shown.exit_code == 0
    assert "Visible high risk" in shown.output and "POLICE:P4" in shown.output
    assert "Referrals made by practitioners (1)" in shown.output
