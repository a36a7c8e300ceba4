"""When each flag first appeared on a person (``ws_flag_raised``).

Stored flags are replaced whole at every rebuild, so on their own they cannot say
which are new. A rebuild reads the flags it is about to replace and, once the new ones
are written, keeps the ones that were not there before with the build's time. That is
what "a new flag" means for the alert (:mod:`wholestory.alerts`) and for "new since your
last visit" on the home page. The very first build of a store raises nothing new: every
flag would be new, and none would be news.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from wholestory.store.connection import Store

#: (person, code) pairs.
FlagSet = set[tuple[str, str]]


def flags_now(store: Store, persons: Sequence[str] | None = None) -> FlagSet:
    """The stored flags of these people (everyone's when ``persons`` is None)."""
    if persons is None:
        rows = store.query("SELECT ws_person_id, code FROM ws_flag")
    elif not persons:
        return set()
    else:
        condition, params = store.keys_in("ws_person_id", list(persons))
        rows = store.query(f"SELECT ws_person_id, code FROM ws_flag WHERE {condition}", params)
    return {(str(p), str(c)) for p, c in rows}


def keep_raised(store: Store, before: FlagSet, persons: Sequence[str] | None) -> int:
    """Record the flags the rebuild just written raised that were not in ``before``.

    Called inside the rebuild's transaction, so a reader sees the flags and their
    history change together. Each is kept with the time now, to the microsecond (a build's
    own time is to the second, and could read as before a feed that started in the same
    second). Returns how many were new.
    """
    after = flags_now(store, persons)
    new = sorted(after - before)
    if not new:
        return 0
    severity = _severities(store, new)
    now = dt.datetime.now(dt.UTC).isoformat(sep=" ")
    store.executemany(
        "INSERT INTO ws_flag_raised (ws_person_id, code, severity, raised_at) VALUES (?, ?, ?, ?)",
        [(p, c, severity.get((p, c), ""), now) for p, c in new],
    )
    return len(new)


def _severities(store: Store, pairs: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    condition, params = store.keys_in("ws_person_id", sorted({p for p, _ in pairs}))
    rows = store.query(
        f"SELECT ws_person_id, code, severity FROM ws_flag WHERE {condition}", params
    )
    return {(str(p), str(c)): str(s) for p, c, s in rows}


def raised_since(store: Store, persons: Sequence[str], since: str) -> dict[str, list[str]]:
    """The codes of the flags first raised on each of these people since ``since`` (a store
    timestamp, as ``engagement.caseloads.news_window_start`` gives it)."""
    if not persons:
        return {}
    condition, params = store.keys_in("ws_person_id", list(persons))
    rows = store.query(
        "SELECT ws_person_id, code FROM ws_flag_raised "
        f"WHERE raised_at >= ? AND {condition} ORDER BY raised_at, code",
        [since, *params],
    )
    found: dict[str, list[str]] = {}
    for person, code in rows:
        codes = found.setdefault(str(person), [])
        if str(code) not in codes:
            codes.append(str(code))
    return found
