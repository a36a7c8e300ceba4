"""Each user's home page (issue 14): what they can do, and the lists their role works from.

- A practitioner (or an IDVA) sees the children they are the allocated worker for (their
  agency's open plans under the practitioner name they are matched to), and the children
  their agency knows with what other agencies sent since their last visit, newest first.
- A manager sees their team's children (the open plans allocated to their team) and the
  needs their agency recorded whose review day has gone by.
- A safeguarding lead sees children with a high-severity flag and no plan, children with
  no lead professional but concerns at several agencies, and the needs past review.
- Everyone who receives alerts sees their unread alerts first.
- A reviewer sees the cases granted to them, each with when the grant ends, the one
  ending soonest first (before, a reviewer had to search for their own case).

Each list is paged, the most urgent first, and audited as a view of the people it shows,
before it is shown, leaving out anyone the viewer may not see (``home_lists``). A quality
assurance officer sees the audit programmes (issue 15); the business unit's reviews and the
board's pack come with issue 17.
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
    IDVA,
    LEAD,
    MANAGER,
    PRACTITIONER,
    QA,
    REVIEWER,
    ROLES,
    Viewer,
    may,
)
from wholestory.chronology.display import show_date
from wholestory.chronology.vocabulary import agency_name
from wholestory.engagement.needs import Need, past_review
from wholestory.identity.people import names_of
from wholestory.web.pages import guard, home_lists
from wholestory.web.pages.presenting import when
from wholestory.web.pages.stories import person_url

#: The newest audit programmes a quality assurance officer's home page lists.
PROGRAMMES_SHOWN = 10


@never_cache
@login_required
def home_view(request: HttpRequest) -> HttpResponse:
    """What this user can do, in their role's words, and the lists their role works from."""
    viewer = guard.viewer_of(request)
    membership = getattr(request.user, "membership", None)
    context: dict[str, Any] = {
        "can": {name: may(viewer, name).allowed for name in CAPABILITIES},
        "role": ROLES.get(viewer.role, ""),
        "reviewer": viewer.role == REVIEWER,
    }
    if may(viewer, "alerts").allowed:  # the unread alerts first, above every other list
        context["unread_alerts"] = home_lists.unread_alerts(request, viewer)
    if viewer.role == REVIEWER:
        context["cases"] = _cases(request, viewer)
    if viewer.role in (PRACTITIONER, IDVA) and membership is not None:
        context["mine"] = home_lists.worker_list(request, viewer, membership.practitioner_name)
        context["news"] = home_lists.news_list(request, viewer, membership.previous_visit)
    if viewer.role == MANAGER:
        context["team"] = home_lists.team_list(request, viewer)
    if viewer.role == LEAD:
        context["unplanned"] = home_lists.unplanned_list(request, viewer)
        context["unled"] = home_lists.unled_list(request, viewer)
    if viewer.role in (MANAGER, LEAD):
        context |= _needs_past_review(request, viewer)
    if viewer.role == QA:
        context["programmes"] = _programmes()
    if may(viewer, "reviews").allowed:
        context["reviews_overdue"] = _reviews_overdue()
    context["agency"] = agency_name(viewer.agency) if viewer.agency else ""
    return render(request, "pages/home.html", context)


def _reviews_overdue() -> str:
    """The business unit's banner: how many review clocks are overdue ("" when none). Titles
    and clocks name no child, so there is no one to audit a look at."""
    from wholestory.reviews.cases import overdue
    from wholestory.reviews.review_words import overdue_banner

    late = overdue(guard.core_store(), timezone.localdate())
    return overdue_banner(len(late)) if late else ""


def _programmes() -> list[dict[str, Any]]:
    """A quality assurance officer's work: the audit programmes, the newest first (themes,
    periods and counts: no child is named, so there is no one to audit a look at)."""
    from wholestory.assurance.programmes import programmes

    return [
        {
            "id": p.id,
            "theme": p.theme,
            "period": f"{show_date(p.criteria.period_from.isoformat())} to "
            f"{show_date(p.criteria.period_to.isoformat())}",
            "cases": f"{p.sample} of {p.eligible:,}",
            "created": when(p.created_at),
        }
        for p in programmes(guard.core_store())[:PROGRAMMES_SHOWN]
    ]


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
    """The agency's needs past review, the longest overdue first, a page of them. A need
    the agency recorded here of someone seen through breaking glass, say, names a person
    the lead may not see: it is left out, as search leaves such people out."""
    store, today = guard.core_store(), timezone.localdate()

    def fetch(offset: int, limit: int) -> tuple[list[tuple[str, Need]], int]:
        return past_review(store, viewer.agency, today, offset, limit)

    found, pages = home_lists.paged(request, viewer, "needs", fetch, lambda row: row[0])
    names = names_of(store, [p for p, _ in found])
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
    return {"needs_list": True, "past_review": rows, "past_review_pages": pages}


urls: list[URLPattern] = [
    path("", home_view, name="home"),
]
