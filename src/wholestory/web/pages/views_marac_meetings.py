"""Marac meetings (issue 13): building the list, the agenda, each agency's research, the actions.

The work is the core's (:mod:`wholestory.domestic_abuse.marac_meetings` and
:mod:`~wholestory.domestic_abuse.marac_research`); who may do what is ``access.py``'s
(capabilities ``marac_build``, ``marac_meeting`` and ``marac_research``, and
``may_complete_marac_action``). Every look and every change is audited before
anything is shown or written. The meeting page shows only what agencies chose to
share, and for what they did not, how much and why, never the facts themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from wholestory.access import may, may_complete_marac_action
from wholestory.audit.actions import Action
from wholestory.domestic_abuse import marac_words as words
from wholestory.domestic_abuse.marac_meetings import (
    Case,
    MeetingError,
    action,
    actions_of,
    add_action,
    add_case,
    agenda,
    case,
    cases_of,
    complete_action,
    create_meeting,
    meeting,
    meetings,
    offers,
    read_confidentiality,
)
from wholestory.domestic_abuse.marac_research import (
    PARTS,
    ResearchError,
    prefill,
    research_of,
    save_research,
)
from wholestory.identity.people import names_of
from wholestory.web.pages.fields import optional_textarea, required_text
from wholestory.web.pages.guard import audited, core_store, denied, requires, viewer_of


class MeetingForm(forms.Form):
    held_on = forms.DateField(label="Day of the meeting", error_messages={
        "required": words.DAY_MISSING, "invalid": words.DAY_MISSING})  # fmt: skip


class ActionForm(forms.Form):
    agency = required_text("Agency", 32, words.ACTION_INCOMPLETE)
    owner = required_text("Owner", 200, words.ACTION_INCOMPLETE)
    action = required_text("Action", 2000, words.ACTION_INCOMPLETE, widget=forms.Textarea)
    due_on = forms.DateField(label="Due", error_messages={
        "required": words.DUE_MISSING, "invalid": words.DUE_MISSING})  # fmt: skip


class ResearchForm(forms.Form):
    opinion = optional_textarea(
        "Your agency's professional opinion (optional)",
        "Kept apart from the facts: what your agency thinks, and why.",
        5000,
    )
    withheld_reason = optional_textarea(
        "Why your agency is not sharing the facts left unticked",
        "Needed whenever a fact is not shared. Nothing is shared unless you tick it.",
        2000,
    )


#: A page of this area given the number of its meeting, case or action.
NumberedView = Callable[[HttpRequest, int], HttpResponse]


def _change(capability: str) -> Callable[[NumberedView], NumberedView]:
    """A form's POST that changes a meeting, for ``capability``: never cached, never a GET."""

    def wrap(view: NumberedView) -> NumberedView:
        return never_cache(require_POST(requires(capability)(view)))

    return wrap


def _with_case(view: Callable[[HttpRequest, Case], HttpResponse]) -> NumberedView:
    """The page of the case its address numbers, or the page saying there is no such case."""

    @wraps(view)
    def looked_up(request: HttpRequest, case_id: int) -> HttpResponse:
        found = case(core_store(), case_id)
        if found is None:
            return _gone(request)
        return view(request, found)

    return looked_up


# The coordinator's and chair's pages


@never_cache
@requires("marac_meeting")
def meetings_view(request: HttpRequest) -> HttpResponse:
    """Every meeting, and (for the coordinator) a new one."""
    store = core_store()
    form = MeetingForm(request.POST if request.method == "POST" else None)
    builds = may(viewer_of(request), "marac_build")
    if request.method == "POST":
        if not builds.allowed:
            return denied(request, builds)
        if form.is_valid():
            day = form.cleaned_data["held_on"]
            try:
                made = create_meeting(store, day, request.user.get_username())
            except MeetingError as error:
                form.add_error("held_on", str(error))
            else:
                audited(request, Action.MARAC_MEETING_CHANGED, target=f"/marac/meetings/{made.id}",
                        detail={"created": day.isoformat()})  # fmt: skip
                return redirect("marac-meeting", meeting_id=made.id)
    audited(request, Action.MARAC_MEETING, target="/marac/meetings")
    context = {"words": words, "meetings": meetings(store), "form": form,
               "builds": builds.allowed}  # fmt: skip
    return render(request, "pages/domestic_abuse/marac_meetings.html", context,
                  status=400 if form.errors else 200)  # fmt: skip


