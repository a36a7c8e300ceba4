"""A person's allocations and lead professional, ready for a page, as the viewer may see them.

An allocation from the records is what an agency's plan record says (its worker and
team), so it is shown at the level the sharing agreement gives the viewer of that
record, as the chronology shapes it (``sharing.decide``): in full; at "involvement",
the plan and the agency only (the worker and team go, as they go from such a record);
not at all where the agreement shares nothing, nor to another agency when the record
is restricted. A lead professional set here was set to be known by the
agencies involved, so it is shown to everyone who may see the person.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from wholestory.access import Viewer
from wholestory.chronology.vocabulary import agency_name, category_of
from wholestory.engagement import lead_words as words
from wholestory.engagement.leads import APP, PLANS, Allocation, LeadSetHere, allocations
from wholestory.sharing.agreement import FULL, INVOLVEMENT, partnership_agreement
from wholestory.sharing.decide import ViewerTable
from wholestory.store.connection import Store
from wholestory.web.pages.presenting import when
from wholestory.web.pages.stories import person_url


def shown_allocations(viewer: Viewer, found: Sequence[Allocation]) -> list[dict[str, Any]]:
    """The allocations the viewer may see, worded, the lead (``found``'s first) marked."""
    table = ViewerTable(partnership_agreement(), viewer.agency, viewer.role)
    rows: list[dict[str, Any]] = []
    for n, a in enumerate(found):
        level = FULL
        if a.source != APP:
            kind = category_of(PLANS[a.plan][0])
            level, _ = table.level(a.agency, kind, False, a.restricted)
        if level not in (FULL, INVOLVEMENT):
            continue
        full = level == FULL
        rows.append(
            {
                "worker": (a.practitioner or words.NOT_NAMED) if full else "",
                "team": a.team if full else "",
                "agency": agency_name(a.agency),
                "plan": words.plan_words(a),
                "set_here": a.source == APP,
                "lead": n == 0,
                "note": "" if full else words.HIDDEN_DETAIL,
                "line": words.allocation_words(a) if full else
                f"{agency_name(a.agency)}: {words.plan_words(a)}",
            }
        )  # fmt: skip
    return rows


def shown_history(kept: Sequence[LeadSetHere]) -> list[dict[str, Any]]:
    """Lead professionals set here before (and the one open), with who set and ended each."""
    return [
        {
            "worker": h.practitioner,
            "team": h.team,
            "agency": agency_name(h.agency),
            "set": f"{when(h.set_at)} by {h.set_by}",
            "ended": f"{when(h.ended_at)} by {h.ended_by}" if h.ended_at else "",
        }
        for h in kept
    ]


def lead_summary(store: Store, viewer: Viewer, person: str) -> dict[str, Any]:
    """The lead professional in a line, and how many workers are allocated, for the person
    page (the lead page has the rest): read on every view, so a lead set now shows now."""
    every = allocations(store, [person]).get(person, [])
    found = shown_allocations(viewer, every)
    lead = next((a for a in found if a["lead"]), None)
    line = lead["line"] if lead else (words.LEAD_NOT_SHARED if every else words.NO_LEAD)
    return {"line": line, "set_here": bool(lead and lead["set_here"]), "count": len(found),
            "url": f"{person_url(person)}/lead"}  # fmt: skip
