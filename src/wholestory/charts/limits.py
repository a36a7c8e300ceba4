"""The centre line and process limits of one section of an XmR chart.

A section is the run of points between two rebase points (the whole chart when there are
none); each has limits of its own. The arithmetic follows NHS England's "Making Data
Count" as NHSRplotthedots computes it (``ptd_spc_standard``), checked against that
package's own snapshot figures in ``tests/test_spc.py``.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import fmean
from typing import Final

#: The limits lie this many mean moving ranges from the mean (3 sigma for an XmR chart).
LIMIT_WIDTH: Final = 2.66
#: A point beyond this many mean moving ranges from the mean is "close to a limit", for
#: the 2-of-3 rule: two thirds of the way to the limit, written as the reference writes it
#: so that a point on the line falls the same side in both.
NEAR_WIDTH: Final = 2 * (LIMIT_WIDTH / 3)
#: Screening leaves out moving ranges of this many mean moving ranges or more (3.267 is
#: the upper range limit of a moving range of two points), so one wild jump does not
#: widen the limits enough to hide itself.
SCREEN_WIDTH: Final = 3.267


@dataclass(frozen=True)
class Limits:
    """What one section's points are judged against.

    ``mean_moving_range`` and the limits are ``None`` when the section's baseline has a
    single point: with no moving range there is no measure of routine variation.
    ``moving_range_used`` says, point by point, whether that point's moving range was
    counted in the mean moving range (the first point has none; points after a fixed
    baseline and screened-out jumps are not counted).
    """

    mean: float
    mean_moving_range: float | None
    upper: float | None
    lower: float | None
    near_upper: float | None
    near_lower: float | None
    baseline_points: int
    moving_range_used: tuple[bool, ...]


def moving_ranges(values: Sequence[float]) -> list[float | None]:
    """|x(i) − x(i−1)| for each point of a section; the first point has none."""
    return [None] + [abs(now - before) for before, now in itertools.pairwise(values)]


def section_limits(values: Sequence[float], *, baseline: int | None, screen: bool) -> Limits:
    """The mean, the mean moving range and the limits of one section.

    With a ``baseline``, only the section's first ``baseline`` points set the mean and
    the moving ranges: the limits are then fixed, so later points are judged against
    the process as it was, not against themselves. A flat series (every moving range
    zero) has its limits on its mean, where the reference's screening would leave it
    with none.
    """
    fixed = list(values[:baseline] if baseline is not None else values)
    ranges = [r for r in moving_ranges(fixed) if r is not None]
    used = [True] * len(ranges)
    if screen:
        used = _screened(ranges)
    kept = [r for r, keep in zip(ranges, used, strict=True) if keep]
    flags = (False, *used, *([False] * (len(values) - len(fixed))))
    mean = fmean(fixed)
    if not kept:
        return Limits(mean, None, None, None, None, None, len(fixed), flags)
    mean_range = fmean(kept)
    return Limits(
        mean=mean,
        mean_moving_range=mean_range,
        upper=mean + LIMIT_WIDTH * mean_range,
        lower=mean - LIMIT_WIDTH * mean_range,
        near_upper=mean + NEAR_WIDTH * mean_range,
        near_lower=mean - NEAR_WIDTH * mean_range,
        baseline_points=len(fixed),
        moving_range_used=flags,
    )


def _screened(ranges: Sequence[float]) -> list[bool]:
    """Which moving ranges stay after screening: those under 3.267 mean moving ranges.

    Screening is done once, against the mean of every moving range, as the reference
    does; it is not repeated until nothing more falls out. Where every moving range is
    zero (a flat series) nothing is left out: the reference's strict "under" would leave
    out all of them and give no limits at all, where the limits plainly sit on the mean.
    """
    if not ranges:
        return []
    cut = SCREEN_WIDTH * fmean(ranges)
    if cut == 0:
        return [True] * len(ranges)
    return [r < cut for r in ranges]
