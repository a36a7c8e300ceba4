"""Recording a Dash risk identification checklist in the app (issue 13).

For an IDVA service, a school or a health visitor with no system of their own
(``access.may_record_dash``), about a person they may already see (the person
page's guard). Each of SafeLives' 24 questions is answered yes, no or not known,
with the victim's words beside it where the practitioner has them; the checklist
is scored by the core (:mod:`wholestory.domestic_abuse.dash`) and kept with the
agency's other checklists, where the Marac referral list reads it. The question
wording is the partnership's (``WHOLESTORY_DASH_WORDING``) or our short labels.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.cache import never_cache

from wholestory.access import Decision, may_record_dash
from wholestory.audit.actions import Action
from wholestory.domestic_abuse.dash import (
    ANSWERS,
    BY_JUDGEMENT,
    BY_SCORE,
    FORMS,
    SAFELIVES_RIC_24,
    checklist,
)
from wholestory.domestic_abuse.dash_words import wording
from wholestory.store.dash import record_checklist
from wholestory.web.pages.guard import (
    audited,
    core_store,
    insist,
    person_page,
    submitted,
    viewer_of,
)
from wholestory.web.pages.stories import person_url

FORM = SAFELIVES_RIC_24
_ANSWER_WORDS = {"Y": "Yes", "N": "No", "NK": "Not known"}


class DashForm(forms.Form):
    """The 24 answers, each with the victim's words, and the practitioner's judgement."""

    assessed_on = forms.DateField(
        label="Date completed", error_messages={"required": "Enter the date it was completed"}
    )
    professional_judgement = forms.ChoiceField(
        label="Do you refer to Marac on professional judgement, whatever the score?",
        choices=[("N", "No"), ("Y", "Yes")],
        initial="N",
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(label="Notes (optional)", required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for number, label in enumerate(wording()[FORM], start=1):
            self.fields[f"q{number}"] = forms.ChoiceField(
                label=f"{number}. {label}",
                choices=[(a, _ANSWER_WORDS[a]) for a in ANSWERS],
                widget=forms.RadioSelect,
                error_messages={"required": f"Answer question {number}: yes, no or not known"},
            )
            self.fields[f"w{number}"] = forms.CharField(
                label=f"In the victim's words (question {number}, optional)",
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def clean_assessed_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["assessed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The date completed cannot be in the future")
        return day

    def questions(self) -> list[tuple[Any, Any]]:
        """Each question's answer field beside its words field, in order."""
        return [(self[f"q{n}"], self[f"w{n}"]) for n in range(1, FORMS[FORM] + 1)]


@never_cache
@person_page("view")
def dash_view(request: HttpRequest, person: str, decision: Decision) -> HttpResponse:
    """The checklist form about ``person``; recorded, it shows the score and what it means."""
    viewer = viewer_of(request)
    insist(may_record_dash(viewer), person)
    form = DashForm(submitted(request))
    context: dict[str, Any] = {"form": form, "person": person, "back": person_url(person)}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        answers = [str(data[f"q{n}"]) for n in range(1, FORMS[FORM] + 1)]
        made = checklist(FORM, answers, str(data["professional_judgement"]))
        audited(request, Action.DASH_RECORDED, person=person,
                detail={"score": made.score, "form": FORM})  # fmt: skip
        record_checklist(
            core_store(),
            agency=viewer.agency,
            practitioner=viewer.username,
            victim=person,
            checklist=made,
            assessed_on=data["assessed_on"],
            words={n: str(data[f"w{n}"]) for n in range(1, FORMS[FORM] + 1)},
            notes=str(data["notes"]),
            now=timezone.now().isoformat(),
        )
        basis = made.marac_basis()
        context |= {"done": made, "meets": basis, "by_score": basis == BY_SCORE,
                    "by_judgement": basis == BY_JUDGEMENT}  # fmt: skip
        return render(request, "pages/domestic_abuse/dash_done.html", context)
    return render(request, "pages/domestic_abuse/dash_form.html", context,
                  status=400 if form.errors else 200)  # fmt: skip


urls: list[URLPattern] = [
    path("people/<str:person>/dash/new", dash_view, name="dash-new"),
]
