"""Emailing each user one digest of the alerts a feed told them of (Django's mail framework).

The core decides who is told (:mod:`wholestory.alerts.recipients`) and keeps it; this
sends each user told of alerts not yet emailed a single message, however many there are,
and marks them emailed so none is sent twice. The message gives counts and a link, never a
child's name or history: those are read in the app, where access is asked and audited.
Written through the feed's own store, as :mod:`wholestory.cli.ingest` keeps its notices.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from wholestory.alerts.words import MAIL_SUBJECT, mail_body
from wholestory.store import Store


def send_digests(store: Store, now: dt.datetime | None = None) -> int:
    """Email every user their alerts not yet emailed, one message each; returns how many sent.

    A user with no email address reads their alerts in the app only.
    """
    from django.conf import settings
    from django.core.mail import EmailMessage, get_connection

    waiting = store.query(
        "SELECT r.id, r.username, a.rule, u.email FROM ws_alert_recipient r "
        "JOIN ws_alert a ON a.id = r.alert_id JOIN auth_user u ON u.username = r.username "
        "WHERE r.emailed_at IS NULL AND u.email <> '' ORDER BY r.username, r.id"
    )
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    rows: dict[tuple[str, str], list[int]] = defaultdict(list)
    for row_id, username, rule, email in waiting:
        counts[(str(username), str(email))][str(rule)] += 1
        rows[(str(username), str(email))].append(int(row_id))
    if not counts:
        return 0
    link = f"{settings.SITE_URL}/alerts"
    messages = [
        EmailMessage(MAIL_SUBJECT, mail_body(c, link), settings.DEFAULT_FROM_EMAIL, [email])
        for (_, email), c in counts.items()
    ]
    get_connection().send_messages(messages)
    stamp = (now or dt.datetime.now(dt.UTC)).isoformat(sep=" ")
    with store.transaction():
        store.executemany(
            "UPDATE ws_alert_recipient SET emailed_at = ? WHERE id = ?",
            [(stamp, i) for ids in rows.values() for i in ids],
        )
    return len(messages)


def tell_new_flags(store: Store, since: str) -> int:
    """After a rebuild outside a feed: tell of the flags it raised since ``since`` and email
    the digests (``alerts.running.after_rebuild``); returns how many alerts were new."""
    from wholestory.alerts.running import after_rebuild

    run = after_rebuild(store, since)
    if run.told:
        send_digests(store)
    return len(run.kept)
