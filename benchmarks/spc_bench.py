"""Chart engine benchmark: ten years of monthly data for 20 measures (issue 16: the chart
engine "runs on 10 years of monthly data for 20 measures in under a second").

Twenty series of 120 months, seeded, each with a planted shift and one rebase point, as a
board pack's charts would be. Timed separately, over several repeats (the median and the
slowest reported): the XmR charts (limits, the four rules and the icons, which
:func:`~wholestory.charts.spc.xmr_chart` does in one pass), then the inline SVG drawing
of every chart, then both.

    python -m benchmarks.run spc
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable

MEASURES = 20
MONTHS = 120
REPEATS = 7
SEED = 16


def series() -> list[list[tuple[str, float]]]:
    """Twenty seeded monthly series, each shifting up a little two thirds of the way in."""
    rng = random.Random(SEED)
    months = [f"{2016 + i // 12}-{i % 12 + 1:02d}" for i in range(MONTHS)]
    found = []
    for _ in range(MEASURES):
        level, spread = rng.uniform(20, 80), rng.uniform(2, 8)
        found.append(
            [(m, level + rng.gauss(0, spread) + (spread * 2 if i >= 80 else 0))
             for i, m in enumerate(months)]
        )  # fmt: skip
    return found


def _timed(run: Callable[[], object]) -> list[float]:
    """Seconds for each of :data:`REPEATS` runs."""
    seconds = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - started)
    return seconds


def measure() -> str:
    from wholestory.charts.icons import Direction
    from wholestory.charts.spc import ChartOptions, xmr_chart
    from wholestory.charts.svg import render_svg

    data = series()
    options = ChartOptions(direction=Direction.HIGHER_IS_BETTER, target=50.0,
                           rebase_at=("2022-09",))  # fmt: skip

    def charts() -> list[object]:
        return [xmr_chart(s, options) for s in data]

    drawn = [xmr_chart(s, options) for s in data]

    def svgs() -> list[str]:
        return [
            render_svg(c, measure=f"Measure {n}", chart_id=f"m{n}") for n, c in enumerate(drawn)
        ]

    def both() -> list[str]:
        return [render_svg(xmr_chart(s, options), measure="M") for s in data]

    rows = [("Limits, rules and icons", _timed(charts)), ("SVG drawing", _timed(svgs)),
            ("Both", _timed(both))]  # fmt: skip
    marked = sum(p.special_cause for c in drawn for p in c.points)
    table = "".join(f"| {what} | {statistics.median(s):.3f} | {max(s):.3f} |\n" for what, s in rows)
    return (
        f"{MEASURES} seeded series of {MONTHS} months (ten years), each with a shift planted "
        "at month 81 and its limits recalculated at month 81, a target, higher is better "
        f"({marked:,} points marked special cause in all). Seconds for all {MEASURES} charts, "
        f"over {REPEATS} repeats in one process (median and slowest).\n\n"
        "| step | median s | slowest s |\n|---|---|---|\n" + table
    )
