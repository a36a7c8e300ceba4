"""Audit programmes on the web (issue 15): a quality assurance officer lists them, sets one
up, and reads each one's cases.

Setting one up calls the same core functions as ``wholestory audit-programme new``
(:func:`~wholestory.assurance.selection.select` and
:func:`~wholestory.assurance.programmes.create_programme`), so a programme made here is
kept, repeatable and checkable exactly as one made on the command line. The officer's
pages name no child: a case is "Case 1", "Case 2", with the agencies involved. Only the
capability ``audit_programmes`` opens them, and every look and every change is audited
before anything is shown or kept.
"""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from wholestory.access import AUDITOR
from wholestory.assurance.audits import (
    AUDIT_GRANT_DAYS,
    AUDIT_GRANT_MAX_DAYS,
    AuditError,
    assign,
    case_at,
)
from wholestory.assurance.case_audit import CaseAudit, case_audit
from wholestory.assurance.children import NotBuiltError
from wholestory.assurance.programmes import Programme, create_programme, programme, programmes
from wholestory.assurance.selection import (
    Criteria,
    Selection,
    SelectionError,
    criteria,
    default_period,
    select,
)
from wholestory.assurance.tools import Tool, ToolError, default_tool, tool_from_text
from wholestory.audit.actions import Action
from wholestory.chronology.indicators import INDICATORS
from wholestory.chronology.stored import store_as_of
from wholestory.chronology.thresholds import IndicatorThresholds
from wholestory.chronology.vocabulary import agency_name
from wholestory.store import Store
from wholestory.web.pages import assurance_presenting as shown
from wholestory.web.pages import guard
from wholestory.web.pages.fields import required_text

TEMPLATES = "pages/assurance/"
#: The seeds the form offers: short enough to write down, many enough that nobody can
#: guess which cases a seed would draw.
OFFERED_SEEDS = 1_000_000
#: The largest tool file read from an upload (a tool is a page or two of YAML).
TOOL_BYTES = 200_000
#: The flags a programme may choose children by, in the order of their titles.
FLAG_CHOICES: list[tuple[str, str]] = sorted(
    ((code, indicator.title) for code, indicator in INDICATORS.items()), key=lambda c: c[1]
)
PLAN_CHOICES = [("", "Either"), ("yes", "On a plan in the period"), ("no", "On no plan")]


def _age(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, required=False, min_value=0, max_value=17,
        error_messages={k: shown.AGE_WRONG for k in ("invalid", "min_value", "max_value")},
    )  # fmt: skip


def _day(label: str) -> forms.DateField:
    return forms.DateField(
        label=label, help_text="For example 2025-06-30",
        error_messages={"required": shown.DAY_WRONG, "invalid": shown.DAY_WRONG},
    )  # fmt: skip


