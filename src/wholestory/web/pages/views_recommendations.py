"""The recommendations tracker on the web (issue 17, item 6): every action answering a
recommendation, and every audit's action beside them, with its RAG in words and colour.

``recommendations`` (capability "tracker"); ``actions``, the signed-in owner's own actions
(capability "own_actions"); ``actions/<id>``, one action with its history and evidence,
where its owner (or the business unit) updates it and uploads evidence and a lead of another
agency assures it once complete: the core library (wholestory.reviews) enforces who may,
and its refusal is shown on the form. Owners are staff, so their usernames are shown; no
child is named. Every look and change is audited; every change redirects to a GET.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from wholestory.access import may
from wholestory.audit.actions import Action
from wholestory.reviews.evidence import add_evidence, content_of, evidence_of
from wholestory.reviews.recommendations import (
    RAG_WORDS,
    SOURCES,
    STATUSES,
    RecommendationError,
    action,
    assure,
    update_action,
    updates,
)
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
        "may_add": may(guard.viewer_of(request), "recommendations").allowed,
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


@never_cache
@require_http_methods(["GET", "POST"])
@guard.requires("tracker")
def action_view(request: HttpRequest, action_id: int) -> HttpResponse:
    """One action: its history and evidence, and the forms to update, upload and assure."""
    store = guard.core_store()
    found = action(store, action_id)
    if found is None:
        raise Http404
    error = ""
    if request.method == "POST":
        error = _change(request, action_id)
        if not error:
            return redirect("action", action_id=action_id)
    guard.audited(request, Action.VIEW, detail={"action": action_id})
    today = dt.date.today()
    return render(request, TEMPLATES + "action.html", {
        "action": found, "rag": found.rag(today), "rag_words": RAG_WORDS[found.rag(today)],
        "overdue": found.overdue(today), "updates": updates(store, action_id),
        "evidence": evidence_of(store, action_id), "statuses": STATUSES,
        "error": error, "form": request.POST.get("form", ""),
    }, status=400 if error else 200)  # fmt: skip


def _change(request: HttpRequest, action_id: int) -> str:
    """Make the change the posted form asks for; the refusal's words, or "" when kept."""
    store, by, form = guard.core_store(), request.user.get_username(), request.POST.get("form")
    try:
        if form == "update":
            update_action(store, action_id, request.POST.get("status", ""),
                          request.POST.get("note", ""), by)  # fmt: skip
        elif form == "evidence":
            upload = request.FILES.get("file")
            if upload is None:
                return "Choose a file to upload"
            add_evidence(store, action_id, upload.name or "evidence", upload.read(), by)
        elif form == "assure":
            assure(store, action_id, request.POST.get("decision", ""),
                   request.POST.get("reason", ""), by)  # fmt: skip
        else:
            return "Choose what to change"
    except RecommendationError as refused:
        guard.audited(request, Action.DECISION, detail={"action": action_id, "refused": form},
                      outcome="denied")  # fmt: skip
        return str(refused)
    messages.success(request, "Saved")
    return ""


@never_cache
@guard.requires("tracker")
def evidence_view(request: HttpRequest, action_id: int, evidence_id: int) -> HttpResponse:
    """A kept file, as an attachment never sniffed into a page; the look audited."""
    found = content_of(guard.core_store(), evidence_id, request.user.get_username())
    if found is None or found[0].action_id != action_id:
        raise Http404
    kept, content = found
    response = HttpResponse(content, content_type=kept.content_type)
    safe = "".join(c for c in kept.filename if c.isalnum() or c in "._- ") or "evidence"
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


urls: list[URLPattern] = [
    path("recommendations", tracker_view, name="recommendations"),
    path("actions", my_actions_view, name="my-actions"),
    path("actions/<int:action_id>", action_view, name="action"),
    path("actions/<int:action_id>/evidence/<int:evidence_id>", evidence_view, name="evidence"),
]
