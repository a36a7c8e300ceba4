"""THRIVE quality improvement on the web (issue 16, item 5): PDSA cycles with their measures
charted before and after the change, and the i-THRIVE implementation assessment.

Only the capability ``thrive_improvement`` (quality assurance, leads, the business unit)
opens these pages; the board reads this work through the board pack. Nothing on them names
a child: the measures are monthly counts and shares, small numbers left off the charts.
Every look and every change is audited before anything is shown or kept, and every change
is a POST that redirects to a GET.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from wholestory.audit.actions import Action
from wholestory.charts.svg import render_svg
from wholestory.thrive import improvement_words as w
from wholestory.thrive.implementation import (
    Assessment,
    AssessmentError,
    assessments,
    record_assessment,
    thrive_like,
)
from wholestory.thrive.implementation_svg import principles_svg
from wholestory.thrive.improvement import (
    BeforeAfter,
    CycleError,
    before_after,
    create_cycle,
    cycle,
    cycles,
    record_study,
)
from wholestory.thrive.vocabulary import PRINCIPLES
from wholestory.web.pages import guard
from wholestory.web.pages.thrive_improvement_forms import AssessmentForm, CycleForm, StudyForm

TEMPLATES = "pages/thrive/"
CAPABILITY = "thrive_improvement"


@never_cache
@guard.requires(CAPABILITY)
def improvement_view(request: HttpRequest) -> HttpResponse:
    """Every cycle, the newest first, with its decision, and the latest assessment."""
    store = guard.core_store()
    found = cycles(store)
    guard.audited(request, Action.VIEW, detail={"pdsa_cycles": [c.id for c in found]})
    kept = assessments(store)
    return render(request, TEMPLATES + "improvement.html", {
        "cycles": found, "latest": _assessment_rows(kept[-1]) if kept else [],
        "latest_on": kept[-1].assessed_on if kept else None, "words": w,
    })  # fmt: skip


@never_cache
@require_http_methods(["GET", "POST"])
@guard.requires(CAPABILITY)
def new_cycle_view(request: HttpRequest) -> HttpResponse:
    """The form for a new cycle; kept, it leads to the cycle's own page."""
    form = CycleForm(guard.submitted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        guard.audited(request, Action.DECISION, detail={"pdsa_cycle": "new",
                      "measures": [m.as_dict() for m in data["measures"]]})  # fmt: skip
        try:
            made = create_cycle(guard.core_store(), data, data["measures"], data["changed_on"],
                                request.user.get_username())  # fmt: skip
        except CycleError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, "The cycle is kept.")
            return redirect("thrive-cycle", cycle_id=made.id)
    _audit_form(request, form, {"pdsa_cycle": "new"})
    return render(request, TEMPLATES + "cycle_new.html", {"form": form, "words": w},
                  status=400 if form.errors else 200)  # fmt: skip


@never_cache
@require_http_methods(["GET", "POST"])
@guard.requires(CAPABILITY)
def cycle_view(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """One cycle: its plan, each measure charted before and after, and its study."""
    store = guard.core_store()
    kept = cycle(store, cycle_id)
    if kept is None:
        guard.audited(request, Action.VIEW, outcome="refused", reason="no such cycle")
        return render(request, TEMPLATES + "gone.html", status=404)
    form = StudyForm(guard.submitted(request), initial={"study": kept.study,
                     "decision": kept.decision, "decided_on": kept.decided_on})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        guard.audited(request, Action.DECISION, detail={"pdsa_cycle": cycle_id,
                      "decision": data["decision"]})  # fmt: skip
        try:
            record_study(store, cycle_id, data["study"], data["decision"], data["decided_on"],
                         request.user.get_username())  # fmt: skip
        except CycleError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, "The study and decision are kept.")
            return redirect("thrive-cycle", cycle_id=cycle_id)
    _audit_form(request, form, {"pdsa_cycle": cycle_id})
    charts = [_chart(n, drawn) for n, drawn in enumerate(before_after(store, kept))]
    return render(request, TEMPLATES + "cycle.html", {
        "cycle": kept, "charts": charts, "form": form, "words": w,
    }, status=400 if form.errors else 200)  # fmt: skip


@never_cache
@require_http_methods(["GET", "POST"])
@guard.requires(CAPABILITY)
def implementation_view(request: HttpRequest) -> HttpResponse:
    """Each principle's scores over time, baseline against latest; a POST records one."""
    store = guard.core_store()
    form = AssessmentForm(guard.submitted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        scores = {c: int(data[f"score_{c}"]) for c in PRINCIPLES}
        guard.audited(request, Action.DECISION, detail={
            "implementation": data["assessed_on"].isoformat(), "scores": scores})  # fmt: skip
        try:
            record_assessment(store, data["assessed_on"], scores,
                              {c: data[f"notes_{c}"] for c in PRINCIPLES},
                              request.user.get_username())  # fmt: skip
        except AssessmentError as error:
            field = "assessed_on" if error.field == "assessed_on" else f"score_{error.field}"
            form.add_error(field, str(error))
        else:
            messages.success(request, "The assessment is kept.")
            return redirect("thrive-implementation")
    _audit_form(request, form, {"implementation": "scores"})
    kept = assessments(store)
    return render(request, TEMPLATES + "implementation.html", {
        "form": form, "words": w, "assessments": kept, "table": _over_time(kept),
        "svg": mark_safe(principles_svg(kept)) if kept else "",  # ElementTree escapes text
    }, status=400 if form.errors else 200)  # fmt: skip


def _audit_form(request: HttpRequest, form: Any, detail: dict[str, Any]) -> None:
    """The look audited, or a refused change audited with why."""
    if request.method == "POST":
        wrong = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        guard.audited(request, Action.DECISION, outcome="refused", reason=wrong, detail=detail)
    else:
        guard.audited(request, Action.VIEW, detail=detail)


def _chart(number: int, drawn: BeforeAfter) -> dict[str, Any]:
    """One measure's chart as the page shows it."""
    svg = ""
    if drawn.spc is not None:  # the engine's own SVG: its writer escapes every text
        svg = mark_safe(render_svg(drawn.spc, measure=drawn.measure.title,
                        value_label=drawn.value_label, chart_id=f"measure-{number}"))  # fmt: skip
    return {"title": drawn.measure.title, "svg": svg, "reading": drawn.reading,
            "left_off": drawn.left_off_words()}  # fmt: skip


def _assessment_rows(kept: Assessment) -> list[dict[str, Any]]:
    return [{"principle": t, "score": kept.scores[c], "thrive_like": kept.thrive_like(c),
             "notes": kept.notes.get(c, "")} for c, t in PRINCIPLES.items()]  # fmt: skip


def _over_time(kept: list[Assessment]) -> list[dict[str, Any]]:
    """Each principle: its baseline, its latest, and every score between, with words."""
    rows = []
    for code, words in PRINCIPLES.items():
        scores = [a.scores[code] for a in kept]
        rows.append({"principle": words, "scores": scores,
                     "change": f"{scores[-1] - scores[0]:+d}" if scores else "",
                     "latest": w.THRIVE_LIKE_WORDS if scores and thrive_like(scores[-1])
                     else w.NOT_YET})  # fmt: skip
    return rows


urls: list[URLPattern] = [
    path("thrive/improvement", improvement_view, name="thrive-improvement"),
    path("thrive/improvement/new", new_cycle_view, name="thrive-cycle-new"),
    path("thrive/improvement/<int:cycle_id>", cycle_view, name="thrive-cycle"),
    path("thrive/implementation", implementation_view, name="thrive-implementation"),
]
