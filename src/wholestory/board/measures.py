"""The measures the board sees charted, each with its definition and the source it is read
from, and its monthly series up to a quarter's end, small numbers left out.

Each chart is the one chart engine's (:mod:`wholestory.charts`): an XmR chart with the
Making Data Count rules, drawn as SVG with no script, with its icons and a one-line
reading in words. A month whose figure would reveal a count from 1 to 4 is left off the
chart, and the chart says which months it left off and why; a month with nothing to
measure is left off too. A board member follows each chart's link to its definition:
what is counted, the numerator and denominator, and the function the figures come from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Final

from wholestory.assurance import words as assurance_words
from wholestory.assurance.measure_history import CODES, DIRECTIONS, series
from wholestory.assurance.measure_words import DEFINITIONS
from wholestory.charts.spc import ChartOptions, Direction, xmr_chart
from wholestory.charts.svg import render_svg
from wholestory.charts.words import summary_lines
from wholestory.domestic_abuse.encompass import MonthTimeliness, timeliness
from wholestory.domestic_abuse.figures import Figures, domestic_abuse_figures
from wholestory.figures import SUPPRESS_BELOW
from wholestory.store import Store

#: How many months before a quarter's end each chart shows.
MONTHS_SHOWN: Final = 36

#: (month, value, or None when left out, and why: "" shown, "empty", "small")
Point = tuple[str, float | None, str]


@dataclass(frozen=True, slots=True)
class BoardMeasure:
    """A measure the board sees: what it is, where it comes from, which way is better."""

    key: str
    title: str
    definition: str
    source: str  # the function (and so the query) its figures come from
    direction: Direction
    unit: str
    read: Callable[[Store, dt.date], list[Point]]


#: While a pack is gathered, the domestic abuse figures and the Encompass timeliness read
#: once and shared by the charts and the pack's own section (each read walks every police
#: incident: at 100,000 children, seconds each). Outside :func:`reading_once`, read afresh.
_ONCE: ContextVar[dict[tuple[str, dt.date | None], Any] | None] = ContextVar(
    "board_reading_once", default=None
)


@contextmanager
def reading_once() -> Iterator[None]:
    """Within the block, each figure the pack reads is read from the store once."""
    token = _ONCE.set({})
    try:
        yield
    finally:
        _ONCE.reset(token)


def da_figures(store: Store, end: dt.date) -> Figures:
    """:func:`domestic_abuse_figures`, read once while a pack is gathered."""
    kept = _ONCE.get()
    if kept is None:
        return domestic_abuse_figures(store, end)
    if ("da", end) not in kept:
        kept[("da", end)] = domestic_abuse_figures(store, end)
    return kept[("da", end)]  # type: ignore[no-any-return]


def notices_timeliness(store: Store) -> list[MonthTimeliness]:
    """:func:`timeliness`, read once while a pack is gathered."""
    kept = _ONCE.get()
    if kept is None:
        return timeliness(store)
    if ("encompass", None) not in kept:
        kept[("encompass", None)] = timeliness(store)
    return kept[("encompass", None)]  # type: ignore[no-any-return]


def _small(*counts: int) -> bool:
    return any(0 < c < SUPPRESS_BELOW for c in counts)


def _practice(code: str) -> Callable[[Store, dt.date], list[Point]]:
    def read(store: Store, end: dt.date) -> list[Point]:
        found: list[Point] = []
        for m in series(store, code):
            value = m.charted()
            why = "empty" if value is None else "small" if m.small_numbers else ""
            found.append((m.month, None if why else value, why))
        return found

    return read


def _da(field: str) -> Callable[[Store, dt.date], list[Point]]:
    def read(store: Store, end: dt.date) -> list[Point]:
        found: list[Point] = []
        for m in da_figures(store, end).months:
            if field == "incidents":
                count = m.incidents
                found.append((m.month, None if _small(count) else float(count),
                              "small" if _small(count) else ""))  # fmt: skip
            else:
                some, total = m.repeat_incidents, m.incidents
                if not total:
                    found.append((m.month, None, "empty"))
                elif _small(some, total, total - some):
                    found.append((m.month, None, "small"))
                else:
                    found.append((m.month, 100 * some / total, ""))
        return found

    return read


def _encompass(store: Store, end: dt.date) -> list[Point]:
    found: list[Point] = []
    for m in notices_timeliness(store):
        if m.month > f"{end:%Y-%m}":
            continue
        if not m.owed:
            found.append((m.month, None, "empty"))
        elif _small(m.owed, m.on_time, m.owed - m.on_time):
            found.append((m.month, None, "small"))
        else:
            found.append((m.month, 100 * m.on_time / m.owed, ""))
    return found


def catalogue() -> tuple[BoardMeasure, ...]:
    """Every measure the pack charts, in the order it shows them."""
    practice = tuple(
        BoardMeasure(
            code,
            assurance_words.MEASURE_TITLES[code],
            DEFINITIONS[code],
            f"wholestory.assurance.measure_history.series('{code}') (ws_assurance_measure, "
            "kept nightly by wholestory chronologies)",
            DIRECTIONS[code],
            "days" if code == "concern_to_referral_days" else "per cent",
            _practice(code),
        )
        for code in CODES
    )
    da = (
        BoardMeasure(
            "da_incidents", "Domestic abuse incidents the police attended",
            "Each month, the police domestic abuse incidents recorded in the month.",
            "wholestory.domestic_abuse.figures.domestic_abuse_figures(...).months[].incidents",
            Direction.NEUTRAL, "incidents", _da("incidents"),
        ),
        BoardMeasure(
            "da_repeat_share", "Repeat domestic abuse incidents",
            "Each month, the share of the police domestic abuse incidents that were at a "
            "household with another incident in the 12 months before (numerator: repeat "
            "incidents; denominator: incidents).",
            "wholestory.domestic_abuse.figures.domestic_abuse_figures(...).months[]"
            ".repeat_incidents / .incidents",
            Direction.LOWER_IS_BETTER, "per cent", _da("repeat"),
        ),
        BoardMeasure(
            "encompass_on_time", "Operation Encompass notices sent before the next school day",
            "Each month of incident, the share of the notices owed to schools that were sent "
            "before the start of the next school day (numerator: sent on time; denominator: "
            "notices owed).",
            "wholestory.domestic_abuse.encompass.timeliness(...)[].on_time / .owed",
            Direction.HIGHER_IS_BETTER, "per cent", _encompass,
        ),
    )  # fmt: skip
    return practice + da


def measure(key: str) -> BoardMeasure | None:
    return next((m for m in catalogue() if m.key == key), None)


def charted(store: Store, m: BoardMeasure, end: dt.date) -> dict[str, Any]:
    """One measure's chart up to ``end``: the SVG, the reading, the marked months and the
    months left out, as plain data the pack keeps."""
    first = f"{_months_before(end, MONTHS_SHOWN - 1):%Y-%m}"
    last = f"{end:%Y-%m}"
    points = [p for p in m.read(store, end) if first <= p[0] <= last]
    shown = [(month, value) for month, value, _ in points if value is not None]
    left = {why: [month for month, _, w in points if w == why] for why in ("empty", "small")}
    base = {"key": m.key, "title": m.title, "source": m.source, "unit": m.unit,
            "left_out_small": left["small"], "left_out_empty": left["empty"]}  # fmt: skip
    if len(shown) < 2:
        return base | {"svg": "", "reading": "", "marks": [], "points": len(shown)}
    chart = xmr_chart(shown, ChartOptions(direction=m.direction))
    marks = [str(p.period) for p in chart.points if p.signals]
    svg = render_svg(chart, measure=m.title, value_label=m.unit, chart_id=f"chart-{m.key}")
    return base | {"svg": svg, "reading": " ".join(summary_lines(chart)), "marks": marks,
                   "points": len(shown), "chart": chart.as_dict()}  # fmt: skip


def _months_before(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)
