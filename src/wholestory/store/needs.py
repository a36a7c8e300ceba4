"""Engagement needs in the store (``ws_need``): written as agencies send them or recorded here.

A need is one agency's record (agency, record_id): sent again with other words it
replaces the one before, as a record does; sent again the same it is left alone. A
need recorded in the app gets a record id of its own (``APP-...``) and says who
recorded it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Final

from wholestory.store.connection import Store
from wholestory.store.replacing import Replaceable, insert_rows

NEEDS_TABLE: Final = "ws_need"
#: Columns of a need as ws_need holds it, from a file or the app.
NEED_FIELDS: Final = (
    "agency", "record_id", "person_id", "need", "detail", "recorded_on", "review_on",
    "practitioner", "source_row",
)  # fmt: skip
#: Needs as agencies send them: from a file, so not recorded in the app by anyone.
NEEDS: Final = Replaceable(NEEDS_TABLE, NEED_FIELDS, {"recorded_in_app": False, "recorded_by": ""})


def record_need(
    store: Store,
    *,
    agency: str,
    person: str,
    need: str,
    detail: str,
    review_on: dt.date | None,
    recorded_by: str,
    today: dt.date,
    now: str,
) -> str:
    """Keep a need recorded in the app; return its record id (``APP-...``).

    ``person`` is the WholeStory id of the person the practitioner opened, kept as the
    need's ``person_id`` (an agency's file keeps its own id there).
    """
    record_id = f"APP-{secrets.token_hex(6).upper()}"
    review = review_on.isoformat() if review_on else None
    row = (agency, record_id, person, need, detail, today.isoformat(), review, recorded_by, 0)
    columns = (*NEED_FIELDS, "row_hash", "import_id", "recorded_at", *NEEDS.from_a_file)
    insert_rows(store, NEEDS_TABLE, columns, [(*row, "", None, now, True, recorded_by)])
    return record_id


def change_need(
    store: Store,
    *,
    agency: str,
    record_id: str,
    need: str,
    detail: str,
    review_on: dt.date | None,
    changed_by: str,
    now: str,
) -> bool:
    """Change a need the app recorded for ``agency``; False if there is no such need."""
    review = review_on.isoformat() if review_on else None
    with store.transaction():
        found = store.scalar(
            f"SELECT COUNT(*) FROM {NEEDS_TABLE} WHERE agency = ? AND record_id = ? "
            "AND recorded_in_app = ?",
            [agency, record_id, True],
        )
        if not found:
            return False
        store.execute(
            f"UPDATE {NEEDS_TABLE} SET need = ?, detail = ?, review_on = ?, recorded_by = ?, "
            "practitioner = ?, recorded_at = ? WHERE agency = ? AND record_id = ?",
            [need, detail, review, changed_by, changed_by, now, agency, record_id],
        )
    return True
