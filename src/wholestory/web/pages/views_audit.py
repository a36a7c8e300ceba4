"""The audit log page: who did what, newest first, and the chain checked on request.

A lead reads only their own agency's scope; the partnership's information governance
officer reads everything (issue 11, L2). Reading the log is itself audited.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Final
from zoneinfo import ZoneInfo

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache

from wholestory import audit
from wholestory.access import CASEWORK, ROLES
from wholestory.chronology.vocabulary import agency_name
from wholestory.store import Store
from wholestory.web.pages.guard import audited, core_store, requires, viewer_of
from wholestory.web.pages.presenting import Pages, other_params, page_number, when

LONDON: Final = ZoneInfo("Europe/London")


class AuditFilter(forms.Form):
    person = forms.CharField(label="Person (WholeStory id)", required=False, max_length=200)
    actor = forms.CharField(label="User", required=False, max_length=150)
    action = forms.ChoiceField(
        label="Action",
        required=False,
        choices=[("", "Any action"), *((a, a.replace("_", " ")) for a in sorted(audit.ACTIONS))],
    )
    date_from = forms.DateField(
        label="From", required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y"],
        help_text="For example, 2025-03-27",
        error_messages={"invalid": "Enter the from date as a real date, like 2025-03-27"},
    )  # fmt: skip
    date_to = forms.DateField(
        label="To", required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y"],
        help_text="For example, 2025-03-31",
        error_messages={"invalid": "Enter the to date as a real date, like 2025-03-31"},
    )  # fmt: skip


def _utc_start(day: dt.date) -> str:
    """The start of a day in London, as the audit log's timestamps are written (UTC)."""
    start = dt.datetime.combine(day, dt.time(), tzinfo=LONDON).astimezone(dt.UTC)
    return start.isoformat(timespec="microseconds")


def audit_page(
    store: Store, filters: dict[str, Any], number: int, query: str, agency: str | None = None
) -> tuple[list[audit.Entry], Pages]:
    """One page of entries, newest first, filtered by person, actor, action and dates, and
    for an agency's lead to their own agency's scope (``agency``; issue 11, L2)."""
    last_day = filters.get("date_to")
    chosen: dict[str, Any] = {
        **{c: str(filters[c]).strip() for c in ("person", "actor", "action") if filters.get(c)},
        "since": _utc_start(filters["date_from"]) if filters.get("date_from") else None,
        # The day after the last one asked for (no upper bound after the last representable day).
        "before": _utc_start(last_day + dt.timedelta(days=1))
        if last_day and last_day < dt.date.max
        else None,
        "agency": agency,
    }
    pages = Pages(number, 0, audit.count(store, **chosen), query)
    return audit.entries(store, **chosen, limit=pages.size, offset=pages.offset), pages


def _entry_row(entry: audit.Entry) -> dict[str, Any]:
    shown_at = when(entry.at, seconds=True)
    try:
        detail = json.loads(entry.detail) if entry.detail else {}
    except ValueError:
        detail = {"detail": entry.detail}
    words = "; ".join(
        f"{k.replace('_', ' ')}: {v if isinstance(v, str) else json.dumps(v)}"
        for k, v in sorted(detail.items())
        if v not in ("", None, [], {})
    )
    return {
        "seq": entry.seq,
        "when": shown_at,
        "actor": entry.actor,
        "role": ROLES.get(entry.role, entry.role),
        "agency": agency_name(entry.agency) if entry.agency else "",
        "action": entry.action.replace("_", " "),
        "person": entry.person,
        "target": entry.target,
        "reason": entry.reason,
        "outcome": entry.outcome,
        "detail": words[:600],
    }


@never_cache
@requires("audit_viewer")
def audit_view(request: HttpRequest) -> HttpResponse:
    """The audit log, newest first; the whole chain is checked on request. Reading is audited.

    A lead reads only their own agency's people's entries and those about people their
    agency holds records of (other agencies' searches name children); the partnership's
    information governance officer reads everything (issue 11, L2).
    """
    scope = viewer_of(request)
    agency = scope.agency if scope.role in CASEWORK else None
    form = AuditFilter(request.GET or None)
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    shown_filters = {k: str(v) for k, v in filters.items() if v}
    audited(request, "audit_view", target="/audit", detail=shown_filters)
    store = core_store()
    # Checking reads every entry, so it is done when asked for, not on every view.
    check = audit.verify(store) if request.GET.get("check") == "1" else None
    found, pages = audit_page(store, filters, page_number(request), other_params(request), agency)
    return render(
        request,
        "pages/work/audit.html",
        {
            "form": form,
            "check": check,
            "entries": [_entry_row(e) for e in found],
            "pages": pages,
            "filtered": bool(shown_filters),
            "scoped": agency_name(agency) if agency else "",
        },
    )


urls: list[URLPattern] = [
    path("audit", audit_view, name="audit"),
]
