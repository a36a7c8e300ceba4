"""How often each kind of data that kept results are read from has changed (``ws_change``).

A kept result, such as the Marac referral list, is worked out again when what it is
read from changes. For tables that only grow, their newest id says so in one index
look-up. Household links are rewritten in place (a daily feed may remove a person's
links and add none), and counting them instead took 28 ms a request at 100,000
children (2.7 million links). So their writers count each change here, in the same
transaction as the change, and a reader compares one small row.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from wholestory.store.connection import Store

TABLE: Final = "ws_change"
#: The household links (``ws_household_link``), rebuilt by a linking run or updated by a feed.
HOUSEHOLD_LINKS: Final = "household_links"


def count_change(store: Store, topic: str) -> None:
    """Count one change of ``topic``: call it inside the transaction that makes the change."""
    store.execute(
        f"INSERT INTO {TABLE} (topic, version, changed_at) VALUES (?, 1, ?) "
        f"ON CONFLICT (topic) DO UPDATE SET version = {TABLE}.version + 1, "
        "changed_at = excluded.changed_at",
        [topic, dt.datetime.now(dt.UTC).isoformat(sep=" ")],
    )


def version_sql(topic: str) -> str:
    """A sub-query for ``topic``'s count of changes (NULL before the first), to read with others."""
    if not topic.isidentifier():
        raise ValueError(f"not a topic: {topic!r}")
    return f"(SELECT version FROM {TABLE} WHERE topic = '{topic}')"


def version(store: Store, topic: str) -> int:
    """``topic``'s count of changes so far (0 before the first)."""
    return int(store.scalar(f"SELECT {version_sql(topic)}") or 0)
