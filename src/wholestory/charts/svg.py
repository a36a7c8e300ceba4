"""An XmR chart as a self-contained, accessible SVG: no script, no stylesheet, no fonts.

The same drawing goes in a web page and, through WeasyPrint, in the board's PDF, so
everything is an attribute on the element it styles. A screen reader reads the chart's
``<title>`` and ``<desc>`` (the whole chart in words, :func:`.words.description`); each
point carries its own ``<title>``; the icons are written out in words under the chart,
so nothing rests on colour alone. Points are coloured by the Making Data Count
convention: common cause grey, improvement blue, concern orange, neutral purple (the
colours of NHSRplotthedots' ``ptd_spc_colours``), each ringed in dark grey so that the
paler colours still stand out from the white ground.
"""

from __future__ import annotations

import math
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from wholestory.charts import words
from wholestory.charts.icons import Direction, PointClass
from wholestory.charts.spc import Section, SpcChart

SVG_NS: Final = "http://www.w3.org/2000/svg"
#: The Making Data Count colours of a point, by its class.
POINT_COLOURS: Final[dict[PointClass, str]] = {
    PointClass.COMMON_CAUSE: "#a6a6a6",
    PointClass.IMPROVEMENT: "#00b0f0",
    PointClass.CONCERN: "#e46c0a",
    PointClass.NEUTRAL: "#490092",
}
INK: Final = "#0b0c0c"
LIMIT_COLOUR: Final = "#505a5f"
TARGET_COLOUR: Final = "#d4351c"
LINE_COLOUR: Final = "#a6a6a6"
GRID_COLOUR: Final = "#e6e6e6"
LIMIT_DASH: Final = "6 4"
TARGET_DASH: Final = "2 3"

#: The drawing's layout, in SVG units.
PLOT_HEIGHT: Final = 260
LEFT, RIGHT, TOP = 72, 24, 16
X_AXIS_SPACE: Final = 48
LINE_SPACE: Final = 20
MARKER_RADIUS: Final = 4.5
MOST_PERIOD_LABELS: Final = 8
#: About how wide a character of the 12 to 13 unit text is: enough to space the key
#: and to wrap the summary within the drawing, with no font metrics to hand.
CHARACTER_WIDTH: Final = 7.0


@dataclass(frozen=True)
class _Frame:
    """Where the plot sits and how values and point numbers map into it."""

    width: float
    count: int
    low: float
    high: float

    @property
    def step(self) -> float:
        return (self.width - LEFT - RIGHT) / self.count

    def x(self, index: float) -> float:
        return LEFT + (index + 0.5) * self.step

    def y(self, value: float) -> float:
        return TOP + PLOT_HEIGHT * (self.high - value) / (self.high - self.low)


