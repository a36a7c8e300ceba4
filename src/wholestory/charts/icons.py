"""What a point or a chart means for the measure: improvement, concern, and the two icons.

The rules (:mod:`.rules`) say only "high" or "low"; whether high is good depends on the
measure, so each chart states its :class:`Direction`. The icons are the "Making Data
Count" summary icons, as NHSRplotthedots chooses them (``ptd_point_type``,
``ptd_get_icons``, ``ptd_calculate_assurance_type``).
"""

from __future__ import annotations

from enum import StrEnum

from wholestory.charts.rules import Side


class Direction(StrEnum):
    """Which way is better for a measure."""

    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"
    NEUTRAL = "neutral"


class PointClass(StrEnum):
    """What a point is, coloured on the chart by the Making Data Count convention."""

    COMMON_CAUSE = "common_cause"
    IMPROVEMENT = "improvement"
    CONCERN = "concern"
    NEUTRAL = "neutral"


class VariationIcon(StrEnum):
    """The variation icon, read from the chart's last point."""

    COMMON_CAUSE = "common_cause"
    IMPROVEMENT_HIGH = "improvement_high"
    IMPROVEMENT_LOW = "improvement_low"
    CONCERN_HIGH = "concern_high"
    CONCERN_LOW = "concern_low"
    NEUTRAL_HIGH = "neutral_high"
    NEUTRAL_LOW = "neutral_low"


class AssuranceIcon(StrEnum):
    """The assurance icon: whether the process, as it is, will meet the target."""

    CONSISTENTLY_PASSING = "consistently_passing"
    CONSISTENTLY_FAILING = "consistently_failing"
    HIT_AND_MISS = "hit_and_miss"


def point_class(side: Side | None, direction: Direction) -> PointClass:
    """A special-cause point's class from the side its deciding rule marked."""
    if side is None:
        return PointClass.COMMON_CAUSE
    if direction is Direction.NEUTRAL:
        return PointClass.NEUTRAL
    better = Side.HIGH if direction is Direction.HIGHER_IS_BETTER else Side.LOW
    return PointClass.IMPROVEMENT if side is better else PointClass.CONCERN


def variation_icon(side: Side | None, direction: Direction) -> VariationIcon:
    """The variation icon for the last point: its class, and whether it is high or low."""
    kind = point_class(side, direction)
    if side is None or kind is PointClass.COMMON_CAUSE:
        return VariationIcon.COMMON_CAUSE
    return VariationIcon(f"{kind.value}_{side.value}")


def assurance_icon(
    target: float | None, upper: float | None, lower: float | None, direction: Direction
) -> AssuranceIcon | None:
    """Whether the limits of the last point lie wholly on one side of the target.

    A target beyond the limits on the good side is always missed; on the bad side,
    always met; a target between them, or exactly on a limit, is hit and miss (the
    reference compares strictly). A neutral measure has no assurance icon, nor a chart
    without a target, nor one whose last section is a single point and so has no limits
    (where the reference, comparing with missing limits, would say hit and miss).
    """
    if target is None or upper is None or lower is None or direction is Direction.NEUTRAL:
        return None
    higher_better = direction is Direction.HIGHER_IS_BETTER
    if target > upper:
        return (
            AssuranceIcon.CONSISTENTLY_FAILING
            if higher_better
            else AssuranceIcon.CONSISTENTLY_PASSING
        )
    if target < lower:
        return (
            AssuranceIcon.CONSISTENTLY_PASSING
            if higher_better
            else AssuranceIcon.CONSISTENTLY_FAILING
        )
    return AssuranceIcon.HIT_AND_MISS
