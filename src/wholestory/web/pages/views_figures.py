"""The partnership figures page, the board's home: the latest board pack (its link and its
charts) and the aggregates it draws on, none of which identifies a child.

What is counted, and how small numbers are suppressed, is the core's
(:mod:`wholestory.figures`, :mod:`wholestory.board.pack`); this page only shows it, to the
roles that may see it. The pack's charts are the SVG kept when it was built (no inline
style or script); wide tables sit in scrollable regions so the page reads at any width.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache

from wholestory.access import may
from wholestory.board.pack import latest
from wholestory.figures import partnership_figures
from wholestory.web.pages.guard import audited, core_store, requires, viewer_of


@never_cache
@requires("aggregates")
def figures_view(request: HttpRequest) -> HttpResponse:
    """Partnership figures and the latest board pack: aggregates that identify no child."""
    audited(request, "view", target="/figures")
    store = core_store()
    context = partnership_figures(store) | _latest_pack(request, store)
    return render(request, "pages/work/figures.html", context)


def _latest_pack(request: HttpRequest, store: Any) -> dict[str, Any]:
    """The latest pack's quarter, its link (for those who may open packs) and its charts."""
    kept = latest(store)
    may_open = may(viewer_of(request), "board_pack").allowed
    if kept is None:
        return {"pack": None, "charts": [], "may_open_pack": may_open}
    charts = [
        {"key": m["key"], "title": m["title"], "svg": mark_safe(m["svg"]),
         "reading": m["reading"]}
        for m in kept.contents.get("measures", []) if m.get("svg")
    ]  # fmt: skip
    return {
        "pack": kept,
        "charts": charts,
        "may_open_pack": may_open,
    }


urls: list[URLPattern] = [
    path("figures", figures_view, name="figures"),
]
