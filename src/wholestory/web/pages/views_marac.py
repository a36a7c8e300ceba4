"""The Marac referral list (issue 13): candidates the records suggest, practitioners'
referrals apart, and a coordinator's decision on each candidate with its reason.

Which victims meet which criterion is the core's
(:mod:`wholestory.domestic_abuse.marac`); who may see the list and decide is
``access.py``'s (capabilities ``marac`` and ``marac_decide``). Looking at the list and
every decision are audited before anything is shown or written. The list names the
victim, the criterion and the evidence's record ids, never a story's entries: each
evidence link opens the record through the person pages' own guard.
"""

from __future__ import annotations

import functools
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache

from wholestory.audit.actions import Action
from wholestory.chronology.thresholds import IndicatorThresholds
from wholestory.domestic_abuse import marac_words as words
from wholestory.domestic_abuse.marac import Candidate, ReferralList
from wholestory.domestic_abuse.marac_decisions import Decision, decide, decisions
from wholestory.domestic_abuse.marac_kept import kept_referral_list, kept_with_version
from wholestory.identity.people import names_of
from wholestory.records.keys import split_key
from wholestory.web.pages.guard import audited, core_store, requires, submitted
from wholestory.web.pages.presenting import Pages, other_params, page_number

#: Victims a page of the list shows: each comes with its evidence, perpetrators and children.
LIST_PAGE = 25
#: Evidence links shown on the list for one victim; the decision page shows them all.
EVIDENCE_SHOWN = 5


class MaracDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=list(words.DECISIONS.items()),
        error_messages={"required": words.DECISION_MISSING},
    )
    reason = forms.CharField(
        label="Why",
        help_text="What you weighed. The reason is kept with the decision and in the audit log.",
        max_length=2000,
        error_messages={"required": words.REASON_MISSING},
    )

    def clean_reason(self) -> str:
        reason = str(self.cleaned_data["reason"]).strip()
        if not reason:
            raise ValidationError(words.REASON_MISSING)
        return reason


@never_cache
@requires("marac")
def marac_list_view(request: HttpRequest) -> HttpResponse:
    """Every candidate and every practitioner's referral, each with its evidence and children."""
    store = core_store()
    found, version = kept_with_version(store, IndicatorThresholds.current())
    total = len(found.candidates) + len(found.referrals)
    pages = Pages(page_number(request), total, total, other_params(request), size=LIST_PAGE)
    start, end = pages.offset, pages.offset + pages.size
    first = len(found.candidates)  # the referrals follow the candidates, page after page
    shown = ReferralList(
        found.candidates[start:end],
        found.referrals[max(0, start - first) : max(0, end - first)],
    )
    audited(request, Action.MARAC_LIST, target="/marac", detail={"page": pages.number})
    rows = functools.cache(lambda: _context(shown, store))
    decided = store.query("SELECT COUNT(*), MAX(decided_at) FROM ws_marac_decision")[0]
    context = {
        "words": words,
        # The rows are rendered once per version of the list, page and decisions, and kept
        # (the template's cache); they are worked out only when not kept.
        "version": f"{version}|{pages.number}|{decided[0]}|{decided[1]}",
        "candidates": lambda: rows()["candidates"],
        "referrals": lambda: rows()["referrals"],
        "pages": pages,
        "more_candidates": bool(found.candidates) and not shown.candidates,
        "more_referrals": bool(found.referrals) and not shown.referrals,
        "counts": (len(found.candidates), len(found.referrals)),
    }
    return render(request, "pages/domestic_abuse/marac_list.html", context)


@never_cache
@requires("marac_decide")
def marac_decide_view(request: HttpRequest) -> HttpResponse:
    """Accept or decline one candidate, with a reason (the GOV.UK error summary if missing)."""
    key = str(request.GET.get("candidate", ""))
    store = core_store()
    listed = kept_referral_list(store, IndicatorThresholds.current()).candidates
    found = {c.key: c for c in listed}.get(key)
    if found is None:
        audited(request, Action.VIEW, target=request.get_full_path(), outcome="not_found")
        return render(request, "pages/domestic_abuse/marac_gone.html", {"words": words}, status=404)
    form = MaracDecisionForm(submitted(request))
    if request.method == "POST" and form.is_valid():
        decision, reason = form.cleaned_data["decision"], form.cleaned_data["reason"]
        audited(
            request,
            Action.MARAC_DECISION,
            person=found.victim,
            target=f"/marac/decide?candidate={key}",
            reason=reason,
            detail={
                "criterion": found.criterion,
                "decision": decision,
                "met_on": str(found.met_on),
            },
        )
        decide(store, key, decision, reason, request.user.get_username())
        return redirect("marac")
    audited(request, Action.VIEW, person=found.victim, target=request.get_full_path())
    names = names_of(store, [found.victim])
    context = {"candidate": _candidate(found, names, {}, None), "form": form, "words": words}
    return render(request, "pages/domestic_abuse/marac_decide.html", context)


def _context(found: ReferralList, store: Any) -> dict[str, Any]:
    people = {c.victim for c in found.candidates} | {r.victim for r in found.referrals}
    people |= {p for c in found.candidates for p in (*c.perpetrators, *c.children)}
    people |= {p for r in found.referrals for p in (*r.perpetrators, *r.children)}
    names = names_of(store, sorted(people))
    made = decisions(store)
    return {
        "words": words,
        "candidates": [_candidate(c, names, made) for c in found.candidates],
        "referrals": [
            {
                "victim": _person(r.victim, names),
                "agency": r.agency,
                "day": r.day,
                "evidence": [_evidence(r.victim, e) for e in r.evidence[:EVIDENCE_SHOWN]],
                "more_evidence": max(0, len(r.evidence) - EVIDENCE_SHOWN),
                "perpetrators": [_person(p, names) for p in r.perpetrators],
                "children": [_person(p, names) for p in r.children],
            }
            for r in found.referrals
        ],
    }


def _candidate(
    c: Candidate,
    names: dict[str, str],
    made: dict[str, Decision],
    shown: int | None = EVIDENCE_SHOWN,
) -> dict[str, Any]:
    return {
        "key": c.key,
        "victim": _person(c.victim, names),
        "criterion": c.words,
        "met_on": c.met_on,
        "detail": c.detail,
        "evidence": [_evidence(c.victim, e) for e in c.evidence[:shown]],
        "more_evidence": len(c.evidence[shown:]) if shown is not None else 0,
        "perpetrators": [_person(p, names) for p in c.perpetrators],
        "children": [_person(p, names) for p in c.children],
        "decision": made.get(c.key),
    }


def _person(person: str, names: dict[str, str]) -> dict[str, str]:
    return {"id": person, "name": names.get(person) or person}


def _evidence(victim: str, record: str) -> dict[str, str]:
    agency, record_id = split_key(record)
    return {"record": record, "url": f"/people/{victim}/records/{agency}/{record_id}"}


urls: list[URLPattern] = [
    path("marac", marac_list_view, name="marac"),
    path("marac/decide", marac_decide_view, name="marac_decide"),
]
