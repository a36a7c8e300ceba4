"""The yearly report's pages (issue 17): the years, starting a draft, reading the latest
version, editing it (each save a new version) and the versions listed.

For the capability ``yearly_report`` (the board and the business unit). The draft and each
edit are audited by the core in the transaction that keeps them; every look is audited
here before anything is read. The Markdown is rendered by the core with raw HTML off.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache

from wholestory.audit.actions import Action
from wholestory.board import yearly_words as words
from wholestory.board.yearly_report import (
    ReportError,
    ReportYear,
    draft,
    html,
    save,
    version,
    versions,
    years,
)
from wholestory.web.pages import guard

CAPABILITY = "yearly_report"


@never_cache
@guard.requires(CAPABILITY)
def years_view(request: HttpRequest) -> HttpResponse:
    """The years with a report, and a form to start the draft for a year."""
    form = guard.submitted(request)
    if form is None:
        guard.audited(request, Action.YEARLY_REPORT, target="/board/yearly-report",
                      detail={"look": "list"})  # fmt: skip
        return _years_page(request, "", "")
    asked = form.get("year", "")
    try:
        year = ReportYear.parse(asked)
    except ReportError as error:
        guard.audited(request, Action.YEARLY_REPORT, target="/board/yearly-report",
                      detail={"look": "list"})  # fmt: skip
        return _years_page(request, str(error), asked, status=400)
    draft(guard.core_store(), year, guard.viewer_of(request).username)
    return redirect("yearly-report", year=str(year))


@never_cache
@guard.requires(CAPABILITY)
def report_view(request: HttpRequest, year: str) -> HttpResponse:
    """The latest version (or ``?version=``) rendered, the edit form, and every version."""
    guard.audited(request, Action.YEARLY_REPORT, target=f"yearly report {year}",
                  detail={"look": "read"})  # fmt: skip
    try:
        chosen = ReportYear.parse(year)
    except ReportError as wrong:
        return _years_page(request, str(wrong), year, status=404)
    form = guard.submitted(request)
    error = ""
    if form is not None:
        try:
            save(
                guard.core_store(), chosen, form.get("text", ""), guard.viewer_of(request).username
            )
            return redirect("yearly-report", year=str(chosen))
        except ReportError as problem:
            error = str(problem)
    return _report_page(request, chosen, error, form.get("text", "") if form else None)


def _report_page(
    request: HttpRequest, year: ReportYear, error: str, typed: str | None
) -> HttpResponse:
    store = guard.core_store()
    every = versions(store, year)
    if not every:
        return _years_page(request, "", str(year), status=404)
    shown = every[0]
    wanted = request.GET.get("version", "")
    if wanted.isdigit():
        shown = version(store, year, int(wanted)) or shown
    return render(request, "pages/board/yearly_report.html", {
        "year": str(year), "shown": shown, "rendered": html(shown.text),
        "versions": every, "latest": every[0], "error": error,
        "typed": every[0].text if typed is None else typed, "words": words,
    }, status=400 if error else 200)  # fmt: skip


def _years_page(request: HttpRequest, error: str, asked: str, status: int = 200) -> HttpResponse:
    return render(request, "pages/board/yearly_years.html", {
        "years": years(guard.core_store()), "error": error, "asked": asked,
        "suggested": str(ReportYear.of(dt.date.today())), "words": words,
    }, status=status)  # fmt: skip


urls: list[URLPattern] = [
    path("board/yearly-report", years_view, name="yearly-reports"),
    path("board/yearly-report/<str:year>", report_view, name="yearly-report"),
]
