"""A learning review's narrative on the web (issue 17, item 2): draft version 1 by the rules,
edit the latest version's text (each save a new version, nothing overwritten), read any
version with what changed from the one before.

The narrative is about the child, so every page asks what the review's page asks (the
capability "reviews" and that the viewer may see the child) and audits the look naming the
child; the core library (:mod:`wholestory.reviews.narrative`) audits each version saved.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from wholestory.audit.actions import Action
from wholestory.reviews import review_words as words
from wholestory.reviews.cases import ReviewError
from wholestory.reviews.narrative import diff, draft_for, edit, versions
from wholestory.web.pages import guard
from wholestory.web.pages.reviews_presenting import review_for, shown

TEMPLATES = "pages/reviews/"


@never_cache
@require_POST
@guard.requires("reviews")
def draft_view(request: HttpRequest, review_id: int) -> HttpResponse:
    """Draft version 1 from the child's chronology, then back to the review."""
    review_for(request, review_id)
    try:
        draft_for(guard.core_store(), review_id, request.user.get_username())
    except ReviewError as refused:
        messages.error(request, str(refused)[:1].upper() + str(refused)[1:])
    else:
        messages.success(request, "Narrative drafted")
    return redirect("learning-review", review_id=review_id)


@never_cache
@require_http_methods(["GET", "POST"])
@guard.requires("reviews")
def narrative_view(request: HttpRequest, review_id: int) -> HttpResponse:
    """The latest version's text to edit, and every version with who saved it and when."""
    found = review_for(request, review_id)
    store = guard.core_store()
    error = ""
    if request.method == "POST":
        text = request.POST.get("text", "")
        if not text.strip():
            error = words.EMPTY_NARRATIVE
        else:
            made = edit(store, review_id, text, request.user.get_username())
            messages.success(request, f"Saved as version {made.version}")
            return redirect("learning-review-narrative", review_id=review_id)
    kept = versions(store, review_id)
    guard.audited(request, Action.REVIEW_LOOK, person=found.ws_person,
                  detail={"review": review_id, "narrative": len(kept)})  # fmt: skip
    text = request.POST.get("text", "") if error else (kept[-1].text if kept else "")
    return render(request, TEMPLATES + "narrative.html", {
        "review": found, "versions": list(reversed(kept)), "text": text, "error": error,
        "button": words.SAVE_BUTTON,
    }, status=400 if error else 200)  # fmt: skip


@never_cache
@guard.requires("reviews")
def version_view(request: HttpRequest, review_id: int, version: int) -> HttpResponse:
    """One version, and what changed from the one before it."""
    found = review_for(request, review_id)
    store = guard.core_store()
    kept = {v.version: v for v in versions(store, review_id)}
    if version not in kept:
        raise Http404
    guard.audited(request, Action.REVIEW_LOOK, person=found.ws_person,
                  detail={"review": review_id, "version": version})  # fmt: skip
    before = max((v for v in kept if v < version), default=None)
    changes = diff(store, review_id, before, version) if before else []
    return render(request, TEMPLATES + "version.html", {
        "review": found, "shown": shown(store, found, kept[version]), "before": before,
        "changes": [(line, line[:1]) for line in changes[2:]],
    })  # fmt: skip


urls: list[URLPattern] = [
    path("reviews/<int:review_id>/draft", draft_view, name="learning-review-draft"),
    path("reviews/<int:review_id>/narrative", narrative_view, name="learning-review-narrative"),
    path(
        "reviews/<int:review_id>/narrative/<int:version>",
        version_view,
        name="learning-review-version",
    ),
]
