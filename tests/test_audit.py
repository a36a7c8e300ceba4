"""Tamper tests: ``wholestory audit verify`` passes on an untouched log and catches each attack.

The database itself refuses UPDATE and DELETE on the log (triggers). An
attacker with database rights can switch those off, so each test does so
first, tampers as that attacker would, and checks that the hash chain still
tells: a modified entry, a deleted entry, a reordered pair and a removed
newest entry each fail the check, with the problem named in plain words.

Someone with the database file can go further: switch every trigger off,
rewrite the log, recompute every hash and the head, and switch the triggers
back on. The chain is keyed (WHOLESTORY_AUDIT_KEY; conftest sets a test key),
so such a rewrite, an emptied log, and (with an anchor kept elsewhere) a log
cut back to an earlier state all fail too. Every test runs on SQLite and
PostgreSQL.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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
    assert _verify_json() == {"ok": True, "entries": 5, "problems": [], "notes": []}


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


# Someone with the database file (finding M4): triggers off, rewrite, recompute, triggers on.

OTHER_KEY = "another-partnership-key-" + "o" * 32


@contextlib.contextmanager
def _triggers_off(store: Store) -> Iterator[None]:
    """Every trigger guarding the log and its head switched off, and restored after."""
    if store.backend == "sqlite":
        saved = store.query(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            "AND tbl_name IN ('ws_audit', 'ws_audit_head')"
        )
        assert len(saved) == 4
        for name, _ in saved:
            store.execute(f"DROP TRIGGER {name}")
        yield
        for _, sql in saved:
            store.execute(sql)
        return
    store.execute("ALTER TABLE ws_audit DISABLE TRIGGER ws_audit_append_only")
    store.execute("ALTER TABLE ws_audit_head DISABLE TRIGGER ws_audit_head_guard")
    try:
        yield
    finally:
        store.execute("ALTER TABLE ws_audit ENABLE TRIGGER ws_audit_append_only")
        store.execute("ALTER TABLE ws_audit_head ENABLE TRIGGER ws_audit_head_guard")


def _rewrite(
    store: Store, kept: list[audit.Entry], key: audit.AuditKey | None = None, start: int = 1
) -> None:
    """Replace the log from entry ``start`` on with ``kept``, renumbered, every hash recomputed
    (plain SHA-256 without ``key``) and the head moved to match, as the attacker did."""
    prev = audit.GENESIS
    if start > 1:
        prev = next(e.hash for e in audit.entries(store) if e.seq == start - 1)
    with _triggers_off(store), store.transaction():
        store.execute("DELETE FROM ws_audit WHERE seq >= ?", [start])
        for seq, e in enumerate(kept, start=start):
            digest = audit.entry_hash(
                seq, e.at, e.actor, e.agency, e.role, e.action, e.person, e.target, e.reason,
                e.outcome, e.detail, prev, key=key,
            )  # fmt: skip
            store.execute(
                "INSERT INTO ws_audit (seq, at, actor, agency, role, action, person, target, "
                "reason, outcome, detail, prev_hash, hash) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [seq, e.at, e.actor, e.agency, e.role, e.action, e.person, e.target, e.reason,
                 e.outcome, e.detail, prev, digest],
            )  # fmt: skip
            prev = digest
        store.execute(
            "UPDATE ws_audit_head SET seq = ?, hash = ? WHERE id = 1",
            [start + len(kept) - 1, prev],
        )


def _edited(entries: list[audit.Entry], seq: int, **changes: Any) -> list[audit.Entry]:
    from dataclasses import replace

    return [replace(e, **changes) if e.seq == seq else e for e in entries]


def _one_line_error(output: str) -> str:
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    assert lines[0].startswith("Error: "), output
    return lines[0]


def test_the_attackers_rewrite_with_every_hash_recomputed_is_detected(log: Store) -> None:
    """Finding M4 as reproduced: edit one entry, delete two, recompute every hash and the head."""
    kept = [e for e in _edited(audit.entries(log, newest_first=False), 2, actor="nobody")
            if e.seq not in (3, 4)]  # fmt: skip
    _rewrite(log, kept)
    assert [e.seq for e in audit.entries(log, newest_first=False)] == [1, 2, 3]
    with pytest.raises(Exception, match="append-only"):  # the triggers are back on
        log.execute("DELETE FROM ws_audit WHERE seq = 1")
    code, output = _verify()
    assert code == 1 and "tampered" in output
    assert "no entry is chained with the audit key" in output
    assert _verify_json()["ok"] is False


def test_a_rewrite_of_the_newer_entries_only_is_detected(log: Store) -> None:
    """Keep the keyed entries 1 and 2; rewrite from entry 3 on, without the key."""
    later = [e for e in audit.entries(log, newest_first=False) if e.seq >= 3]
    _rewrite(log, [e for e in _edited(later, 3, person="") if e.seq != 4], start=3)
    code, output = _verify()
    assert code == 1
    assert "entry 3 was rewritten without the audit key" in output
    assert "entry 4 was rewritten without the audit key" in output


def test_a_rewrite_with_another_key_is_detected(log: Store) -> None:
    _rewrite(log, audit.entries(log, newest_first=False), key=audit.AuditKey(OTHER_KEY.encode()))
    code, output = _verify()
    assert code == 1 and "entry 1 was changed after it was written" in output


def test_an_emptied_log_with_its_head_reset_is_detected(log: Store) -> None:
    _rewrite(log, [])
    assert audit.count(log) == 0
    assert log.query("SELECT seq, hash FROM ws_audit_head") == [(0, audit.GENESIS)]
    code, output = _verify()
    assert code == 1 and "the log has no entries" in output
    assert "every entry was removed" in output


def test_an_anchor_then_a_cut_back_log_fails_verify_anchor(log: Store, tmp_path: Path) -> None:
    anchored = runner.invoke(app, ["audit", "anchor", "--out", "head.json"])
    assert anchored.exit_code == 0, anchored.output
    assert "Anchored the audit log at entry 6" in anchored.output
    file = tmp_path / "head.json"
    saved = json.loads(file.read_text())
    newest = audit.entries(log, limit=1)[0]
    assert (saved["seq"], saved["hash"]) == (6, newest.hash) and newest.action == "audit_anchor"
    assert runner.invoke(app, ["audit", "verify", "--anchor", str(file)]).exit_code == 0

    # Back to a genuine earlier state: entries 5 and 6 gone, the head on entry 4.
    _rewrite(log, [], start=5)
    log_before = log.query("SELECT seq, hash FROM ws_audit WHERE seq = 4")
    assert log.query("SELECT seq, hash FROM ws_audit_head") == log_before
    assert _verify()[0] == 0  # every remaining hash is genuine: only the anchor can tell
    shrunk = runner.invoke(app, ["audit", "verify", "--anchor", str(file)])
    assert shrunk.exit_code == 1
    assert (
        "the log ends at entry 4, but the anchor made at " in shrunk.output
        and "had reached entry 6: the log has shrunk" in shrunk.output
    )
    as_json = json.loads(runner.invoke(app, ["audit", "verify", "--anchor", str(file),
                                             "--json"]).output)  # fmt: skip
    assert as_json["ok"] is False and any("has shrunk" in p for p in as_json["problems"])


def test_an_anchor_of_a_rewritten_entry_fails(log: Store, tmp_path: Path) -> None:
    """The log still reaches the anchor, but the entry it names is not the one anchored."""
    assert runner.invoke(app, ["audit", "anchor", "--out", "a.json"]).exit_code == 0
    _rewrite(log, audit.entries(log, newest_first=False))  # every hash now plain SHA-256
    checked = runner.invoke(app, ["audit", "verify", "--anchor", "a.json"])
    assert checked.exit_code == 1
    assert "entry 6 is not the entry the anchor made at" in checked.output


def test_an_anchor_from_a_different_key_fails(log: Store, tmp_path: Path) -> None:
    """Another partnership's anchor, or one signed with a guessed key, vouches for nothing."""
    forged = audit.make_anchor(audit.entries(log, limit=1)[0], audit.AuditKey(OTHER_KEY.encode()))
    (tmp_path / "other.json").write_text(forged.text())
    result = runner.invoke(app, ["audit", "verify", "--anchor", "other.json"])
    assert result.exit_code == 1
    line = _one_line_error(result.output)
    assert "other.json does not check: the anchor was signed with another key" in line

    key = audit.audit_keys()[0]
    genuine = json.loads(audit.make_anchor(audit.entries(log, limit=1)[0], key).text())
    (tmp_path / "changed.json").write_text(json.dumps({**genuine, "seq": 2}))
    result = runner.invoke(app, ["audit", "verify", "--anchor", "changed.json"])
    assert result.exit_code == 1
    assert "signature does not check" in _one_line_error(result.output)

    (tmp_path / "junk.json").write_text("not an anchor")
    result = runner.invoke(app, ["audit", "verify", "--anchor", "junk.json"])
    assert result.exit_code == 1 and "not an audit anchor" in _one_line_error(result.output)


