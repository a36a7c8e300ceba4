"""The kept Marac referral list: worked out once, read while nothing it depends on changed.

The partnership is ``marac_support``'s. The list must be the one worked out from the
records at every moment a user could look: after an import, a Dash recorded here and
a change of thresholds it is worked out again; otherwise it is read back, the same.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from factories import event_row, write_csv
from marac_support import loaded
from wholestory.chronology.thresholds import IndicatorThresholds
from wholestory.domestic_abuse import marac, marac_kept
from wholestory.domestic_abuse.dash import checklist
from wholestory.domestic_abuse.marac import ReferralList, referral_list
from wholestory.domestic_abuse.marac_kept import kept_referral_list
from wholestory.identity import rebuild_household_links
from wholestory.identity.households import update_household_links
from wholestory.identity.runs import LinkSummary, finish_run, start_run
from wholestory.ingest import ingest_paths
from wholestory.store import Store
from wholestory.store.changes import HOUSEHOLD_LINKS, count_change, version, version_sql
from wholestory.store.dash import record_checklist


@pytest.fixture
def db(store: Store, tmp_path: Path) -> Store:
    return loaded(store, tmp_path)


def worked_out(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts each time the list is worked out rather than read back."""
    calls: list[int] = []
    real = marac.referral_list

    def counting(*args: object, **kwargs: object) -> ReferralList:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(marac_kept, "referral_list", counting)
    return calls


def test_the_list_survives_being_kept(db: Store) -> None:
    found = referral_list(db)
    assert found.candidates and found.referrals
    assert ReferralList.from_dict(found.as_dict()) == found


def test_it_is_read_back_until_something_it_depends_on_changes(
    db: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = worked_out(monkeypatch)
    first = kept_referral_list(db)
    assert kept_referral_list(db) == first and len(calls) == 1

    # A new import: a first incident for another victim, Marac-referred by the police.
    rows = [event_row(500, agency="POLICE", record_id="N1", person_id="NV", role="VICTIM",
                      event_date="2026-02-01", event_type="MARAC_REFERRAL", given_name="Nia",
                      family_name="Newcase", date_of_birth="1991-02-02")]  # fmt: skip
    assert not ingest_paths(db, [write_csv(tmp_path / "more.csv", rows)], None).failed
    after_import = kept_referral_list(db)
    assert len(calls) == 2
    assert {r.victim for r in after_import.referrals} == {"WS-V", "POLICE:NV"}
    assert after_import == referral_list(db)

    # A Dash recorded here.
    made = checklist("SAFELIVES_RIC_24", ["Y"] * 14 + ["N"] * 10)
    record_checklist(db, agency="DA_SERVICE", practitioner="ida.idva", victim="POLICE:NV",
                     checklist=made, assessed_on=dt.date(2026, 2, 2), words={}, notes="",
                     now="2026-02-02T10:00:00+00:00")  # fmt: skip
    after_dash = kept_referral_list(db)
    assert len(calls) == 3
    assert any(c.victim == "POLICE:NV" for c in after_dash.candidates)

    # Other thresholds.
    stricter = dataclasses.replace(IndicatorThresholds(), da_escalation_incidents=5)
    assert kept_referral_list(db, stricter) == referral_list(db, stricter)
    assert len(calls) == 4
    assert kept_referral_list(db, stricter) == referral_list(db, stricter) and len(calls) == 4


def test_a_change_of_who_lives_with_whom_is_noticed_without_a_run(
    db: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A feed that brings nobody new may still add or remove household links, alone."""
    calls = worked_out(monkeypatch)
    first = kept_referral_list(db)
    assert first.candidates and db.scalar("SELECT COUNT(*) FROM ws_household_link")
    before = version(db, HOUSEHOLD_LINKS)

    # A link lost (as a withdrawn relationship would lose it), then found again by the
    # feed's update of the people it touched: each write is counted, and the list read.
    key = str(db.scalar("SELECT key_a FROM ws_household_link ORDER BY id LIMIT 1"))
    with db.transaction():
        db.execute("DELETE FROM ws_household_link WHERE key_a = ? OR key_b = ?", [key, key])
        count_change(db, HOUSEHOLD_LINKS)
    assert kept_referral_list(db) == referral_list(db) and len(calls) == 2
    assert update_household_links(db, [key]) > 0
    assert version(db, HOUSEHOLD_LINKS) == before + 2
    assert kept_referral_list(db) == first and len(calls) == 3
    assert kept_referral_list(db) == first and len(calls) == 3


def test_changes_are_counted_by_topic(db: Store) -> None:
    assert version(db, "nothing_yet") == 0
    rebuild_household_links(db)
    rebuild_household_links(db)
    assert version(db, HOUSEHOLD_LINKS) >= 2
    assert version(db, "nothing_yet") == 0
    with pytest.raises(ValueError, match="not a topic"):
        version_sql("x'; DROP TABLE ws_change; --")


def test_a_list_read_while_a_linking_run_works_is_worked_out_again_when_it_ends(
    db: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = worked_out(monkeypatch)
    run = start_run(db, "full", None)
    kept_referral_list(db)
    assert kept_referral_list(db) is not None and len(calls) == 1
    finish_run(db, run, LinkSummary(kind="full"))
    kept_referral_list(db)
    assert len(calls) == 2


def test_a_link_decision_is_noticed(db: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A replaced decision keeps the number of decisions: its new row is what shows."""
    calls = worked_out(monkeypatch)
    kept_referral_list(db)
    db.execute(
        "INSERT INTO ws_link_decision (key_l, key_r, decision, reason, decided_by, decided_at) "
        "VALUES ('A:1', 'B:1', 'different', 'checked', 'rev', '2026-01-01T00:00:00+00:00')"
    )
    kept_referral_list(db)
    db.execute("DELETE FROM ws_link_decision")
    db.execute(
        "INSERT INTO ws_link_decision (key_l, key_r, decision, reason, decided_by, decided_at) "
        "VALUES ('A:1', 'B:1', 'same', 'checked again', 'rev', '2026-01-02T00:00:00+00:00')"
    )
    kept_referral_list(db)
    assert len(calls) == 3
