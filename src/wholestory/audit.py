"""The audit log: who saw, searched, downloaded or decided what, about whom, when and why.

Append-only and tamper-evident. Each entry carries its sequence number and the
hash of the entry before it, and its own hash covers both, so changing,
removing or reordering any entry breaks the chain from that point on; the
head (last sequence number and hash) is kept in its own row, so removing the
newest entries is caught too. The database refuses UPDATE and DELETE on the
log (triggers, in the migration); :func:`verify` is the check that does not
trust the database.

Entries are written in their own short transaction on their own connection,
so an entry is committed before the page it records is shown: a view whose
entry cannot be written is refused (the web layer's job, using
:class:`AuditUnavailable`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any, Final

from wholestory.store.connection import Store

#: The hash before the first entry.
GENESIS: Final = "0" * 64

#: What can be recorded.
ACTIONS: Final = frozenset(
    {"login", "login_failed", "logout", "search", "view", "download", "decision", "break_glass",
     "upload", "denied", "grant", "user_added", "token_issued", "audit_view", "export",
     "password_set", "user_disabled"}
)  # fmt: skip

_COLUMNS: Final = (
    "seq, at, actor, agency, role, action, person, target, reason, outcome, detail, prev_hash, hash"
)


class AuditUnavailable(RuntimeError):  # noqa: N818 (the name says what happened)
    """The audit entry could not be written, so what it would record must not happen."""


@dataclass(frozen=True, slots=True)
class Event:
    """What is being recorded, before it has a place in the chain."""

    actor: str
    action: str
    agency: str = ""
    role: str = ""
    person: str = ""
    target: str = ""
    reason: str = ""
    outcome: str = "allowed"
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry as stored: the event, its place in the chain and its hash."""

    seq: int
    at: str
    actor: str
    agency: str
    role: str
    action: str
    person: str
    target: str
    reason: str
    outcome: str
    detail: str  # canonical JSON
    prev_hash: str
    hash: str

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["detail"] = json.loads(self.detail) if self.detail else {}
        return data


