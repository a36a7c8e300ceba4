"""A child's THRIVE record on the web (issue 16): the groupings over time and the Current
Views on one page, and the forms that record each.

Anyone who may see the child reads the page, but only the groupings and Current Views whose
agency's mental health records the sharing agreement shows them (a grouping is a record of
the agency that made it, like any other). Only a practitioner whose agency records THRIVE
(``access.may_record_thrive``) and who may see the child records; a refusal is audited by
the guard. The suggestion is shown beside the choice as a prompt for the decision shared
with the child and family, and the grouping it suggested is kept with the record, so how
often practitioners agree with it can be counted (``thrive.agreement``). Every look and
every record is audited before anything is shown or kept; each record is a POST that
redirects to a GET.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from wholestory.access import Decision, Viewer, may_record_thrive
from wholestory.audit.actions import Action
from wholestory.chronology.vocabulary import agency_name
from wholestory.thrive import child_words as w
from wholestory.thrive.current_view import PARTS, CurrentViewError, current_view
from wholestory.thrive.evidence import EVIDENCED, evidenced_factors
from wholestory.thrive.groupings import Grouping, GroupingError
from wholestory.thrive.records import (
    KeptCurrentView,
    KeptGrouping,
    current_views_of,
    groupings_of,
    record_current_view,
    record_grouping,
)
from wholestory.thrive.suggest import PROMPT, Suggestion, suggest
from wholestory.thrive.vocabulary import AGREEMENT, COMPLEXITY, GROUPINGS
from wholestory.web.pages import guard
from wholestory.web.pages.stories import person_url
from wholestory.web.pages.thrive_forms import CurrentViewForm, GroupingForm, today_initial
from wholestory.web.pages.thrive_sharing import shown_to

TEMPLATES = "pages/thrive/"


@never_cache
@guard.person_page(Action.THRIVE_LOOK)
def thrive_view(request: HttpRequest, person: str, decision: Decision) -> HttpResponse:
    """The child's groupings over time and Current Views, the newest first."""
    viewer = guard.viewer_of(request)
    store = guard.core_store()
    every_grouping, every_view = groupings_of(store, [person]), current_views_of(store, [person])
    groupings = [g for g in every_grouping if shown_to(viewer, g.grouping.agency)]
    views = [v for v in every_view if shown_to(viewer, v.view.agency)]
    return render(request, TEMPLATES + "child.html", {
        "person": person, "back": person_url(person), "words": w,
        "groupings": [grouping_row(g) for g in groupings],
        "views": [view_rows(v) for v in views],
        "may_record": may_record_thrive(viewer).allowed,
        "hidden": _hidden(len(every_grouping) + len(every_view) - len(groupings) - len(views)),
    })  # fmt: skip


@never_cache
@require_http_methods(["GET", "POST"])
@guard.person_page(Action.THRIVE_LOOK)
def current_view_new(request: HttpRequest, person: str, decision: Decision) -> HttpResponse:
    """The Current View form, with the factors the records evidence proposed to confirm."""
    viewer = guard.viewer_of(request)
    guard.insist(may_record_thrive(viewer), person)
    store, today = guard.core_store(), timezone.localdate()
    found = evidenced_factors(store, person, today)
    form = CurrentViewForm(guard.submitted(request), proposed=list(found),
                           initial=today_initial(today))  # fmt: skip
    if request.method == "POST" and form.is_valid():
        answers, ticked = form.answers()
        try:
            made = current_view(person, form.cleaned_data["recorded_on"], viewer.username,
                                viewer.agency, answers, today, confirmed=ticked)  # fmt: skip
        except CurrentViewError as error:
            for fault in error.faults:
                form.add_error(None, fault)
        else:
            guard.audited(request, Action.THRIVE_RECORD, person=person,
                          detail={"current_view": made.recorded_on.isoformat(),
                                  "confirmed": list(made.confirmed)})  # fmt: skip
            record_current_view(store, made, agency=viewer.agency, recorded_by=viewer.username,
                                now=timezone.now().isoformat())  # fmt: skip
            messages.success(request, w.VIEW_KEPT)
            return redirect(person_url(person, "/thrive"))
    _refused(request, form, person)
    proposals = [{"code": c, "factor": COMPLEXITY[c], "why": EVIDENCED[c], "entries": entries,
                  "field": form[f"confirm__{c}"]} for c, entries in found.items()]  # fmt: skip
    return render(request, TEMPLATES + "current_view_new.html", {
        "form": form, "person": person, "back": person_url(person, "/thrive"), "words": w,
        "proposals": proposals,
        "parts": [(title, form.part(name)) for name, title in _PART_TITLES.items()],
    }, status=400 if form.errors else 200)  # fmt: skip


