"""One agency's record behind a chronology entry, as they wrote it.

Only a record of the chronology the viewer may see is shown, and only at the
level the sharing agreement gives them (issue 18): below the full level what
was written, and by whom, is left out; a restricted record is only a marker.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final
from urllib.parse import unquote

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.cache import never_cache

from wholestory.access import Decision, Viewer, sees_confidential_address
from wholestory.chronology.vocabulary import agency_name
from wholestory.records.confidential import SHOWN as CONFIDENTIAL_SHOWN
from wholestory.sharing import FULL, RESTRICTED
from wholestory.sharing.decide import RESTRICTED_WORDS
from wholestory.store.confidential import address_of
from wholestory.web.pages.guard import core_store, person_page, viewer_of
from wholestory.web.pages.person_presenting import who_is
from wholestory.web.pages.presenting import when
from wholestory.web.pages.stories import load, person_url


@never_cache
@person_page("view")
def record_view(
    request: HttpRequest, person: str, decision: Decision, agency: str, record_id: str
) -> HttpResponse:
    """The agency's record behind an entry, as they wrote it (only a record of this chronology)."""
    store = core_store()
    loaded = load(store, person, viewer_of(request))
    if loaded is None or (agency, record_id) not in loaded.records:
        return not_in_chronology(request)
    columns = [c for c, _ in RECORD_PAGE_ROWS]
    rows = store.query(
        f"SELECT {', '.join(columns)}, address_confidential FROM ws_record "
        "WHERE agency = ? AND record_id = ?",
        [agency, record_id],
    )
    if not rows:
        return not_in_chronology(request)
    values = dict(zip(columns, rows[0][:-1], strict=True))
    if rows[0][-1]:
        values |= _confidential(store, viewer_of(request), agency, record_id)
    values = _as_shared(values, loaded.records[agency, record_id])
    shown = [
        {"label": label, "value": _shown(values[column])}
        for column, label in RECORD_PAGE_ROWS
        if values[column] not in (None, "")
    ]
    entry = next(
        (r for r in loaded.rows if any(unquote(s["url"]) == request.path for s in r["sources"])),
        None,
    )
    return render(
        request,
        "pages/people/record.html",
        {
            "person_url": person_url(person),
            "who": who_is(loaded.data),
            "agency": agency_name(agency),
            "record_id": record_id,
            "fields": shown,
            "entry": entry,
            "reason": decision.reason,
        },
    )


#: The columns of a record left out below the full level (issue 18): what was written, and by
#: whom. A restricted record's marker keeps only who the record is about and when.
_NOT_AT_INVOLVEMENT: Final = ("summary", "action", "practitioner", "team")
_RESTRICTED_KEEPS: Final = ("agency", "record_id", "event_date", "event_date_approximate")


def _as_shared(values: dict[str, Any], level: str) -> dict[str, Any]:
    """An agency's record as the viewer may see it, at the level the agreement gives them."""
    if level == FULL:
        return values
    if level == RESTRICTED:
        kept = {c: v for c, v in values.items() if c in _RESTRICTED_KEEPS}
        return {c: kept.get(c) for c in values} | {"event_type": RESTRICTED_WORDS}
    return {c: (None if c in _NOT_AT_INVOLVEMENT else v) for c, v in values.items()}


def _confidential(store: Any, viewer: Viewer, agency: str, record_id: str) -> dict[str, Any]:
    """A confidential address as this viewer may see it: the address, or only that there is one.

    The address is read from its own table only for the recording agency, the IDVA and
    the Marac coordinator (``access.sees_confidential_address``).
    """
    kept = (
        address_of(store, agency, record_id) if sees_confidential_address(viewer, agency) else None
    )
    if kept is None:
        return {"address": CONFIDENTIAL_SHOWN, "postcode": None}
    return {
        "address": f"{kept.address or ''} ({CONFIDENTIAL_SHOWN.lower()})",
        "postcode": kept.postcode,
    }


def not_in_chronology(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/people/missing.html", {"record": True}, status=404)


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return when(value) if timezone.is_aware(value) else str(value)
    return str(value)


#: The rows of a record's page: each column of the agency's record, in the template's words.
RECORD_PAGE_ROWS: Final = (
    ("agency", "Agency"),
    ("record_id", "Record id"),
    ("person_id", "Person id"),
    ("given_name", "Given name"),
    ("family_name", "Family name"),
    ("other_names", "Other names"),
    ("date_of_birth", "Date of birth"),
    ("sex", "Sex"),
    ("nhs_number", "NHS number"),
    ("upn", "Unique pupil number"),
    ("postcode", "Postcode"),
    ("address", "Address"),
    ("role", "Role in the event"),
    ("event_id", "Event id"),
    ("event_date", "Event date"),
    ("event_date_approximate", "Date approximate"),
    ("event_time", "Event time"),
    ("event_type", "Event type"),
    ("event_type_inferred", "Event type inferred from the summary"),
    ("summary", "Summary"),
    ("action", "Action"),
    ("outcome", "Outcome"),
    ("practitioner", "Practitioner"),
    ("team", "Team"),
    ("date_of_death", "Date of death"),
    ("updated_at", "Last changed in WholeStory"),
)


urls: list[URLPattern] = [
    path(
        # An agency's record id may contain "/" (PC/2024/1): the last part takes it whole.
        "people/<str:person>/records/<str:agency>/<path:record_id>",
        record_view,
        name="person-record",
    ),
]
