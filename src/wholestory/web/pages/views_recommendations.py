"""The recommendations tracker on the web (issue 17, item 6): every action answering a
recommendation, and every audit's action beside them, with its RAG in words and colour.

Two pages, both read-only for now: ``recommendations`` (capability "tracker") and
``actions``, the signed-in owner's own actions (capability "own_actions"). Owners are staff,
so their usernames are shown here; no child is named. Every look is audited before anything
is shown. Changing actions is done with the core library (wholestory.reviews) or the CLI.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache

from wholestory.audit.actions import Action
from wholestory.reviews.recommendations import SOURCES
from wholestory.reviews.tracker import TrackedAction, tracked, tracker_summary
from wholestory.web.pages import guard

TEMPLATES = "pages/recommendations/"
#: The filters the tracker offers, by their query value.
FILTERS = {"overdue": "Overdue", "at_risk": "At risk", "assured": "Assured"}


@never_cache
@guard.requires("tracker")
def tracker_view(request: HttpRequest) -> HttpResponse:
    """The tracker: counts overall, then each action, filtered if asked."""
    today = dt.date.today()
    store = guard.core_store()
    shown = request.GET.get("show", "")
    rows = [r for r in tracked(store, today) if _kept(r, shown)]
    guard.audited(request, Action.VIEW, detail={"tracker": shown or "all", "rows": len(rows)})
    return render(request, TEMPLATES + "tracker.html", {
        "rows": [_row(r) for r in rows], "summary": tracker_summary(store, today),
        "filters": FILTERS, "shown": shown, "today": today,
    })  # fmt: skip


@never_cache
@guard.requires("own_actions")
def my_actions_view(request: HttpRequest) -> HttpResponse:
    """The signed-in person's own actions, the soonest due first."""
    today = dt.date.today()
    me = request.user.get_username()
    rows = [r for r in tracked(guard.core_store(), today) if r.owner == me]
    guard.audited(request, Action.VIEW, detail={"own_actions": len(rows)})
    return render(request, TEMPLATES + "mine.html", {"rows": [_row(r) for r in rows]})


def _kept(row: TrackedAction, shown: str) -> bool:
    """Whether a row passes the chosen filter (an unknown filter keeps everything)."""
    if shown == "overdue":
        return row.overdue
    if shown == "at_risk":
        return row.rag == "amber"
    if shown == "assured":
        return row.assured
    return True


def _row(row: TrackedAction) -> dict[str, object]:
    """A tracker row as the template reads it, with the source in words."""
    return row.as_dict() | {"source_words": SOURCES.get(row.source, row.source)}


urls: list[URLPattern] = [
    path("recommendations", tracker_view, name="recommendations"),
    path("actions", my_actions_view, name="my-actions"),
]
