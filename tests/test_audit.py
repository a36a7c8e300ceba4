"""Tamper tests: ``wholestory audit verify`` passes on an untouched log and catches each attack.

The database itself refuses UPDATE and DELETE on the log (triggers). An
attacker with database rights can switch those off, so each test does so
first, tampers as that attacker would, and checks that the hash chain still
tells: a modified entry, a deleted entry, a reordered pair and a removed
newest entry each fail the check, with the problem named in plain words.
Every test runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from wholestory import audit
from wholestory.cli.main import app
from wholestory.store import Store

runner = CliRunner()


@pytest.fixture
def log(store_env: Store) -> Iterator[Store]:
    """A store whose audit log holds five entries."""
    for i, (actor, action, person) in enumerate(
        [
            ("pat.police", "login", ""),
            ("pat.police", "search", ""),
            ("pat.police", "view", "WS-0000001"),
            ("sam.school", "view", "WS-0000002"),
            ("sam.school", "download", "WS-0000002"),
        ]
    ):
        audit.append(
            store_env,
            audit.Event(actor=actor, action=action, person=person, reason=f"reason {i}"),
        )
    yield store_env


@pytest.fixture
def attacker(log: Store) -> Iterator[Store]:
    """The same store with the append-only triggers off, as someone with database rights could."""
    if log.backend == "sqlite":
        log.execute("DROP TRIGGER ws_audit_no_update")
        log.execute("DROP TRIGGER ws_audit_no_delete")
        yield log  # the SQLite file is this test's own copy
        return
    log.execute("ALTER TABLE ws_audit DISABLE TRIGGER ws_audit_append_only")
    try:
        yield log
    finally:
        log.execute("ALTER TABLE ws_audit ENABLE TRIGGER ws_audit_append_only")


def _verify() -> tuple[int, str]:
    result = runner.invoke(app, ["audit", "verify"])
    return result.exit_code, result.output


def _verify_json() -> dict[str, object]:
    result = runner.invoke(app, ["audit", "verify", "--json"])
    loaded: dict[str, object] = json.loads(result.output)
    return loaded


def test_an_untouched_log_verifies(log: Store) -> None:
    code, output = _verify()
    assert code == 0, output
    assert "intact" in output and "5 entries" in output
    assert _verify_json() == {"ok": True, "entries": 5, "problems": []}


def test_the_database_refuses_changes_to_the_log(log: Store) -> None:
    for statement in (
        "UPDATE ws_audit SET reason = 'nothing to see' WHERE seq = 3",
        "DELETE FROM ws_audit WHERE seq = 3",
    ):
        with pytest.raises(Exception, match="append-only"):
            log.execute(statement)
    assert audit.verify(log).ok


def test_a_modified_entry_is_detected(attacker: Store) -> None:
    attacker.execute("UPDATE ws_audit SET actor = 'someone.else' WHERE seq = 3")
    code, output = _verify()
    assert code == 1
    assert "tampered" in output and "entry 3 was changed after it was written" in output
    problems = _verify_json()["problems"]
    assert isinstance(problems, list) and any("entry 3 was changed" in p for p in problems)


def test_a_modified_entry_with_its_hash_recomputed_is_detected(attacker: Store) -> None:
    """Rewriting an entry and its own hash still breaks the link from the next entry."""
    entry = audit.entries(attacker, newest_first=False)[2]
    forged = audit.entry_hash(
        entry.seq, entry.at, entry.actor, entry.agency, entry.role, entry.action, "",
        entry.target, entry.reason, entry.outcome, entry.detail, entry.prev_hash,
    )  # fmt: skip
    attacker.execute("UPDATE ws_audit SET person = '', hash = ? WHERE seq = 3", [forged])
    code, output = _verify()
    assert code == 1 and "entry 4 does not follow the entry before it" in output


def test_a_deleted_entry_is_detected(attacker: Store) -> None:
    attacker.execute("DELETE FROM ws_audit WHERE seq = 3")
    code, output = _verify()
    assert code == 1
    assert "entry 3 is missing" in output and "removed" in output


def test_a_reordered_pair_is_detected(attacker: Store) -> None:
    """Swap entries 2 and 3: each keeps its content but takes the other's place."""
    with attacker.transaction():
        attacker.execute("UPDATE ws_audit SET seq = -2 WHERE seq = 2")
        attacker.execute("UPDATE ws_audit SET seq = 2 WHERE seq = 3")
        attacker.execute("UPDATE ws_audit SET seq = 3 WHERE seq = -2")
    assert [e.action for e in audit.entries(attacker, newest_first=False)][1:3] == [
        "view",
        "search",
    ]
    code, output = _verify()
    assert code == 1
    assert "entry 2 was changed" in output or "entry 2 does not follow" in output
    assert "entry 3" in output


def test_removing_the_newest_entry_is_detected_by_the_head(attacker: Store) -> None:
    attacker.execute("DELETE FROM ws_audit WHERE seq = 5")
    code, output = _verify()
    assert code == 1
    assert "the log ends at entry 4 but its head says 5" in output


def test_the_database_guards_the_head(log: Store) -> None:
    """Without switching triggers off, the head can neither be deleted nor moved back."""
    with pytest.raises(Exception, match="audit log head"):
        log.execute("DELETE FROM ws_audit_head")
    with pytest.raises(Exception, match="audit log head"):
        log.execute("UPDATE ws_audit_head SET seq = 4")
    assert audit.verify(log).ok


def test_audit_list_shows_and_filters_entries(log: Store) -> None:
    result = runner.invoke(app, ["audit", "list", "--actor", "sam.school", "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert [e["action"] for e in shown] == ["download", "view"]
    assert all(e["person"] == "WS-0000002" for e in shown)
    text = runner.invoke(app, ["audit", "list", "--person", "WS-0000001"])
    assert text.exit_code == 0 and "pat.police" in text.output and "sam.school" not in text.output
    newest = audit.entries(log, limit=1)[0]
    assert newest.action == "audit_view"  # reading the log is recorded in it
    assert audit.verify(log).ok
    wrong = runner.invoke(app, ["audit", "list", "--action", "peek"])
    assert wrong.exit_code == 2 and "Unknown action" in wrong.output
