"""What the timeline picture is laid out on: its colours and sizes, the time axis, the
plan periods and the agencies' lanes.

:mod:`~wholestory.chronology.timeline` draws the picture from these; the person
page lays its own lanes over the same axis, so both share one idea of where a
day falls.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Final

from wholestory.chronology.display import parse_iso
from wholestory.chronology.model import Chronology

#: Colours of event categories (the template's event groups).
CATEGORY_COLOURS: Final[dict[str, str]] = {
    "domestic abuse": "#D55E00",
    "social care": "#0072B2",
    "health": "#009E73",
    "education": "#E69F00",
    "police and justice": "#CC79A7",
    "household": "#56B4E9",
    "other": "#6F6F6F",
}
SEVERITY_COLOURS: Final[dict[str, str]] = {
    "high": "#B2182B",
    "medium": "#E08214",
    "low": "#4A6FA5",
}
PLAN_COLOURS: Final[dict[str, str]] = {
    "CP plan": "#C0392B",
    "CIN plan": "#D68910",
    "Early help": "#1E8449",
    "Looked after": "#7D3C98",
}
OTHER_PLAN_COLOUR: Final = "#566573"

WIDTH: Final = 1120
LABEL_WIDTH: Final = 200
RIGHT_PAD: Final = 24
LANE_HEIGHT: Final = 22
ROW_HEIGHT: Final = 16
FLAG_ROW_HEIGHT: Final = 21
FONT: Final = "DejaVu Sans, Arial, Helvetica, sans-serif"
CHAR_WIDTH: Final = 5.6  # rough width of one character at the label size, for packing
LEGEND_CHAR_WIDTH: Final = 5.2


@dataclass(frozen=True, slots=True)
class Axis:
    """Maps dates to x positions across the plot."""

    start: dt.date
    end: dt.date
    left: float
    right: float

    def x(self, day: dt.date) -> float:
        span = max((self.end - self.start).days, 1)
        offset = min(max((day - self.start).days, 0), span)
        return round(self.left + (self.right - self.left) * offset / span, 1)


@dataclass(frozen=True, slots=True)
class Plan:
    """One plan period from the summary, with dates parsed."""

    kind: str
    start: dt.date
    end: dt.date | None
    agency: str


#: Other spellings of a category (the template's group names).
_CATEGORY_ALIASES: Final[dict[str, str]] = {"children's social care": "social care"}


def category_key(category: str) -> str:
    """The category's key in :data:`CATEGORY_COLOURS` (``other`` for one it does not know)."""
    key = _CATEGORY_ALIASES.get(category.casefold(), category.casefold())
    return key if key in CATEGORY_COLOURS else "other"


def colour_of_category(category: str) -> str:
    return CATEGORY_COLOURS[category_key(category)]


def plan_family(kind: str) -> str:
    """The plan kinds a reviewer tells apart, however a summary spells them."""
    words = kind.casefold()
    if "protection" in words or words.startswith("cp"):
        return "CP plan"
    if "need" in words or words.startswith("cin"):
        return "CIN plan"
    if "early help" in words:
        return "Early help"
    if "looked after" in words or "care" in words:
        return "Looked after"
    return kind


def colour_of_plan(kind: str) -> str:
    return PLAN_COLOURS.get(plan_family(kind), OTHER_PLAN_COLOUR)


def plans_of(chronology: Chronology) -> list[Plan]:
    """The plan periods in ``summary["plans"]``; malformed ones are left out of the picture."""
    plans = []
    raw = chronology.summary.get("plans")
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict):
            continue
        start = parse_iso(str(item.get("start") or ""))
        if start is None:
            continue
        end = parse_iso(str(item.get("end") or ""))
        kind = str(item.get("kind") or "Plan")
        plans.append(Plan(kind, start, end, str(item.get("agency") or "")))
    return plans


def lane_agencies(chronology: Chronology) -> list[str]:
    """Agencies in the order they first became involved (entries are in date order)."""
    seen: dict[str, None] = {}
    for entry in sorted(chronology.entries, key=lambda e: e.day):
        for agency in entry.agencies or [entry.agency]:
            seen.setdefault(agency, None)
    return list(seen)


def axis_for(chronology: Chronology, left: float, right: float) -> Axis:
    """From 1 January of the year of birth (or of an earlier first entry) to ``as_of``."""
    candidates = [e.day for e in chronology.entries]
    birth = parse_iso(chronology.person.date_of_birth or "")
    if birth is not None:
        candidates.append(birth)
    first = min(candidates, default=chronology.as_of - dt.timedelta(days=365))
    start = dt.date(first.year, 1, 1)
    end = max(chronology.as_of, start + dt.timedelta(days=180))
    return Axis(start, end, left, right)
