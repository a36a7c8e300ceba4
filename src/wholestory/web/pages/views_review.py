"""Link review: the pairs of records waiting for a person to decide "same person or not".

Identity reviewers see the pairs where one record is their agency's (all pairs for the
partnership's), each side by side with the model's evidence in words, and record a
decision with its reason; each decision is audited against both people.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from wholestory.access import Decision, Viewer, review_scope
from wholestory.chronology.display import show_date
from wholestory.chronology.vocabulary import agency_name
from wholestory.identity import field_words, weight_words
from wholestory.records.keys import key_agency, split_key
from wholestory.store import Store
from wholestory.web.pages.guard import audited, core_store, denied, requires, viewer_of
from wholestory.web.pages.presenting import Pages, other_params, page_number

if TYPE_CHECKING:
    from wholestory.identity import LookalikeSet

#: The rows of the side-by-side comparison: (label, detail column, evidence field). The
#: model weighs the postcode with the address.
COMPARED: Final = (
    ("Given name", "given_name", "given_name"),
    ("Family name", "family_name", "family_name"),
    ("Date of birth", "date_of_birth", "date_of_birth"),
    ("Sex", "sex", "sex"),
    ("NHS number", "nhs_number", "nhs"),
    ("UPN", "upn", "upn"),
    ("Postcode", "postcode", ""),
    ("Address", "address", "address"),
)


def _may_review(viewer: Viewer, item: dict[str, Any]) -> Decision:
    """Identity reviewers review pairs where one record is their agency's (all pairs for the
    partnership's): :func:`wholestory.access.may_review_pair`."""
    from wholestory.access import may_review_pair

    return may_review_pair(viewer, {key_agency(str(item["a"])), key_agency(str(item["b"]))})


def _side(item: dict[str, Any], side: str) -> dict[str, Any]:
    key = str(item[side])
    details = item.get(f"{side}_details") or {}
    name = " ".join(str(v) for v in (details.get("given_name"), details.get("family_name")) if v)
    return {
        "key": key,
        "agency": agency_name(key_agency(key)),
        "person_id": split_key(key)[1] if ":" in key else key,
        "ws": item.get(f"person_{side}") or "",
        "name": name or "No name recorded",
        "details": details,
    }


@never_cache
@requires("link_review")
def review_list_view(request: HttpRequest) -> HttpResponse:
    """Pairs of records waiting for a person to decide, most likely first, a page at a time.

    The page is read from the database a page at a time (a messy file once made two
    million pairs); look-alike sets come first, each one item to check with the agency.
    """
    from wholestory.identity import lookalike_sets, review_count, review_queue

    viewer = viewer_of(request)
    store = core_store()
    scope = review_scope(viewer)
    total = review_count(store, agency=scope)
    pages = Pages(page_number(request), 0, total, other_params(request))
    queue = review_queue(store, limit=pages.size, offset=pages.offset, agency=scope)
    pairs = [
        {
            "a": _side(item, "a"),
            "b": _side(item, "b"),
            "probability": f"{float(item['match_probability']) * 100:.1f}%",
            "why": item["why_review"],
        }
        for item in queue
    ]
    sets = [_lookalike_item(found) for found in lookalike_sets(store, agency=scope)]
    audited(
        request,
        "view",
        target="/review",
        viewer=viewer,
        detail={
            "page": pages.number,
            "pairs": [[p["a"]["key"], p["b"]["key"]] for p in pairs],
            "lookalikes": [found["set_id"] for found in sets],
        },
    )
    return render(
        request,
        "pages/work/review_list.html",
        {
            "pairs": pairs,
            "pages": pages,
            "lookalikes": sets,
            "scoped": review_scope(viewer) is not None,
            "agency": agency_name(viewer.agency),
        },
    )


def _lookalike_item(found: LookalikeSet) -> dict[str, Any]:
    """A look-alike set as the review page shows it: the file names without their folders."""
    return {
        "set_id": found.set_id,
        "headline": found.headline,
        "name": f"{found.given_name} {found.family_name}".strip() or "No name recorded",
        "born": show_date(found.date_of_birth) if found.date_of_birth else "",
        "address": found.address,
        "agencies": ", ".join(agency_name(a) for a in found.agencies),
        "files": ", ".join(Path(f).name for f in found.files),
    }


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Are these the same person?",
        choices=[("same", "Yes, the same person"), ("different", "No, different people")],
        error_messages={"required": "Select whether these are the same person"},
    )
    reason = forms.CharField(
        label="Why",
        help_text="What you checked, for example with the agencies. The reason is kept with "
        "the decision and in the audit log.",
        max_length=2000,
        error_messages={"required": "Enter the reason for your decision"},
    )

    def clean_reason(self) -> str:
        reason = str(self.cleaned_data["reason"]).strip()
        if not reason:
            raise ValidationError("Enter the reason for your decision")
        return reason


