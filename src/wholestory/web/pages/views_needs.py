"""Recording and changing a person's engagement needs in the app (issue 14).

Anyone who works with people may record a need of a person they may already see (the
person page's guard; ``access.may_record_need``): any of them may be the one who
learns that the mother needs an interpreter. A need is recorded under the worker's
agency, with who recorded it and when it is due for review, and shows at once on the
person's page. Only the agency that recorded a need here changes it
(``access.may_change_need``); a need from an agency's file is changed in its system.
Every recording and change is audited before it is written.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.cache import never_cache

from wholestory.access import Decision, may_change_need, may_record_need
from wholestory.audit.actions import Action
from wholestory.engagement import words
from wholestory.engagement.needs import needs_of_person
from wholestory.records.template import NEEDS_WITH_DETAIL
from wholestory.store.needs import change_need, record_need
from wholestory.web.pages import guard
from wholestory.web.pages.stories import person_url


class NeedForm(forms.Form):
    """The need, what it means for this person, and when to review it."""

    need = forms.ChoiceField(
        label="Need",
        choices=[("", "Choose the need"), *words.NEED_WORDS.items()],
        error_messages={"required": words.CHOOSE_NEED, "invalid_choice": words.CHOOSE_NEED},
    )
    detail = forms.CharField(
        label="Detail",
        help_text=(
            "For an interpreter, the language; for contact, how; for trauma-informed "
            "working, what helps and what to avoid."
        ),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    review_on = forms.DateField(
        label="Review by (optional)",
        required=False,
        error_messages={"invalid": "Enter the review date as a real date"},
    )

    def clean_review_on(self) -> dt.date | None:
        day: dt.date | None = self.cleaned_data.get("review_on")
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(words.REVIEW_IN_PAST)
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        need, detail = data.get("need", ""), str(data.get("detail", "")).strip()
        if need in NEEDS_WITH_DETAIL and not detail:
            what = words.DETAIL_LABELS.get(need, words.DETAIL_LABEL).lower()
            self.add_error("detail", words.ENTER_DETAIL.format(what=what))
        data["detail"] = detail
        return data


@never_cache
@guard.person_page("view")
def need_new_view(request: HttpRequest, person: str, decision: Decision) -> HttpResponse:
    """Record a need of ``person``; done, back to their page, where it shows first."""
    viewer = guard.viewer_of(request)
    guard.insist(may_record_need(viewer), person)
    form = NeedForm(guard.submitted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        guard.audited(request, Action.NEED_RECORDED, person=person, detail={"need": data["need"]})
        record_need(
            guard.core_store(), agency=viewer.agency, person=person, need=data["need"],
            detail=data["detail"], review_on=data["review_on"], recorded_by=viewer.username,
            today=timezone.localdate(), now=timezone.now().isoformat(),
        )  # fmt: skip
        return redirect(f"{person_url(person)}#needs-title")
    return _form(request, person, form, words.FORM_TITLE, words.RECORD)


@never_cache
@guard.person_page("view")
def need_change_view(
    request: HttpRequest, person: str, decision: Decision, record_id: str
) -> HttpResponse:
    """Change a need the viewer's agency recorded here of ``person``."""
    viewer = guard.viewer_of(request)
    needs = needs_of_person(guard.core_store(), person)
    found = next((n for n in needs if n.record_id == record_id), None)
    if found is None:
        return render(request, "pages/people/missing.html", status=404)
    guard.insist(may_change_need(viewer, found.agency, found.recorded_in_app), person)
    initial = {"need": found.need, "detail": found.detail, "review_on": found.review_on}
    form = NeedForm(guard.submitted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        guard.audited(request, Action.NEED_CHANGED, person=person,
                detail={"need": data["need"], "record": record_id})  # fmt: skip
        change_need(
            guard.core_store(), agency=viewer.agency, record_id=record_id, need=data["need"],
            detail=data["detail"], review_on=data["review_on"], changed_by=viewer.username,
            now=timezone.now().isoformat(),
        )  # fmt: skip
        return redirect(f"{person_url(person)}#needs-title")
    return _form(request, person, form, words.FORM_CHANGE_TITLE, words.SAVE)


def _form(
    request: HttpRequest, person: str, form: NeedForm, title: str, button: str
) -> HttpResponse:
    context = {"form": form, "person": person, "back": person_url(person), "title": title,
               "button": button, "words": words}  # fmt: skip
    return render(request, "pages/people/need_form.html", context,
                  status=400 if form.errors else 200)  # fmt: skip


urls: list[URLPattern] = [
    path("people/<str:person>/needs/new", need_new_view, name="need-new"),
    path("people/<str:person>/needs/<str:record_id>", need_change_view, name="need-change"),
]
