"""The flows between THRIVE groupings as a Sankey-style inline SVG: no script and no
stylesheet, so it draws under the strict content security policy and in a PDF alike.

Each snapshot is a column of bars, one a grouping; a band runs from a grouping at one
snapshot to a grouping at the next, as wide as the children who moved so. Only figures the
tables publish are drawn (a hidden count draws nothing), so the picture shows nothing the
table under it does not; the table carries every figure, so nothing rests on the drawing.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Final

from wholestory.thrive import population_words as words
from wholestory.thrive.population_flows import Flows
from wholestory.thrive.vocabulary import GROUPINGS

WIDTH, HEIGHT = 720, 340
LEFT, RIGHT, TOP, BOTTOM = 8, 150, 24, 16
BAR, GAP = 14, 10
ORDER: Final = (*GROUPINGS, "")
COLOURS: Final = dict(zip(ORDER, ("#00703c", "#1d70b8", "#f47738", "#d4351c", "#4c2c92",
                                  "#b1b4b6"), strict=True))  # fmt: skip


def flows_svg(flows: Flows, chart_id: str = "flows") -> str:
    """The flows drawn: a column a snapshot, a band a published move."""
    root = ET.Element("svg", {
        "xmlns": "http://www.w3.org/2000/svg", "viewBox": f"0 0 {WIDTH} {HEIGHT}",
        "width": "100%", "role": "img", "aria-labelledby": f"{chart_id}-title",
    })  # fmt: skip
    ET.SubElement(
        root, "title", {"id": f"{chart_id}-title"}
    ).text = "How children moved between THRIVE groupings from one quarter to the next"
    sizes = _sizes(flows)
    scale = _scale(sizes)
    step_x = (WIDTH - LEFT - RIGHT - BAR) / max(len(flows.days) - 1, 1)
    tops = [_tops(column, scale) for column in sizes]
    for n, step in enumerate(flows.steps):
        out_y, in_y = dict(tops[n]), dict(tops[n + 1])
        x0, x1 = LEFT + n * step_x + BAR, LEFT + (n + 1) * step_x
        for (src, dst), count in step.cells.items():
            if not count.value:
                continue
            width = count.value * scale
            _band(root, x0, out_y[src], x1, in_y[dst], width, COLOURS[src])
            out_y[src] += width
            in_y[dst] += width
    for n, (day, column) in enumerate(zip(flows.days, tops, strict=True)):
        x = LEFT + n * step_x
        _text(root, x, TOP - 8, day.strftime("%-d %b %Y"), "start")
        for code, y in column.items():
            height = sizes[n][code] * scale
            if height:
                ET.SubElement(root, "rect", {"x": f"{x:.1f}", "y": f"{y:.1f}", "width": str(BAR),
                              "height": f"{height:.1f}", "fill": COLOURS[code]})  # fmt: skip
                if n == len(flows.days) - 1:
                    _text(
                        root, x + BAR + 4, y + height / 2 + 4, words.grouping_title(code), "start"
                    )
    return ET.tostring(root, encoding="unicode")


def _sizes(flows: Flows) -> list[dict[str, int]]:
    """Each snapshot's drawn size of each grouping: the larger of the published moves out
    of it and into it."""
    sizes = [dict.fromkeys(ORDER, 0) for _ in flows.days]
    for n, step in enumerate(flows.steps):
        outs, ins = dict.fromkeys(ORDER, 0), dict.fromkeys(ORDER, 0)
        for (src, dst), count in step.cells.items():
            outs[src] += count.value or 0
            ins[dst] += count.value or 0
        for code in ORDER:
            sizes[n][code] = max(sizes[n][code], outs[code])
            sizes[n + 1][code] = max(sizes[n + 1][code], ins[code])
    return sizes


def _scale(sizes: list[dict[str, int]]) -> float:
    most = max((sum(column.values()) for column in sizes), default=0)
    room = HEIGHT - TOP - BOTTOM - GAP * (len(ORDER) - 1)
    return room / most if most else 0.0


def _tops(column: dict[str, int], scale: float) -> dict[str, float]:
    tops, y = {}, float(TOP)
    for code in ORDER:
        tops[code] = y
        y += column[code] * scale + (GAP if column[code] else 0)
    return tops


def _band(
    root: ET.Element, x0: float, y0: float, x1: float, y1: float, w: float, fill: str
) -> None:
    mid = (x0 + x1) / 2
    d = (f"M{x0:.1f},{y0:.1f} C{mid:.1f},{y0:.1f} {mid:.1f},{y1:.1f} {x1:.1f},{y1:.1f} "
         f"L{x1:.1f},{y1 + w:.1f} C{mid:.1f},{y1 + w:.1f} {mid:.1f},{y0 + w:.1f} "
         f"{x0:.1f},{y0 + w:.1f} Z")  # fmt: skip
    ET.SubElement(root, "path", {"d": d, "fill": fill, "fill-opacity": "0.45"})


def _text(root: ET.Element, x: float, y: float, text: str, anchor: str) -> None:
    attributes = {"x": f"{x:.1f}", "y": f"{y:.1f}", "font-size": "12", "text-anchor": anchor,
                  "font-family": "Arial, sans-serif"}  # fmt: skip
    ET.SubElement(root, "text", attributes).text = text
