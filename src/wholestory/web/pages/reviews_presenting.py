"""What the learning review pages share: the review a page is about (if the viewer may see
its child), its clocks in words, and its narrative's latest version with each drafted
sentence's cited entries as links to their records."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest

from wholestory.chronology.display import show_date
from wholestory.chronology.stored import stored_chronology
from wholestory.reviews import review_words as words
from wholestory.reviews.cases import Review, clock_dict, review
from wholestory.reviews.narrative import Version, versions
from wholestory.store import Store
from wholestory.web.pages import guard
from wholestory.web.pages.stories import record_url


def review_for(request: HttpRequest, review_id: int) -> Review:
    """The review, if there is one and the viewer may see its child; otherwise the refusal
    (audited by the guard's middleware), the same whether or not the child exists."""
    found = review(guard.core_store(), review_id)
    if found is None:
        raise Http404
    _, _, decision = guard.check_person(request, found.ws_person)
    guard.insist(decision, found.ws_person)
    return found


def clocks_of(found: Review, today: dt.date) -> list[dict[str, Any]]:
    """A review's clocks as the pages read them, each with its state in words."""
    shown = [clock_dict(c, today) for c in found.clocks().all()]
    return [c | {"state": words.clock_state(c), "due_words": show_date(c["due"])} for c in shown]


def latest(store: Store, found: Review) -> dict[str, Any] | None:
    """The narrative's latest version, its drafted sentences with their citations linked;
    None before one is drafted."""
    kept = versions(store, found.id)
    return shown(store, found, kept[-1]) if kept else None


def shown(store: Store, found: Review, version: Version) -> dict[str, Any]:
    """One version as the pages read it: a drafted one sentence by sentence, each with a link
    to the first record of every entry it rests on; an edited one as its text."""
    links = _links(store, found.ws_person) if version.drafted else {}
    paragraphs = [
        [s | {"cited": [links[e] for e in s.get("entries", []) if e in links]} for s in p]
        for p in version.paragraphs
    ]
    return {"version": version, "paragraphs": paragraphs, "blocks": version.text.split("\n\n")}


def _links(store: Store, person: str) -> dict[str, dict[str, str]]:
    """Each chronology entry's date in words and the link to its first record, by its id."""
    chronology = stored_chronology(store, person) or {}
    out = {}
    for entry in chronology.get("entries", []):
        records = entry.get("records") or []
        if records:
            first = records[0]
            out[entry["id"]] = {
                "url": record_url(person, first["agency"], first["record_id"]),
                "date": show_date(str(entry["date"])),
            }
    return out
