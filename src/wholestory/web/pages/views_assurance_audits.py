"""A case file auditor's pages (issue 15): the cases assigned to them, and each one's form.

The form is the programme's own tool, domain by domain (radios for grades and for yes,
no or partly, number boxes, text areas), saved as often as the auditor likes and
submitted once every domain is graded, with the case's learning points and actions. The
child's chronology opens from here through the auditor's audit grant, and the evidence
prompts drawn from it sit beside the questions.

An assignment opens only to its own auditor, and only while their audit grant is open:
to anyone else, and after the grant ends, it is refused in the same words as a number
that names no assignment, so a refusal never tells that a case exists. Every look is
audited before anything is shown; every change is audited by the core in the same
transaction as the change, and every change it refuses is audited here.
"""

from __future__ import annotations

from typing import Any, Final

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from wholestory.access import PARTNERSHIP, Decision, allow, deny, may_see_person
from wholestory.access_facts import facts_about
from wholestory.assurance.answers import answers, record_answers, submit
from wholestory.assurance.audits import Assignment, AuditError, assignment, for_auditor
from wholestory.assurance.case_audit import CaseAudit, case_audit
from wholestory.assurance.evidence import NotBuiltError, Prompt, prompts
from wholestory.assurance.learning import add_action, add_learning
from wholestory.audit.actions import Action
from wholestory.chronology.vocabulary import agency_name
from wholestory.store import Store
from wholestory.web.pages import assurance_presenting as shown
from wholestory.web.pages import guard
from wholestory.web.pages.assurance_forms import AnswersForm, answered_rows, domain_fields
from wholestory.web.pages.fields import optional_textarea, required_text
from wholestory.web.pages.presenting import when
from wholestory.web.pages.stories import load, person_url

TEMPLATES: Final = "pages/assurance/"
#: The one refusal of an assignment: the same whether it is someone else's, its grant has
#: ended or there is no such assignment.
NOT_YOURS: Final = deny(
    "You may open only an audit assigned to you, and only while your access to its case is open."
)


