"""Learning reviews on the web (issue 17, items 1-2): the business unit's list of reviews with
their clocks, the form that opens one, one review's page (dates, clocks, decisions, the
narrative with its citations, the rapid review pack).

Every page needs the capability "reviews"; a review's own page also needs the child to be
one the viewer may see (the business unit sees the child of an open review, basis
"review"), so a closed review's child is refused unless otherwise related. The core library
(:mod:`wholestory.reviews.cases`) checks and audits every change; each look is audited here
before it is shown, and every change redirects to a GET.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from wholestory.audit.actions import Action
from wholestory.chronology.vocabulary import agency_name
from wholestory.reviews import review_words as words
from wholestory.reviews.cases import (
    DECISIONS,
    Review,
    ReviewError,
    decide,
    decisions,
    open_review,
    overdue,
    reviews,
)
from wholestory.web.pages import guard, views_reviews_narrative
from wholestory.web.pages.reviews_presenting import clocks_of, latest, review_for
from wholestory.web.pages.stories import person_url

TEMPLATES = "pages/reviews/"


@never_cache
@guard.requires("reviews")
def reviews_view(request: HttpRequest) -> HttpResponse:
    """Every review, the newest first, each clock in words; overdue clocks listed first."""
    today = dt.date.today()
    store = guard.core_store()
    rows = [{"review": r, "clocks": clocks_of(r, today)} for r in reviews(store)]
    late = overdue(store, today)
    guard.audited(request, Action.REVIEW_LOOK, detail={"reviews": len(rows)})
    return render(request, TEMPLATES + "list.html", {
        "rows": rows, "late": late, "banner": words.overdue_banner(len(late)) if late else "",
    })  # fmt: skip


@never_cache
@require_http_methods(["GET", "POST"])
@guard.requires("reviews")
def new_view(request: HttpRequest) -> HttpResponse:
    """The form that opens a review; a wrong answer is named on its field."""
    sent = request.POST if request.method == "POST" else {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        opened, errors = _open(request)
        if opened is not None:
            messages.success(request, "Review opened")
            return redirect("learning-review", review_id=opened.id)
    guard.audited(request, Action.REVIEW_LOOK, detail={"form": "new"})
    return render(request, TEMPLATES + "new.html", {
        "sent": sent, "errors": errors, "fields": words.FIELDS, "agencies": _agencies(),
        "button": words.OPEN_BUTTON,
    }, status=400 if errors else 200)  # fmt: skip


def _agencies() -> list[tuple[str, str]]:
    """The agencies whose records name people, as (code, name)."""
    rows = guard.core_store().query("SELECT DISTINCT agency FROM ws_source_person ORDER BY 1")
    return [(str(r[0]), agency_name(str(r[0]))) for r in rows]


def _open(request: HttpRequest) -> tuple[Review | None, dict[str, str]]:
    """Open the review the form asks for, or the errors by field."""
    sent, errors = request.POST, {}
    for name in ("agency", "person_id", "learned_on"):
        if not sent.get(name, "").strip():
            errors[name] = words.MISSING[name]
    learned = _day(sent, "learned_on", errors)
    notified = _day(sent, "notified_on", errors)
    if errors or learned is None:
        return None, errors
    try:
        made = open_review(
            guard.core_store(), sent["agency"], sent["person_id"], learned,
            request.user.get_username(), notified_on=notified, title=sent.get("title", ""),
        )  # fmt: skip
    except ReviewError as refused:
        return None, {_field_of(str(refused), notified): _sentence(str(refused))}
    return made, {}


def _day(sent: Any, name: str, errors: dict[str, str]) -> dt.date | None:
    """A posted date, or None when blank; a date that is not one is an error on its field."""
    text = str(sent.get(name, "")).strip()
    if not text or name in errors:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        errors[name] = words.NOT_A_DATE
        return None


def _field_of(refusal: str, notified: dt.date | None) -> str:
    """Which field the core library's refusal is about."""
    if "names a person" in refusal:
        return "person_id"
    if "title" in refusal:
        return "title"
    return "notified_on" if notified else "learned_on"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


@never_cache
@guard.requires("reviews")
def review_view(request: HttpRequest, review_id: int) -> HttpResponse:
    """One review: dates, clocks, decisions, the narrative and the pack."""
    return review_page(request, review_for(request, review_id), {})


@never_cache
@require_POST
@guard.requires("reviews")
def decide_view(request: HttpRequest, review_id: int) -> HttpResponse:
    """Record a decision; a wrong one is named on its field and the review shown again."""
    found = review_for(request, review_id)
    errors: dict[str, str] = {}
    choice = request.POST.get("decision", "")
    if choice not in DECISIONS:
        errors["decision"] = words.MISSING["decision"]
    if not request.POST.get("on", "").strip():
        errors["on"] = words.MISSING["on"]
    on = _day(request.POST, "on", errors)
    if not errors and on is not None:
        try:
            decide(guard.core_store(), review_id, choice, on, request.POST.get("reason", ""),
                   request.user.get_username())  # fmt: skip
        except ReviewError as refused:
            errors["on"] = _sentence(str(refused))
        else:
            messages.success(request, "Decision recorded")
            return redirect("learning-review", review_id=review_id)
    return review_page(request, found, errors, status=400)


def review_page(
    request: HttpRequest, found: Review, errors: dict[str, str], status: int = 200
) -> HttpResponse:
    """The review's page (with the decision form's errors, if any): a look, audited."""
    store, today = guard.core_store(), dt.date.today()
    detail = {"review": found.id} | ({"refused": sorted(errors)} if errors else {})
    guard.audited(request, Action.REVIEW_LOOK, person=found.ws_person, detail=detail)
    return render(request, TEMPLATES + "review.html", {
        "review": found, "clocks": clocks_of(found, today),
        "decisions": decisions(store, found.id), "choices": DECISIONS,
        "child_url": person_url(found.ws_person), "today": today.isoformat(),
        "narrative": latest(store, found),
        "errors": errors, "sent": request.POST if errors else {}, "words": words,
    }, status=status)  # fmt: skip


@never_cache
@guard.requires("reviews")
def pack_view(request: HttpRequest, review_id: int) -> HttpResponse:
    """The rapid review pack (the chronology as a partnership reviewer may see it, each
    agency's involvement, the flags) as one zip, an attachment; the download audited."""
    from wholestory.chronology.pack import write_pack
    from wholestory.chronology.stored import chronology_of
    from wholestory.engagement.family import with_engagement

    found = review_for(request, review_id)
    store = guard.core_store()
    guard.audited(request, Action.DOWNLOAD, person=found.ws_person,
                  detail={"review": review_id, "pack": "rapid review"})  # fmt: skip
    chronology = with_engagement(store, chronology_of(store, found.ws_person), dt.date.today())
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as folder:
        files = write_pack(store, chronology, Path(folder) / "pack")
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as packed:
            for file, _ in files:
                packed.write(file, file.name)
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="rapid-review-{review_id}.zip"'
    return response


urls: list[URLPattern] = [
    path("reviews", reviews_view, name="learning-reviews"),
    path("reviews/new", new_view, name="learning-review-new"),
    path("reviews/<int:review_id>", review_view, name="learning-review"),
    path("reviews/<int:review_id>/decide", decide_view, name="learning-review-decide"),
    path("reviews/<int:review_id>/pack.zip", pack_view, name="learning-review-pack"),
    *views_reviews_narrative.urls,
]
