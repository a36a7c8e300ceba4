"""Who has looked at this person: the audit entries about them, for the leads of the
agencies holding their records (and that look is audited too)."""

from __future__ import annotations

import json
from typing import Final

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache

from wholestory import audit
from wholestory.access import ROLES, deny, facts_about, may
from wholestory.chronology.vocabulary import agency_name
from wholestory.sharing.words import levels_words
from wholestory.web.pages.guard import audited, core_store, denied, viewer_of
from wholestory.web.pages.person_presenting import who_is
from wholestory.web.pages.presenting import when
from wholestory.web.pages.stories import load, person_url

ACTION_WORDS: Final = {
    "view": "Viewed",
    "download": "Downloaded",
    "search": "Searched",
    "break_glass": "Broke glass",
    "denied": "Was refused",
    "audit_view": "Looked at who has looked",
    "decision": "Decided",
    "export": "Exported",
    "grant": "Was granted access",
    "approve": "Approved access",
    "refuse": "Refused access",
}


@never_cache
@login_required
def access_log_view(request: HttpRequest, person: str) -> HttpResponse:
    """Who has looked at this person: for the leads of agencies holding their records."""
    viewer = viewer_of(request)
    capability = may(viewer, "who_looked")
    if not capability.allowed:
        return denied(request, capability, person=person)
    facts = facts_about(core_store(), person)
    if viewer.agency not in facts.agencies or viewer.agency in facts.unconfirmed:
        refusal = deny(
            "Only the safeguarding leads of agencies holding this person's records see who "
            "has looked at them."
        )
        return denied(request, refusal, person=person)
    audited(request, "audit_view", person=person, reason=capability.reason, viewer=viewer)
    entries = audit.entries(core_store(), person=person, limit=500)
    rows = [
        {
            "who": e.actor,
            "role": ROLES.get(e.role, e.role),
            "agency": agency_name(e.agency) if e.agency else "",
            "when": when(e.at, seconds=True),
            "what": ACTION_WORDS.get(e.action, e.action.replace("_", " ").capitalize()),
            "target": e.target,
            "why": e.reason,
            "refused": e.outcome != "allowed",
            "saw": levels_words(json.loads(e.detail or "{}").get("sharing", {}).get("levels", {})),
        }
        for e in entries
    ]
    loaded = load(core_store(), person, viewer_of(request))
    return render(
        request,
        "pages/people/access_log.html",
        {
            "rows": rows,
            "person_url": person_url(person),
            "who": who_is(loaded.data) if loaded else {"name": person},
        },
    )


urls: list[URLPattern] = [
    path("people/<str:person>/access-log", access_log_view, name="person-access-log"),
]
