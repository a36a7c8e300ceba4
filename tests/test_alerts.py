"""Alerts (issue 14): each rule fires for exactly the events that meet it, each alert is
raised once, and nobody is told of a child they may not see, in the app or by email.

One child, Keeley, is known to the school and the GP, and children's social care holds her
child protection plan with a named social worker. A day's feed then brings a housing
record (a new involvement), a police missing episode (something new for a child on a
plan), and her third missing episode in a year (a new flag).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from alert_support import add_keeley, day, feed, tellings
from arrival_support import child_row
from factories import write_csv
from web_support import serving
from wholestory.alerts.settings import (
    NEW_FLAG,
    NEW_INVOLVEMENT,
    SOMETHING_NEW,
    AlertSettings,
    AlertSettingsError,
)
from wholestory.chronology.stored import build_all
from wholestory.feed import run_feed
from wholestory.identity import LinkThresholds
from wholestory.store import Store
from wholestory.store.imports import FEED, Arrival


@pytest.fixture
def keeley(store: Store, tmp_path: Path) -> str:
    return add_keeley(store, tmp_path)


def test_a_days_feed_raises_each_rule_for_the_events_that_meet_it(
    store: Store, keeley: str, tmp_path: Path
) -> None:
    run = feed(store, tmp_path, [
        child_row(1, "HOUSING", event_date=day(1), event_type="HOMELESSNESS", role="SUBJECT",
                  practitioner="H. Worker"),
        child_row(2, "HOUSING", event_date=day(0), event_type="CONTACT", role="SUBJECT"),
        child_row(3, "POLICE", event_date=day(0), event_type="MISSING_EPISODE", role="SUBJECT"),
        child_row(4, "CSC", event_date=day(0), event_type="CONTACT", role="SUBJECT"),
    ])  # fmt: skip
    assert sorted((a.rule, a.agency, a.record, a.code) for a in run.alerts.alerts) == [
        (NEW_FLAG, "", "", "MISSING_REPEAT"),  # the third in a year
        (NEW_INVOLVEMENT, "HOUSING", "HOUSING:HOUSING-R1", ""),  # once, named by the first
        (SOMETHING_NEW, "POLICE", "POLICE:POLICE-R3", ""),  # not CSC's own contact
    ]
    assert {a.person for a in run.alerts.alerts} == {keeley}
    assert tellings(store) == {
        # the housing worker who wrote the record, and housing's lead; not the school's
        # practitioner of the same name
        (NEW_INVOLVEMENT, "hal.housing", "worker"),
        (NEW_INVOLVEMENT, "hope.lead", "lead"),
        # the lead professional (the plan's social worker) and her agency's lead
        (SOMETHING_NEW, "sue.social", "lead_professional"),
        (SOMETHING_NEW, "cal.lead", "lead"),
        # every agency that knows her, and her lead professional; not youth justice
        (NEW_FLAG, "sue.social", "lead_professional"),
        (NEW_FLAG, "cal.lead", "lead"),
        (NEW_FLAG, "hope.lead", "lead"),
        (NEW_FLAG, "gail.lead", "lead"),
        (NEW_FLAG, "sam.lead", "lead"),
        (NEW_FLAG, "paul.lead", "lead"),
    }
    sent = store.scalar("SELECT COUNT(*) FROM ws_audit WHERE action = 'alert_sent'")
    assert sent == len(tellings(store))  # each telling audited

    again = feed(store, tmp_path, [
        child_row(3, "POLICE", event_date=day(0), event_type="MISSING_EPISODE", role="SUBJECT",
                  summary="Missing overnight, found at a friend's"),
    ], "again")  # fmt: skip
    assert again.alerts.kept == [] and again.alerts.told == []  # each alert is sent once


def test_no_one_is_told_of_a_child_they_may_not_see(
    store: Store, keeley: str, tmp_path: Path
) -> None:
    from wholestory.access import may_see_person
    from wholestory.access_facts import facts_about
    from wholestory.alerts.recipients import users

    feed(store, tmp_path, [
        child_row(3, "POLICE", event_date=day(0), event_type="MISSING_EPISODE", role="SUBJECT"),
    ])  # fmt: skip
    facts, now = facts_about(store, keeley), dt.datetime.now(dt.UTC)
    may = {u.username for u in users(store) if may_see_person(u.viewer(), facts, now).allowed}
    told = {u for _, u, _ in tellings(store)}
    assert told and told <= may
    assert "yas.lead" not in told and "yas.lead" not in may


def test_a_child_not_on_a_plan_without_a_high_flag_raises_nothing_new(
    store: Store, keeley: str, tmp_path: Path
) -> None:
    store.execute("DELETE FROM ws_record WHERE agency IN ('CSC', 'POLICE')")  # no plan
    build_all(store)
    assert not store.scalar("SELECT COUNT(*) FROM ws_flag")  # no flag (two missing: exploitation)
    run = feed(store, tmp_path, [
        child_row(5, "SCHOOL", event_date=day(0), event_type="SUSPENSION", role="SUBJECT"),
    ])  # fmt: skip
    assert [a.rule for a in run.alerts.alerts] == []


def test_rules_a_partnership_turns_off_are_not_run(
    store: Store, keeley: str, tmp_path: Path
) -> None:
    path = tmp_path / "alerts.yaml"
    path.write_text("rules:\n  NEW_FLAG: off\nwatched_events: [ED_ATTENDANCE]\n")
    settings = AlertSettings.load(path)
    rows = [child_row(3, "POLICE", event_date=day(0), event_type="MISSING_EPISODE", role="SUBJECT")]
    run = run_feed(store, [write_csv(tmp_path / "f.csv", rows)], Arrival(FEED, "cron"),
                   thresholds=LinkThresholds(), alert_settings=settings)  # fmt: skip
    assert run.alerts.alerts == []  # the flag's rule is off, and a missing episode not watched


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rules: [NEW_FLAG]\n", "'rules' should map each rule to on or off"),
        ("rules:\n  NEW_FLAGS: off\n", "'NEW_FLAGS' is not a rule"),
        ("rules:\n  NEW_FLAG: maybe\n", "NEW_FLAG should be on or off"),
        ("watched_events: [ED_VISIT]\n", "'ED_VISIT' is not an event type"),
        ("watch: []\n", "unknown setting 'watch'"),
        ("- a\n", "expected 'rules' and 'watched_events'"),
    ],
)
def test_alert_settings_refuse_what_they_cannot_use(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "alerts.yaml"
    path.write_text(text)
    with pytest.raises(AlertSettingsError) as raised:
        AlertSettings.load(path)
    assert str(path) in str(raised.value) and message in str(raised.value)


def test_each_user_gets_one_email_of_counts_and_a_link_and_no_child(
    store: Store, keeley: str, tmp_path: Path
) -> None:
    from django.core import mail

    from wholestory.web.accounts.alert_mail import send_digests

    feed(store, tmp_path, [
        child_row(1, "HOUSING", event_date=day(1), event_type="HOMELESSNESS", role="SUBJECT",
                  practitioner="H. Worker"),
        child_row(3, "POLICE", event_date=day(0), event_type="MISSING_EPISODE", role="SUBJECT"),
    ])  # fmt: skip
    mail.outbox = []
    with serving(store.url):
        assert send_digests(store) == len({u for _, u, _ in tellings(store)})
        assert send_digests(store) == 0  # sent once
    told = {u for _, u, _ in tellings(store)}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"{u}@example.org" for u in told)
    assert "yas.lead@example.org" not in {m.to[0] for m in mail.outbox}  # may not see her
    sue = next(m for m in mail.outbox if m.to == ["sue.social@example.org"])
    assert "2 new alerts" in sue.body  # her plan's child: something new, and a new flag
    assert "1 new event at another agency" in sue.body and "1 new flag" in sue.body
    assert "/alerts" in sue.body
    names = {"Keeley", "Marchbank", keeley}
    assert not any(n in m.body or n in m.subject for m in mail.outbox for n in names)


def test_the_commands_say_what_a_feed_raised_and_for_whom(
    store_env: Store, keeley: str, tmp_path: Path
) -> None:
    import json

    from typer.testing import CliRunner

    from wholestory.cli.main import app

    runner = CliRunner()
    feed = write_csv(tmp_path / "police.csv", [
        child_row(3, "POLICE", event_date=day(0), event_type="MISSING_EPISODE", role="SUBJECT"),
    ])  # fmt: skip
    ran = runner.invoke(app, ["ingest", str(feed), "--json"])
    assert ran.exit_code == 0, ran.output
    said = json.loads(ran.output)["alerts"]
    told = {u for _, u, _ in tellings(store_env)}
    assert said == {"raised": 2, "users_told": len(told), "emails": len(told)}
    listed = runner.invoke(app, ["alerts", "--json"])
    assert listed.exit_code == 0, listed.output
    alerts = json.loads(listed.output)
    assert sorted(a["rule"] for a in alerts) == [NEW_FLAG, SOMETHING_NEW]
    assert {t["user"] for a in alerts for t in a["told"]} == told
    sue = runner.invoke(app, ["alerts", "--user", "sue.social"])
    assert sue.exit_code == 0 and "2 alerts from the last feed" in sue.output
    assert keeley in sue.output and "sue.social (lead_professional)" in sue.output
    nobody = runner.invoke(app, ["alerts", "--user", "yas.lead"])
    assert "No alerts for yas.lead" in nobody.output
    entries = store_env.scalar("SELECT COUNT(*) FROM ws_audit WHERE action = 'alerts_read'")
    assert entries == 3  # each listing audited


def test_a_rebuild_outside_a_feed_tells_of_the_flags_it_raised(
    store_env: Store, keeley: str, tmp_path: Path
) -> None:
    """The nightly build (``wholestory chronologies``) raises a new flag after a change the
    feed did not bring (here, the flag's row taken away and built again): her agencies'
    leads and her lead professional are told, as after a feed; a second build tells no one."""
    import json

    from typer.testing import CliRunner

    from wholestory.cli.main import app

    store_env.execute("DELETE FROM ws_flag WHERE code = 'EXPLOITATION_RISK'")
    ran = CliRunner().invoke(app, ["chronologies", "--json"])
    assert ran.exit_code == 0, ran.output
    assert json.loads(ran.output)["new_flag_alerts"] == 1
    assert {u for rule, u, _ in tellings(store_env) if rule == NEW_FLAG} == {
        "sue.social", "cal.lead", "gail.lead", "sam.lead", "paul.lead",
    }  # fmt: skip
    again = CliRunner().invoke(app, ["chronologies", "--json"])
    assert json.loads(again.output)["new_flag_alerts"] == 0
