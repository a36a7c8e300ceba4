"""The Marac referral list, worked out once after the data changes and kept (``ws_marac_list``).

:func:`~wholestory.domestic_abuse.marac.referral_list` reads every domestic abuse
record and each victim's household: about 0.2 s for 2,000 children, seconds for
100,000. The list only changes when what it is worked out from changes: an import,
a linking run or a link decision (who is who), a Dash checklist recorded here, or
the partnership's thresholds. Those are summed up in a fingerprint read with one query
of index look-ups; while it matches, the kept list is the list. The first look after a
change works it out again, for everyone after.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Final

from wholestory.chronology.thresholds import IndicatorThresholds
from wholestory.domestic_abuse.marac import ReferralList, referral_list
from wholestory.identity.sources import now_iso
from wholestory.store.changes import HOUSEHOLD_LINKS, version_sql
from wholestory.store.connection import Store

TABLE: Final = "ws_marac_list"
#: What the list is worked out from, and the kept list's own row, read in one query of
#: index look-ups. Imports, Dash checklists and link decisions only ever add rows (a
#: replaced checklist or decision is deleted and written anew, and ids are never
#: reused), so their newest id says whether anything changed. A linking run writes its
#: row first and its finish last, so both are read: a list worked out halfway through a
#: run is worked out again when the run finishes. Household links are rewritten in
#: place, by linking runs and by feeds that bring nobody new; their writers count each
#: change (``ws_change``).
_STATE_SQL: Final = (
    "SELECT (SELECT MAX(id) FROM ws_import), (SELECT MAX(id) FROM ws_link_run), "
    "(SELECT finished_at FROM ws_link_run ORDER BY id DESC LIMIT 1), "
    "(SELECT MAX(id) FROM ws_link_decision), (SELECT MAX(id) FROM ws_dash), "
    f"{version_sql(HOUSEHOLD_LINKS)}, "
    f"(SELECT fingerprint FROM {TABLE} ORDER BY id DESC LIMIT 1), "
    f"(SELECT built_at FROM {TABLE} ORDER BY id DESC LIMIT 1)"
)


def _state(store: Store, thresholds: IndicatorThresholds) -> tuple[str, str | None, str]:
    """The fingerprint of what the list would be worked out from now, and the kept one's."""
    *seen, kept, built = store.query(_STATE_SQL)[0]
    seen.append(sorted(dataclasses.asdict(thresholds).items()))
    now = hashlib.sha256(json.dumps(seen, default=str).encode()).hexdigest()
    return now, None if kept is None else str(kept), str(built)


#: The list last read in this process, by the kept row it was read from (its store,
#: fingerprint and the moment it was worked out): a page view then costs a few small
#: queries, not reading and parsing the kept list (about 30 ms at 100,000 children).
_read: dict[tuple[str, str, str], ReferralList] = {}


def kept_referral_list(store: Store, thresholds: IndicatorThresholds | None = None) -> ReferralList:
    """The referral list: the kept one while nothing it depends on changed, else worked out."""
    return kept_with_version(store, thresholds)[0]


def kept_with_version(
    store: Store, thresholds: IndicatorThresholds | None = None
) -> tuple[ReferralList, str]:
    """The referral list, and a version that changes whenever the list may have."""
    t = thresholds or IndicatorThresholds()
    now, kept, built_at = _state(store, t)
    if kept == now:
        key = (store.url.raw, now, built_at)
        if key not in _read:
            body = store.scalar(f"SELECT body FROM {TABLE} WHERE fingerprint = ?", [now])
            _remember(key, ReferralList.from_dict(json.loads(str(body))))
        return _read[key], "|".join(key)
    found = referral_list(store, t)
    built = now_iso()
    with store.transaction():
        store.execute(f"DELETE FROM {TABLE}")
        store.execute(
            f"INSERT INTO {TABLE} (fingerprint, built_at, body) VALUES (?, ?, ?)",
            [now, built, json.dumps(found.as_dict())],
        )
    return found, "|".join((store.url.raw, now, built))


def _remember(key: tuple[str, str, str], found: ReferralList) -> ReferralList:
    _read.clear()
    _read[key] = found
    return found
