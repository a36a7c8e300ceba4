"""Pages about people: search, the chronology, downloads, break glass, who has looked.

Every page about one person goes through :mod:`wholestory.web.pages.guard`:
the access rules decide, the audit entry is committed, and only then is
anything about the person read for the page. The chronology page reads the
*stored* chronology (built in the nightly or after-feed pass) and keeps what
it derives from it (the timeline picture, the table rows) in a small cache
keyed by when it was built, so a child with 2,000 entries is served quickly;
a person with no stored chronology has theirs built on the spot.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import quote, unquote, urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from wholestory import audit
from wholestory.access import (
    BREAK_GLASS_HOURS,
    LEAD,
    ROLES,
    Decision,
    Viewer,
    deny,
    facts_about,
    may,
)
from wholestory.chronology.display import (
    age_on,
    parse_iso,
    period_end,
    show_date,
)
from wholestory.chronology.material import resolve_person
from wholestory.chronology.model import (
    age_words,
    death_words,
)
from wholestory.chronology.rules import SEVERITY_ORDER
from wholestory.chronology.vocabulary import agency_name
from wholestory.reasons import GROUNDS, MIN_WORDS, ReasonError, check_reason
from wholestory.search import (
    GLASS_LIMIT,
    Found,
    Query,
    QueryError,
    break_glass_search,
    clean,
    search,
    visible_to,
)
from wholestory.sharing import FULL, RESTRICTED
from wholestory.sharing.decide import RESTRICTED_WORDS
from wholestory.sharing.words import levels_words
from wholestory.store import Store
from wholestory.template import KNOWN_AGENCIES
from wholestory.web.pages.guard import (
    audited,
    check_person,
    core_store,
    denied,
    person_page,
    requires,
    viewer_of,
)
from wholestory.web.pages.limits import over_limit
from wholestory.web.pages.presenting import severity_tag, when
from wholestory.web.pages.stories import CACHE_SIZE, Loaded, load, person_url, record_url

#: Entries on one page of the chronology table.
PAGE_SIZE: Final = 100

ACTION_WORDS: Final = {
    "view": "Viewed",
    "download": "Downloaded",
    "search": "Searched",
    "break_glass": "Broke glass",
    "denied": "Was refused",
    "audit_view": "Looked at who has looked",
    "decision": "Decided",
    "export": "Exported",
    "grant": "Was granted access",
    "approve": "Approved access",
    "refuse": "Refused access",
}


# ---------------------------------------------------------------- search


class SearchForm(forms.Form):
    given_name = forms.CharField(label="Given name", required=False, max_length=100)
    family_name = forms.CharField(label="Family name", required=False, max_length=100)
    date_of_birth = forms.CharField(label="Date of birth", required=False, max_length=20)
    nhs_number = forms.CharField(label="NHS number", required=False, max_length=20)
    agency = forms.ChoiceField(
        label="Agency",
        required=False,
        choices=[("", "Any agency"), *sorted(KNOWN_AGENCIES.items(), key=lambda a: a[1])],
    )
    agency_id = forms.CharField(
        label="The agency's id for the person", required=False, max_length=60
    )

    def query(self) -> Query:
        data = self.cleaned_data
        return Query(**{k: str(data.get(k) or "") for k in Query.__dataclass_fields__})


class GlassReason(forms.Form):
    """Why someone breaks glass: a ground from the list and their own words
    (:func:`wholestory.reasons.check_reason`); ``cleaned_data["reason"]`` is what is recorded."""

    min_words = MIN_WORDS
    ground = forms.ChoiceField(
        label="Why", choices=list(GROUNDS.items()),
        error_messages={"required": "Choose why you need to do this.",
                        "invalid_choice": "Choose why you need to do this."},
    )  # fmt: skip
    reason = forms.CharField(
        label="What is happening", max_length=2000, widget=forms.Textarea,
        error_messages={"required": "Say in your own words what is happening."},
    )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "ground" in data and "reason" in data:
            try:
                data["reason"] = check_reason(str(data["ground"]), str(data["reason"]))
            except ReasonError as error:
                self.add_error("reason", str(error))
        return data


class BreakGlassSearchForm(GlassReason, SearchForm):
    pass


def _results(found: list[Any], visible: set[str] | None = None) -> list[dict[str, Any]]:
    rows = []
    for f in found:
        url = person_url(f.person)
        if visible is not None and f.person not in visible:
            url = person_url(f.person, "/break-glass")
        rows.append(
            {
                "url": url,
                "name": f.name or "Name not recorded",
                "born": show_date(f.date_of_birth),
                "child": f.is_child,
                "id": f.person,
                "glass": visible is not None and f.person not in visible,
            }
        )
    return rows


def _typed(request_data: Any) -> dict[str, str]:
    """The search terms as typed, for the audit entry of a refused search (each cut short)."""
    fields = [k for k in SearchForm.base_fields if k != "reason"]
    return {k: str(request_data.get(k, ""))[:200] for k in fields if request_data.get(k)}


def _refused_search(
    request: HttpRequest,
    action: str,
    why: str,
    terms: dict[str, str],
    reason: str = "",
    status: int = 200,
    page: str = "",
    context: dict[str, Any] | None = None,
    show: bool = True,
) -> HttpResponse:
    """Audit a search that was not run (its terms, and why), then say why on ``page``
    (or, with ``show`` off, let the form say what is wrong with each field)."""
    audited(
        request,
        action,
        reason=reason,
        outcome="refused",
        detail={"kind": "search", "query": terms, "refused": why},
        viewer=viewer_of(request),
    )
    if status == 429:
        return render(request, "pages/limited.html", status=429)
    return render(request, page, {**(context or {}), "error": why if show else ""}, status=status)


@never_cache
@requires("search")
def search_view(request: HttpRequest) -> HttpResponse:
    """Find people the user may see. A miss and a person seen only elsewhere look the same.

    Every search asked is audited: one that runs with what it found, one that is
    refused (too many searches, terms that cannot be used, too broad) with why.
    """
    asked = any(request.GET.get(k) for k in SearchForm.base_fields)
    form = SearchForm(request.GET if asked else None)
    page = "pages/people/search.html"
    context: dict[str, Any] = {"form": form, "asked": False, "results": [], "error": ""}
    if not asked:
        return render(request, page, context)
    if over_limit(request, "search"):
        return _refused_search(
            request, "search", "too many searches", _typed(request.GET), status=429
        )
    if not form.is_valid():
        return _refused_search(
            request, "search", "the form was not valid", _typed(request.GET), page=page,
            context=context, show=False,
        )  # fmt: skip
    viewer = viewer_of(request)
    try:
        query = clean(form.query())
        found = search(core_store(), viewer, query, timezone.now())
    except QueryError as error:
        return _refused_search(
            request, "search", str(error), _typed(request.GET), page=page, context=context
        )
    audited(
        request,
        "search",
        detail={"query": query.as_detail(), "count": len(found)},
        viewer=viewer,
    )
    context.update(asked=True, results=_results(found))
    return render(request, page, context)


@never_cache
@requires("break_glass")
@require_http_methods(["GET", "POST"])
def break_glass_search_view(request: HttpRequest) -> HttpResponse:
    """Search everyone, having said why: audited as a break-glass, results open only by
    breaking glass on each person. A break-glass search that is refused is audited too."""
    form = BreakGlassSearchForm(request.POST or None)
    page = "pages/people/search_break_glass.html"
    context: dict[str, Any] = {
        "form": form, "asked": False, "results": [], "error": "", "cap": GLASS_LIMIT
    }  # fmt: skip
    if request.method != "POST":
        return render(request, page, context)
    terms, said = _typed(request.POST), " ".join(str(request.POST.get("reason", "")).split())
    if over_limit(request, "search"):
        return _refused_search(request, "break_glass", "too many searches", terms, said, 429)
    if not form.is_valid():
        return _refused_search(
            request, "break_glass", "the form was not valid", terms, said[:2000], page=page,
            context=context, show=False,
        )  # fmt: skip
    viewer = viewer_of(request)
    now = timezone.now()
    reason = form.cleaned_data["reason"]
    try:
        query = clean(form.query())
        found = break_glass_search(core_store(), query)
    except QueryError as error:
        return _refused_search(
            request, "break_glass", str(error), terms, reason, page=page, context=context
        )
    shown = [f.person for f in found]
    audited(
        request,
        "break_glass",
        reason=reason,
        detail={"kind": "search", "query": query.as_detail(), "count": len(found), "shown": shown},
        viewer=viewer,
    )
    visible = {f.person for f in visible_to(core_store(), viewer, found, now)}
    _tell_leads_of_search(viewer, [f for f in found if f.person not in visible], reason)
    context.update(asked=True, results=_results(found, visible))
    return render(request, page, context)


def _who_asked(viewer: Viewer) -> str:
    """The worker as the leads' notices name them: username, role and agency."""
    return (
        f"{viewer.username} ({ROLES.get(viewer.role, viewer.role)}, {agency_name(viewer.agency)})"
    )


