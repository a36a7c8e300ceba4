"""Before and after: a measure a recommendation named, with its limits worked out again from
the month the recommendation was accepted, so a reader can see whether practice moved.

The months are the nightly run's (:mod:`wholestory.assurance.measure_history`), left off as
its chart leaves them (nothing to measure, or small numbers the board must not read); the
limits are recalculated (``rebase_at``) at the first charted month on or after the month
accepted. With no charted month before it, or none from it, there is nothing to compare
and the chart is drawn without a break, and the reading says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from wholestory.assurance.measure_history import (
    DIRECTIONS,
    MeasureChart,
    chart,
    month_words,
    unit_of,
)
from wholestory.charts.spc import ChartOptions, SpcChart, xmr_chart
from wholestory.reviews import recommendation_words as words
from wholestory.store import Store


@dataclass(frozen=True)
class BeforeAfter:
    """A measure's chart split at the recommendation, and what it says in one line."""

    code: str
    kept: MeasureChart
    spc: SpcChart | None
    rebased_at: str | None

    def reading(self) -> str:
        """One line under the chart: the mean before and after, or why there is no split."""
        if self.spc is None:
            return words.NO_MONTHS
        if self.rebased_at is None or len(self.spc.sections) < 2:
            return words.NO_SPLIT
        before, after = self.spc.sections[0], self.spc.sections[-1]
        unit = "%" if unit_of(self.code) == "share" else " days"
        return words.SPLIT.format(
            month=month_words(self.rebased_at),
            before=f"{before.mean:.1f}{unit}",
            after=f"{after.mean:.1f}{unit}",
        )


def before_after(store: Store, code: str, accepted_on: dt.date) -> BeforeAfter:
    """The measure's kept months charted with a break at the month ``accepted_on`` falls in."""
    kept = chart(store, code)
    if kept.spc is None:
        return BeforeAfter(code, kept, None, None)
    periods = [str(p.period) for p in kept.spc.points]
    at = _split(periods, accepted_on.strftime("%Y-%m"))
    if at is None:
        return BeforeAfter(code, kept, kept.spc, None)
    points = [(str(p.period), p.value) for p in kept.spc.points]
    options = ChartOptions(direction=DIRECTIONS[code], rebase_at=(at,))
    return BeforeAfter(code, kept, xmr_chart(points, options), at)


def _split(periods: list[str], month: str) -> str | None:
    """The first charted month on or after ``month``, if charted months lie either side."""
    after = [p for p in periods if p >= month]
    if not after or after[0] == periods[0]:
        return None
    return after[0]
