"""Dash checklists in the store (``ws_dash``): written as agencies send them, read by the lists.

A checklist is one agency's record (agency, record_id): sent again with other answers
it replaces the one before, as a record does; sent again the same it is left alone.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from typing import TYPE_CHECKING, Final

from wholestory.store.connection import Store
from wholestory.store.replacing import Replaceable, insert_rows

if TYPE_CHECKING:  # the store keeps what the capability scored; it does not score
    from wholestory.domestic_abuse.dash import Checklist

DASH_TABLE: Final = "ws_dash"
_WRITTEN: Final = (
    "agency", "record_id", "event_id", "victim_person_id", "perpetrator_person_id",
    "assessed_on", "form", "answers", "score", "not_known", "professional_judgement",
    "practitioner", "notes", "source_row",
)  # fmt: skip
#: Checklists as agencies send them: from a file, no victim's words, not recorded in the app.
CHECKLISTS: Final = Replaceable(
    DASH_TABLE, _WRITTEN, {"victims_words": "{}", "recorded_in_app": False}
)


def record_checklist(
    store: Store,
    *,
    agency: str,
    practitioner: str,
    victim: str,
    checklist: Checklist,
    assessed_on: dt.date,
    words: dict[int, str],
    notes: str,
    now: str,
) -> str:
    """Keep a checklist recorded in the app; return its record id (``APP-...``).

    ``victim`` is the WholeStory id of the person the practitioner opened; the
    victim's words are kept beside each answer they were written for.
    """
    record_id = f"APP-{secrets.token_hex(6).upper()}"
    values = {
        "agency": agency, "record_id": record_id, "event_id": None, "victim_person_id": victim,
        "perpetrator_person_id": None, "assessed_on": assessed_on.isoformat(),
        "form": checklist.form, "answers": ",".join(checklist.answers),
        "score": checklist.score, "not_known": checklist.not_known,
        "professional_judgement": checklist.professional_judgement,
        "practitioner": practitioner, "notes": notes, "source_row": 0,
        "row_hash": "", "import_id": None, "recorded_at": now,
        "victims_words": json.dumps({str(q): w for q, w in sorted(words.items()) if w.strip()}),
        "recorded_in_app": True,
    }  # fmt: skip
    insert_rows(store, DASH_TABLE, list(values), [list(values.values())])
    return record_id
