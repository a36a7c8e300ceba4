"""A user's alerts (issue 14): the list, unread first, and each alert with the history it
brings, as the person page would show it to them.

An alert is read only by a user it was sent to who may still see the child
(``access.may_read_alert``); any other number is refused in the same words, audited.
Opening one is audited as a view of the child before anything is shown, and marks it read.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.cache import never_cache

from wholestory.access import Viewer, deny, may_read_alert, may_see_person
from wholestory.access_facts import facts_about
from wholestory.alerts.digest import Digest, digest
from wholestory.alerts.reading import Received, alerts_for, mark_read, received
from wholestory.alerts.words import RULE_TITLES, WHY, about
from wholestory.audit.actions import Action
from wholestory.chronology.display import parse_iso, show_date
from wholestory.identity.people import names_of
from wholestory.web.pages import guard
from wholestory.web.pages.needs_presenting import family_and_engagement
from wholestory.web.pages.presenting import Pages, other_params, page_number, severity_tag, when
from wholestory.web.pages.stories import load, person_url, record_url

TEMPLATES = "pages/alerts/"
LIST_SIZE = 25
#: Whom an alert that was not sent to the viewer is about, as far as they are concerned.
NOBODY = deny("")


@never_cache
@guard.requires("alerts")
def alerts_view(request: HttpRequest) -> HttpResponse:
    """The user's alerts, unread first, newest first; the look is audited first."""
    viewer, store = guard.viewer_of(request), guard.core_store()
    asked = page_number(request)
    found, total = alerts_for(store, viewer.username, (asked - 1) * LIST_SIZE, LIST_SIZE)
    pages = Pages(asked, total, total, other_params(request), size=LIST_SIZE)
    if pages.number != asked:
        found, _ = alerts_for(store, viewer.username, pages.offset, LIST_SIZE)
    now = timezone.now()  # access can end after an alert is sent: such an alert is left out
    found = [a for a in found if may_see_person(viewer, facts_about(store, a.person), now).allowed]
    people = sorted({a.person for a in found})
    guard.audited(request, Action.ALERTS_READ, viewer=viewer,
                  detail={"page": pages.number, "people": people})  # fmt: skip
    names = names_of(store, people)
    rows = [_row(a, names.get(a.person) or a.person) for a in found]
    return render(request, TEMPLATES + "list.html", {"alerts": rows, "pages": pages})


def _row(a: Received, name: str) -> dict[str, Any]:
    return {
        "url": f"/alerts/{a.id}",
        "title": RULE_TITLES.get(a.rule, a.rule),
        "name": name,
        "what": about(a.agency, a.code),
        "when": when(str(a.raised_at)),
        "unread": a.unread,
    }


@never_cache
@guard.requires("alerts")
def alert_view(request: HttpRequest, alert: int) -> HttpResponse:
    """One alert: why it came, the child's history in brief, the family's needs, and the way
    to the whole chronology. Audited as a view of the child; marks the alert read."""
    viewer, store = guard.viewer_of(request), guard.core_store()
    found = received(store, viewer.username, alert)
    person = found.person if found else ""
    sees = may_see_person(viewer, facts_about(store, person), timezone.now()) if found else NOBODY
    decision = may_read_alert(found is not None, sees)
    guard.insist(decision)
    assert found is not None  # insist refused otherwise
    guard.audited(request, Action.VIEW, person=person, reason=decision.reason, viewer=viewer,
                  detail={"alert": alert, "rule": found.rule, "basis": decision.basis,
                          "sharing": guard.sharing_of_look(person, viewer)})  # fmt: skip
    mark_read(store, viewer.username, alert, timezone.now())
    return render(request, TEMPLATES + "alert.html", _context(store, viewer, found))


def _context(store: Any, viewer: Viewer, a: Received) -> dict[str, Any]:
    loaded = load(store, a.person, viewer)
    data = loaded.data if loaded else {}
    names = names_of(store, [a.person])
    name = names.get(a.person) or a.person
    as_of = parse_iso(str(data.get("as_of", ""))) or timezone.localdate()
    family, _ = family_and_engagement(store, viewer, a.person, name, loaded) if loaded else ([], {})
    agency, _, record_id = a.record.partition(":")
    return {
        "alert": _row(a, name),
        "why": WHY.get(a.why, ""),
        "person_url": person_url(a.person),
        "record_url": record_url(a.person, agency, record_id) if record_id else "",
        "brief": _shown(digest(data, as_of)),
        "as_of": show_date(as_of.isoformat()),
        "family": family,
    }


def _shown(brief: Digest) -> Digest:
    """The brief as pages show it: dates in words, each flag with its severity's colour."""
    flags = [{**f, "tag": severity_tag(f["severity"])} for f in brief.flags]
    recent = [{**e, "date": show_date(e["date"])} for e in brief.recent]
    return replace(brief, flags=flags, recent=recent)


urls: list[URLPattern] = [
    path("alerts", alerts_view, name="alerts"),
    path("alerts/<int:alert>", alert_view, name="alert"),
]
