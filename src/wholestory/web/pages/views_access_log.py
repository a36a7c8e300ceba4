"""Who has looked at this person: the audit entries about them, for the leads of the
agencies holding their records (and that look is audited too)."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache

from wholestory import audit
from wholestory.access import ROLES, may_see_who_looked
from wholestory.access_facts import facts_about
from wholestory.chronology.vocabulary import agency_name
from wholestory.sharing.words import levels_words
from wholestory.web.pages.guard import audited, core_store, denied, viewer_of
from wholestory.web.pages.person_presenting import who_is
from wholestory.web.pages.presenting import when
from wholestory.web.pages.stories import load, person_url


@never_cache
@login_required
def access_log_view(request: HttpRequest, person: str) -> HttpResponse:
    """Who has looked at this person: for the leads of agencies holding their records."""
    viewer = viewer_of(request)
    capability = may_see_who_looked(viewer, facts_about(core_store(), person))
    if not capability.allowed:
        return denied(request, capability, person=person)
    audited(request, "audit_view", person=person, reason=capability.reason, viewer=viewer)
    entries = audit.entries(core_store(), person=person, limit=500)
    rows = [
        {
            "who": e.actor,
            "role": ROLES.get(e.role, e.role),
            "agency": agency_name(e.agency) if e.agency else "",
            "when": when(e.at, seconds=True),
            "what": audit.words(e.action),
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