def test_anchor_prints_to_stdout_and_never_overwrites(log: Store, tmp_path: Path) -> None:
    printed = runner.invoke(app, ["audit", "anchor"])
    assert printed.exit_code == 0, printed.output
    anchor = audit.read_anchor(printed.stdout)
    assert anchor.seq == 6 and anchor.key_id == audit.audit_keys()[0].id
    (tmp_path / "kept.json").write_text("an older anchor")
    again = runner.invoke(app, ["audit", "anchor", "--out", "kept.json"])
    assert again.exit_code == 2 and "already exists" in _one_line_error(again.output)
    assert (tmp_path / "kept.json").read_text() == "an older anchor"
    assert audit.count(log) == 6  # refused before anything was recorded


def test_anchor_refuses_a_log_that_does_not_check(log: Store, tmp_path: Path) -> None:
    with _triggers_off(log):
        log.execute("UPDATE ws_audit SET actor = 'someone.else' WHERE seq = 2")
    refused = runner.invoke(app, ["audit", "anchor", "--out", "a.json"])
    assert refused.exit_code == 1 and "No anchor was made" in refused.output
    assert not (tmp_path / "a.json").exists()


def test_without_a_key_nothing_is_recorded_or_checked(
    log: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WHOLESTORY_AUDIT_KEY")
    monkeypatch.delenv("WHOLESTORY_DEMO", raising=False)
    for command in (["audit", "verify"], ["audit", "anchor"], ["audit", "list"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 2, command
        assert "WHOLESTORY_AUDIT_KEY is not set" in _one_line_error(result.output)
    with pytest.raises(audit.AuditUnavailable, match="WHOLESTORY_AUDIT_KEY is not set"):
        audit.append(log, audit.Event(actor="x", action="login"))
    monkeypatch.setenv("WHOLESTORY_AUDIT_KEY", "too short")
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 2 and "at least 32" in _one_line_error(result.output)
    assert audit.count(log) == 5


def test_demo_mode_uses_a_demo_key_and_says_so(
    store_env: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WHOLESTORY_AUDIT_KEY")
    monkeypatch.setenv("WHOLESTORY_DEMO", "1")
    audit.append(store_env, audit.Event(actor="demo", action="login"))
    code, output = _verify()
    assert code == 0 and "intact" in output
    assert "Note: the key is the demo key, which is not secret" in output


def _write_unkeyed(store: Store, n: int) -> None:
    """Entries as the code before the keyed chain wrote them (plain SHA-256)."""
    for i in range(n):
        seq = i + 1
        prev = store.query("SELECT hash FROM ws_audit_head WHERE id = 1")
        prev_hash = str(prev[0][0]) if prev else audit.GENESIS
        at = f"2026-01-0{seq}T09:00:00.000000+00:00"
        fields = [seq, at, "old.user", "", "", "view", "WS-0000001", "", "", "allowed", "{}"]
        digest = audit.entry_hash(
            seq, at, "old.user", "", "", "view", "WS-0000001", "", "", "allowed", "{}", prev_hash
        )
        with store.transaction():
            store.execute(
                "INSERT INTO ws_audit (seq, at, actor, agency, role, action, person, target, "
                "reason, outcome, detail, prev_hash, hash) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [*fields, prev_hash, digest],
            )
            if prev:
                store.execute("UPDATE ws_audit_head SET seq = ?, hash = ? WHERE id = 1",
                              [seq, digest])  # fmt: skip
            else:
                store.execute("INSERT INTO ws_audit_head (id, seq, hash) VALUES (1, ?, ?)",
                              [seq, digest])  # fmt: skip


def test_a_rewritten_log_takes_no_more_entries(log: Store) -> None:
    """A keyed entry after a rewrite would vouch for it: the log stops taking entries instead."""
    _rewrite(log, audit.entries(log, newest_first=False)[:3])
    with pytest.raises(audit.AuditUnavailable, match=r"newest entry \(3\) is not chained"):
        audit.append(log, audit.Event(actor="pat.police", action="login"))
    for command in (["audit", "list"], ["audit", "anchor"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 2 and "Nothing was done" in _one_line_error(result.output)
    assert audit.count(log) == 3


def test_entries_from_before_the_key_are_adopted_once(store_env: Store) -> None:
    _write_unkeyed(store_env, 3)
    code, output = _verify()
    assert code == 1 and "no entry is chained with the audit key" in output
    assert "entries 1 to 3" in output and "wholestory audit anchor --adopt" in output
    refused = runner.invoke(app, ["audit", "anchor"])
    assert refused.exit_code == 2 and "written before WHOLESTORY_AUDIT_KEY" in refused.output
    adopted = runner.invoke(app, ["audit", "anchor", "--adopt", "--out", "first.json"])
    assert adopted.exit_code == 0, adopted.output
    result = _verify_json()
    assert result["ok"] is True and result["entries"] == 4
    notes = result["notes"]
    assert isinstance(notes, list) and len(notes) == 1
    assert notes[0].startswith(
        "entries 1 to 3 were chained without a key (written before WHOLESTORY_AUDIT_KEY was "
        "set): entry 4, by cli:"
    )
    assert notes[0].endswith("adopted them as they were then")
    again = runner.invoke(app, ["audit", "anchor", "--adopt"])
    assert again.exit_code == 2 and "nothing to adopt" in _one_line_error(again.output)
    # and they cannot be changed now: entry 4's keyed hash covers entry 3's
    four = audit.entries(store_env, newest_first=False)
    _rewrite(store_env, [*_edited(four[:3], 2, actor="x"), four[3]])
    with _triggers_off(store_env):  # entry 4 put back exactly as it was
        store_env.execute(
            "UPDATE ws_audit SET prev_hash = ?, hash = ? WHERE seq = 4",
            [four[3].prev_hash, four[3].hash],
        )
        store_env.execute("UPDATE ws_audit_head SET hash = ? WHERE id = 1", [four[3].hash])
    assert "entry 4 does not follow the entry before it" in _verify()[1]


def test_a_keyed_entry_that_does_not_adopt_the_older_ones_is_detected(store_env: Store) -> None:
    """Older entries rewritten without the key stay unvouched even with a keyed entry after."""
    _write_unkeyed(store_env, 4)
    four = audit.entries(store_env, newest_first=False)
    _rewrite(store_env, four[3:], key=audit.audit_keys()[0], start=4)
    code, output = _verify()
    assert code == 1
    assert "entry 4 is the first chained with the key but does not adopt entries 1 to 3" in output


def test_rotating_the_key(log: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """A new key, with the old one kept to check: the chain moves forward, never back."""
    old = audit.audit_keys()[0]
    monkeypatch.setenv("WHOLESTORY_AUDIT_OLD_KEYS", old.secret.decode())
    monkeypatch.setenv("WHOLESTORY_AUDIT_KEY", OTHER_KEY)
    audit.append(log, audit.Event(actor="pat.police", action="login"))
    code, output = _verify()
    assert code == 0, output
    assert "Note: entries 1 to 5 were chained with an earlier key" in output
    new = audit.audit_keys()[0]
    # without the old key, the old entries cannot be told from forgeries
    assert not audit.verify(log, keys=(new,)).ok
    # an entry under the old key after one under the new key is a rewrite
    audit.append(log, audit.Event(actor="pat.police", action="logout"), key=old)
    result = audit.verify(log)
    assert not result.ok
    assert result.problems == [
        "entry 7 was rewritten without the audit key (its hash is under an older key, but "
        "entries before it were chained with the key)"
    ]
