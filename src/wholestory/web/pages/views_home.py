"""Each user's home page (issue 14): what they can do, and the lists their role works from.

- A reviewer sees the cases granted to them, each with when the grant ends, the one
  ending soonest first (before, a reviewer had to search for their own case).
- A manager or safeguarding lead sees the needs their agency recorded whose review day
  has gone by, the longest overdue first, of the people they may see.

Each list is paged and audited as a view of the people it shows, before it is shown.
The lists for practitioners (their children, what is new since their last visit) and
for the partnership roles are not built yet.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.cache import never_cache

from wholestory.access import (
    CAPABILITIES,
    LEAD,
    MANAGER,
    REVIEWER,
    ROLES,
    Viewer,
    may,
    may_see_person,
)
from wholestory.access_facts import facts_about
from wholestory.chronology.display import show_date
from wholestory.chronology.vocabulary import agency_name
from wholestory.engagement.needs import past_review
from wholestory.identity.people import names_of
from wholestory.web.pages import guard
from wholestory.web.pages.presenting import Pages, other_params, page_number, when
from wholestory.web.pages.stories import person_url

#: Rows a home page list shows at a time.
LIST_SIZE = 25


@never_cache
@login_required
def home_view(request: HttpRequest) -> HttpResponse:
    """What this user can do, in their role's words, and the lists their role works from."""
    viewer = guard.viewer_of(request)
    context: dict[str, Any] = {
        "can": {name: may(viewer, name).allowed for name in CAPABILITIES},
        "role": ROLES.get(viewer.role, ""),
        "reviewer": viewer.role == REVIEWER,
    }
    if viewer.role == REVIEWER:
        context["cases"] = _cases(request, viewer)
    if viewer.role in (MANAGER, LEAD):
        context |= _needs_past_review(request, viewer)
    return render(request, "pages/home.html", context)


def _cases(request: HttpRequest, viewer: Viewer) -> list[dict[str, Any]]:
    """The reviewer's open grants, ending soonest first; the look is audited first."""
    from wholestory.web.accounts.models import AccessGrant

    grants = list(
        AccessGrant.objects.filter(
            user__username=viewer.username, kind=AccessGrant.REVIEW, ends_at__gt=timezone.now()
        ).order_by("ends_at")
    )
    people = [g.person for g in grants]
    guard.audited(request, "view", target="/", viewer=viewer, detail={"people": people})
    names = names_of(guard.core_store(), people)
    return [
        {
            "person": g.person,
            "name": names.get(g.person) or g.person,
            "url": person_url(g.person),
            "reason": g.reason,
            "ends": when(g.ends_at),
            "waiting": g.waiting,
        }
        for g in grants
    ]


def _needs_past_review(request: HttpRequest, viewer: Viewer) -> dict[str, Any]:
    """The agency's needs past review, a page of them; the look is audited first."""
    store, today, asked = guard.core_store(), timezone.localdate(), page_number(request)
    found, total = past_review(store, viewer.agency, today, (asked - 1) * LIST_SIZE, LIST_SIZE)
    pages = Pages(asked, total, total, other_params(request), size=LIST_SIZE)
    if pages.number != asked:  # past the last page: show the last
        found, _ = past_review(store, viewer.agency, today, pages.offset, LIST_SIZE)
    # A need the agency recorded here of someone seen through breaking glass, say, names a
    # person the lead may not see: it is left out, as search leaves such people out.
    now = timezone.now()
    found = [(p, n) for p, n in found
             if may_see_person(viewer, facts_about(store, p), now).allowed]  # fmt: skip
    people = [p for p, _ in found]
    guard.audited(request, "view", target="/", viewer=viewer,
                  detail={"page": pages.number, "people": people})  # fmt: skip
    names = names_of(store, people)
    rows = [
        {
            "name": names.get(p) or p,
            "url": person_url(p),
            "need": n.words,
            "recorded": show_date(n.recorded_on),
            "review": show_date(n.review_on or ""),
        }
        for p, n in found
    ]
    return {"needs_list": True, "past_review": rows, "past_review_pages": pages,
            "agency": agency_name(viewer.agency)}  # fmt: skip


urls: list[URLPattern] = [
    path("", home_view, name="home"),
]
