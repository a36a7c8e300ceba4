"""Breaking glass on one person: a reason stated, 24 hours' access, the leads told.

Also what a break-glass search shares with it: the form for the reason (a ground
from the list and the worker's own words) and how the leads' notices name who
broke glass.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from wholestory.access import BREAK_GLASS_HOURS, ROLES, Viewer, may, told_of_access
from wholestory.chronology.vocabulary import agency_name
from wholestory.reasons import GROUNDS, MIN_WORDS, ReasonError, check_reason
from wholestory.web.pages.guard import audited, check_person, core_store, denied, viewer_of
from wholestory.web.pages.presenting import when
from wholestory.web.pages.stories import person_url


class GlassReason(forms.Form):
    """Why someone breaks glass: a ground from the list and their own words
    (:func:`wholestory.reasons.check_reason`); ``cleaned_data["reason"]`` is what is recorded."""

    min_words = MIN_WORDS
    ground = forms.ChoiceField(
        label="Why", choices=list(GROUNDS.items()),
        error_messages={"required": "Choose why you need to do this.",
                        "invalid_choice": "Choose why you need to do this."},
    )  # fmt: skip
    reason = forms.CharField(
        label="What is happening", max_length=2000, widget=forms.Textarea,
        error_messages={"required": "Say in your own words what is happening."},
    )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "ground" in data and "reason" in data:
            try:
                data["reason"] = check_reason(str(data["ground"]), str(data["reason"]))
            except ReasonError as error:
                self.add_error("reason", str(error))
        return data


class BreakGlassForm(GlassReason):
    """The reason asked for before breaking glass on one person."""


def who_asked(viewer: Viewer) -> str:
    """The worker as the leads' notices name them: username, role and agency."""
    return (
        f"{viewer.username} ({ROLES.get(viewer.role, viewer.role)}, {agency_name(viewer.agency)})"
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def break_glass_view(request: HttpRequest, person: str) -> HttpResponse:
    """State a reason, get 24 hours' access: audited, and the involved agencies' leads told."""
    from wholestory.web.accounts.models import AccessGrant, Notification

    viewer = viewer_of(request)
    allowed = may(viewer, "break_glass")
    if not allowed.allowed:
        return denied(request, allowed, person=person)
    _, facts, decision = check_person(request, person)
    if decision.allowed and decision.basis != "break_glass" and facts.agencies:
        return redirect(person_url(person))
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        now = timezone.now()
        ends = now + dt.timedelta(hours=BREAK_GLASS_HOURS)
        agencies = told_of_access(facts)
        audited(
            request,
            "break_glass",
            person=person,
            reason=reason,
            detail={"until": ends.isoformat(timespec="seconds"), "notified": agencies},
            viewer=viewer,
        )
        who = who_asked(viewer)
        until = when(ends)
        name = core_store().scalar(
            "SELECT display_name FROM ws_chronology WHERE ws_person_id = ?", [person]
        )
        whose = f"{name} ({person})" if name else person
        # Access and the leads' notices go in together or not at all: nobody gets
        # break-glass access that the involved agencies' leads are not told of.
        with transaction.atomic():
            AccessGrant.objects.create(
                user_id=int(request.user.pk or 0),
                person=person,
                kind=AccessGrant.BREAK_GLASS,
                reason=reason,
                granted_by=viewer.username,
                starts_at=now,
                ends_at=ends,
            )
            Notification.objects.bulk_create(
                [
                    Notification(
                        agency=agency,
                        person=person,
                        message=f"{who} broke glass to see the records of {whose} until "
                        f"{until}. Reason given: {reason}",
                    )
                    for agency in agencies
                ]
            )
        return redirect(person_url(person))
    return render(
        request,
        "pages/people/break_glass.html",
        {"form": form, "person": person, "hours": BREAK_GLASS_HOURS},
    )


urls: list[URLPattern] = [
    path("people/<str:person>/break-glass", break_glass_view, name="person-break-glass"),
]
