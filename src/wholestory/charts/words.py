"""The words of a chart, in one place: the icons, the rules and the lines of a chart.

A board member reads the icons as words under every chart, and a screen reader reads
them in its description, so the SVG (:mod:`.svg`), the board pack and the audit themes
all say a chart the same way.
"""

from __future__ import annotations

from typing import Final

from wholestory.charts.icons import AssuranceIcon, Direction, PointClass, VariationIcon
from wholestory.charts.rules import Rule, Side
from wholestory.charts.spc import TRIAL_BELOW, Period, Section, SpcChart, SpcPoint

#: The variation icons, as a sentence.
VARIATION_WORDS: Final[dict[VariationIcon, str]] = {
    VariationIcon.COMMON_CAUSE: "Common cause variation: no significant change",
    VariationIcon.IMPROVEMENT_HIGH: "Special cause variation: improvement (higher is better)",
    VariationIcon.IMPROVEMENT_LOW: "Special cause variation: improvement (lower is better)",
    VariationIcon.CONCERN_HIGH: "Special cause variation: concern (higher, where lower is better)",
    VariationIcon.CONCERN_LOW: "Special cause variation: concern (lower, where higher is better)",
    VariationIcon.NEUTRAL_HIGH: "Special cause variation: higher (neither direction is better)",
    VariationIcon.NEUTRAL_LOW: "Special cause variation: lower (neither direction is better)",
}
#: The assurance icons, as a sentence.
ASSURANCE_WORDS: Final[dict[AssuranceIcon, str]] = {
    AssuranceIcon.CONSISTENTLY_PASSING: "Consistently passing the target",
    AssuranceIcon.CONSISTENTLY_FAILING: "Consistently failing the target",
    AssuranceIcon.HIT_AND_MISS: (
        "Hit and miss: the target lies within the process limits, "
        "so it will sometimes be met and sometimes missed"
    ),
}
#: Why a chart with a target has no assurance icon: its measure has no better direction.
NO_ASSURANCE_NEUTRAL: Final = "No assurance against the target: neither direction is better"
TRIAL_LIMITS: Final = f"Trial limits: fewer than {TRIAL_BELOW} points"
#: Which way is better for the measure.
DIRECTION_WORDS: Final[dict[Direction, str]] = {
    Direction.HIGHER_IS_BETTER: "Higher is better",
    Direction.LOWER_IS_BETTER: "Lower is better",
    Direction.NEUTRAL: "Neither direction is better",
}
#: A point's class, as the chart's key and each point's label name it.
POINT_CLASS_WORDS: Final[dict[PointClass, str]] = {
    PointClass.COMMON_CAUSE: "common cause",
    PointClass.IMPROVEMENT: "special cause: improvement",
    PointClass.CONCERN: "special cause: concern",
    PointClass.NEUTRAL: "special cause: neither better nor worse",
}
#: A point's class, as the chart's key names it.
KEY_WORDS: Final[dict[PointClass, str]] = {
    PointClass.COMMON_CAUSE: "Common cause",
    PointClass.IMPROVEMENT: "Improvement",
    PointClass.CONCERN: "Concern",
    PointClass.NEUTRAL: "Special cause, neither better nor worse",
}
#: What each rule saw, by the side it marked.
RULE_WORDS: Final[dict[tuple[Rule, Side], str]] = {
    (Rule.OUTSIDE_LIMITS, Side.HIGH): "above the upper process limit",
    (Rule.OUTSIDE_LIMITS, Side.LOW): "below the lower process limit",
    (Rule.TREND, Side.HIGH): "one of 7 or more points each higher than the last",
    (Rule.TREND, Side.LOW): "one of 7 or more points each lower than the last",
    (Rule.TWO_OF_THREE, Side.HIGH): "2 of 3 points close to the upper process limit",
    (Rule.TWO_OF_THREE, Side.LOW): "2 of 3 points close to the lower process limit",
    (Rule.SHIFT, Side.HIGH): "one of 7 or more points in a row above the mean",
    (Rule.SHIFT, Side.LOW): "one of 7 or more points in a row below the mean",
}
#: The lines of a chart, as its key and its axes name them.
MEAN: Final = "Mean"
PROCESS_LIMITS: Final = "Process limits"
TARGET: Final = "Target"
PERIOD: Final = "Period"
#: The chart's description for a screen reader, before its summary.
DESCRIPTION: Final = (
    "{measure}: an XmR (statistical process control) chart of {count}, from {first} to {last}."
)
LIMITS: Final = "From {first}: mean {mean}, process limits {lower} to {upper}."
NO_LIMITS: Final = "From {first}: mean {mean}, no process limits (a single point)."
REBASED: Final = "The limits were recalculated from {period}."
FIXED: Final = "The limits are fixed on the first {count} points from {first}."


def figure(value: float) -> str:
    """A number as a chart writes it: up to two decimal places, no trailing zeros."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def period_words(period: Period) -> str:
    """A period as a label: a date in ISO form, a label as it is."""
    return period if isinstance(period, str) else period.isoformat()


def point_words(point: SpcPoint) -> str:
    """One point as its tooltip and a screen reader say it: period, value, and why marked."""
    text = f"{period_words(point.period)}: {figure(point.value)}, "
    text += POINT_CLASS_WORDS[point.point_class]
    if point.signals:
        text += " (" + "; ".join(RULE_WORDS[(s.rule, s.side)] for s in point.signals) + ")"
    return text


def summary_lines(chart: SpcChart) -> list[str]:
    """The icons in words, then the trial-limits warning: the lines under every chart."""
    summary, options = chart.summary, chart.options
    lines = [f"{VARIATION_WORDS[summary.variation]}.", f"{DIRECTION_WORDS[options.direction]}."]
    if summary.assurance is not None and options.target is not None:
        assurance = ASSURANCE_WORDS[summary.assurance]
        lines.append(f"{assurance} ({TARGET.lower()} {figure(options.target)}).")
    elif options.target is not None and options.direction is Direction.NEUTRAL:
        lines.append(f"{NO_ASSURANCE_NEUTRAL}.")
    if summary.trial_limits:
        lines.append(f"{TRIAL_LIMITS}.")
    return lines


def description(chart: SpcChart, measure: str) -> str:
    """The whole chart in a paragraph, for a screen reader: what, when, limits, icons."""
    count = len(chart.points)
    parts = [
        DESCRIPTION.format(
            measure=measure,
            count=f"{count} point" + ("" if count == 1 else "s"),
            first=period_words(chart.points[0].period),
            last=period_words(chart.points[-1].period),
        )
    ]
    for number, section in enumerate(chart.sections):
        parts.extend(_section_sentences(section, rebased=number > 0))
    return " ".join(parts + summary_lines(chart))


def _section_sentences(section: Section, *, rebased: bool) -> list[str]:
    """One section's limits in words, saying where they were recalculated or fixed."""
    first = period_words(section.first)
    sentences = [REBASED.format(period=first)] if rebased else []
    if section.baseline_points < section.points:
        sentences.append(FIXED.format(count=section.baseline_points, first=first))
    if section.upper_limit is None or section.lower_limit is None:
        sentences.append(NO_LIMITS.format(first=first, mean=figure(section.mean)))
        return sentences
    sentences.append(
        LIMITS.format(
            first=first,
            mean=figure(section.mean),
            lower=figure(section.lower_limit),
            upper=figure(section.upper_limit),
        )
    )
    return sentences
