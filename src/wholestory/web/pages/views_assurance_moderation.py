"""A moderator's pages (issue 15): the programmes with audits submitted, each programme's
submitted cases, and each case's grades, agency by agency, to agree or change.

A moderator agrees each domain's grade as the auditor gave it, or changes it to another
on the tool's scale with a reason; a change with no reason is refused, here and again by
the core (``assurance.answers.moderate``), which audits each word in the same transaction
as it keeps it. Moderators see the auditors' answers, never the child's records: a case
is "Case 1", "Case 2". Only the capability ``moderate_audits`` opens these pages, and
every look is audited before anything is shown.
"""

from __future__ import annotations

from typing import Any, Final

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from wholestory.assurance.answers import moderate
from wholestory.assurance.audits import AuditError
from wholestory.assurance.case_audit import AgencyAudit, CaseAudit, case_audit
from wholestory.assurance.programmes import programme, programmes
from wholestory.assurance.tools import Tool
from wholestory.audit.actions import Action
from wholestory.store import Store
from wholestory.web.pages import assurance_presenting as shown
from wholestory.web.pages import guard
from wholestory.web.pages.assurance_forms import answered_rows
from wholestory.web.pages.presenting import when
from wholestory.web.pages.views_assurance import case_audits, gone

TEMPLATES: Final = "pages/assurance/"


class ModerationForm(forms.Form):
    """One agency's grades on a case: for each graded domain, the grade agreed and why."""

    def __init__(self, data: Any = None, *, tool: Tool, part: AgencyAudit) -> None:
        initial = {f"agreed_{g.domain}": g.agreed for g in part.grades}
        initial |= {f"reason_{g.domain}": g.reason for g in part.grades}
        super().__init__(data, prefix=part.agency.lower(), initial=initial)
        self.part = part
        choices = shown.grade_choices(tool.scale)
        for g in part.grades:
            self.fields[f"agreed_{g.domain}"] = forms.ChoiceField(
                label=f"{g.title}: the grade agreed", choices=choices,
                error_messages={"required": shown.CHOOSE_GRADE,
                                "invalid_choice": shown.CHOOSE_GRADE},
            )  # fmt: skip
            self.fields[f"reason_{g.domain}"] = forms.CharField(
                label=f"{g.title}: why it is changed", required=False, max_length=2000,
                help_text=f"Needed if you change the grade from {g.given}.",
            )  # fmt: skip

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        for g in self.part.grades:
            agreed, reason = data.get(f"agreed_{g.domain}"), data.get(f"reason_{g.domain}", "")
            if agreed and agreed != g.given and not str(reason).strip():
                self.add_error(f"reason_{g.domain}", shown.REASON_MISSING.format(domain=g.title))
        return data

    def changed_words(self) -> list[tuple[str, str, str]]:
        """(domain, grade agreed, reason) for each domain whose word is new or different."""
        found = []
        for g in self.part.grades:
            agreed = str(self.cleaned_data[f"agreed_{g.domain}"])
            reason = " ".join(str(self.cleaned_data.get(f"reason_{g.domain}", "")).split())
            m = g.moderation
            if m is None or (m.agreed, m.reason) != (agreed, reason):
                found.append((g.domain, agreed, reason))
        return found


@never_cache
@guard.requires("moderate_audits")
def moderation_view(request: HttpRequest) -> HttpResponse:
    """The programmes with submitted audits, and how many are moderated."""
    store = core()
    rows = []
    for p in programmes(store):
        kept = programme(store, p.id)
        audits = case_audits(store, kept) if kept else []
        counts = shown.progress(audits)
        if any(part.submitted_at for a in audits for part in a.agencies):
            rows.append(shown.programme_summary(p) | counts)
    guard.audited(request, Action.AUDIT_CASE, target=request.path,
                  detail={"programmes": [r["id"] for r in rows]})  # fmt: skip
    return render(request, TEMPLATES + "moderation.html", {"programmes": rows, "words": shown})


