"""Marac meetings, research, actions and the quarterly dataset, on both databases.

The partnership is ``marac_support.load``'s: a victim (WS-V) known to four agencies,
her partner (WS-P) and their child (WS-C), referred to Marac by the DA service on
1 February 2025. Adult-only cases and earlier meetings are made by hand where a test
needs them.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factories import event_row, write_csv
from marac_support import load, loaded
from wholestory.cli.main import app
from wholestory.domestic_abuse import marac_words as words
from wholestory.domestic_abuse.marac_dataset import QuarterError, marac_dataset, quarter_days
from wholestory.domestic_abuse.marac_decisions import decide
from wholestory.domestic_abuse.marac_meetings import (
    MeetingError,
    Offer,
    add_action,
    add_case,
    agenda,
    cases_about,
    complete_action,
    create_meeting,
    is_repeat,
    meeting,
    offers,
    read_confidentiality,
)
from wholestory.domestic_abuse.marac_research import (
    ResearchError,
    prefill,
    research_of,
    save_research,
)
from wholestory.identity import refresh_sources
from wholestory.ingest import ingest_paths
from wholestory.store import Store

runner = CliRunner()
BY = "cody.coordinator"


@pytest.fixture
def db(store: Store, tmp_path: Path) -> Store:
    return loaded(store, tmp_path)


def adult_only(victim: str, day: dt.date, source: str = "") -> Offer:
    return Offer(source or f"hand|{victim}|{day}", victim, words.PROFESSIONAL_JUDGEMENT,
                 "HOUSING", day, (), ())  # fmt: skip


# Repeats: the boundary


def test_a_referral_365_days_after_the_last_is_a_repeat_and_366_is_not() -> None:
    last = dt.date(2025, 2, 1)
    assert is_repeat([last], last + dt.timedelta(days=365))
    assert not is_repeat([last], last + dt.timedelta(days=366))
    assert not is_repeat([], last)
    assert not is_repeat([last], last)  # the referral itself is not its own repeat


# Building a meeting


def test_only_accepted_candidates_and_practitioners_referrals_are_offered(db: Store) -> None:
    found = offers(db)
    assert [(o.victim, o.referred_by, o.criterion) for o in found] == [
        ("WS-V", "DA_SERVICE", words.PROFESSIONAL_JUDGEMENT)
    ]
    assert found[0].source == "referral|DA_SERVICE:D1|WS-V"
    assert found[0].perpetrators == ("WS-P",) and found[0].children == ("WS-C",)
    from wholestory.domestic_abuse.marac import referral_list

    candidate = referral_list(db).candidates[0]
    decide(db, candidate.key, words.DECLINED, "Heard last month", BY)
    assert len(offers(db)) == 1
    decide(db, candidate.key, words.ACCEPTED, "New incident since", BY)
    assert {o.source for o in offers(db)} == {candidate.key, "referral|DA_SERVICE:D1|WS-V"}


def test_a_case_is_linked_to_the_victim_the_perpetrator_and_every_child(db: Store) -> None:
    made = create_meeting(db, dt.date(2025, 2, 20), BY)
    with pytest.raises(MeetingError, match=words.MEETING_THAT_DAY):
        create_meeting(db, dt.date(2025, 2, 20), BY)
    (offer,) = offers(db)
    case = add_case(db, made.id, offer, BY)
    assert (case.victim, case.perpetrators, case.children) == ("WS-V", ("WS-P",), ("WS-C",))
    assert case.referred_on == dt.date(2025, 2, 1) and not case.repeat
    for person in ("WS-V", "WS-P", "WS-C"):
        assert [c.id for c in cases_about(db, person)] == [case.id]
    assert cases_about(db, "WS-NOBODY") == []
    assert offers(db) == []  # taken
    with pytest.raises(MeetingError, match=words.ALREADY_ON_MEETING):
        add_case(db, made.id, offer, BY)
    with pytest.raises(MeetingError, match=words.NO_SUCH_MEETING):
        add_case(db, made.id + 99, adult_only("WS-X", dt.date(2025, 2, 1)), BY)


def test_a_case_within_12_months_of_an_earlier_referral_is_a_repeat(db: Store) -> None:
    made = create_meeting(db, dt.date(2026, 2, 20), BY)
    inside = add_case(db, made.id, adult_only("WS-V", dt.date(2026, 2, 1)), BY)
    assert inside.repeat  # 365 days after the DA service's referral of 1 February 2025
    other = create_meeting(db, dt.date(2026, 3, 20), BY)
    outside = add_case(db, other.id, adult_only("WS-V", dt.date(2027, 2, 2)), BY)
    assert not outside.repeat  # 366 days after the case above


def test_the_agenda_is_in_the_suggested_order(db: Store) -> None:
    first = create_meeting(db, dt.date(2025, 2, 20), BY)
    old = add_case(db, first.id, adult_only("WS-OLD", dt.date(2024, 3, 1)), BY)
    open_one = add_action(
        db, old.id, "HOUSING", "Hana Housing", "Sanctuary scheme", dt.date(2025, 3, 1), BY
    )
    done = add_action(db, old.id, "POLICE", "PC Lee", "Flag the address", dt.date(2025, 3, 1), BY)
    complete_action(db, done.id, dt.date(2025, 2, 25), "pc.lee")
    complete_action(db, done.id, dt.date(2025, 2, 28), "someone.else")  # kept as first recorded
    second = create_meeting(db, dt.date(2025, 3, 6), BY)
    adult = add_case(db, second.id, adult_only("WS-X", dt.date(2025, 3, 1)), BY)
    (offer,) = offers(db)
    family = add_case(db, second.id, offer, BY)
    read_confidentiality(db, second.id, "chair.chris")
    shown = agenda(db, second.id)
    assert shown.meeting.confidentiality_by == "chair.chris"
    assert [(c.id, a.id) for c, a in shown.open_actions] == [(old.id, open_one.id)]
    assert [c.id for c in shown.with_children] == [family.id]  # children first
    assert [c.id for c in shown.adults] == [adult.id]
    # WS-OLD was referred 1 March 2024: 12 months end 1 March 2025, since the last meeting.
    assert [c.id for c in shown.twelve_months] == [old.id]
    assert agenda(db, first.id).twelve_months == []
    assert not meeting(db, first.id).confidentiality_read  # type: ignore[union-attr]
    assert open_one.overdue(dt.date(2025, 3, 2)) and not open_one.overdue(dt.date(2025, 3, 1))


def test_an_action_needs_an_agency_an_owner_and_words(db: Store) -> None:
    made = create_meeting(db, dt.date(2025, 2, 20), BY)
    case = add_case(db, made.id, adult_only("WS-X", dt.date(2025, 2, 1)), BY)
    for agency, owner, what in (("", "A", "B"), ("POLICE", " ", "B"), ("POLICE", "A", "")):
        with pytest.raises(MeetingError, match=words.ACTION_INCOMPLETE):
            add_action(db, case.id, agency, owner, what, dt.date(2025, 3, 1), BY)


# Research


def test_research_is_prefilled_from_the_agencys_own_records_and_nothing_is_shared(
    db: Store,
) -> None:
    made = create_meeting(db, dt.date(2025, 2, 20), BY)
    case = add_case(db, made.id, offers(db)[0], BY)
    police = prefill(db, case, "POLICE")
    assert [(f.record, f.part) for f in police] == [
        ("POLICE:P5", "VICTIM"), ("POLICE:P1", "VICTIM"), ("POLICE:P4", "VICTIM"),
        ("POLICE:P6", "PERPETRATOR"), ("POLICE:P2", "PERPETRATOR"), ("POLICE:P3", "CHILD"),
    ]  # fmt: skip
    assert not any(f.shared for f in police)
    assert "15 of 27 questions answered yes" in next(
        f.fact for f in police if f.record == "POLICE:P4"
    )
    assert [f.record for f in prefill(db, case, "GP")] == ["GP:G1"]
    assert prefill(db, case, "SCHOOL") == []


def test_what_is_not_shared_needs_a_reason_and_only_own_records_are_shared(db: Store) -> None:
    made = create_meeting(db, dt.date(2025, 2, 20), BY)
    case = add_case(db, made.id, offers(db)[0], BY)
    with pytest.raises(ResearchError, match=words.WITHHELD_REASON_MISSING):
        save_research(db, case, "POLICE", {"POLICE:P1"}, "High risk", "  ", "pc.lee")
    with pytest.raises(ResearchError, match=words.NOT_YOUR_RECORD):
        save_research(db, case, "POLICE", {"GP:G1"}, "", "Not relevant", "pc.lee")
    save_research(db, case, "POLICE", {"POLICE:P1"}, "Escalating", "Older matters", "pc.lee")
    save_research(db, case, "POLICE", {"POLICE:P1", "POLICE:P5"}, "Escalating, weapons",
                  "Not relevant to risk", "pc.lee")  # fmt: skip
    everything = [f.record for f in prefill(db, case, "GP")]
    save_research(db, case, "GP", everything, "", "", "dr.gee")  # all shared: no reason needed
    kept = research_of(db, [case.id])[case.id]
    assert sorted(kept) == ["GP", "POLICE"]
    police = kept["POLICE"]
    assert [f.record for f in police.shared] == ["POLICE:P5", "POLICE:P1"]
    assert police.withheld == 4 and police.withheld_reason == "Not relevant to risk"
    assert police.opinion == "Escalating, weapons"  # opinion apart from the facts
    assert all("Escalating" not in f.fact for f in police.facts)


# The quarterly dataset


def meeting_records(tmp_path: Path) -> Path:
    """The DA service's record of a Marac meeting that heard WS-V, with her child."""
    rows = [
        event_row(900, agency="DA_SERVICE", record_id="MM1", person_id="DV2", role="VICTIM",
                  event_date="2025-02-18", event_type="MARAC_MEETING", event_id="MTG1",
                  given_name="Alex", family_name="Testcase", date_of_birth="1990-01-01", sex="F"),
        event_row(901, agency="DA_SERVICE", record_id="MM2", person_id="DC2",
                  role="HOUSEHOLD_MEMBER", event_date="2025-02-18", event_type="MARAC_MEETING",
                  event_id="MTG1", given_name="Kit", family_name="Testcase",
                  date_of_birth="2016-05-05"),
    ]  # fmt: skip
    return write_csv(tmp_path / "meetings.csv", rows)


