"""Adding a recommendation, and one recommendation's page (issue 17): its details, its SMART
actions with their RAG in words and colour, the form to add an action, and a before-and-after
chart of each measure it named (:mod:`wholestory.reviews.recommendation_charts`).

The tracker's readers (capability "tracker") read a recommendation; only the business unit
(capability "recommendations") adds one or its actions, and the core library refuses what is
incomplete, the refusal shown on its field. Nothing here names a child: a learning review is
shown by its number only, since the board reads this page. Every look and change is audited
(the change in the core library's transaction); every change redirects to a GET.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from wholestory.access import may
from wholestory.assurance.measure_history import CODES
from wholestory.assurance.words import MEASURE_TITLES
from wholestory.audit.actions import Action
from wholestory.charts.svg import render_svg
from wholestory.reviews import recommendation_words as words
from wholestory.reviews.cases import OPEN, reviews
from wholestory.reviews.recommendation_charts import BeforeAfter, before_after
from wholestory.reviews.recommendations import (
    RAG_WORDS,
    SOURCES,
    Recommendation,
    RecommendationError,
    actions_of,
    add_action,
    add_recommendation,
    recommendation,
    target,
)
from wholestory.web.pages import guard

TEMPLATES = "pages/recommendations/"
#: Which field a refusal from the core library is about, by a word it uses (first match).
_REC_FIELDS = (("source", "source"), ("measure", "measures"), ("review", "review_id"))
_ACTION_FIELDS = (("agency", "owner_agency"), ("user", "owner"), ("works for", "owner"))


@never_cache
@require_http_methods(["GET", "POST"])
@guard.requires("recommendations")
def new_view(request: HttpRequest) -> HttpResponse:
    """The form to add a recommendation; kept, it goes to the recommendation's page."""
    store = guard.core_store()
    errors: dict[str, str] = {}
    if request.method == "POST":
        made, errors = _add_recommendation(request)
        if made is not None:
            messages.success(request, words.ADDED_REC)
            return redirect("recommendation", rec_id=made.id)
        guard.audited(request, Action.REC_CHANGE, outcome="denied",
                      detail={"refused": sorted(errors)})  # fmt: skip
    else:
        guard.audited(request, Action.VIEW, detail={"recommendation": "new"})
    open_reviews = [(r.id, words.REVIEW_OPTION.format(id=r.id)) for r in reviews(store, OPEN)]
    return render(request, TEMPLATES + "new.html", {
        "words": words, "labels": words.LABELS, "errors": errors, "sources": SOURCES,
        "reviews": open_reviews, "measures": [(c, MEASURE_TITLES[c]) for c in CODES],
        "posted": request.POST, "chosen": request.POST.getlist("measures"),
    }, status=400 if errors else 200)  # fmt: skip


def _add_recommendation(request: HttpRequest) -> tuple[Recommendation | None, dict[str, str]]:
    """Keep the posted recommendation, or say what is wrong, field by field."""
    form = request.POST
    accepted = _date(form, "accepted_on")
    review = form.get("review_id", "").strip()
    errors = {} if accepted else {"accepted_on": words.NOT_A_DATE}
    if review and not review.isdigit():
        errors["review_id"] = "Choose a learning review from the list"
    if not form.get("text", "").strip():
        errors["text"] = "Enter the recommendation"
    if errors or accepted is None:
        return None, errors
    try:
        made = add_recommendation(
            guard.core_store(), form.get("source", ""), form.get("source_ref", ""),
            form.get("text", ""), accepted, request.user.get_username(),
            review_id=int(review) if review else None,
            measures=tuple(form.getlist("measures")),
        )  # fmt: skip
    except RecommendationError as refused:
        return None, {_field(str(refused), _REC_FIELDS, "text"): _sentence(refused)}
    return made, {}


@never_cache
@require_http_methods(["GET", "POST"])
@guard.requires("tracker")
def recommendation_view(request: HttpRequest, rec_id: int) -> HttpResponse:
    """One recommendation: details, actions, the form to add one, and its measures' charts."""
    store = guard.core_store()
    found = recommendation(store, rec_id)
    if found is None:
        raise Http404
    viewer = guard.viewer_of(request)
    changes = may(viewer, "recommendations")
    errors: dict[str, str] = {}
    if request.method == "POST":
        guard.insist(changes)
        errors = _add_action(request, rec_id)
        if not errors:
            messages.success(request, words.ADDED_ACTION)
            return redirect("recommendation", rec_id=rec_id)
    guard.audited(request, Action.VIEW, target=target(rec_id), detail={"recommendation": rec_id})
    today = dt.date.today()
    return render(request, TEMPLATES + "recommendation.html", {
        "rec": found, "source_words": SOURCES.get(found.source, found.source),
        "actions": [a.as_dict(today) | {"rag_words": RAG_WORDS[a.rag(today)]}
                    for a in actions_of(store, rec_id)],
        "charts": [_chart(before_after(store, code, found.accepted_on)) for code in found.measures],
        "may_change": changes.allowed, "errors": errors, "posted": request.POST,
        "words": words, "labels": words.LABELS,
    }, status=400 if errors else 200)  # fmt: skip


def _add_action(request: HttpRequest, rec_id: int) -> dict[str, str]:
    """Keep the posted action; the refusals by field (none when kept)."""
    form = request.POST
    due = _date(form, "due_on")
    errors = {} if due else {"due_on": words.NOT_A_DATE}
    if not form.get("text", "").strip():
        errors["action_text"] = "Enter the action"
    if not errors and due is not None:
        try:
            add_action(guard.core_store(), rec_id, form.get("text", ""),
                       form.get("owner_agency", ""), form.get("owner", ""), due,
                       request.user.get_username())  # fmt: skip
        except RecommendationError as refused:
            errors = {_field(str(refused), _ACTION_FIELDS, "action_text"): _sentence(refused)}
    if errors:
        guard.audited(request, Action.REC_CHANGE, target=target(rec_id), outcome="denied",
                      detail={"refused": sorted(errors)})  # fmt: skip
    return errors


def _chart(drawn: BeforeAfter) -> dict[str, Any]:
    """A measure's before-and-after chart as the page shows it: inline SVG, one line under it."""
    title = MEASURE_TITLES[drawn.code]
    svg = ""
    if drawn.spc is not None:
        svg = mark_safe(  # the engine's own SVG: its writer escapes every text
            render_svg(
                drawn.spc,
                measure=title,
                value_label=drawn.kept.value_label,
                chart_id=f"chart-{drawn.code}",
            )
        )
    return {"code": drawn.code, "title": title, "svg": svg, "reading": drawn.reading(),
            "left_out": drawn.kept.left_out(), "rebased_at": drawn.rebased_at}  # fmt: skip


def _date(form: QueryDict, name: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(form.get(name, "").strip())
    except ValueError:
        return None


def _field(message: str, fields: tuple[tuple[str, str], ...], default: str) -> str:
    return next((field for word, field in fields if word in message), default)


def _sentence(refused: RecommendationError) -> str:
    said = str(refused)
    return said[:1].upper() + said[1:]


urls: list[URLPattern] = [
    path("recommendations/new", new_view, name="recommendation-new"),
    path("recommendations/<int:rec_id>", recommendation_view, name="recommendation"),
]