def _records_held(store: Store, ws: str, key: str, agencies: set[str]) -> list[dict[str, Any]]:
    """This side's person's records at ``agencies`` (the pair's two), with how many rows each."""
    rows = store.query(
        "SELECT s.key, s.agency, s.person_id, COUNT(r.id) FROM ws_source_person s "
        "LEFT JOIN ws_record r ON r.agency = s.agency AND r.person_id = s.person_id "
        "WHERE s.ws_person_id = ? OR s.key = ? GROUP BY s.key, s.agency, s.person_id "
        "ORDER BY s.agency, s.person_id",
        [ws or key, key],
    )
    return [
        {"key": str(k), "agency": agency_name(str(a)), "person_id": p, "records": int(n)}
        for k, a, p, n in rows
        if str(a) in agencies
    ]


def _comparison(item: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Each compared field: both sides' values and the model's evidence; then other evidence."""
    evidence: dict[str, float] = {
        str(k): float(v) for k, v in (item.get("evidence") or {}).items() if v is not None
    }
    a, b = item.get("a_details") or {}, item.get("b_details") or {}
    rows = []
    used = {"prior"}
    for label, column, weight_key in COMPARED:
        weight = evidence.get(weight_key)
        used.add(weight_key)
        rows.append(
            {
                "label": label,
                "a": a.get(column) or "",
                "b": b.get(column) or "",
                "weight": None if weight is None else f"{weight:+.1f}",
                "words": weight_words(weight) if weight is not None else "",
            }
        )
    others = [
        {
            "label": field_words(k),
            "weight": f"{v:+.1f}",
            "words": weight_words(v),
        }
        for k, v in sorted(evidence.items(), key=lambda kv: -abs(kv[1]))
        if k not in used
    ]
    return rows, others


def _audit_both(request: HttpRequest, action: str, item: dict[str, Any], **what: Any) -> None:
    """The same entry for each of the pair's two people: a side not yet linked to
    anyone is named by its AGENCY:ID, so both appear in the log."""
    people = dict.fromkeys(str(item.get(f"person_{s}") or item[s]) for s in ("a", "b"))
    for person in people:
        audited(request, action, person=person, **what)


@never_cache
@requires("link_review")
@require_http_methods(["GET", "POST"])
def review_pair_view(request: HttpRequest, key_a: str, key_b: str) -> HttpResponse:
    """Two records side by side with the evidence, and the decision: same or different."""
    from wholestory.chronology.stored import refresh_for_keys
    from wholestory.identity import LinkError, decide, now_iso, review_item
    from wholestory.web.accounts.alert_mail import tell_new_flags

    viewer = viewer_of(request)
    allowed = _may_review(viewer, {"a": key_a, "b": key_b})
    if not allowed.allowed:
        return denied(request, allowed, person=f"{key_a} {key_b}"[:200])
    store = core_store()
    item = review_item(store, key_a, key_b)
    if item is None:
        return render(request, "pages/work/review_gone.html", status=404)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decision = str(form.cleaned_data["decision"])
        reason = str(form.cleaned_data["reason"])
        keys = [str(item["a"]), str(item["b"])]
        detail = {
            "key_a": keys[0],
            "key_b": keys[1],
            "decision": decision,
            "match_probability": item.get("match_probability"),
        }
        # One entry per person, so each person's "who has looked" shows the decision.
        _audit_both(request, "decision", item, reason=reason, detail=detail)
        try:
            decide(store, keys[0], keys[1], decision, reason, viewer.username)
        except LinkError as error:
            form.add_error(None, str(error))
            _audit_both(
                request, "decision", item, reason=str(error), detail=detail, outcome="failed"
            )
        else:
            since = now_iso()
            refresh_for_keys(store, keys)
            tell_new_flags(store, since)  # a merge can bring a child a new flag
            verb = "the same person" if decision == "same" else "different people"
            a, b = _side(item, "a"), _side(item, "b")
            messages.success(
                request,
                f"Recorded: {a['name']} ({a['agency']}) and {b['name']} ({b['agency']}) "
                f"are {verb}.",
            )
            return redirect("/review")
    _audit_both(request, "view", item, detail={"pair": [str(item["a"]), str(item["b"])]})
    rows, others = _comparison(item)
    a, b = _side(item, "a"), _side(item, "b")
    # Only the two agencies' own records: which other agencies hold records is not
    # identity work, and would tell the reviewer who else is involved (issue 11, M2).
    pair = {key_agency(a["key"]), key_agency(b["key"])}
    a["held"] = _records_held(store, a["ws"], a["key"], pair)
    b["held"] = _records_held(store, b["ws"], b["key"], pair)
    return render(
        request,
        "pages/work/review_pair.html",
        {
            "a": a,
            "b": b,
            "rows": rows,
            "others": others,
            "probability": f"{float(item['match_probability']) * 100:.1f}%",
            "weight": f"{float(item['match_weight']):+.1f}",
            "why": item["why_review"],
            "record_pairs": item.get("record_pairs", 1),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


urls: list[URLPattern] = [
    path("review", review_list_view, name="review"),
    path("review/<str:key_a>/<str:key_b>", review_pair_view, name="review-pair"),
]
