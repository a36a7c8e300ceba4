"""Operation Encompass notices (issue 13): owed, due, sent, acknowledged, counted for the board.

The records are test_incidents': a Friday-night incident on 14 November 2025 at
22:10, with Kit (9, named by the police, on Ivydene's roll) and Mae (13, found through
the household, her last school Wrenfield) of school age, and baby Ava, who is not.
The due times across weekends, bank holidays and half terms are pinned in
test_school_days.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from test_incidents import load, record
from wholestory.domestic_abuse import encompass_words as words
from wholestory.domestic_abuse.encompass import (
    DUTY_FROM,
    NoticeError,
    acknowledge,
    acknowledge_by_link,
    mark_sent,
    notice,
    notices,
    owed,
    queue,
    refresh_notices,
    timeliness,
)
from wholestory.domestic_abuse.incidents import FROM_SCHOOL, LAST_KNOWN, Incident
from wholestory.domestic_abuse.school_days import load_calendar
from wholestory.store import Store

KIT, MAE = "POLICE:INC1|WS-C", "POLICE:INC1|WS-M"
SATURDAY = dt.datetime(2025, 11, 15, 9, 0)


def _loaded(store: Store, tmp_path: Path, more: list[dict[str, str]] | None = None) -> None:
    load(store, tmp_path, more)
    assert refresh_notices(store) == 2


def test_each_child_of_school_age_is_owed_a_notice_before_the_next_school_day(
    store: Store, tmp_path: Path
) -> None:
    _loaded(store, tmp_path)
    kit, mae = notices(store)
    assert (kit.key, mae.key) == (KIT, MAE)  # Ava, a baby, is owed none
    for n in (kit, mae):
        assert (n.incident_at, n.due_at) == ("2025-11-14T22:10", "2025-11-17T08:30")
        assert n.what_happened == "Domestic incident attended at home address"
        assert n.place == "XW4 7QT" and n.records == "POLICE:P1, POLICE:P2, POLICE:P3"
    assert (kit.child_name, kit.date_of_birth, kit.age, kit.present) == (
        "Kit Caddow", "2016-05-05", 9, True
    )  # fmt: skip
    assert (kit.school, kit.school_known_from) == ("Ivydene Primary School", FROM_SCHOOL)
    assert (mae.present, mae.school, mae.school_known_from) == (
        False,
        "Wrenfield College",
        LAST_KNOWN,
    )
    assert kit.status(SATURDAY) == "due"
    assert kit.status(dt.datetime(2025, 11, 17, 8, 30)) == "overdue"
    assert [n.key for n in notices(store, school="Ivydene Primary School")] == [KIT]


def test_sent_acknowledged_once_by_link_and_counted_for_the_board(
    store: Store, tmp_path: Path
) -> None:
    _loaded(store, tmp_path)
    token = mark_sent(store, KIT, "pc.encompass", "Kit said he hid upstairs", SATURDAY)
    sent = notice(store, KIT)
    assert sent is not None and (sent.sent_at, sent.sent_by, sent.childs_voice) == (
        "2025-11-15T09:00", "pc.encompass", "Kit said he hid upstairs"
    )  # fmt: skip
    assert sent.status(SATURDAY) == "sent" and sent.on_time
    assert token not in str(store.query("SELECT * FROM ws_encompass_notice"))  # only its hash
    with pytest.raises(NoticeError, match=words.ALREADY_SENT):
        mark_sent(store, KIT, "pc.encompass", "", SATURDAY)
    done = acknowledge_by_link(store, token, dt.datetime(2025, 11, 17, 8, 40))
    assert done.key == KIT
    acknowledged = notice(store, KIT)
    assert acknowledged is not None and acknowledged.acknowledged_at == "2025-11-17T08:40"
    assert "emailed link (Ivydene Primary School)" in str(acknowledged.acknowledged_by)
    with pytest.raises(NoticeError, match="already been used"):
        acknowledge_by_link(store, token, dt.datetime(2025, 11, 17, 9, 0))
    late = mark_sent(store, MAE, "pc.encompass", "", dt.datetime(2025, 11, 17, 10, 0))
    with pytest.raises(NoticeError, match="expired"):
        acknowledge_by_link(store, late, dt.datetime(2025, 12, 2, 10, 1))
    acknowledge(store, MAE, "dsl.wrenfield", dt.datetime(2025, 12, 2, 10, 1))  # in the app
    with pytest.raises(NoticeError, match=words.ALREADY_ACKNOWLEDGED):
        acknowledge(store, MAE, "dsl.wrenfield", dt.datetime(2025, 12, 2, 10, 2))
    (month,) = timeliness(store)
    assert (month.month, month.owed, month.on_time, month.late, month.unsent) == (
        "2025-11", 2, 1, 1, 0
    )  # fmt: skip
    assert month.share_on_time == 0.5
    refresh_notices(store)  # a sent notice keeps what it said
    assert notice(store, KIT) == acknowledged


def test_the_queue_puts_what_is_not_sent_first_a_page_at_a_time(
    store: Store, tmp_path: Path
) -> None:
    _loaded(store, tmp_path)
    assert [n.key for n in queue(store)[0]] == [KIT, MAE]  # the earliest due first
    mark_sent(store, KIT, "pc.encompass", "", SATURDAY)
    assert [n.key for n in queue(store)[0]] == [MAE, KIT]  # sent: after those not sent
    assert ([n.key for n in queue(store, 1, 1)[0]], queue(store, 1, 1)[1]) == ([KIT], 2)


def test_a_notification_an_agency_recorded_counts_as_sent(store: Store, tmp_path: Path) -> None:
    told = record(20, "SCHOOL", "SC2", "SUBJECT", "2025-11-17", "ENCOMPASS_NOTIFICATION",
                  event_time="08:05", team="Wrenfield College")  # fmt: skip
    _loaded(store, tmp_path, [told])
    mae = notice(store, MAE)
    assert mae is not None and (mae.sent_at, mae.sent_by) == (
        "2025-11-17T08:05",
        "recorded by SCHOOL",
    )
    assert mae.on_time
    kit = notice(store, KIT)
    assert kit is not None and kit.sent_at is None  # Kit's school recorded nothing


def test_an_incident_before_the_duty_began_owes_nothing() -> None:
    before = Incident(
        "POLICE", "E0", DUTY_FROM - dt.timedelta(days=1), None, (), (), (), (), "", ""
    )
    assert owed(before, load_calendar()) == []


def test_a_notice_without_a_school_cannot_be_sent(store: Store, tmp_path: Path) -> None:
    _loaded(store, tmp_path)
    store.execute("UPDATE ws_encompass_notice SET school = NULL WHERE child = 'WS-M'")
    with pytest.raises(NoticeError, match="school is not known"):
        mark_sent(store, MAE, "pc.encompass", "", SATURDAY)


def test_the_cli_lists_each_notice_with_child_school_incident_due_time_and_status(
    store_env: Store, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from wholestory.cli.main import app

    store_env.execute("DELETE FROM ws_household_link")
    store_env.execute("DELETE FROM ws_source_person")
    load(store_env, tmp_path)
    runner = CliRunner()
    result = runner.invoke(app, ["encompass", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [(d["key"], d["school"], d["due_at"], d["status"]) for d in data] == [
        (KIT, "Ivydene Primary School", "2025-11-17T08:30", "overdue"),
        (MAE, "Wrenfield College", "2025-11-17T08:30", "overdue"),
    ]
    mark_sent(store_env, KIT, "pc.encompass", "", SATURDAY)
    overdue = runner.invoke(app, ["encompass", "--overdue"])
    assert overdue.exit_code == 0, overdue.output
    assert "Operation Encompass notices (1)" in overdue.output
    assert "Mae Caddow (WS-M)" in overdue.output and "Kit" not in overdue.output
    assert f"Wrenfield College (School from {LAST_KNOWN})" in overdue.output


def test_a_refresh_from_a_later_day_leaves_earlier_notices_alone(
    store: Store, tmp_path: Path
) -> None:
    _loaded(store, tmp_path)
    assert refresh_notices(store, since=dt.date(2025, 12, 1)) == 0  # the incident is earlier
    assert [n.key for n in notices(store)] == [KIT, MAE]  # kept, not worked out again
    assert refresh_notices(store, since=dt.date(2026, 12, 1)) == 0
    assert len(notices(store)) == 2
