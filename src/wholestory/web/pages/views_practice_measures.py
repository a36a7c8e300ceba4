"""The practice-quality measures page (issue 15, item 5): each measure month by month, as the
nightly build kept it (:mod:`wholestory.assurance.measure_history`), charted.

Quality assurance officers, moderators, the board, leads and managers read it (the
capability ``practice_measures``). The board reads it, so every count of 1 to 4 is "fewer
than 5", and a month whose share or median would let such a count be worked out shows
neither and is left off its chart. Nothing on it names a child. The look is audited before
anything is read.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache

from wholestory.assurance import measure_words
from wholestory.assurance.measure_history import (
    CODES,
    DIRECTIONS,
    MeasureChart,
    MeasureMonth,
    chart,
    month_words,
    unit_of,
)
from wholestory.assurance.words import MEASURE_TITLES
from wholestory.audit.actions import Action
from wholestory.charts.svg import render_svg
from wholestory.charts.words import DIRECTION_WORDS, TRIAL_LIMITS, VARIATION_WORDS
from wholestory.figures import SUPPRESS_BELOW, suppressed
from wholestory.web.pages import guard
from wholestory.web.pages.presenting import when

TEMPLATE = "pages/assurance/measures.html"


@never_cache
@guard.requires("practice_measures")
def measures_view(request: HttpRequest) -> HttpResponse:
    """Each measure: what it counts, its latest month, its chart, and its months in a table."""
    guard.audited(request, Action.VIEW, detail={"measures": list(CODES)})
    store = guard.core_store()
    drawn = [chart(store, code) for code in CODES]
    kept = [m.computed_at for d in drawn for m in d.months]
    return render(
        request,
        TEMPLATE,
        {
            "measures": [_measure(d) for d in drawn],
            "kept_at": when(max(kept)) if kept else "",
            "words": measure_words,
        },
    )


def _measure(drawn: MeasureChart) -> dict[str, Any]:
    """One measure as the page shows it, its figures suppressed where small."""
    code, title = drawn.code, MEASURE_TITLES[drawn.code]
    numerator, denominator = measure_words.COUNT_HEADINGS[code]
    value = measure_words.VALUE_HEADINGS[unit_of(code)]
    spc = drawn.spc
    return {
        "code": code,
        "title": title,
        "definition": measure_words.DEFINITIONS[code],
        "direction": DIRECTION_WORDS[DIRECTIONS[code]],
        "headings": (numerator, denominator, value),
        "columns": f"Month;{numerator};{denominator};{value}",
        "numeric": f"{numerator};{denominator};{value}",
        "latest": _month(drawn.months[-1]) if drawn.months else None,
        "rows": [_month(m) for m in drawn.months],
        "svg": mark_safe(  # the engine's own SVG: its writer escapes every text
            render_svg(spc, measure=title, value_label=drawn.value_label, chart_id=f"chart-{code}")
        )
        if spc is not None
        else "",
        "variation": VARIATION_WORDS[spc.summary.variation] if spc is not None else "",
        "trial": TRIAL_LIMITS if spc is not None and spc.summary.trial_limits else "",
        "left_out": drawn.left_out(),
    }


def _month(m: MeasureMonth) -> dict[str, str]:
    """A month's figures as the board may read them.

    A count of 1 to 4 is "fewer than 5". In a month with small numbers (:attr:`small_numbers`:
    a count or the number without is 1 to 4), the value is not shown, nor a numerator of 5 or
    more, which beside the denominator would tell the small number without.
    """
    small = m.small_numbers
    hidden = small and m.numerator >= SUPPRESS_BELOW
    return {
        "month": month_words(m.month),
        "numerator": measure_words.NOT_SHOWN if hidden else suppressed(m.numerator),
        "denominator": suppressed(m.denominator),
        "value": _value(m, small),
    }


def _value(m: MeasureMonth, small: bool) -> str:
    if m.value is None:
        return measure_words.NOTHING
    if small:
        return measure_words.NOT_SHOWN
    return f"{m.value:g}" if m.unit == "days" else f"{m.value:.0%}"


urls: list[URLPattern] = [
    path("assurance/measures", measures_view, name="practice-measures"),
]
