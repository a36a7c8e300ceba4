"""A review's analytical narrative: drafted by rules from the child's chronology, then
edited by the reviewer, every version kept (``ws_review_narrative``).

Version 1 is the draft (``drafted``): paragraphs of sentences, each with the ids of the
chronology entries it rests on (or, for a negative claim, the search it summarises), so a
reviewer can follow every sentence to the records before relying on it. The rules reuse
what the chronology already computes (its summary's silences and "start again" moments)
rather than deriving them again; :mod:`wholestory.reviews.narrative_rules` holds them.
Each edit is a new version, so nothing is overwritten; :func:`diff` shows two side by side.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
from dataclasses import dataclass
from typing import Any

from wholestory.assurance.audits import log, stamp, utc
from wholestory.audit.actions import Action
from wholestory.chronology.stored import stored_chronology
from wholestory.reviews import narrative_rules as rules
from wholestory.reviews.cases import ReviewError, review, target
from wholestory.store import Store

_COLUMNS = "version, text, sentences, drafted, saved_by, saved_at"


@dataclass(frozen=True, slots=True)
class Version:
    """One version of a narrative as kept."""

    version: int
    text: str
    paragraphs: list[list[dict[str, Any]]]
    drafted: bool
    saved_by: str
    saved_at: str


def draft(chronology: dict[str, Any]) -> list[list[rules.Sentence]]:
    """The drafted paragraphs of a chronology: who was involved; what happened again and
    again; what was missed."""
    entries: list[dict[str, Any]] = chronology.get("entries", [])
    summary: dict[str, Any] = chronology.get("summary", {})
    by_id = {e["id"]: e for e in entries}
    paragraphs = [
        rules.involvement(entries),
        rules.domestic_abuse(entries)
        + rules.no_further_action(entries)
        + rules.start_again(summary, by_id),
        rules.silences(summary, by_id) + rules.views(entries),
    ]
    return [p for p in paragraphs if p]


def as_text(paragraphs: list[list[rules.Sentence]]) -> str:
    """The paragraphs as Markdown, one paragraph a block."""
    return "\n\n".join(" ".join(s["text"] for s in p) for p in paragraphs)


def draft_for(store: Store, review_id: int, by: str, now: dt.datetime | None = None) -> Version:
    """Draft version 1 of a review's narrative from its child's stored chronology.

    Refused when the review is unknown, already has a narrative, or its child has no
    chronology built yet.
    """
    found = review(store, review_id)
    if found is None:
        raise ReviewError(f"there is no review {review_id}")
    if versions(store, review_id):
        raise ReviewError("this review already has a narrative: edit it instead")
    chronology = stored_chronology(store, found.ws_person)
    if chronology is None:
        raise ReviewError("the child's chronology has not been built yet")
    paragraphs = draft(chronology)
    return _save(store, review_id, found.ws_person, as_text(paragraphs), paragraphs, True, by, now)


def edit(
    store: Store, review_id: int, text: str, by: str, now: dt.datetime | None = None
) -> Version:
    """Keep the reviewer's edit as a new version (the drafted sentences stay with v1)."""
    found = review(store, review_id)
    if found is None:
        raise ReviewError(f"there is no review {review_id}")
    if not text.strip():
        raise ReviewError("a narrative cannot be empty")
    return _save(store, review_id, found.ws_person, text.strip(), [], False, by, now)


def versions(store: Store, review_id: int) -> list[Version]:
    """Every version of a review's narrative, oldest first."""
    rows = store.query(
        f"SELECT {_COLUMNS} FROM ws_review_narrative WHERE review_id = ? ORDER BY version",
        [review_id],
    )
    return [
        Version(int(v), str(t), json.loads(str(s)), bool(d), str(b), str(a))
        for v, t, s, d, b, a in rows
    ]


def diff(store: Store, review_id: int, older: int, newer: int) -> list[str]:
    """The lines that changed between two versions, as a unified diff."""
    kept = {v.version: v for v in versions(store, review_id)}
    if older not in kept or newer not in kept:
        raise ReviewError("there is no such version of this narrative")
    return list(
        difflib.unified_diff(
            kept[older].text.splitlines(), kept[newer].text.splitlines(),
            f"version {older}", f"version {newer}", lineterm="",
        )
    )  # fmt: skip


def _save(
    store: Store,
    review_id: int,
    person: str,
    text: str,
    paragraphs: list[list[rules.Sentence]],
    drafted: bool,
    by: str,
    now: dt.datetime | None,
) -> Version:
    at = utc(now)
    with store.transaction():
        latest = store.scalar(
            "SELECT MAX(version) FROM ws_review_narrative WHERE review_id = ?", [review_id]
        )
        number = int(latest or 0) + 1
        store.execute(
            f"INSERT INTO ws_review_narrative (review_id, {_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [review_id, number, text, json.dumps(paragraphs), drafted, by, stamp(at)],
        )
        log(store, by, Action.REVIEW_NARRATIVE, person, target(review_id),
            {"version": number, "drafted": drafted})  # fmt: skip
    return Version(number, text, paragraphs, drafted, by, stamp(at))
