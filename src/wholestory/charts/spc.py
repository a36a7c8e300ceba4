"""XmR (individuals and moving range) charts, as NHS England's "Making Data Count" draws them.

One engine for every chart WholeStory draws over time: audits' themes (issue 15) and the
board's Quality and Impact charts (issue 17). The rules are the spec's
(``../shared/spec/assurance.md``, "Statistical process control for the board"), checked
point by point against the reference implementation, NHSRplotthedots. Where the two
differ this follows the reference: a point outside the limits is not "close to a limit"
for the 2-of-3 rule (:func:`.rules.two_of_three`). It departs from the reference only
where the reference contradicts itself or fails at an edge, each said where it is done:
trial limits under 12 points (:data:`TRIAL_BELOW`), a flat series
(:func:`.limits.section_limits`), the side of a trend point beside a flat step
(:func:`.rules.trends`), and out-of-order dates and unknown rebase points
(:func:`xmr_chart`).

The input is a sequence of ``(period, value)`` pairs in time order and
:class:`ChartOptions`; the output, :class:`SpcChart`, is plain frozen data with
``as_dict()`` for JSON, which the SVG (:mod:`.svg`) and the words (:mod:`.words`) read.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from wholestory.charts.icons import (
    AssuranceIcon,
    Direction,
    PointClass,
    VariationIcon,
    assurance_icon,
    point_class,
    variation_icon,
)
from wholestory.charts.limits import Limits, moving_ranges, section_limits
from wholestory.charts.rules import Rule, Side, section_marks

__all__ = [
    "MIN_BASELINE",
    "TRIAL_BELOW",
    "AssuranceIcon",
    "ChartOptions",
    "Direction",
    "Period",
    "PointClass",
    "Rule",
    "Section",
    "Side",
    "Signal",
    "SpcChart",
    "SpcPoint",
    "SpcSummary",
    "VariationIcon",
    "xmr_chart",
]

#: A point's period: a label such as ``"2026-03"`` or ``"2026Q1"``, or a date.
Period = str | date

#: Limits may be fixed on a baseline of no fewer points (the reference refuses fewer).
MIN_BASELINE: Final = 12
#: A section of fewer points has "trial limits", which move with each new point.
#: The reference's documentation, warning message and tests say 12; its code's default
#: threshold is 13 (a group of exactly 12 is warned of). This follows the spec and the
#: reference's stated rule, 12.
TRIAL_BELOW: Final = 12


@dataclass(frozen=True)
class ChartOptions:
    """How to read a measure.

    ``target``: the value the measure should reach, for the assurance icon.
    ``rebase_at``: periods from which the limits are recalculated (a marked change in
    the process); each begins a new section. ``baseline``: fix each section's limits on
    its first so many points (12 or more) instead of all of them. ``screen``: leave
    moving ranges of 3.267 mean moving ranges or more out (the reference's default).

    ``direction`` has no default, unlike the reference's "increase": a chart that called
    a rise an improvement for a measure where lower is better would tell the board the
    opposite of the truth, so every caller says which way is better.
    """

    direction: Direction
    target: float | None = None
    rebase_at: tuple[Period, ...] = ()
    baseline: int | None = None
    screen: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {
            "direction": self.direction.value,
            "target": self.target,
            "rebase_at": [_period_json(p) for p in self.rebase_at],
            "baseline": self.baseline,
            "screen": self.screen,
        }


@dataclass(frozen=True)
class Signal:
    """One rule that marked a point, and on which side."""

    rule: Rule
    side: Side

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule.value, "side": self.side.value}


@dataclass(frozen=True)
class SpcPoint:
    """One point of the chart with the limits it is judged against and what marked it.

    ``signals`` lists every rule that marked the point, in the rules' order; the first
    decides its class, as the reference's single "special cause type" does.
    """

    period: Period
    value: float
    section: int
    mean: float
    upper_limit: float | None
    lower_limit: float | None
    moving_range: float | None
    moving_range_used: bool
    signals: tuple[Signal, ...]
    point_class: PointClass

    @property
    def special_cause(self) -> bool:
        return bool(self.signals)

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": _period_json(self.period),
            "value": self.value,
            "section": self.section,
            "mean": self.mean,
            "upper_limit": self.upper_limit,
            "lower_limit": self.lower_limit,
            "moving_range": self.moving_range,
            "moving_range_used": self.moving_range_used,
            "special_cause": self.special_cause,
            "signals": [s.as_dict() for s in self.signals],
            "point_class": self.point_class.value,
        }


@dataclass(frozen=True)
class Section:
    """The points between two rebase points, and the limits they share.

    ``baseline_points`` is how many of its first points set the limits (all of them
    unless a baseline fixed them); ``screened_out`` counts moving ranges left out.
    """

    first: Period
    last: Period
    points: int
    baseline_points: int
    mean: float
    mean_moving_range: float | None
    upper_limit: float | None
    lower_limit: float | None
    screened_out: int

    @property
    def trial_limits(self) -> bool:
        return self.points < TRIAL_BELOW

    def as_dict(self) -> dict[str, Any]:
        return {
            "first": _period_json(self.first),
            "last": _period_json(self.last),
            "points": self.points,
            "baseline_points": self.baseline_points,
            "mean": self.mean,
            "mean_moving_range": self.mean_moving_range,
            "upper_limit": self.upper_limit,
            "lower_limit": self.lower_limit,
            "screened_out": self.screened_out,
            "trial_limits": self.trial_limits,
        }


@dataclass(frozen=True)
class SpcSummary:
    """What the chart says now: both icons read the last point and its section's limits.

    ``trial_limits`` is the last section's: the limits the icons are read against.
    """

    variation: VariationIcon
    assurance: AssuranceIcon | None
    trial_limits: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "variation": self.variation.value,
            "assurance": self.assurance.value if self.assurance else None,
            "trial_limits": self.trial_limits,
        }


@dataclass(frozen=True)
class SpcChart:
    """A whole XmR chart: its options, its points, its sections and its summary."""

    options: ChartOptions
    points: tuple[SpcPoint, ...]
    sections: tuple[Section, ...]
    summary: SpcSummary

    def as_dict(self) -> dict[str, Any]:
        return {
            "options": self.options.as_dict(),
            "points": [p.as_dict() for p in self.points],
            "sections": [s.as_dict() for s in self.sections],
            "summary": self.summary.as_dict(),
        }


def xmr_chart(series: Sequence[tuple[Period, float]], options: ChartOptions) -> SpcChart:
    """The XmR chart of a series given in time order.

    Raises :class:`ValueError`, saying what is wrong, for an empty series, a value that
    is not a finite number, a period given twice or dates out of order, a rebase point
    that is not one of the periods, or a baseline under 12 points. (The reference sorts
    its rows by date and quietly ignores a rebase date that matches no row; here both
    are mistakes the caller is told of, since a board chart rebased on a typo would
    show limits nobody asked for.)
    """
    periods = [period for period, _ in series]
    values = [float(value) for _, value in series]
    _check(periods, values, options)
    points: list[SpcPoint] = []
    sections: list[Section] = []
    for number, (start, end) in enumerate(_section_bounds(periods, options.rebase_at)):
        limits = section_limits(values[start:end], baseline=options.baseline, screen=options.screen)
        sections.append(_section(periods[start:end], limits))
        points.extend(
            _points(periods[start:end], values[start:end], limits, number, options.direction)
        )
    return SpcChart(options, tuple(points), tuple(sections), _summary(points, sections, options))


def _section(periods: Sequence[Period], limits: Limits) -> Section:
    """One section's record, for the tables and words that describe its limits."""
    screened = limits.moving_range_used[1 : limits.baseline_points].count(False)
    return Section(
        first=periods[0],
        last=periods[-1],
        points=len(periods),
        baseline_points=limits.baseline_points,
        mean=limits.mean,
        mean_moving_range=limits.mean_moving_range,
        upper_limit=limits.upper,
        lower_limit=limits.lower,
        screened_out=screened,
    )


def _points(
    periods: Sequence[Period],
    values: Sequence[float],
    limits: Limits,
    section: int,
    direction: Direction,
) -> list[SpcPoint]:
    """Each point of one section, with every rule's signal on it and its class."""
    marks = section_marks(values, limits)
    ranges = moving_ranges(values)
    points = []
    for i, (period, value) in enumerate(zip(periods, values, strict=True)):
        signals = tuple(Signal(rule, side) for rule, m in marks.items() if (side := m[i]))
        points.append(
            SpcPoint(
                period=period,
                value=value,
                section=section,
                mean=limits.mean,
                upper_limit=limits.upper,
                lower_limit=limits.lower,
                moving_range=ranges[i],
                moving_range_used=limits.moving_range_used[i],
                signals=signals,
                point_class=point_class(signals[0].side if signals else None, direction),
            )
        )
    return points


def _summary(
    points: Sequence[SpcPoint], sections: Sequence[Section], options: ChartOptions
) -> SpcSummary:
    """The icons and the trial-limits warning, all from the last point and its section."""
    last = points[-1]
    side = last.signals[0].side if last.signals else None
    return SpcSummary(
        variation=variation_icon(side, options.direction),
        assurance=assurance_icon(
            options.target, last.upper_limit, last.lower_limit, options.direction
        ),
        trial_limits=sections[-1].trial_limits,
    )


def _section_bounds(
    periods: Sequence[Period], rebase_at: Sequence[Period]
) -> list[tuple[int, int]]:
    """Each section as (start, end) indexes: a rebase point begins a new section."""
    starts = sorted({0, *(periods.index(p) for p in rebase_at)})
    return list(zip(starts, [*starts[1:], len(periods)], strict=True))


def _check(periods: Sequence[Period], values: Sequence[float], options: ChartOptions) -> None:
    """Refuse a series or options the chart could only misread, saying why."""
    if not periods:
        raise ValueError("A chart needs at least one point.")
    for period, value in zip(periods, values, strict=True):
        if not math.isfinite(value):
            raise ValueError(f"The value for {period} is not a number: {value}.")
    if len(set(periods)) != len(periods):
        raise ValueError("Each period may appear only once.")
    if all(isinstance(p, date) for p in periods) and periods != sorted(periods):
        raise ValueError("The points must be given in time order.")
    missing = [p for p in options.rebase_at if p not in periods]
    if missing:
        raise ValueError(f"Rebase points that are not periods of the chart: {missing}.")
    if options.baseline is not None and options.baseline < MIN_BASELINE:
        raise ValueError(f"A baseline needs at least {MIN_BASELINE} points.")
    if options.target is not None and not math.isfinite(options.target):
        raise ValueError(f"The target is not a number: {options.target}.")


def _period_json(period: Period) -> str:
    """A period as JSON carries it: a date in ISO form, a label as it is."""
    return period.isoformat() if isinstance(period, date) else period