@never_cache
@requires("marac_meeting")
def meeting_view(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The agenda in SafeLives' order, with the research shared and the action plans."""
    store = core_store()
    if meeting(store, meeting_id) is None:
        return _gone(request)
    audited(request, Action.MARAC_MEETING, target=request.path)
    return render(request, "pages/domestic_abuse/marac_meeting.html",
                  _agenda_context(request, meeting_id))  # fmt: skip


def _agenda_context(request: HttpRequest, meeting_id: int, **more: Any) -> dict[str, Any]:
    store = core_store()
    shown = agenda(store, meeting_id)
    cases = [*shown.with_children, *shown.adults, *shown.twelve_months]
    cases += [c for c, _ in shown.open_actions]
    names = names_of(store, sorted({p for c in cases for p in c.people}))
    research = research_of(store, [c.id for c in cases])
    acts = actions_of(store, [c.id for c in cases])
    today = timezone.localdate()

    def shown_case(c: Case) -> dict[str, Any]:
        return _case(c, names, research.get(c.id, {}), acts.get(c.id, []), today)

    builds = may(viewer_of(request), "marac_build").allowed
    return {
        "words": words,
        "meeting": shown.meeting,
        "open_actions": [
            {"case": shown_case(c), "action": a, "overdue": a.overdue(today)}
            for c, a in shown.open_actions
        ],
        "with_children": [shown_case(c) for c in shown.with_children],
        "adults": [shown_case(c) for c in shown.adults],
        "twelve_months": [shown_case(c) for c in shown.twelve_months],
        "offers": [
            {"offer": o, "victim": names.get(o.victim) or o.victim, "children": len(o.children)}
            for o in offers(store)
        ] if builds else [],
        "builds": builds,
        "action_form": more.get("action_form") or ActionForm(),
        "action_case": more.get("action_case"),
        "problem": more.get("problem"),
    }  # fmt: skip


@_change("marac_build")
def add_case_view(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Put an accepted candidate or a practitioner's referral on the meeting."""
    store = core_store()
    source = str(request.POST.get("source", ""))
    found = next((o for o in offers(store) if o.source == source), None)
    if meeting(store, meeting_id) is None:
        return _gone(request)
    if found is None:
        return _again(request, meeting_id, words.NOT_ON_OFFER)
    audited(request, Action.MARAC_MEETING_CHANGED, person=found.victim, target=request.path,
            detail={"added": source})  # fmt: skip
    try:
        add_case(store, meeting_id, found, request.user.get_username())
    except MeetingError as error:
        return _again(request, meeting_id, str(error))
    return redirect("marac-meeting", meeting_id=meeting_id)


@_change("marac_meeting")
def confidentiality_view(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Record that the confidentiality statement was read and signed."""
    store = core_store()
    if meeting(store, meeting_id) is None:
        return _gone(request)
    audited(request, Action.MARAC_MEETING_CHANGED, target=request.path,
            detail={"confidentiality": "read and signed"})  # fmt: skip
    read_confidentiality(store, meeting_id, request.user.get_username())
    return redirect("marac-meeting", meeting_id=meeting_id)


@_change("marac_meeting")
@_with_case
def add_action_view(request: HttpRequest, found: Case) -> HttpResponse:
    """Add an action to a case's plan (the error summary if a part is missing)."""
    form = ActionForm(request.POST)
    if not form.is_valid():
        context = _agenda_context(request, found.meeting, action_form=form, action_case=found.id)
        return render(request, "pages/domestic_abuse/marac_meeting.html", context, status=400)
    data = form.cleaned_data
    audited(request, Action.MARAC_MEETING_CHANGED, person=found.victim, target=request.path,
            detail={"action_for": data["agency"], "due": data["due_on"].isoformat()})  # fmt: skip
    add_action(core_store(), found.id, data["agency"], data["owner"], data["action"],
               data["due_on"], request.user.get_username())  # fmt: skip
    return redirect("marac-meeting", meeting_id=found.meeting)


@never_cache
@require_POST
def complete_action_view(request: HttpRequest, action_id: int) -> HttpResponse:
    """Record an action done: by the coordinator or chair, or by the agency that owns it."""
    if not request.user.is_authenticated:
        return redirect(f"/accounts/login/?next={request.path}")
    store = core_store()
    found = action(store, action_id)
    owner = case(store, found.case) if found else None
    if found is None or owner is None:
        return _gone(request)
    allowed = may_complete_marac_action(viewer_of(request), found.agency)
    if not allowed.allowed:
        return denied(request, allowed)
    audited(request, Action.MARAC_MEETING_CHANGED, person=owner.victim, target=request.path,
            detail={"completed": found.action[:80]})  # fmt: skip
    complete_action(store, action_id, timezone.localdate(), request.user.get_username())
    back = str(request.POST.get("back", ""))
    if back == "research":
        return redirect("marac-research-list")
    return redirect("marac-meeting", meeting_id=owner.meeting)


# An agency's research


@never_cache
@requires("marac_research")
def research_list_view(request: HttpRequest) -> HttpResponse:
    """The cases on meetings from today on, with this agency's research, and its open actions."""
    store = core_store()
    agency = viewer_of(request).agency
    today = timezone.localdate()
    coming = [m for m in meetings(store) if m.held_on >= today]
    cases = {m.id: cases_of(store, m.id) for m in coming}
    every = [c for cs in cases.values() for c in cs]
    done = research_of(store, [c.id for c in every])
    names = names_of(store, sorted({c.victim for c in every}))
    audited(request, Action.MARAC_RESEARCH, target="/marac/research")
    rows = [
        {"meeting": m, "cases": [
            {"case": c, "victim": names.get(c.victim) or c.victim,
             "done": done.get(c.id, {}).get(agency)}
            for c in cases[m.id]]}
        for m in sorted(coming, key=lambda m: m.held_on)
    ]  # fmt: skip
    return render(request, "pages/domestic_abuse/marac_research_list.html",
                  {"words": words, "meetings": rows, "agency": agency,
                   "actions": _agency_actions(store, agency, today)})  # fmt: skip


def _agency_actions(store: Any, agency: str, today: dt.date) -> list[dict[str, Any]]:
    """The agency's actions not yet done, from every meeting, the earliest due first."""
    every = [c for m in meetings(store) for c in cases_of(store, m.id)]
    acts = actions_of(store, [c.id for c in every])
    mine = [a for c in every for a in acts.get(c.id, []) if a.agency == agency]
    return [
        {"action": a, "overdue": a.overdue(today)}
        for a in sorted(mine, key=lambda a: a.due_on)
        if a.completed_on is None
    ]


@never_cache
@requires("marac_research")
@_with_case
def research_view(request: HttpRequest, found: Case) -> HttpResponse:
    """The agency's research form: its facts ticked to share, its opinion apart, and why not."""
    store = core_store()
    agency = viewer_of(request).agency
    facts = prefill(store, found, agency)
    form = ResearchForm(request.POST if request.method == "POST" else None)
    ticked = set(request.POST.getlist("share")) if request.method == "POST" else set()
    problem = ""
    if request.method == "POST" and form.is_valid():
        audited(request, Action.MARAC_RESEARCH, person=found.victim, target=request.path,
                detail={"shared": len(ticked), "of": len(facts)})  # fmt: skip
        try:
            data = form.cleaned_data
            save_research(store, found, agency, ticked, data["opinion"],
                          data["withheld_reason"], request.user.get_username())  # fmt: skip
        except ResearchError as error:
            problem = str(error)
            form.add_error("withheld_reason", problem)
        else:
            return redirect("marac-research-list")
    else:
        audited(request, Action.MARAC_RESEARCH, person=found.victim, target=request.path)
    kept = research_of(store, [found.id]).get(found.id, {}).get(agency)
    if kept and request.method != "POST":
        ticked = {f.record for f in kept.shared}
        form = ResearchForm(initial={"opinion": kept.opinion,
                                     "withheld_reason": kept.withheld_reason})  # fmt: skip
    names = names_of(store, list(found.people))
    groups = [
        {"part": words.PARTS[part], "facts": [
            {"fact": f, "name": names.get(f.person) or f.person, "ticked": f.record in ticked}
            for f in facts if f.part == part]}
        for part in PARTS
    ]  # fmt: skip
    context = {"words": words, "case": found, "victim": names.get(found.victim) or found.victim,
               "agency": agency, "groups": [g for g in groups if g["facts"]], "form": form,
               "kept": kept}  # fmt: skip
    return render(request, "pages/domestic_abuse/marac_research.html", context,
                  status=400 if problem else 200)  # fmt: skip


# Helpers


def _case(
    c: Case, names: dict[str, str], research: dict[str, Any], acts: list[Any], today: dt.date
) -> dict[str, Any]:
    def person(p: str) -> dict[str, str]:
        return {"id": p, "name": names.get(p) or p}

    return {
        "case": c,
        "victim": person(c.victim),
        "perpetrators": [person(p) for p in c.perpetrators],
        "children": [person(p) for p in c.children],
        "research": [research[a] for a in sorted(research)],
        "actions": [{"action": a, "overdue": a.overdue(today)} for a in acts],
    }


def _again(request: HttpRequest, meeting_id: int, problem: str) -> HttpResponse:
    context = _agenda_context(request, meeting_id, problem=problem)
    return render(request, "pages/domestic_abuse/marac_meeting.html", context, status=400)


def _gone(request: HttpRequest) -> HttpResponse:
    audited(request, Action.VIEW, target=request.path, outcome="not_found")
    return render(request, "pages/domestic_abuse/marac_gone.html", {"words": words}, status=404)


urls: list[URLPattern] = [
    path("marac/meetings", meetings_view, name="marac-meetings"),
    path("marac/meetings/<int:meeting_id>", meeting_view, name="marac-meeting"),
    path("marac/meetings/<int:meeting_id>/add", add_case_view, name="marac-add-case"),
    path("marac/meetings/<int:meeting_id>/confidentiality", confidentiality_view,
         name="marac-confidentiality"),
    path("marac/cases/<int:case_id>/actions", add_action_view, name="marac-add-action"),
    path("marac/cases/<int:case_id>/research", research_view, name="marac-research"),
    path("marac/actions/<int:action_id>/done", complete_action_view, name="marac-action-done"),
    path("marac/research", research_list_view, name="marac-research-list"),
]  # fmt: skip