class LearningForm(forms.Form):
    """A learning point: a tag from the tool's list, whom it is about, and the auditor's words."""

    tag = forms.ChoiceField(label="Learning point", error_messages={
        "required": shown.CHOOSE_TAG, "invalid_choice": shown.CHOOSE_TAG})  # fmt: skip
    about = forms.ChoiceField(label="About")
    text = optional_textarea("In your words (optional)", "What happened, and what to learn.", 2000)

    prefix = "learning"

    def __init__(self, *args: Any, tags: tuple[str, ...], agency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [("", "Choose a learning point"), *((t, t) for t in tags)]  # type: ignore[attr-defined]
        self.fields["about"].choices = [  # type: ignore[attr-defined]
            (agency, f"{agency_name(agency)}'s practice"), (PARTNERSHIP, "The partnership's"),
        ]  # fmt: skip


class ActionForm(forms.Form):
    """An action for the board's tracker: what, whose, at which agency, by when."""

    text = required_text("Action", 2000, shown.ACTION_TEXT_MISSING, widget=forms.Textarea)
    owner = required_text("Owner", 200, shown.ACTION_OWNER_MISSING,
                          "Who answers for it, by name or post.")  # fmt: skip
    agency = forms.ChoiceField(label="Agency")
    due = forms.DateField(label="Due", help_text="For example 2026-03-31", error_messages={
        "required": shown.DUE_MISSING, "invalid": shown.DUE_MISSING})  # fmt: skip

    prefix = "action"

    def __init__(self, *args: Any, agencies: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [  # type: ignore[attr-defined]
            *((a, agency_name(a)) for a in agencies), (PARTNERSHIP, "The partnership"),
        ]  # fmt: skip


@never_cache
@guard.requires("audit_cases")
def audits_view(request: HttpRequest) -> HttpResponse:
    """The auditor's cases, the open ones first: theme, case, agency, until when, submitted."""
    viewer = guard.viewer_of(request)
    found = for_auditor(core(), viewer.username)
    guard.audited(request, Action.AUDIT_CASE, viewer=viewer,
                  detail={"auditors": [a.id for a in found]})  # fmt: skip
    now = timezone.now()
    rows = [shown.assignment_row(a, now) for a in found]
    return render(request, TEMPLATES + "audits.html", {"audits": rows, "words": shown})


@never_cache
@require_http_methods(["GET", "POST"])
@guard.requires("audit_cases")
def audit_view(request: HttpRequest, auditor_id: int) -> HttpResponse:
    """One assignment's form: the tool's questions, the evidence, learning and actions."""
    store, viewer = core(), guard.viewer_of(request)
    found, decision = _yours(request, store, auditor_id)
    guard.insist(decision)
    assert found is not None  # insist refused otherwise
    whole = case_audit(store, found.case_id)
    assert whole is not None  # the assignment's own case
    if request.method == "POST":
        return _posted(request, store, found, whole)
    guard.audited(request, Action.AUDIT_CASE, person=found.person, reason=decision.reason,
                  detail={"auditor": found.id, "basis": decision.basis,
                          "sharing": guard.sharing_of_look(found.person, viewer)})  # fmt: skip
    return _page(request, store, found, whole, {})


def _yours(
    request: HttpRequest, store: Store, auditor_id: int
) -> tuple[Assignment | None, Decision]:
    """The assignment if it is the viewer's and its grant is open; the one refusal if not."""
    found = assignment(store, auditor_id)
    viewer = guard.viewer_of(request)
    if found is None or found.username != viewer.username or not found.open_at(timezone.now()):
        return None, NOT_YOURS
    ends = when(found.grant_ends_at)
    return found, allow(f"Assigned to audit this case, with access until {ends}.", "audit")


def _posted(
    request: HttpRequest, store: Store, found: Assignment, whole: CaseAudit
) -> HttpResponse:
    """Save or submit the answers, or add a learning point or an action."""
    if "learning-tag" in request.POST:
        return _learning(request, store, found, whole)
    if "action-text" in request.POST:
        return _action(request, store, found, whole)
    form = AnswersForm(request.POST, tool=whole.tool)
    if not form.is_valid():
        return _again(request, store, found, whole, {"answers": form}, Action.AUDIT_ANSWER)
    by = request.user.get_username()
    try:
        record_answers(store, found.id, form.given(answers(store, found.id)), by)
        if "submit" in request.POST:
            submit(store, found.id, by)
    except AuditError as error:
        action = Action.AUDIT_SUBMIT if "submit" in request.POST else Action.AUDIT_ANSWER
        return _again(request, store, found, whole, {"answers": form, "problem": str(error)},
                      action)  # fmt: skip
    if "submit" in request.POST:
        messages.success(request, shown.SUBMITTED)
        return redirect("assurance-audits")
    messages.success(request, shown.SAVED)
    return redirect("assurance-audit", auditor_id=found.id)


def _learning(
    request: HttpRequest, store: Store, found: Assignment, whole: CaseAudit
) -> HttpResponse:
    form = LearningForm(request.POST, tags=whole.tool.learning_tags, agency=found.agency)
    problem = ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            add_learning(store, found.case_id, data["about"], data["tag"], data["text"],
                         request.user.get_username())  # fmt: skip
        except AuditError as error:
            problem = str(error)
        else:
            messages.success(request, shown.LEARNING_ADDED)
            return redirect("assurance-audit", auditor_id=found.id)
    extra = {"learning": form, "problem": problem}
    return _again(request, store, found, whole, extra, Action.AUDIT_LEARNING)


def _action(
    request: HttpRequest, store: Store, found: Assignment, whole: CaseAudit
) -> HttpResponse:
    form = ActionForm(request.POST, agencies=[a.agency for a in whole.agencies])
    problem = ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            add_action(store, found.case_id, data["text"], data["owner"], data["agency"],
                       data["due"], request.user.get_username())  # fmt: skip
        except AuditError as error:
            problem = str(error)
        else:
            messages.success(request, shown.ACTION_ADDED)
            return redirect("assurance-audit", auditor_id=found.id)
    return _again(request, store, found, whole, {"action": form, "problem": problem},
                  Action.AUDIT_ACTION)  # fmt: skip


def _again(
    request: HttpRequest,
    store: Store,
    found: Assignment,
    whole: CaseAudit,
    forms_: dict[str, Any],
    action: Action,
) -> HttpResponse:
    """The form again with what was wrong, the refusal audited before it is shown."""
    problem = str(forms_.get("problem", ""))
    wrong = problem or "; ".join(
        str(e) for f in forms_.values() if isinstance(f, forms.Form) for e in _errors(f)
    )
    guard.audited(request, action, person=found.person, outcome="refused", reason=wrong,
                  target=found.about, detail={"auditor": found.id})  # fmt: skip
    return _page(request, store, found, whole, forms_, status=400)


def _errors(form: forms.Form) -> list[str]:
    return [str(e) for errors in form.errors.values() for e in errors]


def _page(
    request: HttpRequest,
    store: Store,
    found: Assignment,
    whole: CaseAudit,
    forms_: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    kept = answers(store, found.id)
    agencies = [a.agency for a in whole.agencies]
    form = forms_.get("answers") or AnswersForm(tool=whole.tool, kept=kept)
    context = {
        "words": shown,
        "audit": shown.assignment_row(found, timezone.now()),
        "chronology": person_url(found.person),
        "submitted": found.submitted,
        "domains": domain_fields(whole.tool, form),
        "answered": answered_rows(whole.tool, kept) if found.submitted else [],
        "form": form,
        "problem": forms_.get("problem", ""),
        "failed": next(
            (f for f in forms_.values() if isinstance(f, forms.Form) and f.errors), None
        ),
        "learning_form": forms_.get("learning")
        or LearningForm(tags=whole.tool.learning_tags, agency=found.agency),
        "action_form": forms_.get("action") or ActionForm(agencies=agencies),
        "learning": [shown.learning_row(p) for p in whole.learning],
        "actions": [shown.action_row(a, timezone.localdate()) for a in whole.actions],
        "prompts": _prompts(request, store, found),
    }
    return render(request, TEMPLATES + "audit.html", context, status=status)


def _prompts(request: HttpRequest, store: Store, found: Assignment) -> list[Prompt]:
    """The evidence prompts, drawn from the chronology as the auditor may see it (the access
    rules asked again: the page shows the child's records only while they allow)."""
    viewer = guard.viewer_of(request)
    if not may_see_person(viewer, facts_about(store, found.person), timezone.now()).allowed:
        return []
    loaded = load(store, found.person, viewer)
    try:
        return prompts(store, found.person, found.agency, story=loaded.data if loaded else None)
    except NotBuiltError:
        return []


def core() -> Store:
    return guard.core_store()


urls: list[URLPattern] = [
    path("assurance/audits", audits_view, name="assurance-audits"),
    path("assurance/audits/<int:auditor_id>", audit_view, name="assurance-audit"),
]