class ProgrammeForm(forms.Form):
    """What a programme looks at, which children may be chosen, and how many are drawn."""

    theme = required_text(
        "Theme", 300, shown.THEME_MISSING,
        "What the audit looks at, for example 'Use of history in assessment'.",
    )  # fmt: skip
    period_from = _day("Period from")
    period_to = _day("Period to")
    flags = forms.MultipleChoiceField(
        label="Flags", required=False, widget=forms.CheckboxSelectMultiple,
        choices=FLAG_CHOICES,
        help_text="Only children with any one of these flags in the period. None: any child.",
    )  # fmt: skip
    plan = forms.ChoiceField(label="Plans", required=False, choices=PLAN_CHOICES)
    age_from = _age("Aged from (optional)")
    age_to = _age("Aged to (optional)")
    agencies = forms.MultipleChoiceField(
        label="Agencies", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="Only children every one of these agencies recorded in the period.",
    )  # fmt: skip
    sample = forms.IntegerField(
        label="Cases to draw", min_value=1, max_value=1000,
        error_messages={k: shown.SAMPLE_MISSING for k in
                        ("required", "invalid", "min_value", "max_value")},
    )  # fmt: skip
    seed = forms.IntegerField(
        label="Seed", min_value=0, help_text=shown.SEED_HINT,
        error_messages={k: shown.SEED_MISSING for k in ("required", "invalid", "min_value")},
    )  # fmt: skip
    tool_file = forms.FileField(
        label="Audit tool file (optional)", required=False,
        help_text="A YAML audit tool. Leave this and the box below empty for the default "
        "multi-agency tool.",
    )  # fmt: skip
    tool_text = forms.CharField(
        label="Or paste an audit tool (optional)", required=False, max_length=TOOL_BYTES,
        widget=forms.Textarea,
    )  # fmt: skip

    def __init__(self, *args: Any, agencies: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agencies"].choices = [(a, agency_name(a)) for a in agencies]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        if data.get("tool_file") and str(data.get("tool_text", "")).strip():
            self.add_error("tool_file", shown.TOOL_TWICE)
        return data


@never_cache
@guard.requires("audit_programmes")
def programmes_view(request: HttpRequest) -> HttpResponse:
    """Every programme, the newest first, with its progress: no child is named."""
    store = core()
    found = programmes(store)
    guard.audited(request, Action.QA_PROGRAMME, target=request.path,
                  detail={"programmes": [p.id for p in found]})  # fmt: skip
    rows = [shown.programme_summary(p) | _progress(store, p) for p in found]
    return render(request, TEMPLATES + "programmes.html", {"programmes": rows, "words": shown})


@never_cache
@require_http_methods(["GET", "POST"])
@guard.requires("audit_programmes")
def new_programme_view(request: HttpRequest) -> HttpResponse:
    """The form to set up a programme; kept, it leads to the programme's own page."""
    store = core()
    form = ProgrammeForm(guard.submitted(request), request.FILES or None,
                         agencies=_agencies(store), initial=_initial(store))  # fmt: skip
    if request.method == "POST" and form.is_valid():
        made = _create(request, store, form)
        if made is not None:
            return redirect("assurance-programme", programme_id=made.id)
    if request.method == "POST":  # not set up: the refusal audited, with why
        wrong = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        guard.audited(request, Action.QA_PROGRAMME_SET, target=request.path,
                      outcome="refused", reason=wrong)  # fmt: skip
    else:
        guard.audited(request, Action.QA_PROGRAMME, target=request.path)
    return render(request, TEMPLATES + "new.html", {"form": form, "words": shown},
                  status=400 if form.errors else 200)  # fmt: skip


def _create(request: HttpRequest, store: Store, form: ProgrammeForm) -> Programme | None:
    """Choose the cases and keep the programme, or put the reason it cannot on the form."""
    data = form.cleaned_data
    tool = _tool(form, data)
    chosen_by = _criteria(form, data)
    if tool is None or chosen_by is None:
        return None
    try:
        chosen = select(store, chosen_by, data["sample"], data["seed"], _thresholds())
    except SelectionError as error:
        form.add_error("sample", str(error))
        return None
    except NotBuiltError:
        form.add_error(None, shown.NOT_BUILT)
        return None
    guard.audited(request, Action.QA_PROGRAMME_SET, target=request.path,
                  detail=_set_up(data["theme"], chosen))  # fmt: skip
    return create_programme(store, data["theme"], tool, chosen, request.user.get_username())


def _set_up(theme: str, chosen: Selection) -> dict[str, Any]:
    """What the audit log keeps of a programme set up: as the command line's entry."""
    return {"theme": theme.strip(), "criteria": chosen.criteria.as_dict(), "seed": chosen.seed,
            "people": list(chosen.chosen)}  # fmt: skip


def _tool(form: ProgrammeForm, data: dict[str, Any]) -> Tool | None:
    """The tool uploaded or pasted, or the default one; None with the fault on the form."""
    upload: UploadedFile | None = data.get("tool_file")
    pasted = str(data.get("tool_text", ""))
    try:
        if upload is not None:
            raw = upload.read(TOOL_BYTES + 1)
            if len(raw) > TOOL_BYTES:
                raise ToolError(f"{upload.name}: the audit tool is longer than a tool can be")
            return tool_from_text(raw.decode("utf-8"), str(upload.name))
        if pasted.strip():
            return tool_from_text(pasted, "the pasted audit tool")
        return default_tool()
    except UnicodeDecodeError:
        form.add_error("tool_file", "The tool file must be UTF-8 text (YAML)")
    except ToolError as error:
        form.add_error("tool_file" if upload is not None else "tool_text", str(error))
    return None


def _criteria(form: ProgrammeForm, data: dict[str, Any]) -> Criteria | None:
    plan = {"yes": True, "no": False}.get(str(data.get("plan", "")))
    try:
        return criteria(
            data["period_from"], data["period_to"], flags=data.get("flags") or (), plan=plan,
            age_from=data.get("age_from"), age_to=data.get("age_to"),
            agencies=data.get("agencies") or (), limit=_thresholds().child_age_limit,
        )  # fmt: skip
    except SelectionError as error:  # the period, or the ages, make no sense together
        form.add_error("age_from" if "age" in str(error) else "period_from", str(error))
        return None


class AssignForm(forms.Form):
    """One agency's auditor for one case, and how many days their audit grant lasts."""

    case = forms.IntegerField(min_value=1)
    agency = forms.CharField(max_length=32)
    username = forms.CharField(max_length=150, error_messages={"required": shown.CHOOSE_AUDITOR})
    days = forms.IntegerField(
        min_value=1, max_value=AUDIT_GRANT_MAX_DAYS,
        error_messages={k: shown.DAYS_WRONG for k in
                        ("required", "invalid", "min_value", "max_value")},
    )  # fmt: skip


@never_cache
@require_http_methods(["GET", "POST"])
@guard.requires("audit_programmes")
def programme_view(request: HttpRequest, programme_id: int) -> HttpResponse:
    """One programme: what chose its cases, and each case by its position in the draw, with
    its agencies' auditors; a POST assigns one (the core audits it and grants the access)."""
    store = core()
    found = programme(store, programme_id)
    if found is None:
        return gone(request)
    problem = ""
    if request.method == "POST":
        problem = _assign(request, store, found)
        if not problem:
            messages.success(request, shown.ASSIGNED)
            return redirect("assurance-programme", programme_id=programme_id)
    guard.audited(request, Action.QA_PROGRAMME, target=request.path,
                  detail={"people": [c.person for c in found.cases]})  # fmt: skip
    audits = case_audits(store, found)
    context = {
        "programme": shown.programme_summary(found),
        "facts": shown.programme_facts(found),
        "cases": shown.case_rows(audits, _auditors(), timezone.now()),
        "progress": shown.progress(audits),
        "days": AUDIT_GRANT_DAYS,
        "most_days": AUDIT_GRANT_MAX_DAYS,
        "problem": problem,
        "words": shown,
    }
    return render(request, TEMPLATES + "programme.html", context, status=400 if problem else 200)


def _assign(request: HttpRequest, store: Store, found: Programme) -> str:
    """Assign the auditor the form names, or say why not (the refusal audited here; the
    assignment is audited by the core, with the grant, in one transaction)."""
    form = AssignForm(request.POST)
    chosen = None
    try:
        if not form.is_valid():
            raise AuditError(str(next(e for errors in form.errors.values() for e in errors)))
        data = form.cleaned_data
        chosen = case_at(store, found.id, data["case"])
        if chosen is None:
            raise AuditError(shown.NO_SUCH_CASE)
        assign(store, chosen.id, data["agency"], data["username"],
               request.user.get_username(), data["days"])  # fmt: skip
    except AuditError as error:
        about = chosen.about(str(form.cleaned_data.get("agency", ""))) if chosen else request.path
        guard.audited(request, Action.AUDIT_ASSIGN, target=about, outcome="refused",
                      reason=str(error), person=chosen.person if chosen else "")  # fmt: skip
        return str(error)
    return ""


def case_audits(store: Store, found: Programme) -> list[CaseAudit]:
    """The audit of each of a programme's cases, in the order drawn."""
    cases = (case_at(store, found.id, c.position) for c in found.cases)
    audits = (case_audit(store, c.id) for c in cases if c is not None)
    return [a for a in audits if a is not None]


def _progress(store: Store, p: Programme) -> dict[str, str]:
    """How far a programme's audits have gone: submitted and moderated, by agency."""
    kept = programme(store, p.id)
    return shown.progress(case_audits(store, kept)) if kept else {}


def _auditors() -> dict[str, list[str]]:
    """The active, approved case file auditors of each agency, by username."""
    from wholestory.web.accounts.models import Membership

    found: dict[str, list[str]] = {}
    for agency, username in (
        Membership.objects.filter(role=AUDITOR, waiting=False, user__is_active=True)
        .order_by("user__username")
        .values_list("agency", "user__username")
    ):
        found.setdefault(str(agency), []).append(str(username))
    return found


def _initial(store: Store) -> dict[str, Any]:
    """A year to the newest record, and a fresh random seed, shown so it can be written down."""
    start, end = default_period(store_as_of(store))
    return {"period_from": start.isoformat(), "period_to": end.isoformat(), "plan": "",
            "seed": secrets.randbelow(OFFERED_SEEDS)}  # fmt: skip


def _agencies(store: Store) -> list[str]:
    """The agencies that have sent records: those a programme can ask for."""
    return sorted(str(a) for (a,) in store.query("SELECT DISTINCT agency FROM ws_record"))


def _thresholds() -> IndicatorThresholds:
    return IndicatorThresholds.current()


def core() -> Store:
    """The pages' store connection (the core library's)."""
    return guard.core_store()


def gone(request: HttpRequest, what: str = shown.NO_SUCH_PROGRAMME) -> HttpResponse:
    """No such programme or case: said after the look is audited, with nothing else shown."""
    guard.audited(request, Action.VIEW, target=request.path, outcome="not_found")
    return render(request, TEMPLATES + "gone.html", {"what": what}, status=404)


urls: list[URLPattern] = [
    path("assurance/programmes", programmes_view, name="assurance-programmes"),
    path("assurance/programmes/new", new_programme_view, name="assurance-programme-new"),
    path("assurance/programmes/<int:programme_id>", programme_view, name="assurance-programme"),
]
