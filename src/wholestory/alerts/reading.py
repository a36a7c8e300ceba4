"""A user's alerts as the app lists them: unread first, the newest first; and reading one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from wholestory.store import Store


@dataclass(frozen=True, slots=True)
class Received:
    """One alert as one user received it."""

    id: int  # the alert's
    rule: str
    person: str
    agency: str
    record: str
    code: str
    raised_at: Any
    why: str
    read_at: Any  # None until read

    @property
    def unread(self) -> bool:
        return self.read_at is None


_COLUMNS = "a.id, a.rule, a.ws_person_id, a.agency, a.record, a.code, a.raised_at, r.why, r.read_at"


def _received(row: tuple[Any, ...]) -> Received:
    i, rule, person, agency, record, code, raised, why, read = row
    return Received(int(i), str(rule), str(person), str(agency), str(record), str(code),
                    raised, str(why), read)  # fmt: skip


def alerts_for(store: Store, username: str, offset: int, limit: int) -> tuple[list[Received], int]:
    """A page of the user's alerts, unread first and the newest first, and how many in all."""
    total = int(store.scalar(
        "SELECT COUNT(*) FROM ws_alert_recipient WHERE username = ?", [username]) or 0)  # fmt: skip
    rows = store.query(
        f"SELECT {_COLUMNS} FROM ws_alert_recipient r JOIN ws_alert a ON a.id = r.alert_id "
        "WHERE r.username = ? ORDER BY CASE WHEN r.read_at IS NULL THEN 0 ELSE 1 END, "
        f"a.raised_at DESC, a.id DESC LIMIT {int(limit)} OFFSET {int(offset)}",
        [username],
    )
    return [_received(r) for r in rows], total


def unread_for(store: Store, username: str, offset: int, limit: int) -> tuple[list[Received], int]:
    """A page of the user's unread alerts, the newest first, and how many are unread."""
    rows = store.query(
        f"SELECT {_COLUMNS} FROM ws_alert_recipient r JOIN ws_alert a ON a.id = r.alert_id "
        "WHERE r.username = ? AND r.read_at IS NULL ORDER BY a.raised_at DESC, a.id DESC "
        f"LIMIT {int(limit)} OFFSET {int(offset)}",
        [username],
    )
    return [_received(r) for r in rows], unread_count(store, username)


def unread_count(store: Store, username: str) -> int:
    return int(
        store.scalar(
            "SELECT COUNT(*) FROM ws_alert_recipient WHERE username = ? AND read_at IS NULL",
            [username],
        )
        or 0
    )


def received(store: Store, username: str, alert: int) -> Received | None:
    """The alert if it was sent to this user, else None (whether or not it exists)."""
    rows = store.query(
        f"SELECT {_COLUMNS} FROM ws_alert_recipient r JOIN ws_alert a ON a.id = r.alert_id "
        "WHERE r.username = ? AND a.id = ?",
        [username, alert],
    )
    return _received(rows[0]) if rows else None


def mark_read(store: Store, username: str, alert: int, now: dt.datetime) -> None:
    store.execute(
        "UPDATE ws_alert_recipient SET read_at = ? WHERE username = ? AND alert_id = ? "
        "AND read_at IS NULL",
        [now.isoformat(sep=" "), username, alert],
    )


def told_of(store: Store, alert: int) -> list[tuple[str, str]]:
    """Who was told of an alert, and why (for the command line)."""
    rows = store.query(
        "SELECT username, why FROM ws_alert_recipient WHERE alert_id = ? ORDER BY username",
        [alert],
    )
    return [(str(u), str(w)) for u, w in rows]


def latest_alerts(store: Store, username: str | None = None) -> list[Received]:
    """The alerts the last feed raised (those kept at the newest raising time), with whom
    each went to when ``username`` is None; only that user's otherwise."""
    newest = store.scalar("SELECT MAX(raised_at) FROM ws_alert")
    if newest is None:
        return []
    if username is not None:
        rows = store.query(
            f"SELECT {_COLUMNS} FROM ws_alert_recipient r JOIN ws_alert a ON a.id = r.alert_id "
            "WHERE a.raised_at = ? AND r.username = ? ORDER BY a.id",
            [newest, username],
        )
        return [_received(r) for r in rows]
    rows = store.query(
        "SELECT a.id, a.rule, a.ws_person_id, a.agency, a.record, a.code, a.raised_at, '', NULL "
        "FROM ws_alert a WHERE a.raised_at = ? ORDER BY a.id",
        [newest],
    )
    return [_received(r) for r in rows]