def render_svg(
    chart: SpcChart,
    *,
    measure: str,
    value_label: str | None = None,
    chart_id: str = "spc-chart",
    width: int = 720,
) -> str:
    """The chart as SVG text, titled by its measure.

    ``chart_id`` prefixes the ids the title and description are referred to by: give
    each chart on one page its own.
    """
    ticks = nice_ticks(*_value_range(chart))
    frame = _Frame(width, len(chart.points), ticks[0], ticks[-1])
    lines = _wrapped(words.summary_lines(chart), width - LEFT - RIGHT)
    height = TOP + PLOT_HEIGHT + X_AXIS_SPACE + LINE_SPACE * (len(lines) + 1) + 8
    root = _root(chart_id, width, height)
    _sub(root, "title", {"id": f"{chart_id}-title"}, measure)
    _sub(root, "desc", {"id": f"{chart_id}-desc"}, words.description(chart, measure))
    _sub(root, "rect", {"width": str(width), "height": str(height), "fill": "#ffffff"})
    _draw_axes(root, frame, chart, ticks, value_label or measure)
    for section in chart.sections:
        _draw_section(root, frame, chart, section)
    if chart.options.target is not None:
        _line(
            root, "target", frame, 0, frame.count, chart.options.target, TARGET_COLOUR, TARGET_DASH
        )
    _draw_points(root, frame, chart)
    _draw_key(root, chart, TOP + PLOT_HEIGHT + X_AXIS_SPACE)
    summary = _sub(root, "g", {"class": "summary", "fill": INK, "font-size": "13"})
    for number, line in enumerate(lines):
        baseline = TOP + PLOT_HEIGHT + X_AXIS_SPACE + LINE_SPACE * (number + 2)
        _sub(summary, "text", {"x": str(LEFT), "y": _n(baseline)}, line)
    return ET.tostring(root, encoding="unicode")


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About ``count`` round-numbered ticks covering low to high (steps of 1, 2, 2.5 or 5)."""
    if high <= low:
        low, high = low - 1, high + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first, last = math.floor(low / step), math.ceil(high / step)
    return [round(i * step, 10) for i in range(first, last + 1)]


def _value_range(chart: SpcChart) -> tuple[float, float]:
    """The lowest and highest of every value, limit and the target: all must show."""
    seen = [p.value for p in chart.points]
    seen += [v for s in chart.sections for v in (s.lower_limit, s.upper_limit) if v is not None]
    if chart.options.target is not None:
        seen.append(chart.options.target)
    return min(seen), max(seen)


def _root(chart_id: str, width: float, height: float) -> ET.Element:
    """The ``<svg>`` element, named for assistive technology by its title and description."""
    return ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "viewBox": f"0 0 {_n(width)} {_n(height)}",
            "width": _n(width),
            "height": _n(height),
            "role": "img",
            "aria-labelledby": f"{chart_id}-title {chart_id}-desc",
            "font-family": "Arial, Helvetica, sans-serif",
            "font-size": "12",
        },
    )


def _draw_axes(
    root: ET.Element, frame: _Frame, chart: SpcChart, ticks: Sequence[float], label: str
) -> None:
    """Gridlines and value ticks, the two axes, period labels, and the axes' titles."""
    axes = _sub(root, "g", {"class": "axes", "fill": INK})
    bottom = TOP + PLOT_HEIGHT
    for tick in ticks:
        y = _n(frame.y(tick))
        grid = {"x1": str(LEFT), "x2": _n(frame.width - RIGHT), "y1": y, "y2": y}
        _sub(axes, "line", {**grid, "stroke": GRID_COLOUR})
        tick_label = {"x": str(LEFT - 6), "y": y, "text-anchor": "end", "dy": "0.35em"}
        _sub(axes, "text", tick_label, words.figure(tick))
    _sub(
        axes,
        "path",
        {"d": f"M{LEFT},{TOP}V{bottom}H{_n(frame.width - RIGHT)}", "fill": "none", "stroke": INK},
    )
    every = math.ceil(frame.count / MOST_PERIOD_LABELS)
    for index in range(0, frame.count, every):
        period = words.period_words(chart.points[index].period)
        at = {"x": _n(frame.x(index)), "y": str(bottom + 16), "text-anchor": "middle"}
        _sub(axes, "text", at, period)
    title = {"x": _n((LEFT + frame.width - RIGHT) / 2), "y": str(bottom + 36)}
    _sub(axes, "text", {**title, "text-anchor": "middle"}, words.PERIOD)
    turn = f"rotate(-90 16 {_n(TOP + PLOT_HEIGHT / 2)})"
    at = {"x": "16", "y": _n(TOP + PLOT_HEIGHT / 2), "transform": turn}
    _sub(axes, "text", {**at, "text-anchor": "middle"}, label)


def _draw_section(root: ET.Element, frame: _Frame, chart: SpcChart, section: Section) -> None:
    """A section's mean (solid) and process limits (dashed), across its own points."""
    start = next(i for i, p in enumerate(chart.points) if p.period == section.first)
    end = start + section.points
    _line(root, "mean", frame, start, end, section.mean, INK, None)
    for name, value in (("upper-limit", section.upper_limit), ("lower-limit", section.lower_limit)):
        if value is not None:
            _line(root, name, frame, start, end, value, LIMIT_COLOUR, LIMIT_DASH)


