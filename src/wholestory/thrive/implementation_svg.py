"""Each THRIVE principle's score over time, as a small inline SVG of lines: no script, no
stylesheet, so it draws under the strict content security policy and in a PDF alike.

Scores run 1 to 4 up the side, assessments along the bottom; a dashed line marks 3, from
which a principle is "THRIVE-like". The table beside it on the page carries every figure,
so nothing rests on the drawing or on colour alone.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Final

from wholestory.thrive.implementation import Assessment
from wholestory.thrive.vocabulary import PRINCIPLES, THRIVE_LIKE

WIDTH, PLOT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 40, 48, 12, 32
#: The key under the plot: two columns of principles, a row each pair.
KEY_ROW, KEY_COLUMN = 20, 300
HEIGHT = PLOT + KEY_ROW * 4 + 8
#: How far apart principles with the same scores are drawn, so no line hides another.
SPREAD = 1.6
#: One colour a principle, distinct enough side by side (the GOV.UK palette).
COLOURS: Final = ("#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#b58840", "#912b88",
                  "#28a197")  # fmt: skip


def principles_svg(kept: Sequence[Assessment], chart_id: str = "implementation") -> str:
    """Each principle's scores across the assessments, a line each, titled for a reader."""
    root = ET.Element("svg", {
        "xmlns": "http://www.w3.org/2000/svg", "viewBox": f"0 0 {WIDTH} {HEIGHT}",
        "width": str(WIDTH), "height": str(HEIGHT), "role": "img",
        "aria-labelledby": f"{chart_id}-title",
    })  # fmt: skip
    ET.SubElement(
        root, "title", {"id": f"{chart_id}-title"}
    ).text = "Each THRIVE principle's score (1 to 4) at each assessment"
    _axes(root, kept)
    for n, (colour, (code, words)) in enumerate(zip(COLOURS, PRINCIPLES.items(), strict=True)):
        nudge = (n - (len(PRINCIPLES) - 1) / 2) * SPREAD
        points = " ".join(
            f"{_x(i, len(kept)):.1f},{_y(a.scores[code]) + nudge:.1f}" for i, a in enumerate(kept)
        )
        line = ET.SubElement(root, "polyline", {
            "points": points, "fill": "none", "stroke": colour, "stroke-width": "2",
        })  # fmt: skip
        ET.SubElement(line, "title").text = words
        _key(root, n, colour, words)
    return ET.tostring(root, encoding="unicode")


def _key(root: ET.Element, n: int, colour: str, words: str) -> None:
    """The principle's colour and name in the key under the plot."""
    x, y = LEFT + KEY_COLUMN * (n % 2), PLOT + 12 + KEY_ROW * (n // 2)
    ET.SubElement(root, "line", {"x1": str(x), "x2": str(x + 24), "y1": str(y), "y2": str(y),
                                 "stroke": colour, "stroke-width": "3"})  # fmt: skip
    label = ET.SubElement(root, "text", {"x": str(x + 30), "y": str(y + 4), "font-size": "12",
                                         "fill": "#0b0c0c"})  # fmt: skip
    label.text = words


def _axes(root: ET.Element, kept: Sequence[Assessment]) -> None:
    for score in range(1, 5):
        dashed = {"stroke-dasharray": "6 4"} if score == THRIVE_LIKE else {}
        ET.SubElement(root, "line", {
            "x1": str(LEFT), "x2": str(WIDTH - RIGHT), "y1": f"{_y(score):.1f}",
            "y2": f"{_y(score):.1f}", "stroke": "#b1b4b6", **dashed,
        })  # fmt: skip
        label = ET.SubElement(root, "text", {"x": "8", "y": f"{_y(score) + 4:.1f}",
                                             "font-size": "12", "fill": "#0b0c0c"})  # fmt: skip
        label.text = str(score)
    for i, assessment in enumerate(kept):
        label = ET.SubElement(root, "text", {
            "x": f"{_x(i, len(kept)):.1f}", "y": str(PLOT - 10), "font-size": "12",
            "text-anchor": "middle", "fill": "#0b0c0c",
        })  # fmt: skip
        label.text = assessment.assessed_on.isoformat()


def _x(index: int, count: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span / 2 if count == 1 else span * index / (count - 1))


def _y(score: float) -> float:
    return TOP + (PLOT - TOP - BOTTOM) * (4 - score) / 3