def test_quarters_are_read_strictly() -> None:
    assert quarter_days("2026Q3") == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert quarter_days("2025q4") == (dt.date(2025, 10, 1), dt.date(2025, 12, 31))
    for bad in ("2026Q5", "2026-3", "Q3 2026", ""):
        with pytest.raises(QuarterError, match="2026Q3"):
            quarter_days(bad)


def test_the_dataset_counts_meetings_here_and_agencies_records(
    db: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = ingest_paths(db, [meeting_records(tmp_path)], None)
    assert result.totals()["quarantined"] == 0
    refresh_sources(db)
    db.execute("UPDATE ws_source_person SET ws_person_id = 'WS-V' WHERE key = 'DA_SERVICE:DV2'")
    db.execute("UPDATE ws_source_person SET ws_person_id = 'WS-C' WHERE key = 'DA_SERVICE:DC2'")
    made = create_meeting(db, dt.date(2025, 3, 6), BY)
    add_case(db, made.id, adult_only("WS-X", dt.date(2025, 3, 1)), BY)
    population = tmp_path / "population.yaml"
    population.write_text("adult_females: 20000\n", encoding="utf-8")
    monkeypatch.setenv("WHOLESTORY_POPULATION", str(population))
    data = marac_dataset(db, "2025Q1")
    assert (data.meetings, data.cases, data.children) == (2, 2, 1)
    assert data.by_agency == {"DA_SERVICE": 1, "HOUSING": 1}
    assert (data.repeats, data.referred_by_partners, data.referrers_known) == (0, 2, 2)
    assert data.cases_per_10k == pytest.approx(2 * 10_000 / 20_000)
    assert data.as_dict()["national"]["cases_per_10k"] == 47.0
    assert marac_dataset(db, "2026Q1").cases_same_quarter_last_year == 2
    assert marac_dataset(db, "2026Q1").year_on_year == -1.0
    assert marac_dataset(db, "2024Q4").cases == 0


def test_the_cli_prints_the_dataset_and_names_a_bad_quarter(
    store_env: Store, tmp_path: Path
) -> None:
    store_env.execute("DELETE FROM ws_household_link")
    store_env.execute("DELETE FROM ws_source_person")
    load(store_env, tmp_path)
    made = create_meeting(store_env, dt.date(2025, 3, 6), BY)
    add_case(store_env, made.id, offers(store_env)[0], BY)
    result = runner.invoke(app, ["marac", "dataset", "--quarter", "2025Q1", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["cases"], data["children_in_households"], data["meetings"]) == (1, 1, 1)
    assert data["referrals_by_agency"] == {"DA_SERVICE": 1}
    shown = runner.invoke(app, ["marac", "dataset", "--quarter", "2025Q1"])
    assert shown.exit_code == 0 and "Cases discussed" in shown.output and "47" in shown.output
    bad = runner.invoke(app, ["marac", "dataset", "--quarter", "2025-1"])
    assert bad.exit_code != 0 and "2026Q3" in bad.output and "Traceback" not in bad.output
