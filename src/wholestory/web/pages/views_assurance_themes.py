"""The themes across case file audits on the web (issue 15, item 4), and their downloads.

``/assurance/themes`` is for the QA officer, the moderator and the board alike
(capability ``audit_themes``): every one of them sees the same aggregated figures, small
numbers already suppressed by the core (:mod:`wholestory.assurance.themes`), and no free
text. The CSV and the PDF are those figures as files, each download audited as one. The
auditors' own words, which may name people, are on a page of their own for the QA officer
only (``/assurance/themes/learning``, capability ``audit_programmes``).

The charts are the chart engine's SVG, inline: it carries no script and no style attribute,
so the strict content security policy holds.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache

from wholestory.access import may
from wholestory.assurance import theme_words as words
from wholestory.assurance.programmes import programmes
from wholestory.assurance.theme_report import (
    CSV_NAME,
    CSV_TYPE,
    PDF_NAME,
    PDF_TYPE,
    themes_csv,
    themes_pdf,
)
from wholestory.assurance.themes import LAST_PROGRAMMES, Choice, Themes, recent_learning, themes
from wholestory.audit.actions import Action
from wholestory.chronology.vocabulary import agency_name
from wholestory.web.pages import guard

TEMPLATES = "pages/assurance/"
#: The most programmes a finding may look back over, on the page.
MOST_LAST = 12
DAY_WRONG = "Enter a date like 2025-06-30"
LAST_WRONG = f"Enter a number of programmes from 1 to {MOST_LAST}"


class ThemesFilter(forms.Form):
    """Which programmes the themes cover, and how their periods are grouped (a GET form)."""

    programme = forms.MultipleChoiceField(
        label="Programmes", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="None chosen: every programme.",
    )  # fmt: skip
    ends_from = forms.DateField(label="Ending from", required=False,
                                error_messages={"invalid": DAY_WRONG})  # fmt: skip
    ends_to = forms.DateField(label="Ending to", required=False,
                              error_messages={"invalid": DAY_WRONG})  # fmt: skip
    by = forms.ChoiceField(label="Periods", required=False,
                           choices=list(words.GROUPINGS.items()))  # fmt: skip
    last = forms.IntegerField(
        label="Repeated findings look at the last", required=False, min_value=1,
        max_value=MOST_LAST,
        error_messages={k: LAST_WRONG for k in ("invalid", "min_value", "max_value")},
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [  # type: ignore[attr-defined]
            (str(p.id), f"No. {p.id}: {p.theme} (to {p.criteria.period_to})")
            for p in programmes(guard.core_store())
        ]

    def choice(self) -> Choice:
        """The choice the form makes: every programme, grouped by programme, if unusable."""
        if not self.is_valid():
            return Choice()
        data = self.cleaned_data
        ends_from: dt.date | None = data.get("ends_from")
        ends_to: dt.date | None = data.get("ends_to")
        return Choice(
            tuple(int(p) for p in data.get("programme") or ()), ends_from, ends_to,
            data.get("by") or words.BY_PROGRAMME, data.get("last") or LAST_PROGRAMMES,
        )  # fmt: skip


@never_cache
@guard.requires("audit_themes")
def themes_view(request: HttpRequest) -> HttpResponse:
    """The themes: grades, learning points, repeated findings and charts, for the choice."""
    form, choice = _chosen(request)
    guard.audited(request, Action.VIEW, target=request.path, detail=choice.as_dict())
    found = themes(guard.core_store(), choice)
    query = urlencode(request.GET, doseq=True)
    context = {
        "t": found,
        "words": words,
        "form": form if form.is_bound else None,
        "filter": form,
        "charts": [(trend, mark_safe(trend.svg)) for trend in found.trends],  # engine-escaped
        "suppression": words.SUPPRESSION_LINES,
        "query": f"?{query}" if query else "",
        "chosen": request.GET.getlist("programme"),
        "findings_hint": words.FINDINGS_HINT.format(last=choice.last),
        "qa": may(guard.viewer_of(request), "audit_programmes").allowed,
    }
    return render(request, TEMPLATES + "themes.html", context)


@never_cache
@guard.requires("audit_themes")
def themes_csv_view(request: HttpRequest) -> HttpResponse:
    """The grades by domain, agency and grade as CSV, small numbers suppressed."""
    found = _download(request)
    return _attachment(themes_csv(found).encode("utf-8-sig"), CSV_TYPE, CSV_NAME)


@never_cache
@guard.requires("audit_themes")
def themes_pdf_view(request: HttpRequest) -> HttpResponse:
    """The themed report for the board as a PDF, small numbers suppressed, no free text."""
    found = _download(request)
    return _attachment(themes_pdf(found), PDF_TYPE, PDF_NAME)


@never_cache
@guard.requires("audit_programmes")
def learning_view(request: HttpRequest) -> HttpResponse:
    """The newest learning points in the auditors' own words: the QA officer's alone."""
    form, choice = _chosen(request)
    guard.audited(request, Action.VIEW, target=request.path, detail=choice.as_dict())
    found = recent_learning(guard.core_store(), choice)
    rows = [
        {"theme": theme, "agency": agency_name(point.agency), "tag": point.tag, "text": point.text,
         "recorded": point.recorded_at[:10]}
        for theme, point in found
    ]  # fmt: skip
    context = {"rows": rows, "words": words, "form": form if form.is_bound else None}
    return render(request, TEMPLATES + "themes_learning.html", context)


def _chosen(request: HttpRequest) -> tuple[ThemesFilter, Choice]:
    form = ThemesFilter(request.GET or None)
    return form, form.choice() if form.is_bound else Choice()


def _download(request: HttpRequest) -> Themes:
    """The themes for a download, the download audited as one first."""
    _, choice = _chosen(request)
    guard.audited(request, Action.DOWNLOAD, target=request.path, detail=choice.as_dict())
    return themes(guard.core_store(), choice)


def _attachment(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


urls: list[URLPattern] = [
    path("assurance/themes", themes_view, name="assurance-themes"),
    path("assurance/themes.csv", themes_csv_view, name="assurance-themes-csv"),
    path("assurance/themes.pdf", themes_pdf_view, name="assurance-themes-pdf"),
    path("assurance/themes/learning", learning_view, name="assurance-themes-learning"),
]
