"""Finding people: the search, and the break-glass search of everyone.

A miss and a person seen only elsewhere look the same. Every search asked is
audited: one that runs with what it found, one that is refused (too many
searches, terms that cannot be used, too broad) with why. A break-glass search
shows people the searcher could not otherwise see, so their agencies' leads are
told.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from wholestory.access import Viewer, told_of_access
from wholestory.access_facts import facts_about
from wholestory.chronology.display import show_date
from wholestory.records.template import KNOWN_AGENCIES
from wholestory.search import (
    GLASS_LIMIT,
    Found,
    Query,
    QueryError,
    break_glass_search,
    clean,
    search,
    visible_to,
)
from wholestory.web.pages.guard import audited, core_store, requires, viewer_of
from wholestory.web.pages.limits import over_limit
from wholestory.web.pages.stories import person_url
from wholestory.web.pages.views_break_glass import GlassReason, who_asked


class SearchForm(forms.Form):
    """The terms a search may use, as the fields of :class:`wholestory.search.Query`."""

    given_name = forms.CharField(label="Given name", required=False, max_length=100)
    family_name = forms.CharField(label="Family name", required=False, max_length=100)
    date_of_birth = forms.CharField(label="Date of birth", required=False, max_length=20)
    nhs_number = forms.CharField(label="NHS number", required=False, max_length=20)
    agency = forms.ChoiceField(
        label="Agency",
        required=False,
        choices=[("", "Any agency"), *sorted(KNOWN_AGENCIES.items(), key=lambda a: a[1])],
    )
    agency_id = forms.CharField(
        label="The agency's id for the person", required=False, max_length=60
    )

    def query(self) -> Query:
        data = self.cleaned_data
        return Query(**{k: str(data.get(k) or "") for k in Query.__dataclass_fields__})


class BreakGlassSearchForm(GlassReason, SearchForm):
    """A search of everyone: the terms, and why the worker needs to search beyond their own."""


def _results(found: list[Any], visible: set[str] | None = None) -> list[dict[str, Any]]:
    rows = []
    for f in found:
        url = person_url(f.person)
        if visible is not None and f.person not in visible:
            url = person_url(f.person, "/break-glass")
        rows.append(
            {
                "url": url,
                "name": f.name or "Name not recorded",
                "born": show_date(f.date_of_birth),
                "child": f.is_child,
                "id": f.person,
                "glass": visible is not None and f.person not in visible,
            }
        )
    return rows


def _typed(request_data: Any) -> dict[str, str]:
    """The search terms as typed, for the audit entry of a refused search (each cut short)."""
    fields = [k for k in SearchForm.base_fields if k != "reason"]
    return {k: str(request_data.get(k, ""))[:200] for k in fields if request_data.get(k)}


def _refused_search(
    request: HttpRequest,
    action: str,
    why: str,
    terms: dict[str, str],
    reason: str = "",
    status: int = 200,
    page: str = "",
    context: dict[str, Any] | None = None,
    show: bool = True,
) -> HttpResponse:
    """Audit a search that was not run (its terms, and why), then say why on ``page``
    (or, with ``show`` off, let the form say what is wrong with each field)."""
    audited(
        request,
        action,
        reason=reason,
        outcome="refused",
        detail={"kind": "search", "query": terms, "refused": why},
        viewer=viewer_of(request),
    )
    if status == 429:
        return render(request, "pages/limited.html", status=429)
    return render(request, page, {**(context or {}), "error": why if show else ""}, status=status)


@never_cache
@requires("search")
def search_view(request: HttpRequest) -> HttpResponse:
    """Find people the user may see. A miss and a person seen only elsewhere look the same.

    Every search asked is audited: one that runs with what it found, one that is
    refused (too many searches, terms that cannot be used, too broad) with why.
    """
    asked = any(request.GET.get(k) for k in SearchForm.base_fields)
    form = SearchForm(request.GET if asked else None)
    page = "pages/people/search.html"
    context: dict[str, Any] = {"form": form, "asked": False, "results": [], "error": ""}
    if not asked:
        return render(request, page, context)
    if over_limit(request, "search"):
        return _refused_search(
            request, "search", "too many searches", _typed(request.GET), status=429
        )
    if not form.is_valid():
        return _refused_search(
            request, "search", "the form was not valid", _typed(request.GET), page=page,
            context=context, show=False,
        )  # fmt: skip
    viewer = viewer_of(request)
    try:
        query = clean(form.query())
        found = search(core_store(), viewer, query, timezone.now())
    except QueryError as error:
        return _refused_search(
            request, "search", str(error), _typed(request.GET), page=page, context=context
        )
    audited(
        request,
        "search",
        detail={"query": query.as_detail(), "count": len(found)},
        viewer=viewer,
    )
    context.update(asked=True, results=_results(found))
    return render(request, page, context)


@never_cache
@requires("break_glass")
@require_http_methods(["GET", "POST"])
def break_glass_search_view(request: HttpRequest) -> HttpResponse:
    """Search everyone, having said why: audited as a break-glass, results open only by
    breaking glass on each person. A break-glass search that is refused is audited too."""
    form = BreakGlassSearchForm(request.POST or None)
    page = "pages/people/search_break_glass.html"
    context: dict[str, Any] = {
        "form": form, "asked": False, "results": [], "error": "", "cap": GLASS_LIMIT
    }  # fmt: skip
    if request.method != "POST":
        return render(request, page, context)
    terms, said = _typed(request.POST), " ".join(str(request.POST.get("reason", "")).split())
    if over_limit(request, "search"):
        return _refused_search(request, "break_glass", "too many searches", terms, said, 429)
    if not form.is_valid():
        return _refused_search(
            request, "break_glass", "the form was not valid", terms, said[:2000], page=page,
            context=context, show=False,
        )  # fmt: skip
    viewer = viewer_of(request)
    now = timezone.now()
    reason = form.cleaned_data["reason"]
    try:
        query = clean(form.query())
        found = break_glass_search(core_store(), query)
    except QueryError as error:
        return _refused_search(
            request, "break_glass", str(error), terms, reason, page=page, context=context
        )
    shown = [f.person for f in found]
    audited(
        request,
        "break_glass",
        reason=reason,
        detail={"kind": "search", "query": query.as_detail(), "count": len(found), "shown": shown},
        viewer=viewer,
    )
    visible = {f.person for f in visible_to(core_store(), viewer, found, now)}
    _tell_leads_of_search(viewer, [f for f in found if f.person not in visible], reason)
    context.update(asked=True, results=_results(found, visible))
    return render(request, page, context)


def _tell_leads_of_search(viewer: Viewer, shown: list[Found], reason: str) -> None:
    """Tell the leads of every agency holding records of each person a break-glass search
    showed (people the searcher could not otherwise see): the names were seen, even if no
    page is opened."""
    from wholestory.web.accounts.models import Notification

    store = core_store()
    notes = [
        Notification(
            agency=agency,
            person=f.person,
            message=f"{who_asked(viewer)} searched everyone (break glass) and was shown "
            f"{f.name or 'a person'} ({f.person}) with their date of birth. "
            f"Reason given: {reason}",
        )
        for f in shown
        for agency in told_of_access(facts_about(store, f.person))
    ]
    Notification.objects.bulk_create(notes)


urls: list[URLPattern] = [
    path("search", search_view, name="search"),
    path("search/break-glass", break_glass_search_view, name="search-break-glass"),
]
