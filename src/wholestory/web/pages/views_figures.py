"""The partnership figures page: aggregates that identify no child.

What is counted, and how small numbers are suppressed, is the core's
(:mod:`wholestory.figures`); this page only shows it, to the roles that may see it.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache

from wholestory.figures import partnership_figures
from wholestory.web.pages.guard import audited, core_store, requires


@never_cache
@requires("aggregates")
def figures_view(request: HttpRequest) -> HttpResponse:
    """Partnership figures: aggregates that identify no child."""
    audited(request, "view", target="/figures")
    return render(request, "pages/work/figures.html", partnership_figures(core_store()))


urls: list[URLPattern] = [
    path("figures", figures_view, name="figures"),
]
