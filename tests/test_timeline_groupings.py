"""The timeline's THRIVE grouping lane (issue 16): each grouping a bar from its day to the
next grouping, named by its grouping, in its own lane between the plans and the agencies;
none, no lane; the picture is the same as before for a child with no grouping."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from chronology_factory import make_chronology
from wholestory.chronology.timeline import timeline_svg
from wholestory.chronology.timeline_groupings import LANE, GroupingSpan, spans_in_order

SVG = "{http://www.w3.org/2000/svg}"
HELP = GroupingSpan("Getting Help", dt.date(2024, 3, 1), "CAMHS")
ADVICE = GroupingSpan("Getting Advice and Signposting", dt.date(2023, 6, 1), "SCHOOL")


def _bars(svg: str) -> list[ET.Element]:
    root = ET.fromstring(svg)
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == "thrive-grouping"]


def test_each_grouping_holds_until_the_next() -> None:
    assert spans_in_order([HELP, ADVICE]) == [(ADVICE, HELP.start), (HELP, None)]


def test_the_lane_draws_each_grouping_named_and_dated() -> None:
    chronology = make_chronology()
    svg = timeline_svg(chronology, groupings=[HELP, ADVICE])
    root = ET.fromstring(svg)
    lanes = [g.get("data-lane") for g in root.iter(f"{SVG}g") if "lane" in (g.get("class") or "")]
    assert LANE in lanes and lanes.index(LANE) < lanes.index("Household")
    bars = _bars(svg)
    assert [b.get("data-grouping") for b in bars] == [ADVICE.title, HELP.title]
    tips = [b.findtext(f"{SVG}title") or "" for b in bars]
    assert tips[0].startswith("Getting Advice and Signposting: from 1 Jun 2023, until 1 Mar 2024")
    assert "current" in tips[1] and "Child and adolescent mental health" in tips[1]
    widths = [float(b.find(f"{SVG}rect").get("width", "0")) for b in bars]  # type: ignore[union-attr]
    assert all(w > 0 for w in widths)


def test_no_grouping_no_lane_and_the_picture_unchanged() -> None:
    chronology = make_chronology()
    assert timeline_svg(chronology, groupings=()) == timeline_svg(chronology)
    assert LANE not in timeline_svg(chronology) and not _bars(timeline_svg(chronology))


def test_a_grouping_after_the_records_is_drawn_at_the_axis_end() -> None:
    chronology = make_chronology()
    late = GroupingSpan("Thriving", chronology.as_of + dt.timedelta(days=400), "GP")
    (bar,) = _bars(timeline_svg(chronology, groupings=[late]))
    rect = bar.find(f"{SVG}rect")
    assert rect is not None
    right = float(rect.get("x", "0")) + float(rect.get("width", "0"))
    assert float(rect.get("width", "0")) > 0 and right <= 1120 - 24  # inside the plot
