"""Writing entries at the end of the chain, and reading them back filtered.

Entries are written in their own short transaction on their own connection, so
an entry is committed before the page it records is shown; one that cannot be
written raises :class:`AuditUnavailable` and what it would record must not happen.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, TypedDict, Unpack

from wholestory.audit.actions import ACTIONS
from wholestory.audit.chain import COLUMNS, GENESIS, Entry, Event, entry_hash, entry_of, key_rank
from wholestory.audit.keys import KEY_ENV, AuditKey, AuditKeyError, audit_keys
from wholestory.store.connection import Store


class AuditUnavailable(RuntimeError):  # noqa: N818 (the name says what happened)
    """The audit entry could not be written, so what it would record must not happen."""


def append(
    store: Store,
    event: Event,
    now: dt.datetime | None = None,
    key: AuditKey | None = None,
    *,
    adopt: bool = False,
) -> Entry:
    """Write one entry at the end of the chain, or raise :class:`AuditUnavailable`.

    ``key`` defaults to the current key from the environment; without one
    (outside demo mode) nothing is written. Nothing is written either after a
    newest entry that is not chained with a key we hold: a keyed entry would
    vouch for whatever came before it, so a log rewritten without the key stops
    taking entries (and every audited page is refused) until someone looks.
    The one exception is ``adopt``: once, after the key is first set, an
    entry that vouches for the entries written before it, as they stand.
    """
    if event.action not in ACTIONS:
        raise ValueError(f"unknown audit action {event.action!r}")
    try:
        keys = audit_keys() if key is None else (key, *_other_keys(key))
    except AuditKeyError as error:
        raise AuditUnavailable(f"the audit log could not be written: {error}") from error
    at = (now or dt.datetime.now(dt.UTC)).isoformat(timespec="microseconds")
    try:
        with store.transaction():
            seq, prev = _head(store, lock=True)
            details = dict(event.detail)
            if adopt:
                details["adopted"] = _adoptable(store, seq, keys)
            elif seq:
                _check_newest(store, seq, keys)
            seq += 1
            detail = json.dumps(details, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
            digest = entry_hash(
                seq, at, event.actor, event.agency, event.role, event.action, event.person,
                event.target, event.reason, event.outcome, detail, prev, keys[0],
            )  # fmt: skip
            store.execute(
                f"INSERT INTO ws_audit ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [seq, at, event.actor, event.agency, event.role, event.action, event.person,
                 event.target, event.reason, event.outcome, detail, prev, digest],
            )  # fmt: skip
            store.execute("UPDATE ws_audit_head SET seq = ?, hash = ? WHERE id = 1", [seq, digest])
    except AuditUnavailable:
        raise
    except Exception as error:
        raise AuditUnavailable(f"the audit log could not be written: {error}") from error
    return Entry(
        seq, at, event.actor, event.agency, event.role, event.action, event.person,
        event.target, event.reason, event.outcome, detail, prev, digest,
    )  # fmt: skip


def _other_keys(key: AuditKey) -> tuple[AuditKey, ...]:
    """The environment's keys other than ``key`` (none when it has none), to check with."""
    try:
        return tuple(k for k in audit_keys() if k != key)
    except AuditKeyError:
        return ()


def _newest(store: Store, seq: int) -> Entry | None:
    rows = store.query(f"SELECT {COLUMNS} FROM ws_audit WHERE seq = ?", [seq])
    return entry_of(rows[0]) if rows else None


def _check_newest(store: Store, seq: int, keys: tuple[AuditKey, ...]) -> None:
    """Raise :class:`AuditUnavailable` unless entry ``seq`` is chained with one of ``keys``."""
    newest = _newest(store, seq)
    rank = key_rank(newest, keys) if newest else None
    if rank is None:
        raise AuditUnavailable(
            f"the audit log could not be written: its newest entry ({seq}) is missing or was "
            "changed. Check it with: wholestory audit verify"
        )
    if rank == 0:
        raise AuditUnavailable(
            f"the audit log could not be written: its newest entry ({seq}) is not chained with "
            f"the audit key, so it was rewritten without the key, or written before {KEY_ENV} "
            "was first set. Check it with: wholestory audit verify (and only in the second "
            "case, adopt the older entries once with: wholestory audit anchor --adopt)"
        )


def _adoptable(store: Store, seq: int, keys: tuple[AuditKey, ...]) -> int:
    """The last of the entries written before the key, which an adopting entry vouches for."""
    newest = _newest(store, seq) if seq else None
    rank = key_rank(newest, keys) if newest else None
    if rank != 0:
        raise AuditUnavailable(
            "there is nothing to adopt: only a log whose newest entry was chained without a "
            "key (written before " + KEY_ENV + " was set) is adopted"
        )
    return seq


def _head(store: Store, lock: bool) -> tuple[int, str]:
    """The last sequence number and hash (locked for update on PostgreSQL when writing)."""
    suffix = " FOR UPDATE" if lock and store.backend == "postgresql" else ""
    rows = store.query(f"SELECT seq, hash FROM ws_audit_head WHERE id = 1{suffix}")
    if not rows:
        store.execute("INSERT INTO ws_audit_head (id, seq, hash) VALUES (1, 0, ?)", [GENESIS])
        return 0, GENESIS
    return int(rows[0][0]), str(rows[0][1])


class Filters(TypedDict, total=False):
    """What a reader of the log may narrow it by, for :func:`entries` and :func:`count` alike."""

    person: str | None
    actor: str | None
    action: str | None
    since: str | None
    before: str | None
    agency: str | None


def _where(
    person: str | None = None,
    actor: str | None = None,
    action: str | None = None,
    since: str | None = None,
    before: str | None = None,
    agency: str | None = None,
) -> tuple[str, list[Any]]:
    """The WHERE clause for the filters given (``since``/``before``: ISO times, UTC).

    ``agency`` keeps only what one agency's lead may read (issue 11, L2): what its own
    people did, and what anyone did about a person the agency holds records of.
    """
    where, params = [], []
    if agency:
        where.append(
            "(agency = ? OR substr(person, 1, ?) = ? OR person IN "
            "(SELECT ws_person_id FROM ws_source_person WHERE agency = ?))"
        )
        params.extend([agency, len(agency) + 1, f"{agency}:", agency])
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
    limit: int | None = None,
    offset: int = 0,
    newest_first: bool = True,
    **filters: Unpack[Filters],
) -> list[Entry]:
    """Entries, filtered by person, actor, action, time and an agency's lead's scope."""
    condition, params = _where(**filters)
    sql = f"SELECT {COLUMNS} FROM ws_audit{condition} ORDER BY seq"
    sql += " DESC" if newest_first else ""
    if limit:
        sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
    return [entry_of(row) for row in store.query(sql, params)]


def count(store: Store, **filters: Unpack[Filters]) -> int:
    """How many entries the same filters as :func:`entries` keep."""
    condition, params = _where(**filters)
    return int(store.scalar(f"SELECT COUNT(*) FROM ws_audit{condition}", params) or 0)
