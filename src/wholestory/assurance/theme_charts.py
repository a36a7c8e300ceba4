"""Change over time: each domain's share of grades good or better, period by period, as an
XmR chart drawn by the partnership's one chart engine (:mod:`wholestory.charts`).

A period whose share is too few to show (:mod:`.theme_grades`) is left out of the chart,
and the chart says which; the engine says itself when its limits are trial limits (fewer
than 12 points), which for audits held a few times a year they will be for some time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from wholestory.assurance import theme_words as words
from wholestory.assurance.theme_grades import Share
from wholestory.charts.icons import Direction
from wholestory.charts.spc import ChartOptions, SpcChart, xmr_chart
from wholestory.charts.svg import render_svg
from wholestory.charts.words import summary_lines


@dataclass(frozen=True)
class Trend:
    """One domain's chart (None when no period can be shown) and the periods left out."""

    domain: str
    measure: str
    chart: SpcChart | None
    left_out: tuple[str, ...]
    svg: str

    def notes(self) -> list[str]:
        """What to say beside the chart: the periods left out, or why there is no chart."""
        said = [] if self.chart is not None else [words.NO_TREND]
        if self.left_out and self.chart is not None:
            said.append(words.LEFT_OUT.format(periods=", ".join(self.left_out)))
        return said

    def summary(self) -> list[str]:
        """The chart's icons in words, and the trial-limits warning (as under the SVG)."""
        return summary_lines(self.chart) if self.chart is not None else []

    def as_dict(self) -> dict[str, Any]:
        return {
            "domain": self.domain,
            "measure": self.measure,
            "chart": self.chart.as_dict() if self.chart is not None else None,
            "left_out": list(self.left_out),
            "summary": self.summary(),
        }


def trends(
    shares: Sequence[Share], domains: Sequence[tuple[str, str]], good_words: str
) -> tuple[Trend, ...]:
    """A chart for each domain graded at all, its points the shares shown, in the periods'
    order (a domain no auditor graded has nothing to chart, and its row of noughts says so)."""
    found = []
    for code, title in domains:
        mine = [s for s in shares if s.domain == code]
        if not any(s.graded for s in mine):
            continue
        series = [(s.period, s.per_cent) for s in mine if s.per_cent is not None]
        measure = words.TREND_MEASURE.format(domain=title, good=good_words)
        left_out = tuple(s.period for s in mine if s.per_cent is None)
        if not series:
            found.append(Trend(code, measure, None, left_out, ""))
            continue
        chart = xmr_chart(series, ChartOptions(direction=Direction.HIGHER_IS_BETTER))
        svg = render_svg(
            chart,
            measure=measure,
            chart_id=f"themes-{code}",
            value_label=words.TREND_VALUE.format(good=good_words),
        )
        found.append(Trend(code, measure, chart, left_out, svg))
    return tuple(found)