def _line(
    root: ET.Element,
    name: str,
    frame: _Frame,
    start: int,
    end: int,
    value: float,
    colour: str,
    dash: str | None,
) -> None:
    """A horizontal line at ``value`` across points ``start`` to ``end`` (exclusive)."""
    y = _n(frame.y(value))
    attributes = {
        "class": name,
        "x1": _n(frame.x(start - 0.5)),
        "x2": _n(frame.x(end - 0.5)),
        "y1": y,
        "y2": y,
        "stroke": colour,
        "stroke-width": "1.5",
    }
    if dash:
        attributes["stroke-dasharray"] = dash
    _sub(root, "line", attributes)


def _draw_points(root: ET.Element, frame: _Frame, chart: SpcChart) -> None:
    """The line joining the values, then one marker per point with its words as a title."""
    joined = " ".join(
        f"{_n(frame.x(i))},{_n(frame.y(p.value))}" for i, p in enumerate(chart.points)
    )
    _sub(
        root,
        "polyline",
        {
            "class": "values",
            "points": joined,
            "fill": "none",
            "stroke": LINE_COLOUR,
            "stroke-width": "1.5",
        },
    )
    markers = _sub(root, "g", {"class": "points", "stroke": INK, "stroke-width": "1"})
    for i, point in enumerate(chart.points):
        marker = {
            "class": f"point {point.point_class.value}",
            "cx": _n(frame.x(i)),
            "cy": _n(frame.y(point.value)),
            "r": str(MARKER_RADIUS),
            "fill": POINT_COLOURS[point.point_class],
        }
        _sub(_sub(markers, "circle", marker), "title", {}, words.point_words(point))


def _draw_key(root: ET.Element, chart: SpcChart, top: float) -> None:
    """The key in one row: the point classes this chart can show, then its lines."""
    key = _sub(root, "g", {"class": "key", "fill": INK})
    y, x = top + LINE_SPACE - 4, float(LEFT)
    for kind in _classes(chart.options.direction):
        _sub(
            key,
            "circle",
            {
                "cx": _n(x + 5),
                "cy": _n(y - 4),
                "r": str(MARKER_RADIUS),
                "fill": POINT_COLOURS[kind],
                "stroke": INK,
            },
        )
        x = _key_text(key, x + 14, y, words.KEY_WORDS[kind])
    lines = [(words.MEAN, INK, None), (words.PROCESS_LIMITS, LIMIT_COLOUR, LIMIT_DASH)]
    if chart.options.target is not None:
        lines.append((words.TARGET, TARGET_COLOUR, TARGET_DASH))
    for label, colour, dash in lines:
        sample = {
            "x1": _n(x),
            "x2": _n(x + 20),
            "y1": _n(y - 4),
            "y2": _n(y - 4),
            "stroke": colour,
            "stroke-width": "1.5",
        }
        if dash:
            sample["stroke-dasharray"] = dash
        _sub(key, "line", sample)
        x = _key_text(key, x + 26, y, label)


def _key_text(key: ET.Element, x: float, y: float, text: str) -> float:
    """One label of the key; returns where the next entry starts (an estimate of width)."""
    _sub(key, "text", {"x": _n(x), "y": _n(y)}, text)
    return x + CHARACTER_WIDTH * len(text) + 16


def _wrapped(lines: Sequence[str], width: float) -> list[str]:
    """The summary's lines, each broken to fit the drawing's width."""
    most = max(20, int(width / CHARACTER_WIDTH))
    return [part for line in lines for part in textwrap.wrap(line, most)]


def _classes(direction: Direction) -> list[PointClass]:
    """The classes a chart of this direction can show: neutral, or improvement and concern."""
    if direction is Direction.NEUTRAL:
        return [PointClass.COMMON_CAUSE, PointClass.NEUTRAL]
    return [PointClass.COMMON_CAUSE, PointClass.IMPROVEMENT, PointClass.CONCERN]


def _sub(
    parent: ET.Element, tag: str, attributes: dict[str, str], text: str | None = None
) -> ET.Element:
    """A child element with its attributes and, if given, its text (escaped by the writer)."""
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def _n(number: float) -> str:
    """A coordinate, short: to two decimal places, with no trailing zeros."""
    return f"{number:.2f}".rstrip("0").rstrip(".")
