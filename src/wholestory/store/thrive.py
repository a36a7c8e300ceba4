"""THRIVE groupings and Current Views in the store (``ws_thrive_grouping``,
``ws_thrive_current_view``): written as agencies send them or recorded here.

Each is one agency's record (agency, record_id), kept as needs are: sent again with
other words it replaces the one before; sent again the same it is left alone. One
recorded in the app has a record id of its own (``APP-...``), keeps the WholeStory id of
the child as its ``person_id`` and says who recorded it. What a grouping or a Current
View is, and what makes one fit to keep, is ``wholestory.thrive``'s: the store only keeps.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Final

from wholestory.store.connection import Store
from wholestory.store.replacing import Replaceable, insert_rows

GROUPINGS_TABLE: Final = "ws_thrive_grouping"
CURRENT_VIEWS_TABLE: Final = "ws_thrive_current_view"
#: Columns of a grouping as ws_thrive_grouping holds it, from a file or the app.
GROUPING_FIELDS: Final = (
    "agency", "record_id", "person_id", "grouping", "recorded_on", "practitioner", "reason",
    "childs_view", "agreement", "goals", "success_by", "review_on", "source_row",
)  # fmt: skip
#: Columns of a Current View as ws_thrive_current_view holds it, from a file or the app.
CURRENT_VIEW_FIELDS: Final = (
    "agency", "record_id", "person_id", "recorded_on", "practitioner", "answers", "source_row",
)  # fmt: skip
#: Groupings as agencies send them: WholeStory suggested nothing, and no user recorded them.
GROUPINGS: Final = Replaceable(
    GROUPINGS_TABLE, GROUPING_FIELDS, {"suggested": "", "recorded_in_app": False, "recorded_by": ""}
)
#: Current Views as agencies send them: nothing was proposed from the records to confirm.
CURRENT_VIEWS: Final = Replaceable(
    CURRENT_VIEWS_TABLE,
    CURRENT_VIEW_FIELDS,
    {"confirmed": "[]", "recorded_in_app": False, "recorded_by": ""},
)


def app_record_id() -> str:
    """A record id for something recorded here, never one an agency's file uses."""
    return f"APP-{secrets.token_hex(6).upper()}"


def insert_recorded(store: Store, table: str, values: Mapping[str, object], now: str) -> None:
    """Keep one row recorded in the app: ``values`` are its own columns; the row is marked
    recorded here, read from no file (row 0, no import, no hash)."""
    row = {**values, "source_row": 0, "row_hash": "", "import_id": None, "recorded_at": now,
           "recorded_in_app": True}  # fmt: skip
    insert_rows(store, table, list(row), [list(row.values())])
