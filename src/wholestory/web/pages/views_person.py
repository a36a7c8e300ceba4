"""A person's chronology page: who, why you can see it, the analysis, the picture, the entries.

Every page about one person goes through :mod:`wholestory.web.pages.guard`:
the access rules decide, the audit entry is committed, and only then is
anything about the person read for the page. The chronology page reads the
*stored* chronology (built in the nightly or after-feed pass) and keeps what
it derives from it (the timeline picture, the table rows) in a small cache
keyed by when it was built (:mod:`wholestory.web.pages.stories`), so a child
with 2,000 entries is served quickly; a person with no stored chronology has
theirs built on the spot.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import URLPattern, path
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache

from wholestory.access import LEAD, Decision, may_record_dash, may_record_need
from wholestory.chronology.display import parse_iso, period_end, show_date
from wholestory.engagement import words as needs_words
from wholestory.store import Store
from wholestory.web.pages.guard import core_store, person_page, viewer_of
from wholestory.web.pages.lead_presenting import lead_summary
from wholestory.web.pages.needs_presenting import family_and_engagement
from wholestory.web.pages.person_presenting import (
    death,
    flags,
    household,
    options,
    summary,
    who_is,
)
from wholestory.web.pages.presenting import Pages, anchored_links, page_holding, when
from wholestory.web.pages.stories import CACHE_SIZE, Loaded, load, person_url

#: Entries on one page of the chronology table.
PAGE_SIZE: Final = 100


@dataclass(frozen=True, slots=True)
class Filters:
    """What the entries table is narrowed to (a GET form, so a filtered view can be shared)."""

    agency: str = ""
    category: str = ""
    date_from: str = ""  # as typed: 2014, 2014-03 or 2014-03-09
    date_to: str = ""
    flag: str = ""
    household: bool = True
    lo: str = ""  # the first day the dates allow, ISO
    hi: str = ""  # the last day, ISO (the end of a year or month given without a day)

    @classmethod
    def of(cls, request: HttpRequest) -> Filters:
        get = request.GET
        date_from, date_to = get.get("from", "").strip(), get.get("to", "").strip()
        first, last = parse_iso(date_from), period_end(date_to) if parse_iso(date_to) else None
        return cls(
            agency=get.get("agency", "").strip().upper(),
            category=get.get("category", "").strip(),
            date_from=date_from if first else "",
            date_to=date_to if last else "",
            flag=get.get("flag", "").strip(),
            household=get.get("household", "show") != "hide",
            lo=first.isoformat() if first else "",
            hi=last.isoformat() if last else "",
        )

    def active(self) -> bool:
        return self != Filters()

    def params(self) -> dict[str, str]:
        out = {
            "agency": self.agency,
            "category": self.category,
            "from": self.date_from,
            "to": self.date_to,
            "flag": self.flag,
            "household": "" if self.household else "hide",
        }
        return {k: v for k, v in out.items() if v}

    def keep(self, row: dict[str, Any], flagged: set[str] | None) -> bool:
        if not self.household and row["household"]:
            return False
        if self.agency and self.agency not in row["agencies"]:
            return False
        if self.category and row["category"] != self.category:
            return False
        if self.lo and row["day"] < self.lo:
            return False
        if self.hi and row["day"] > self.hi:
            return False
        return flagged is None or row["id"] in flagged


@never_cache
@person_page("view")
def person_view(request: HttpRequest, person: str, decision: Decision) -> HttpResponse:
    """The whole story: who, why you can see it, the analysis, the picture, then the entries."""
    store = core_store()
    loaded = load(store, person, viewer_of(request))
    if loaded is None:
        return render(request, "pages/people/missing.html", status=404)
    data = loaded.data
    viewer = viewer_of(request)
    who = who_is(data)
    family, engagement = family_and_engagement(store, viewer, person, who["name"], loaded)
    context = {
        "person": person,
        "person_url": person_url(person),
        "who": who,
        # Read on every view, not kept with the story: a need recorded now shows now.
        "family": family,
        "engagement": engagement,
        "needs_words": needs_words,
        "lead": lead_summary(store, viewer, person),
        "may_record_need": may_record_need(viewer).allowed,
        "may_record_dash": may_record_dash(viewer).allowed,
        "reason": decision.reason,
        "basis": decision.basis,
        # A lead whose agency holds this person's records (the access log's own rule).
        "can_see_log": viewer.role == LEAD and decision.basis == "relationship",
        "as_of": show_date(data.get("as_of", "")),
        "death": death(data),
        "involvement": _involvement(store, person),
        "story": mark_safe(  # rendered by our own autoescaped template
            loaded.story(request.GET.urlencode(), lambda: _story(request, person, loaded))
        ),
    }
    return render(request, "pages/people/person.html", context)


#: Each person's involvement lines, by (store, person, records version): recent people only.
_involved: OrderedDict[tuple[Any, ...], list[dict[str, Any]]] = OrderedDict()
_involved_lock = threading.Lock()


def _involvement(store: Store, person: str) -> list[dict[str, Any]]:
    """When and how each agency's first record of the person arrived. Kept per records
    version (:func:`wholestory.arrival.records_version`), not with the stored chronology,
    so a lead's confirmation or a new import shows at once."""
    from wholestory.arrival import involvement, records_version

    key = (str(store.url), person, *records_version(store))
    with _involved_lock:
        found: list[dict[str, Any]] | None = _involved.get(key)
    if found is None:
        found = [
            {
                "when": when(i.at),
                "words": i.words(),
                "waiting": i.waiting,
            }
            for i in involvement(store, person)
        ]
        with _involved_lock:
            _involved[key] = found
            while len(_involved) > CACHE_SIZE:
                _involved.popitem(last=False)
    return found


def _story(request: HttpRequest, person: str, loaded: Loaded) -> str:
    """The flags, summary, picture and the entries asked for: the same for every viewer."""
    data = loaded.data
    filters = Filters.of(request)
    flag_codes = {f["code"]: f for f in data.get("flags", [])}
    flagged = (
        set(flag_codes[filters.flag].get("entries", []))
        if filters.flag in flag_codes
        else (set() if filters.flag else None)
    )
    rows = [r for r in loaded.rows if filters.keep(r, flagged)]
    pages = Pages(
        page_holding(request, [r["id"] for r in rows], PAGE_SIZE),
        0,
        len(rows),
        # Only the filters go from page to page (not ``entry``, which would pick the page).
        urlencode(filters.params()) + "&" if filters.params() else "",
        size=PAGE_SIZE,
    )
    shown = rows[pages.offset : pages.offset + PAGE_SIZE]
    svg, axis = loaded.timeline()
    story = {
        "person": person,
        "person_url": person_url(person),
        "flags": flags(person, data),
        "summary": summary(data),
        "household": household(data),
        "timeline": mark_safe(svg),  # built by timeline_svg, which escapes its text
        "axis": axis,
        "filters": filters,
        "options": options(data),
        "rows": shown,
        "total": len(loaded.rows),
        "matching": len(rows),
        "page": pages.number,
        "pages": anchored_links(pages, "entries"),
        "first_number": pages.first_shown,
        "last_number": pages.last_shown,
    }
    return render_to_string("pages/people/_story.html", story)


urls: list[URLPattern] = [
    path("people/<str:person>", person_view, name="person"),
]
