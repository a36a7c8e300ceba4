"""A person's lead professional and allocated workers, and setting one here (issue 14).

Anyone who may see the person reads who is allocated and who leads (the person page's
guard, audited as a view). Only a safeguarding lead of an agency holding the person's
records sets or ends a lead professional here (``access.may_set_lead_professional``);
a refusal is the audited refusal page (``guard.insist``), and every change is audited
before it is written. The one set here leads until it is ended or another is set; the
ones it replaces are kept and listed.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from wholestory.access import Decision, may_set_lead_professional
from wholestory.access_facts import facts_about
from wholestory.audit.actions import Action
from wholestory.chronology.vocabulary import agency_name
from wholestory.engagement import lead_words as words
from wholestory.engagement.leads import allocations, end_lead, history, set_lead
from wholestory.web.pages import guard
from wholestory.web.pages.lead_presenting import shown_allocations, shown_history
from wholestory.web.pages.stories import person_url


class LeadForm(forms.Form):
    """Who the agencies agreed leads: their agency (one holding the person's records), name
    and team."""

    agency = forms.ChoiceField(
        label="Agency",
        error_messages={"required": words.CHOOSE_AGENCY, "invalid_choice": words.CHOOSE_AGENCY},
    )
    practitioner = forms.CharField(
        label="Practitioner's name",
        max_length=200,
        help_text="As their agency's records give it, so their allocations and alerts find them.",
        error_messages={"required": words.ENTER_NAME},
    )
    team = forms.CharField(label="Team (optional)", max_length=200, required=False)

    def __init__(self, *args: Any, agencies: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [  # type: ignore[attr-defined]
            ("", "Choose the agency"),
            *((a, agency_name(a)) for a in agencies),
        ]

    def clean_practitioner(self) -> str:
        name = " ".join(str(self.cleaned_data["practitioner"]).split())
        if not name:
            raise forms.ValidationError(words.ENTER_NAME)
        return name


@never_cache
@require_http_methods(["GET", "POST"])
@guard.person_page("view")
def lead_view(request: HttpRequest, person: str, decision: Decision) -> HttpResponse:
    """Who is allocated to ``person`` and who leads; a lead may set or end one here."""
    viewer, store = guard.viewer_of(request), guard.core_store()
    facts = facts_about(store, person)
    may_set = may_set_lead_professional(viewer, facts)
    agencies = sorted(facts.agencies - set(facts.unconfirmed))
    form = LeadForm(guard.submitted(request), agencies=agencies)
    here = f"{person_url(person)}/lead"
    if request.method == "POST":
        guard.insist(may_set, person)
        if request.POST.get("end"):
            guard.audited(request, Action.LEAD_ENDED, person=person, viewer=viewer)
            ended = end_lead(store, person, viewer.username)
            messages.success(request, words.END_DONE if ended else words.NOTHING_TO_END)
            return redirect(here)
        if form.is_valid():
            data = form.cleaned_data
            said = {k: data[k] for k in ("agency", "practitioner", "team")}
            guard.audited(request, Action.LEAD_SET, person=person, viewer=viewer, detail=said)
            set_lead(store, person, data["agency"], data["practitioner"], data["team"],
                     viewer.username)  # fmt: skip
            messages.success(request, words.SET_DONE.format(name=data["practitioner"]))
            return redirect(here)
    every = allocations(store, [person]).get(person, [])
    found = shown_allocations(viewer, every)
    kept = history(store, person)
    context = {
        "person": person,
        "person_url": person_url(person),
        "words": words,
        "lead": next((a for a in found if a["lead"]), None),
        "lead_hidden": bool(every) and not any(a["lead"] for a in found),
        "allocations": found,
        "history": shown_history(kept),
        "may_set": may_set.allowed,
        "set_here": any(h.ended_at is None for h in kept),
        "form": form,
        "reason": decision.reason,
    }
    return render(request, "pages/people/lead.html", context, status=400 if form.errors else 200)


urls: list[URLPattern] = [
    path("people/<str:person>/lead", lead_view, name="person-lead"),
]
