"""The flags dashboard: the children with flags an agency may see, those with no plan first.

An agency sees its own records' people and anyone in the household of a child it holds
records of (the access rules' two relationships); the page writes its audit entry, naming
the people shown, before it shows them.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache

from wholestory.chronology.display import show_date
from wholestory.chronology.stored import flagged_children, flags_up_to_age
from wholestory.chronology.vocabulary import agency_name
from wholestory.web.pages.guard import audited, core_store, requires, viewer_of
from wholestory.web.pages.presenting import Pages, other_params, page_number, severity_tag


@never_cache
@requires("flags_dashboard")
def flags_view(request: HttpRequest) -> HttpResponse:
    """Children with flags that the user's agency is involved with, those with no plan first."""
    viewer = viewer_of(request)
    up_to_age = flags_up_to_age()
    everyone = flagged_children(
        core_store(), agency=viewer.agency, open_plan_first=True, up_to_age=up_to_age
    )
    for child in everyone:
        child["born"] = show_date(child["date_of_birth"])
        child["died"] = show_date(child["date_of_death"])
        for f in child["flags"]:
            f["tag"] = severity_tag(str(f["severity"]))
            f["latest"] = show_date(f["last_date"])
    codes = sorted({(f["code"], f["title"]) for c in everyone for f in c["flags"]})
    code = request.GET.get("code", "").strip().upper()
    if code and code not in {c for c, _ in codes}:
        code = ""
    children = (
        [c for c in everyone if any(f["code"] == code for f in c["flags"])] if code else everyone
    )
    pages = Pages(page_number(request), len(children), len(children), other_params(request))
    shown = children[pages.offset : pages.offset + pages.size]
    audited(
        request,
        "view",
        target="/flags",
        viewer=viewer,
        detail={"code": code, "page": pages.number, "people": [c["person"] for c in shown]},
    )
    return render(
        request,
        "pages/work/flags.html",
        {
            "children": shown,
            "pages": pages,
            "codes": codes,
            "code": code,
            "no_plan": sum(1 for c in children if not c["open_plan"]),
            "agency": agency_name(viewer.agency),
            "up_to_age": up_to_age,
        },
    )


urls: list[URLPattern] = [
    path("flags", flags_view, name="flags"),
]