@never_cache
@guard.requires("moderate_audits")
def programme_moderation_view(request: HttpRequest, programme_id: int) -> HttpResponse:
    """A programme's cases with an agency's audit submitted, each with what is moderated."""
    store = core()
    found = programme(store, programme_id)
    if found is None:
        return gone(request)
    audits = [a for a in case_audits(store, found) if any(p.submitted_at for p in a.agencies)]
    guard.audited(request, Action.AUDIT_CASE, target=request.path,
                  detail={"people": [a.case.person for a in audits]})  # fmt: skip
    context = {
        "programme": shown.programme_summary(found),
        "cases": [shown.moderation_row(a) for a in audits],
        "words": shown,
    }
    return render(request, TEMPLATES + "programme_moderation.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@guard.requires("moderate_audits")
def case_moderation_view(request: HttpRequest, case_id: int) -> HttpResponse:
    """One case's submitted grades, agency by agency, to agree or change with a reason."""
    store = core()
    whole = case_audit(store, case_id)
    if whole is None:
        return gone(request, shown.NO_SUCH_CASE)
    submitted = [p for p in whole.agencies if p.submitted_at]
    posted = submitted_part(request, submitted)
    failed: ModerationForm | None = None
    problem = ""
    if posted is not None:
        failed, problem = _moderate(request, store, whole, posted)
        if failed is None:
            messages.success(request, shown.MODERATED.format(agency=shown.agency_label(posted)))
            return redirect("assurance-case-moderation", case_id=case_id)
    guard.audited(request, Action.AUDIT_CASE, person=whole.case.person,
                  target=whole.case.about(), detail={"case": case_id})  # fmt: skip
    parts = [_part(whole, p, failed) for p in submitted]
    context = {"case": shown.CASE.format(position=whole.case.position), "theme": whole.case.theme,
               "programme_id": whole.case.programme_id, "parts": parts, "failed": failed,
               "problem": problem, "words": shown}  # fmt: skip
    status = 400 if failed is not None else 200
    return render(request, TEMPLATES + "case_moderation.html", context, status=status)


def submitted_part(request: HttpRequest, submitted: list[AgencyAudit]) -> AgencyAudit | None:
    """The submitted agency audit a POST moderates (None for a GET or an unknown agency)."""
    if request.method != "POST":
        return None
    wanted = str(request.POST.get("agency", ""))
    return next((p for p in submitted if p.agency == wanted), None)


def _moderate(
    request: HttpRequest, store: Store, whole: CaseAudit, part: AgencyAudit
) -> tuple[ModerationForm | None, str]:
    """Keep the moderator's word on each domain changed; the form and why, if refused."""
    form = ModerationForm(request.POST, tool=whole.tool, part=part)
    assert part.auditor is not None  # submitted, so assigned
    by = request.user.get_username()
    problem = ""
    if form.is_valid():
        try:
            for domain, agreed, reason in form.changed_words():
                moderate(store, part.auditor.id, domain, agreed, reason, by)
        except AuditError as error:
            problem = str(error)
        else:
            return None, ""
    wrong = problem or "; ".join(str(e) for es in form.errors.values() for e in es)
    guard.audited(request, Action.AUDIT_MODERATE, person=whole.case.person, outcome="refused",
                  target=part.auditor.about, reason=wrong)  # fmt: skip
    return form, problem


def _part(whole: CaseAudit, part: AgencyAudit, failed: ModerationForm | None) -> dict[str, Any]:
    """One agency's submitted audit: its answers to read, and the form of its grades."""
    form = failed if failed is not None and failed.part is part else None
    form = form or ModerationForm(tool=whole.tool, part=part)
    return {
        "agency": part.agency,
        "name": shown.agency_label(part),
        "auditor": part.auditor.username if part.auditor else "",
        "submitted": when(part.submitted_at) if part.submitted_at else "",
        "answered": answered_rows(whole.tool, part.answers),
        "grades": [
            {"grade": g, "agreed": form[f"agreed_{g.domain}"], "reason": form[f"reason_{g.domain}"]}
            for g in part.grades
        ],
        "form": form,
    }


def core() -> Store:
    return guard.core_store()


urls: list[URLPattern] = [
    path("assurance/moderation", moderation_view, name="assurance-moderation"),
    path("assurance/programmes/<int:programme_id>/moderation", programme_moderation_view,
         name="assurance-programme-moderation"),
    path("assurance/moderation/<int:case_id>", case_moderation_view,
         name="assurance-case-moderation"),
]  # fmt: skip