def entry_hash(
    seq: int,
    at: str,
    actor: str,
    agency: str,
    role: str,
    action: str,
    person: str,
    target: str,
    reason: str,
    outcome: str,
    detail: str,
    prev_hash: str,
) -> str:
    """SHA-256 of an entry's fields and the previous hash, in one canonical form."""
    fields = [seq, at, actor, agency, role, action, person, target, reason, outcome, detail]
    payload = json.dumps([*fields, prev_hash], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def append(store: Store, event: Event, now: dt.datetime | None = None) -> Entry:
    """Write one entry at the end of the chain, or raise :class:`AuditUnavailable`."""
    if event.action not in ACTIONS:
        raise ValueError(f"unknown audit action {event.action!r}")
    at = (now or dt.datetime.now(dt.UTC)).isoformat(timespec="microseconds")
    detail = json.dumps(event.detail, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    try:
        with store.transaction():
            seq, prev = _head(store, lock=True)
            seq += 1
            digest = entry_hash(
                seq, at, event.actor, event.agency, event.role, event.action, event.person,
                event.target, event.reason, event.outcome, detail, prev,
            )  # fmt: skip
            store.execute(
                f"INSERT INTO ws_audit ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [seq, at, event.actor, event.agency, event.role, event.action, event.person,
                 event.target, event.reason, event.outcome, detail, prev, digest],
            )  # fmt: skip
            store.execute("UPDATE ws_audit_head SET seq = ?, hash = ? WHERE id = 1", [seq, digest])
    except Exception as error:
        raise AuditUnavailable(f"the audit log could not be written: {error}") from error
    return Entry(
        seq, at, event.actor, event.agency, event.role, event.action, event.person,
        event.target, event.reason, event.outcome, detail, prev, digest,
    )  # fmt: skip


def _head(store: Store, lock: bool) -> tuple[int, str]:
    """The last sequence number and hash (locked for update on PostgreSQL when writing)."""
    suffix = " FOR UPDATE" if lock and store.backend == "postgresql" else ""
    rows = store.query(f"SELECT seq, hash FROM ws_audit_head WHERE id = 1{suffix}")
    if not rows:
        store.execute("INSERT INTO ws_audit_head (id, seq, hash) VALUES (1, 0, ?)", [GENESIS])
        return 0, GENESIS
    return int(rows[0][0]), str(rows[0][1])


def _where(
    person: str | None, actor: str | None, action: str | None, since: str | None, before: str | None
) -> tuple[str, list[Any]]:
    """The WHERE clause for the filters given (``since``/``before``: ISO times, UTC)."""
    where, params = [], []
    for column, value in (("person", person), ("actor", actor), ("action", action)):
        if value:
            where.append(f"{column} = ?")
            params.append(value)
    if since:
        where.append("at >= ?")
        params.append(since)
    if before:
        where.append("at < ?")
        params.append(before)
    return (" WHERE " + " AND ".join(where)) if where else "", params


def entries(
    store: Store,
    *,
    person: str | None = None,
    actor: str | None = None,
    action: str | None = None,
    since: str | None = None,
    before: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    newest_first: bool = True,
) -> list[Entry]:
    """Entries, filtered by person, actor, action and time."""
    condition, params = _where(person, actor, action, since, before)
    sql = f"SELECT {_COLUMNS} FROM ws_audit{condition} ORDER BY seq"
    sql += " DESC" if newest_first else ""
    if limit:
        sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
    return [_entry(row) for row in store.query(sql, params)]


def count(
    store: Store,
    *,
    person: str | None = None,
    actor: str | None = None,
    action: str | None = None,
    since: str | None = None,
    before: str | None = None,
) -> int:
    """How many entries the same filters as :func:`entries` keep."""
    condition, params = _where(person, actor, action, since, before)
    return int(store.scalar(f"SELECT COUNT(*) FROM ws_audit{condition}", params) or 0)


def _entry(row: tuple[Any, ...]) -> Entry:
    return Entry(int(row[0]), *(str(v) if v is not None else "" for v in row[1:]))


@dataclass(frozen=True, slots=True)
class Verification:
    """The result of checking the whole chain."""

    ok: bool
    entries: int
    problems: list[str]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _walk(store: Store, upto: int, batch: int = 10_000) -> Iterator[Entry]:
    last = 0
    while True:
        rows = store.query(
            f"SELECT {_COLUMNS} FROM ws_audit WHERE seq > ? AND seq <= ? ORDER BY seq "
            f"LIMIT {batch}",
            [last, upto],
        )
        if not rows:
            return
        for row in rows:
            entry = _entry(row)
            last = entry.seq
            yield entry


def verify(store: Store, most: int = 20) -> Verification:
    """Check every entry's hash, the chain between them, and the head.

    Reports each problem in words (at most ``most`` of them): an entry whose
    content was changed, a gap where an entry was removed, and a head that does
    not match the last entry. The head is read first and the chain checked up
    to it, so entries written while the check runs are not taken for tampering.
    """
    head = store.query("SELECT seq, hash FROM ws_audit_head WHERE id = 1")
    head_seq, head_hash = (int(head[0][0]), str(head[0][1])) if head else (0, GENESIS)
    problems: list[str] = []
    prev, expected, count = GENESIS, 1, 0
    for e in _walk(store, head_seq):
        count += 1
        if e.seq != expected:
            problems.append(
                f"entry {expected} is missing (the next entry is {e.seq}): entries were removed"
            )
        recomputed = entry_hash(
            e.seq, e.at, e.actor, e.agency, e.role, e.action, e.person, e.target, e.reason,
            e.outcome, e.detail, e.prev_hash,
        )  # fmt: skip
        if recomputed != e.hash:
            problems.append(f"entry {e.seq} was changed after it was written (its hash differs)")
        if e.prev_hash != prev:
            problems.append(
                f"entry {e.seq} does not follow the entry before it (the chain is broken: "
                "an entry was changed, removed or moved)"
            )
        prev, expected = e.hash, e.seq + 1
        if len(problems) >= most:
            break
    if len(problems) < most and (head_seq, head_hash) != (expected - 1, prev):
        problems.append(
            f"the log ends at entry {expected - 1} but its head says {head_seq}: "
            "the newest entries were removed or the head was changed"
        )
    return Verification(not problems, count, problems)
