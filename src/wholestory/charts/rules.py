"""The four special-cause rules of "Making Data Count", applied to one section of a chart.

Each rule says, point by point, whether it marks the point and on which side: ``HIGH``
(above the mean, or part of a rising run) or ``LOW``. The rules see only their own
section: a run does not carry across a rebase point, as in NHSRplotthedots, where the
rules run per rebase group.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Final

from wholestory.charts.limits import Limits

#: Seven points make a trend or a shift.
RUN_LENGTH: Final = 7


class Rule(StrEnum):
    """A special-cause rule, in the order the spec and the reference apply them.

    The order matters: when rules disagree about a point's side, the first that marks it
    decides whether it is an improvement or a concern.
    """

    OUTSIDE_LIMITS = "outside_limits"
    TREND = "trend"
    TWO_OF_THREE = "two_of_three"
    SHIFT = "shift"


class Side(StrEnum):
    """Which way a rule's signal points: higher values or lower ones."""

    HIGH = "high"
    LOW = "low"


#: What a rule says of each point of a section: the side it marks, or ``None``.
Marks = list[Side | None]


def section_marks(values: Sequence[float], limits: Limits) -> dict[Rule, Marks]:
    """Every rule's marks on one section, in the rules' order."""
    return {
        Rule.OUTSIDE_LIMITS: outside_limits(values, limits),
        Rule.TREND: trends(values),
        Rule.TWO_OF_THREE: two_of_three(values, limits),
        Rule.SHIFT: shifts(values, limits.mean),
    }


def outside_limits(values: Sequence[float], limits: Limits) -> Marks:
    """Points strictly beyond a process limit; a point exactly on a limit is inside."""
    upper, lower = limits.upper, limits.lower
    if upper is None or lower is None:
        return [None] * len(values)
    return [Side.HIGH if v > upper else Side.LOW if v < lower else None for v in values]


def trends(values: Sequence[float]) -> Marks:
    """Runs of seven or more points each higher (or each lower) than the one before.

    An equal value breaks a run. A point where a rising run turns into a falling one
    belongs to both; like the reference, it takes the side of the later run. (Where a run
    ends, a point repeats the last value and a run the other way starts, the reference
    reads the side from the flat step and calls it falling; here it keeps the side of
    the run it belongs to.)
    """
    marks: Marks = [None] * len(values)
    for start, end, side in _monotonic_runs(values):
        if end - start + 1 >= RUN_LENGTH:
            marks[start : end + 1] = [side] * (end - start + 1)
    return marks


def two_of_three(values: Sequence[float], limits: Limits) -> Marks:
    """Two (or three) of three consecutive points close to a limit, all three on one side.

    "Close" is beyond two thirds of the way from the mean to a limit but not outside it:
    following the reference, a point outside the limits is not counted as close (the
    first rule marks it already), though it still counts as being on that side. All three
    points of the window must lie on the same side of the mean, none on it; only the
    close points are marked, never the third.
    """
    near_upper, near_lower = limits.near_upper, limits.near_lower
    outside = outside_limits(values, limits)
    if near_upper is None or near_lower is None:
        return [None] * len(values)
    sides = [_side_of_mean(v, limits.mean) for v in values]
    close = [
        out is None and (v > near_upper or v < near_lower)
        for v, out in zip(values, outside, strict=True)
    ]
    marks: Marks = [None] * len(values)
    for start in range(len(values) - 2):
        window = range(start, start + 3)
        side = sides[start]
        if side is None or any(sides[i] != side for i in window):
            continue
        if sum(close[i] for i in window) >= 2:
            for i in window:
                if close[i]:
                    marks[i] = side
    return marks


def shifts(values: Sequence[float], mean: float) -> Marks:
    """Runs of seven or more points on one side of the mean; a point on the mean breaks one."""
    sides = [_side_of_mean(v, mean) for v in values]
    marks: Marks = [None] * len(values)
    start = 0
    for end in range(1, len(values) + 1):
        if end < len(values) and sides[end] == sides[start]:
            continue
        if sides[start] is not None and end - start >= RUN_LENGTH:
            marks[start:end] = [sides[start]] * (end - start)
        start = end
    return marks


def _side_of_mean(value: float, mean: float) -> Side | None:
    """Above or below the mean; ``None`` for a point exactly on it."""
    if value > mean:
        return Side.HIGH
    if value < mean:
        return Side.LOW
    return None


def _monotonic_runs(values: Sequence[float]) -> list[tuple[int, int, Side]]:
    """Each maximal run of strictly rising or strictly falling steps, as (start, end, side).

    Consecutive runs share their turning point, so a rise then a fall overlap by one.
    """
    runs: list[tuple[int, int, Side]] = []
    start = 0
    for i in range(1, len(values)):
        side = _step(values[i - 1], values[i])
        previous = _step(values[i - 2], values[i - 1]) if i >= 2 else None
        if side != previous:
            start = i - 1
        if side is None:
            continue
        if runs and runs[-1][0] == start:
            runs[-1] = (start, i, side)
        else:
            runs.append((start, i, side))
    return runs


def _step(before: float, now: float) -> Side | None:
    """Which way one step goes; ``None`` when the value is unchanged."""
    return Side.HIGH if now > before else Side.LOW if now < before else None
