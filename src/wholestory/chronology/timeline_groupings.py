"""The timeline's THRIVE grouping lane: each grouping of the child a bar from the day it was
recorded to the next grouping (or the "as of" day), named by its grouping (issue 16).

A grouping describes a need at a point in time, so it holds until the next one replaces it.
The chronology does not build groupings itself: the page passes the ones its viewer may see
under the sharing agreement (a grouping is a record of the agency that made it), read when
the page's chronology is loaded, so the nightly build of every chronology costs nothing more.
This module knows nothing of THRIVE beyond a title, a day and an agency.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Final

from wholestory.chronology.display import show_date
from wholestory.chronology.timeline_layout import CHAR_WIDTH, LABEL_WIDTH, ROW_HEIGHT, Axis
from wholestory.chronology.vocabulary import agency_name

LANE: Final = "THRIVE grouping"
#: THRIVE's five groupings (by title), each dark enough for the plans' white label.
COLOURS: Final[dict[str, str]] = {
    "Thriving": "#117733",
    "Getting Advice and Signposting": "#0072B2",
    "Getting Help": "#6A3D9A",
    "Getting More Help": "#882255",
    "Getting Risk Support": "#2B1B4A",
}
OTHER: Final = "#566573"


@dataclass(frozen=True, slots=True)
class GroupingSpan:
    """One grouping as the lane draws it."""

    title: str
    start: dt.date
    agency: str


def spans_in_order(groupings: Sequence[GroupingSpan]) -> list[tuple[GroupingSpan, dt.date | None]]:
    """Each grouping, oldest first, with the day the next one replaced it (None: current)."""
    ordered = sorted(groupings, key=lambda g: g.start)
    ends: list[dt.date | None] = [g.start for g in ordered[1:]]
    return list(zip(ordered, [*ends, None], strict=True))


def groupings_lane(groupings: Sequence[GroupingSpan], axis: Axis, top: float) -> tuple[str, float]:
    """The lane's SVG and its height ("" and 0 when the child has no grouping shown)."""
    if not groupings:
        return "", 0.0
    height = ROW_HEIGHT + 8
    parts = [f'<g class="lane thrive" data-lane="{LANE}">',
             f'<text x="8" y="{top + height / 2 + 3.5}" class="lane-label">{LANE}</text>',
             f'<text x="{LABEL_WIDTH - 10}" y="{top + height / 2 + 3.5}" class="lane-count">'
             f"{len(groupings)}</text>"]  # fmt: skip
    y = top + 4
    for grouping, end in spans_in_order(groupings):
        # A grouping recorded after the records run to is drawn at the axis's end.
        x1 = min(axis.x(grouping.start), axis.right - 4)
        x2 = min(max(axis.x(end or axis.end), x1 + 4), axis.right)
        parts.append(_bar(grouping, end, x1, x2, y))
    parts.append("</g>")
    return "".join(parts), float(height)


def _bar(grouping: GroupingSpan, end: dt.date | None, x1: float, x2: float, y: float) -> str:
    until = f"until {show_date(end.isoformat())}" if end else "current"
    tip = (f"{grouping.title}: from {show_date(grouping.start.isoformat())}, {until} "
           f"({agency_name(grouping.agency)})")  # fmt: skip
    colour = COLOURS.get(grouping.title, OTHER)
    bar = (f'<g class="thrive-grouping" data-grouping="{escape(grouping.title)}">'
           f"<title>{escape(tip)}</title>"
           f'<rect x="{x1}" y="{y + 1}" width="{round(x2 - x1, 1)}" height="12" rx="2" '
           f'fill="{colour}" stroke="#fff" stroke-width="1"/>')  # fmt: skip
    if x2 - x1 > len(grouping.title) * CHAR_WIDTH + 8:
        bar += (f'<text x="{x1 + 4}" y="{y + 10.5}" class="plan-label">'
                f"{escape(grouping.title)}</text>")  # fmt: skip
    return bar + "</g>"