def _tell_leads_of_search(viewer: Viewer, shown: list[Found], reason: str) -> None:
    """Tell the leads of every agency holding records of each person a break-glass search
    showed (people the searcher could not otherwise see): the names were seen, even if no
    page is opened."""
    from wholestory.web.accounts.models import Notification

    store = core_store()
    notes = [
        Notification(
            agency=agency,
            person=f.person,
            message=f"{_who_asked(viewer)} searched everyone (break glass) and was shown "
            f"{f.name or 'a person'} ({f.person}) with their date of birth. "
            f"Reason given: {reason}",
        )
        for f in shown
        for agency in sorted(facts_about(store, f.person).agencies)
    ]
    Notification.objects.bulk_create(notes)


# ---------------------------------------------------------------- the person's chronology


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
    context = {
        "person": person,
        "person_url": person_url(person),
        "who": _who_is(data),
        "reason": decision.reason,
        "basis": decision.basis,
        # A lead whose agency holds this person's records (the access log's own rule).
        "can_see_log": viewer.role == LEAD and decision.basis == "relationship",
        "as_of": show_date(data.get("as_of", "")),
        "death": _death(data),
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
    page = _page_number(request, rows)
    pages = max((len(rows) + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    page = min(page, pages)
    shown = rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    svg, axis = loaded.timeline()
    story = {
        "person": person,
        "person_url": person_url(person),
        "flags": _flags(person, data),
        "summary": _summary(data),
        "household": _household(data),
        "timeline": mark_safe(svg),  # built by timeline_svg, which escapes its text
        "axis": axis,
        "filters": filters,
        "options": _options(data),
        "rows": shown,
        "total": len(loaded.rows),
        "matching": len(rows),
        "page": page,
        "pages": _pagination(request, filters, page, pages),
        "first_number": (page - 1) * PAGE_SIZE + 1 if shown else 0,
        "last_number": (page - 1) * PAGE_SIZE + len(shown),
    }
    return render_to_string("pages/people/_story.html", story)


def _page_number(request: HttpRequest, rows: list[dict[str, Any]]) -> int:
    """The page asked for; with ``entry``, the page that holds that entry."""
    wanted = request.GET.get("entry", "")
    if wanted:
        for index, row in enumerate(rows):
            if row["id"] == wanted:
                return index // PAGE_SIZE + 1
    try:
        return max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        return 1


def _pagination(request: HttpRequest, filters: Filters, page: int, pages: int) -> dict[str, Any]:
    def link(n: int) -> str:
        return "?" + urlencode({**filters.params(), "page": str(n)}) + "#entries"

    return {
        "count": pages,
        "previous": link(page - 1) if page > 1 else "",
        "next": link(page + 1) if page < pages else "",
        "items": [
            {"number": n, "url": link(n), "current": n == page}
            for n in range(1, pages + 1)
            if pages <= 9 or n in (1, pages) or abs(n - page) <= 2
        ],
    }


def _who_is(data: dict[str, Any]) -> dict[str, Any]:
    p = data.get("person", {})
    names = p.get("names") or []
    name = names[0] if names else "Name not recorded"
    birth = p.get("date_of_birth") or ""
    as_of = parse_iso(data.get("as_of", ""))
    age = ""
    if len(birth) == 10 and as_of and (day := parse_iso(birth)):
        age = f"{age_on(day, as_of)} on {show_date(as_of)}"
        if p.get("date_of_death") == data.get("as_of"):
            age = f"{age_on(day, as_of)} when they died"
    agencies = dict.fromkeys(r["agency"] for r in p.get("source_records", []))
    return {
        "name": name[:1].upper() + name[1:],
        "other_names": [n for n in dict.fromkeys(names[1:]) if n.casefold() != name.casefold()],
        "born": show_date(birth),
        "other_births": [show_date(d) for d in p.get("dates_of_birth", []) if d != birth],
        "age": age,
        "sex": {"F": "Female", "M": "Male"}.get(p.get("sex", ""), p.get("sex", "")),
        "agencies": [agency_name(a) for a in agencies],
        "id": p.get("id", ""),
    }


def _death(data: dict[str, Any]) -> str:
    """ "Ava Stone died on 3 March 2024; this chronology is as of that date.", or ""."""
    p = data.get("person", {})
    died, as_of = p.get("date_of_death"), data.get("as_of", "")
    if not died or died != as_of:
        return ""
    names = p.get("names") or []
    return death_words(names[0] if names else "", dt.date.fromisoformat(died))


def _flags(person: str, data: dict[str, Any]) -> list[dict[str, Any]]:
    flags = sorted(
        data.get("flags", []),
        key=lambda f: (SEVERITY_ORDER.get(f["severity"], 3), f["first_date"], f["code"]),
    )
    return [
        {
            "code": f["code"],
            "title": f["title"],
            "severity": f["severity"],
            "tag": severity_tag(f["severity"]),
            "dates": _span(f["first_date"], f["last_date"]),
            "ages": age_words(f.get("age_first"), f.get("age_last")),
            "explanation": f.get("explanation", ""),
            "grounding": f.get("grounding", ""),
            "entries_url": "?" + urlencode({"flag": f["code"]}) + "#entries",
            "entry_count": len(f.get("entries", [])),
            "evidence": [
                {
                    "label": f"{agency_name(e['agency'])} {e['record_id']}",
                    "url": record_url(person, e["agency"], e["record_id"]),
                }
                for e in f.get("evidence", [])
            ],
            "hidden_evidence": int(f.get("hidden_evidence", 0)),
        }
        for f in flags
    ]


def _span(first: str, last: str | None) -> str:
    a = show_date(first)
    b = show_date(last) if last else "now (open)"
    return a if a == b else f"{a} to {b}"


def _summary(data: dict[str, Any]) -> dict[str, Any]:
    s = data.get("summary", {})
    counts = s.get("counts", {})
    return {
        "counts": counts,
        "involvement": [
            {**r, "span": _span(r["first"], r["last"]), "years": ", ".join(r.get("years", []))}
            for r in s.get("involvement", [])
        ],
        "plans": [
            {**p, "span": _span(p["start"], p.get("end")), "agency_name": agency_name(p["agency"])}
            for p in s.get("plans", [])
        ],
        "aces": [
            {**a, "first_shown": show_date(a["first"]), "count": len(a.get("entries", []))}
            for a in s.get("aces", [])
        ],
        "moves": [{**m, "shown": show_date(m["date"])} for m in s.get("moves", [])],
        "silences": [{**m, "span": _span(m["start"], m["end"])} for m in s.get("silences", [])],
        "start_again": [
            {
                **m,
                "shown": show_date(m["date"]),
                "agency_name": agency_name(m["agency"]),
                "earlier_names": ", ".join(agency_name(a) for a in m.get("earlier_agencies", [])),
                "earlier_count": len(m.get("earlier", [])),
            }
            for m in s.get("start_again", [])
        ],
    }


def _household(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "name": m.get("name") or "Name not recorded",
            "relation": str(m.get("relation") or "household member").replace("_", " "),
            "url": person_url(str(m["person"])) if m.get("person") else "",
            "span": _span(m["first"], m.get("last")) if m.get("first") else "",
        }
        for m in data.get("household", [])
    ]


def _options(data: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    agencies: dict[str, None] = {}
    categories: dict[str, None] = {}
    for e in data.get("entries", []):
        for a in e.get("agencies") or [e["agency"]]:
            agencies.setdefault(a, None)
        categories.setdefault(e.get("category", ""), None)
    return {
        "agencies": sorted(((a, agency_name(a)) for a in agencies), key=lambda a: a[1]),
        "categories": sorted((c, c[:1].upper() + c[1:]) for c in categories if c),
        "flags": [(f["code"], f["title"]) for f in data.get("flags", [])],
    }


@never_cache  # where it leads says who the agency's id is
def by_agency_view(request: HttpRequest, agency: str, person_id: str) -> HttpResponse:
    """``/people/AGENCY/PERSON_ID``: to the person's page (refused there, like any other)."""
    if not request.user.is_authenticated:
        return redirect(f"/login?next={quote(request.path)}")
    key = f"{agency.upper()}:{person_id}"
    found = resolve_person(core_store(), agency, person_id)
    if found and found != key:
        # Only say which WholeStory id it is to someone who may see them.
        _, _, decision = check_person(request, found)
        if not decision.allowed:
            found = key
    return redirect(person_url(found or key))


@never_cache
@person_page("view")
def record_view(
    request: HttpRequest, person: str, decision: Decision, agency: str, record_id: str
) -> HttpResponse:
    """The agency's record behind an entry, as they wrote it (only a record of this chronology)."""
    store = core_store()
    loaded = load(store, person, viewer_of(request))
    if loaded is None or (agency, record_id) not in loaded.records:
        return _not_in_chronology(request)
    columns = [c for c, _ in RECORD_FIELDS]
    rows = store.query(
        f"SELECT {', '.join(columns)} FROM ws_record WHERE agency = ? AND record_id = ?",
        [agency, record_id],
    )
    if not rows:
        return _not_in_chronology(request)
    values = _as_shared(dict(zip(columns, rows[0], strict=True)), loaded.records[agency, record_id])
    shown = [
        {"label": label, "value": _shown(values[column])}
        for column, label in RECORD_FIELDS
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
            "who": _who_is(loaded.data),
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


def _not_in_chronology(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/people/missing.html", {"record": True}, status=404)


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return when(value) if timezone.is_aware(value) else str(value)
    return str(value)


#: The columns of an agency's record shown on its page, in the template's words.
RECORD_FIELDS: Final = (
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


@never_cache
@person_page("download")
def pdf_view(request: HttpRequest, person: str, decision: Decision) -> HttpResponse:
    """The chronology report as a PDF (A4 landscape, marked OFFICIAL-SENSITIVE)."""
    from wholestory.chronology.render import to_pdf

    loaded = load(core_store(), person, viewer_of(request))  # the same chronology the page shows
    if loaded is None:
        return _not_in_chronology(request)
    chronology = loaded.chronology()
    response = HttpResponse(
        to_pdf(chronology, sharing=loaded.sharing_words()), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="chronology-{_file(person)}.pdf"'
    return response


@never_cache
@person_page("download")
def csv_view(request: HttpRequest, person: str, decision: Decision) -> HttpResponse:
    """The chronology's entries as CSV, every cell made safe for a spreadsheet."""
    from wholestory.chronology.render import CSV_COLUMNS, to_csv_rows

    loaded = load(core_store(), person, viewer_of(request))
    if loaded is None:
        return _not_in_chronology(request)
    chronology = loaded.chronology()
    out = io.StringIO()
    out.write("\ufeff")  # a byte-order mark, so spreadsheets read accented names right
    writer = csv.writer(out)
    writer.writerow([*CSV_COLUMNS, "shared"])
    writer.writerows(to_csv_rows(chronology, loaded.sharing_words()))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="chronology-{_file(person)}.csv"'
    return response


def _file(person: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", person)


# ---------------------------------------------------------------- break glass


class BreakGlassForm(GlassReason):
    pass


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def break_glass_view(request: HttpRequest, person: str) -> HttpResponse:
    """State a reason, get 24 hours' access: audited, and the involved agencies' leads told."""
    from wholestory.web.accounts.models import AccessGrant, Notification

    viewer = viewer_of(request)
    allowed = may(viewer, "break_glass")
    if not allowed.allowed:
        return denied(request, allowed, person=person)
    _, facts, decision = check_person(request, person)
    if decision.allowed and decision.basis != "break_glass" and facts.agencies:
        return redirect(person_url(person))
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        now = timezone.now()
        ends = now + dt.timedelta(hours=BREAK_GLASS_HOURS)
        agencies = sorted(facts.agencies)
        audited(
            request,
            "break_glass",
            person=person,
            reason=reason,
            detail={"until": ends.isoformat(timespec="seconds"), "notified": agencies},
            viewer=viewer,
        )
        who = _who_asked(viewer)
        until = when(ends)
        name = core_store().scalar(
            "SELECT display_name FROM ws_chronology WHERE ws_person_id = ?", [person]
        )
        whose = f"{name} ({person})" if name else person
        # Access and the leads' notices go in together or not at all: nobody gets
        # break-glass access that the involved agencies' leads are not told of.
        with transaction.atomic():
            AccessGrant.objects.create(
                user_id=int(request.user.pk or 0),
                person=person,
                kind=AccessGrant.BREAK_GLASS,
                reason=reason,
                granted_by=viewer.username,
                starts_at=now,
                ends_at=ends,
            )
            Notification.objects.bulk_create(
                [
                    Notification(
                        agency=agency,
                        person=person,
                        message=f"{who} broke glass to see the records of {whose} until "
                        f"{until}. Reason given: {reason}",
                    )
                    for agency in agencies
                ]
            )
        return redirect(person_url(person))
    return render(
        request,
        "pages/people/break_glass.html",
        {"form": form, "person": person, "hours": BREAK_GLASS_HOURS},
    )


# ---------------------------------------------------------------- notifications and who looked


#: The words of a notice's link when it is about no one person, by where it leads.
_NOTICE_LINKS: Final = {"/approvals": "Approvals"}


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def notifications_view(request: HttpRequest) -> HttpResponse:
    """A safeguarding lead's messages for their agency, newest first; they can mark them read."""
    from wholestory.web.accounts.models import Notification

    viewer = viewer_of(request)
    if viewer.role != LEAD:
        return denied(request, deny(f"{ROLES.get(viewer.role, 'User')}s do not get notifications."))
    mine = Notification.objects.filter(agency=viewer.agency)
    if request.method == "POST":
        chosen = mine if request.POST.get("all") else mine.filter(pk__in=_ids(request))
        for note in chosen:
            readers = note.read_by.split()
            if viewer.username not in readers:
                note.read_by = " ".join([*readers, viewer.username])
                note.save(update_fields=["read_by"])
        return redirect("/notifications")
    audited(request, "view", target="/notifications", viewer=viewer)
    notes = [
        {
            "id": n.pk,
            "message": n.message,
            "when": when(n.created_at),
            # A notice about an upload to confirm names no one person: it leads to the uploads.
            "url": person_url(n.person) if n.person else n.url or "/uploads",
            "link": "Open the chronology"
            if n.person
            else _NOTICE_LINKS.get(n.url, "Uploads to confirm"),
            "read": viewer.username in n.read_by.split(),
        }
        for n in mine.order_by("-created_at", "-pk")[:200]
    ]
    return render(
        request,
        "pages/people/notifications.html",
        {"notes": notes, "unread": sum(not n["read"] for n in notes)},
    )


def _ids(request: HttpRequest) -> list[int]:
    return [int(i) for i in request.POST.getlist("id") if i.isdigit()]


@never_cache
@login_required
def access_log_view(request: HttpRequest, person: str) -> HttpResponse:
    """Who has looked at this person: for the leads of agencies holding their records."""
    viewer = viewer_of(request)
    capability = may(viewer, "who_looked")
    if not capability.allowed:
        return denied(request, capability, person=person)
    facts = facts_about(core_store(), person)
    if viewer.agency not in facts.agencies or viewer.agency in facts.unconfirmed:
        refusal = deny(
            "Only the safeguarding leads of agencies holding this person's records see who "
            "has looked at them."
        )
        return denied(request, refusal, person=person)
    audited(request, "audit_view", person=person, reason=capability.reason, viewer=viewer)
    entries = audit.entries(core_store(), person=person, limit=500)
    rows = [
        {
            "who": e.actor,
            "role": ROLES.get(e.role, e.role),
            "agency": agency_name(e.agency) if e.agency else "",
            "when": when(e.at, seconds=True),
            "what": ACTION_WORDS.get(e.action, e.action.replace("_", " ").capitalize()),
            "target": e.target,
            "why": e.reason,
            "refused": e.outcome != "allowed",
            "saw": levels_words(json.loads(e.detail or "{}").get("sharing", {}).get("levels", {})),
        }
        for e in entries
    ]
    loaded = load(core_store(), person, viewer_of(request))
    return render(
        request,
        "pages/people/access_log.html",
        {
            "rows": rows,
            "person_url": person_url(person),
            "who": _who_is(loaded.data) if loaded else {"name": person},
        },
    )


urls: list[URLPattern] = [
    path("search", search_view, name="search"),
    path("search/break-glass", break_glass_search_view, name="search-break-glass"),
    path("notifications", notifications_view, name="notifications"),
    path("people/<str:person>", person_view, name="person"),
    path("people/<str:person>/chronology.pdf", pdf_view, name="person-pdf"),
    path("people/<str:person>/chronology.csv", csv_view, name="person-csv"),
    path("people/<str:person>/break-glass", break_glass_view, name="person-break-glass"),
    path("people/<str:person>/access-log", access_log_view, name="person-access-log"),
    path(
        # An agency's record id may contain "/" (PC/2024/1): the last part takes it whole.
        "people/<str:person>/records/<str:agency>/<path:record_id>",
        record_view,
        name="person-record",
    ),
    path("people/<str:agency>/<str:person_id>", by_agency_view, name="person-by-agency"),
]
