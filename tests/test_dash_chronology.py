"""Dash checklists in the chronologies (issue 13), on both databases.

A checklist is an entry in the victim's chronology and, through the household, in her
child's. A checklist an agency sent for one of its Dash records rewrites that record's
summary from the answers, so the chronology and the MARAC_CRITERIA indicator read the
structured score; a checklist recorded in the app is an entry of its own. The page's
path (one person) and the nightly build (everyone at once) must agree.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from factories import write_csv
from marac_support import loaded
from wholestory.chronology import build
from wholestory.chronology.material import Everyone
from wholestory.chronology.model import Chronology
from wholestory.chronology.stored import chronology_of
from wholestory.chronology.thresholds import IndicatorThresholds
from wholestory.domestic_abuse.dash import checklist
from wholestory.ingest import ingest_paths
from wholestory.records.template import DASH_COLUMNS
from wholestory.store import Store
from wholestory.store.dash import record_checklist

AS_OF = dt.date(2026, 6, 1)


@pytest.fixture
def db(store: Store, tmp_path: Path) -> Store:
    return loaded(store, tmp_path)


def both(store: Store, person: str) -> Chronology:
    """The person's chronology, checked to be the same by both paths."""
    t = IndicatorThresholds()
    one = chronology_of(store, person, AS_OF, t)
    every = build(Everyone(store).material(person), AS_OF, t)
    assert [(e.id, e.summary) for e in one.entries] == [(e.id, e.summary) for e in every.entries]
    assert [f.explanation for f in one.flags] == [f.explanation for f in every.flags]
    return one


def dash_summaries(chronology: Chronology) -> list[str]:
    """What each Dash record of the chronology says (an entry may join it to its incident)."""
    return [
        s.summary for e in chronology.entries for s in e.sources
        if s.event_type == "DASH_ASSESSMENT"
    ]  # fmt: skip


def marac_flag(chronology: Chronology) -> str:
    return next((f.explanation for f in chronology.flags if f.code == "MARAC_CRITERIA"), "")


def test_a_checklist_sent_for_a_record_gives_its_score_from_the_answers(
    db: Store, tmp_path: Path
) -> None:
    before = both(db, "WS-C")
    assert "recorded 15 'yes' answers" in marac_flag(before)  # the free text said 15
    row = {
        "agency": "POLICE", "record_id": "P4", "event_id": "INC1", "victim_person_id": "V1",
        "perpetrator_person_id": "S1", "assessed_on": "2025-01-10", "form": "POLICE_DASH_27",
        "professional_judgement": "N", "practitioner": "PC 101", "notes": "",
    } | {f"q{q}": "Y" if q <= 9 else "N" for q in range(1, 28)}  # fmt: skip
    result = ingest_paths(db, [write_csv(tmp_path / "dash.csv", [row], DASH_COLUMNS)], None)
    assert not result.failed
    victim = both(db, "WS-V")
    assert any("9 of 27 questions answered yes" in s for s in dash_summaries(victim))
    assert not any("15 of 27" in s for s in dash_summaries(victim))
    child = both(db, "WS-C")
    assert any("9 of 27 questions answered yes" in s for s in dash_summaries(child))
    assert "15 'yes'" not in marac_flag(child)


def test_a_checklist_recorded_here_reaches_the_victim_and_her_child(db: Store) -> None:
    made = checklist("SAFELIVES_RIC_24", ["Y"] * 5 + ["N"] * 19, "Y")
    record_checklist(db, agency="DA_SERVICE", practitioner="ida.idva", victim="WS-V",
                     checklist=made, assessed_on=dt.date(2025, 3, 3), words={}, notes="",
                     now="2025-03-03T10:00:00+00:00")  # fmt: skip
    for person in ("WS-V", "WS-C"):
        found = [s for s in dash_summaries(both(db, person)) if "5 of 24" in s]
        assert found == [
            "Dash risk checklist (SafeLives Dash): 5 of 24 questions answered yes; the "
            "practitioner refers to Marac on professional judgement."
        ], person
    # The police Dash of 15 is visible high risk: judgement never replaces a high score.
    assert "recorded 15 'yes'" in marac_flag(both(db, "WS-C"))


def test_judgement_raises_the_indicator_when_the_score_does_not(db: Store) -> None:
    db.execute("DELETE FROM ws_record WHERE record_id = 'P4'")  # no high score anywhere
    db.execute("DELETE FROM ws_record WHERE event_type = 'MARAC_REFERRAL'")  # nor a repeat
    assert marac_flag(both(db, "WS-C")) == ""
    made = checklist("SAFELIVES_RIC_24", ["Y"] * 5 + ["N"] * 19, "Y")
    record_checklist(db, agency="DA_SERVICE", practitioner="ida.idva", victim="WS-V",
                     checklist=made, assessed_on=dt.date(2025, 3, 3), words={}, notes="",
                     now="2025-03-03T10:00:00+00:00")  # fmt: skip
    flag = marac_flag(both(db, "WS-C"))
    assert "scored 5 'yes'" in flag and "professional judgement" in flag
