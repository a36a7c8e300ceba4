"""The THRIVE population page (issue 16, item 4): how many children are in each grouping,
by district, age and sex; how groupings changed; who waits for CAMHS; unmet need.

Aggregate only, for the capability ``thrive_population`` (leads, quality assurance, the
board, the business unit): no child is named, and every figure is the core's, small
numbers already hidden (:mod:`wholestory.thrive.population`). The look is audited before
anything is read. The flows are drawn as inline SVG, with a table under each chart.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache

from wholestory.audit.actions import Action
from wholestory.thrive import population_words as words
from wholestory.thrive.population import summary
from wholestory.thrive.population_flows import flows
from wholestory.thrive.population_svg import flows_svg
from wholestory.web.pages import guard

CAPABILITY = "thrive_population"


@never_cache
@guard.requires(CAPABILITY)
def population_view(request: HttpRequest) -> HttpResponse:
    """Every breakdown, the flows, waiting and unmet need, as of today or ``?as_of=``."""
    as_of = _as_of(request.GET.get("as_of", ""))
    guard.audited(request, Action.VIEW, target="/thrive/population",
                  detail={"as_of": as_of.isoformat()})  # fmt: skip
    store = guard.core_store()
    shown = summary(store, as_of)
    moved = flows(store, as_of)
    return render(request, "pages/thrive/population.html", {
        "words": words, "shown": shown, "as_of": as_of,
        "tables": list(shown["breakdowns"].values()),
        "flows_svg": mark_safe(flows_svg(moved)),
        "steps": shown["flows"]["steps"],
    })  # fmt: skip


def _as_of(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return dt.date.today()


urls: list[URLPattern] = [
    path("thrive/population", population_view, name="thrive-population"),
]
