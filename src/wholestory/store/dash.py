"""Dash checklists in the store (``ws_dash``): written as agencies send them, read by the lists.

A checklist is one agency's record (agency, record_id): sent again with other answers
it replaces the one before, as a record does; sent again the same it is left alone.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from typing import TYPE_CHECKING, Final

import polars as pl

from wholestory.store.connection import Store
from wholestory.store.records import WriteCounts
from wholestory.store.replacing import insert_rows, write_replacing

if TYPE_CHECKING:  # the store keeps what the capability scored; it does not score
    from wholestory.domestic_abuse.dash import Checklist

DASH_TABLE: Final = "ws_dash"
_WRITTEN: Final = (
    "agency", "record_id", "event_id", "victim_person_id", "perpetrator_person_id",
    "assessed_on", "form", "answers", "score", "not_known", "professional_judgement",
    "practitioner", "notes", "source_row",
)  # fmt: skip


#: What a checklist from a file holds in the columns the app fills (no words, not in the app).
_FROM_A_FILE: Final = {"victims_words": "{}", "recorded_in_app": False}


def write_checklists(store: Store, frame: pl.DataFrame, import_id: int, now: str) -> WriteCounts:
    """Insert new checklists, replace changed ones, count the unchanged."""
    return write_replacing(store, DASH_TABLE, frame, _WRITTEN, import_id, now, _FROM_A_FILE)


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