@never_cache
@require_http_methods(["GET", "POST"])
@guard.person_page(Action.THRIVE_LOOK)
def grouping_new(request: HttpRequest, person: str, decision: Decision) -> HttpResponse:
    """The grouping form, with WholeStory's suggestion beside the choice."""
    viewer = guard.viewer_of(request)
    guard.insist(may_record_thrive(viewer), person)
    store, today = guard.core_store(), timezone.localdate()
    suggestion = suggest(store, person, today)
    form = GroupingForm(guard.submitted(request), initial=today_initial(today))
    if request.method == "POST" and form.is_valid():
        made = _grouping(form.cleaned_data, person, viewer, suggestion.grouping or "")
        try:
            guard.audited(request, Action.THRIVE_RECORD, person=person, detail={
                "grouping": made.grouping, "suggested": made.suggested,
                "agreement": made.agreement})  # fmt: skip
            record_grouping(store, made, agency=viewer.agency, recorded_by=viewer.username,
                            now=timezone.now().isoformat(), today=today)  # fmt: skip
        except GroupingError as error:
            form.put_faults(error)
        else:
            messages.success(request, w.GROUPING_KEPT)
            return redirect(person_url(person, "/thrive"))
    _refused(request, form, person)
    return render(request, TEMPLATES + "grouping_new.html", {
        "form": form, "person": person, "back": person_url(person, "/thrive"), "words": w,
        "suggestion": suggestion, "prompt": PROMPT, "evidence": _evidence(suggestion),
    }, status=400 if form.errors else 200)  # fmt: skip


_PART_TITLES = {"problems": w.PROBLEMS_TITLE, "complexity": w.COMPLEXITY_TITLE,
                "contextual": w.CONTEXTUAL_TITLE, "eet": w.EET_TITLE}  # fmt: skip


def _grouping(data: dict[str, Any], person: str, viewer: Viewer, suggested: str) -> Grouping:
    return Grouping(
        person=person, grouping=data["grouping"], recorded_on=data["recorded_on"],
        recorded_by=viewer.username, agency=viewer.agency, reason=data["reason"],
        childs_view=data["childs_view"], agreement=data["agreement"],
        review_on=data["review_on"], goals=data.get("goals") or "",
        success_by=data.get("success_by"), suggested=suggested,
    )  # fmt: skip


def _hidden(count: int) -> str:
    return w.HIDDEN.format(count=count) if count else ""


def _refused(request: HttpRequest, form: Any, person: str) -> None:
    """A record refused for its faults is audited with why (the look is audited already)."""
    if request.method == "POST" and form.errors:
        wrong = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        guard.audited(request, Action.THRIVE_RECORD, person=person, outcome="refused",
                      reason=wrong)  # fmt: skip


def _evidence(s: Suggestion) -> list[str]:
    """The Current View items the suggestion rests on, in words."""
    return [f"{i.words}: {i.rating_words}" for i in s.items]


def _day(day: dt.date | None) -> str:
    return f"{day:%-d %B %Y}" if day else ""


def grouping_row(kept: KeptGrouping) -> dict[str, Any]:
    """One grouping as the page's table shows it."""
    g = kept.grouping
    if not g.suggested:
        against = w.NO_SUGGESTION_THEN
    elif g.agrees_with_suggestion:
        against = w.AGREED_WITH_SUGGESTION
    else:
        against = w.DIFFERED_FROM_SUGGESTION.format(title=GROUPINGS.get(g.suggested, g.suggested))
    return {
        "date": _day(g.recorded_on), "title": g.title, "who": g.recorded_by,
        "agency": agency_name(g.agency), "childs_view": g.childs_view,
        "agreement": AGREEMENT.get(g.agreement, g.agreement), "reason": g.reason,
        "goals": g.goals, "success_by": _day(g.success_by), "review_on": _day(g.review_on),
        "suggestion": against,
        "source": w.RECORDED_HERE if kept.recorded_in_app else w.FROM_FILE,
    }  # fmt: skip


def view_rows(kept: KeptCurrentView) -> dict[str, Any]:
    """One Current View: each part's items rated other than Not known, and what was confirmed."""
    v = kept.view
    parts = []
    for name, title in _PART_TITLES.items():
        items, scale = PARTS[name]
        rated = [(items[c], scale.get(a, a)) for c, a in v.part(name).items()
                 if a != "not_known" and c in items]  # fmt: skip
        parts.append({"title": title, "rated": rated})
    return {"date": _day(v.recorded_on), "who": v.recorded_by, "agency": agency_name(v.agency),
            "parts": parts, "confirmed": [COMPLEXITY.get(c, c) for c in v.confirmed]}  # fmt: skip


urls: list[URLPattern] = [
    path("people/<str:person>/thrive", thrive_view, name="thrive-child"),
    path(
        "people/<str:person>/thrive/current-view/new",
        current_view_new,
        name="thrive-current-view-new",
    ),
    path("people/<str:person>/thrive/grouping/new", grouping_new, name="thrive-grouping-new"),
]
