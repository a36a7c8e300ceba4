"""The timeline picture: one child's years, one lane per agency, as an SVG string.

A reviewer reads a chronology table line by line; the picture shows what a
table hides: which agencies were involved at once, where the plans were, how
the flags cluster and where the silences are. It is plain SVG (no script, no
fonts or images fetched), so it sits inline in the HTML report and the PDF.

Reading the picture:

* lanes from the top: Flags (a band from a flag's first to last date, with
  ticks at its evidence and its code), Plans (a bar per plan period), the
  Household (events of the people the child lives with), then one lane per
  agency, in the order the agencies first became involved;
* each entry is a mark in each of its agencies' lanes, coloured by its
  category; a circle is the child's own event and a diamond a household
  member's; a date known only to the month or year is a bar across it;
* plan periods are also shaded behind every lane, so what happened during a
  plan is seen at a glance;
* the axis runs from the start of the year of birth (or of the first entry,
  if earlier) to the chronology's "as of" date; ages are marked at birthdays.

Colours come from the Okabe-Ito palette, which stays distinguishable for
most colour-blind readers and in greyscale print helped by the shapes. The colours,
sizes, axis and lanes are in :mod:`~wholestory.chronology.timeline_layout`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from html import escape
from typing import Any, Final

from wholestory.chronology.display import (
    age_on,
    event_label,
    parse_iso,
    period_end,
    show_date,
)
from wholestory.chronology.model import Chronology, Entry, Flag
from wholestory.chronology.timeline_groupings import GroupingSpan, groupings_lane
from wholestory.chronology.timeline_layout import (
    CATEGORY_COLOURS,
    CHAR_WIDTH,
    FLAG_ROW_HEIGHT,
    FONT,
    LABEL_WIDTH,
    LANE_HEIGHT,
    LEGEND_CHAR_WIDTH,
    PLAN_COLOURS,
    RIGHT_PAD,
    ROW_HEIGHT,
    SEVERITY_COLOURS,
    WIDTH,
    Axis,
    Plan,
    axis_for,
    category_key,
    colour_of_category,
    colour_of_plan,
    lane_agencies,
    plan_family,
    plans_of,
)
from wholestory.chronology.vocabulary import agency_name


def _text(x: float, y: float, text: str, **attrs: Any) -> str:
    extra = "".join(f' {k.rstrip("_").replace("_", "-")}="{v}"' for k, v in attrs.items())
    return f'<text x="{x}" y="{y}"{extra}>{escape(text)}</text>'


def _wrap(label: str, limit: int = 30) -> list[str]:
    """A lane label in at most two lines, split at the space nearest the middle."""
    if len(label) <= limit or " " not in label:
        return [label]
    spaces = [i for i, c in enumerate(label) if c == " "]
    cut = min(spaces, key=lambda i: abs(i - len(label) / 2))
    return [label[:cut], label[cut + 1 :]]


def _lane_label(y: float, height: float, label: str, count: int | None) -> str:
    """The lane's name on the left, with how many entries it holds."""
    lines = _wrap(label)
    parts = []
    middle = y + height / 2
    first = middle + 3.5 - (len(lines) - 1) * 5.5
    for n, line in enumerate(lines):
        parts.append(_text(8, first + n * 11, line, class_="lane-label"))
    if count is not None:
        parts.append(_text(LABEL_WIDTH - 10, middle + 3.5, str(count), class_="lane-count"))
    return "".join(parts)


def _mark(entry: Entry, axis: Axis, y: float, lane: str) -> str:
    """One entry in one lane: circle (child) or diamond (household), or a bar for a period."""
    colour = colour_of_category(entry.category)
    x = axis.x(entry.day)
    tip = escape(f"{show_date(entry.date, entry.approximate)}: {event_label(entry.event_type)}")
    if entry.precision != "day":
        end = period_end(entry.date) or entry.day
        x2 = max(axis.x(end), x + 3)
        shape = (
            f'<rect x="{x}" y="{y - 2.5}" width="{round(x2 - x, 1)}" height="5" rx="2.5" '
            f'fill="{colour}" fill-opacity="0.55"/>'
        )
    elif entry.household:
        shape = (
            f'<path d="M{x} {y - 4.5}l4.5 4.5l-4.5 4.5l-4.5 -4.5z" fill="{colour}" '
            'stroke="#fff" stroke-width="0.6"/>'
        )
    else:
        shape = (
            f'<circle cx="{x}" cy="{y}" r="3.6" fill="{colour}" stroke="#fff" stroke-width="0.6"/>'
        )
    return f'<g class="mark" data-lane="{escape(lane)}"><title>{tip}</title>{shape}</g>'


def _pack(spans: Sequence[tuple[float, float]]) -> list[int]:
    """Rows for horizontal spans so none overlaps another in its row (first fit)."""
    ends: list[float] = []
    rows = []
    for start, end in spans:
        for row, row_end in enumerate(ends):
            if start >= row_end:
                ends[row] = end
                rows.append(row)
                break
        else:
            ends.append(end)
            rows.append(len(ends) - 1)
    return rows


def _flag_spans(flags: Sequence[Flag], axis: Axis) -> list[tuple[float, float]]:
    spans = []
    for flag in flags:
        x1 = axis.x(flag.first)
        label_end = x1 + 7 + len(flag.code) * CHAR_WIDTH
        spans.append((x1 - 6, max(axis.x(flag.last), label_end) + 10))
    return spans


def _flags_lane(chronology: Chronology, axis: Axis, top: float) -> tuple[str, float]:
    """Each flag as a band over its dates, a triangle at its start, ticks at its evidence."""
    flags = sorted(chronology.flags, key=lambda f: (f.first, f.last))
    rows = _pack(_flag_spans(flags, axis))
    height = max(max(rows, default=0) + 1, 1) * FLAG_ROW_HEIGHT + 6
    days = {e.id: e.day for e in chronology.entries}
    parts = ['<g class="lane flags" data-lane="Flags">']
    parts.append(_lane_label(top, height, "Flags", len(flags)))
    if not flags:
        parts.append(_text(axis.left + 6, top + height / 2 + 3.5, "No flags", class_="note"))
    for flag, row in zip(flags, rows, strict=True):
        parts.append(_flag_mark(flag, axis, top + 3 + row * FLAG_ROW_HEIGHT, days))
    parts.append("</g>")
    return "".join(parts), height


def _flag_mark(flag: Flag, axis: Axis, y: float, days: dict[str, dt.date]) -> str:
    """The code above a band from first to last date, a triangle at the start, evidence ticks."""
    colour = SEVERITY_COLOURS.get(flag.severity, SEVERITY_COLOURS["low"])
    x1, x2 = axis.x(flag.first), axis.x(flag.last)
    tip = escape(
        f"{flag.title} ({flag.severity}): {show_date(flag.first)} to {show_date(flag.last)}"
    )
    ticks = "".join(
        f'<line x1="{axis.x(days[e])}" x2="{axis.x(days[e])}" y1="{y + 11}" y2="{y + 20}" '
        f'stroke="{colour}" stroke-width="1.3"/>'
        for e in flag.entries
        if e in days
    )
    return (
        f'<g class="flag" data-code="{escape(flag.code)}" data-severity="{escape(flag.severity)}">'
        f"<title>{tip}</title>"
        f'<rect x="{x1}" y="{y + 12.5}" width="{max(x2 - x1, 1.5)}" height="6" rx="2" '
        f'fill="{colour}" fill-opacity="0.3"/>{ticks}'
        f'<path d="M{x1 - 5} {y + 10}h10l-5 9z" fill="{colour}"/>'
        + _text(x1 + 7, y + 9.5, flag.code, class_="flag-code", fill=colour)
        + "</g>"
    )


def _plans_lane(plans: Sequence[Plan], axis: Axis, top: float) -> tuple[str, float]:
    """Each plan period as a labelled bar; an open plan runs to the ``as of`` date."""
    ordered = sorted(plans, key=lambda p: p.start)
    spans = [
        (axis.x(p.start), max(axis.x(p.end or axis.end), axis.x(p.start) + 6)) for p in ordered
    ]
    rows = _pack([(a, b + 2) for a, b in spans])
    height = (max(rows, default=0) + 1) * ROW_HEIGHT + 8
    parts = ['<g class="lane plans" data-lane="Plans">']
    parts.append(_lane_label(top, height, "Plans", len(plans)))
    for plan, (x1, x2), row in zip(ordered, spans, rows, strict=True):
        y = top + 4 + row * ROW_HEIGHT
        colour = colour_of_plan(plan.kind)
        end = show_date(plan.end) if plan.end else "open"
        parts.append(
            f'<g class="plan"><title>{escape(plan.kind)}: {show_date(plan.start)} to '
            f'{escape(end)}</title><rect x="{x1}" y="{y + 1}" width="{round(x2 - x1, 1)}" '
            f'height="12" rx="2" fill="{colour}"/>'
        )
        if x2 - x1 > len(plan.kind) * CHAR_WIDTH + 8:
            parts.append(_text(x1 + 4, y + 10.5, plan.kind, class_="plan-label"))
        parts.append("</g>")
    parts.append("</g>")
    return "".join(parts), height


def _lane_bands(bands: Sequence[tuple[float, float]]) -> str:
    """Alternating backgrounds under the lanes, drawn first so marks sit on top."""
    return "".join(
        f'<rect class="lane-bg" x="0" y="{top}" width="{WIDTH}" height="{height}" '
        f'fill="{"#F1F4F7" if n % 2 == 0 else "#FFFFFF"}"/>'
        for n, (top, height) in enumerate(bands)
    )


def _event_lanes(
    chronology: Chronology, axis: Axis, top: float, agencies: Sequence[str]
) -> tuple[str, float]:
    """The Household lane, then one lane per agency, each with its entries' marks."""
    household = [e for e in chronology.entries if e.household]
    lanes: list[tuple[str, str, list[Entry]]] = [("Household", "Household", household)]
    for agency in agencies:
        marks = [e for e in chronology.entries if agency in (e.agencies or [e.agency])]
        lanes.append((agency, agency_name(agency), marks))
    parts = []
    for index, (key, label, entries) in enumerate(lanes):
        y = top + index * LANE_HEIGHT
        kind = "household" if index == 0 else "agency"
        parts.append(f'<g class="lane {kind}" data-lane="{escape(key)}">')
        parts.append(_lane_label(y, LANE_HEIGHT, label, len(entries)))
        parts.extend(_mark(e, axis, y + LANE_HEIGHT / 2, key) for e in entries)
        parts.append("</g>")
    return "".join(parts), len(lanes) * LANE_HEIGHT


def _shading(plans: Sequence[Plan], axis: Axis, top: float, bottom: float) -> str:
    """Plan periods shaded behind the event lanes."""
    return "".join(
        f'<rect class="plan-shade" x="{axis.x(p.start)}" y="{top}" '
        f'width="{max(axis.x(p.end or axis.end) - axis.x(p.start), 1)}" height="{bottom - top}" '
        f'fill="{colour_of_plan(p.kind)}" fill-opacity="0.10"/>'
        for p in plans
    )


def _year_ticks(axis: Axis) -> list[dt.date]:
    years = axis.end.year - axis.start.year + 1
    step = 1 if years <= 22 else 2 if years <= 44 else 5
    return [dt.date(y, 1, 1) for y in range(axis.start.year, axis.end.year + 1, step)]


def _grid(axis: Axis, top: float, bottom: float) -> str:
    """Year lines and labels above the lanes, and the "as of" line at the right edge."""
    parts = []
    ticks = _year_ticks(axis)
    for tick in ticks:
        x = axis.x(tick)
        parts.append(
            f'<line x1="{x}" x2="{x}" y1="{top - 4}" y2="{bottom}" stroke="#C9CED6" '
            'stroke-width="0.7"/>'
        )
        nxt = dt.date(tick.year + (ticks[1].year - ticks[0].year if len(ticks) > 1 else 1), 1, 1)
        middle = (x + axis.x(min(nxt, axis.end))) / 2
        if axis.x(min(nxt, axis.end)) - x > 22:
            parts.append(_text(middle, top - 8, str(tick.year), class_="year"))
    x_end = axis.x(axis.end)
    parts.append(
        f'<line x1="{x_end}" x2="{x_end}" y1="{top - 4}" y2="{bottom}" stroke="#333" '
        'stroke-width="1" stroke-dasharray="3 2"/>'
    )
    return "".join(parts)


def _ages(chronology: Chronology, axis: Axis, y: float) -> str:
    """Ages at each birthday below the lanes (every 2 years when the axis is long)."""
    birth = parse_iso(chronology.person.date_of_birth or "")
    if birth is None or len(chronology.person.date_of_birth or "") != 10:
        return ""
    years = age_on(birth, axis.end)
    step = 1 if years <= 22 else 2
    parts = [_text(axis.left - 6, y + 10, "Age", class_="age-title")]
    born = axis.x(birth)
    parts.append(f'<path d="M{born} {y}l-3 -5h6z" fill="#333"/>')
    parts.append(_text(born, y + 10, "born", class_="age"))
    for age in range(step, years + 1, step):
        try:
            birthday = birth.replace(year=birth.year + age)
        except ValueError:  # 29 February
            birthday = dt.date(birth.year + age, 3, 1)
        x = axis.x(birthday)
        parts.append(f'<line x1="{x}" x2="{x}" y1="{y - 4}" y2="{y}" stroke="#333"/>')
        parts.append(_text(x, y + 10, str(age), class_="age"))
    return "".join(parts)


def _legend_items(
    items: Iterable[tuple[str, str]], x: float, y: float, shape: str = "rect"
) -> tuple[list[str], float]:
    parts = []
    for label, colour in items:
        if shape == "band":
            parts.append(
                f'<rect x="{x}" y="{y - 7}" width="16" height="8" rx="2" fill="{colour}" '
                'fill-opacity="0.35"/>'
                f'<path d="M{x - 3} {y - 9}h8l-4 6z" fill="{colour}"/>'
            )
        else:
            parts.append(
                f'<rect x="{x}" y="{y - 8}" width="12" height="10" rx="2" fill="{colour}"/>'
            )
        gap = 22 if shape == "band" else 17
        parts.append(_text(x + gap, y, label, class_="legend"))
        x += gap + len(label) * LEGEND_CHAR_WIDTH + 16
    return parts, x


def _legend(chronology: Chronology, plans: Sequence[Plan], top: float) -> tuple[str, float]:
    """What the colours and shapes mean, in four short rows."""
    named = {category_key(e.category): e.category for e in reversed(chronology.entries)}
    keys = [k for k in CATEGORY_COLOURS if k in named] or list(CATEGORY_COLOURS)[:-1]
    categories = [(named.get(k, k), CATEGORY_COLOURS[k]) for k in keys]
    named = {plan_family(p.kind): p.kind for p in reversed(plans)}  # as the data names them
    kinds = list(dict.fromkeys(named.get(k, k) for k in [*PLAN_COLOURS, *named]))
    rows: list[tuple[str, list[str]]] = []
    parts, _ = _legend_items(((c.capitalize(), col) for c, col in categories), 110, 0)
    rows.append(("Event category", parts))
    grey = CATEGORY_COLOURS["other"]
    shapes = [
        f'<circle cx="116" cy="-3" r="3.6" fill="{grey}"/>',
        _text(125, 0, "the child's own event", class_="legend"),
        f'<path d="M266 -7.5l4.5 4.5l-4.5 4.5l-4.5 -4.5z" fill="{grey}"/>',
        _text(276, 0, "a household member's event", class_="legend"),
        f'<rect x="440" y="-5.5" width="22" height="5" rx="2.5" fill="{grey}" '
        'fill-opacity="0.55"/>',
        _text(468, 0, "date known only to the month or year (bar spans it)", class_="legend"),
        '<line x1="790" x2="790" y1="-10" y2="2" stroke="#333" stroke-dasharray="3 2"/>',
        _text(797, 0, f"as of {show_date(chronology.as_of)}", class_="legend"),
    ]
    rows.append(("Marks", shapes))
    plan_parts, _ = _legend_items(((k, colour_of_plan(k)) for k in kinds), 110, 0)
    rows.append(("Plan periods", plan_parts))
    severities = [(s, c) for s, c in SEVERITY_COLOURS.items()]
    flag_parts, _ = _legend_items(severities, 113, 0, shape="band")
    rows.append(("Flag severity", flag_parts))
    out = ['<g class="legend-block">']
    for n, (title, items) in enumerate(rows):
        y = top + 14 + n * 17
        out.append(f'<g transform="translate(0 {y})">')
        out.append(_text(8, 0, title, class_="legend-title"))
        out.extend(items)
        out.append("</g>")
    out.append("</g>")
    return "".join(out), len(rows) * 17 + 14


STYLE: Final = f"""
text {{ font-family: {FONT}; fill: #1F2933; }}
.lane-label {{ font-size: 10.5px; font-weight: 600; }}
.lane-count {{ font-size: 9px; fill: #6B7280; text-anchor: end; }}
.year {{ font-size: 10.5px; text-anchor: middle; font-weight: 600; }}
.age {{ font-size: 9px; text-anchor: middle; fill: #4B5563; }}
.age-title {{ font-size: 9px; text-anchor: end; fill: #4B5563; }}
.flag-code {{ font-size: 9.5px; font-weight: 700; }}
.plan-label {{ font-size: 9.5px; font-weight: 600; fill: #fff; }}
.legend {{ font-size: 9.5px; }}
.legend-title {{ font-size: 9.5px; font-weight: 700; }}
.note {{ font-size: 9.5px; fill: #6B7280; font-style: italic; }}
"""


def describe(chronology: Chronology, agencies: Sequence[str], plans: Sequence[Plan]) -> str:
    """The picture in words, for screen readers and for anyone who cannot see colour."""
    flags = "; ".join(
        f"{f.title} ({f.severity}, {show_date(f.first)} to {show_date(f.last)})"
        for f in chronology.flags
    )
    plan_text = "; ".join(
        f"{p.kind} {show_date(p.start)} to {show_date(p.end) if p.end else 'open'}" for p in plans
    )
    household = sum(1 for e in chronology.entries if e.household)
    return (
        f"{len(chronology.entries)} entries from {len(agencies)} agencies "
        f"({', '.join(agency_name(a) for a in agencies) or 'none'}), "
        f"{household} of them about the household, up to {show_date(chronology.as_of)}. "
        f"Flags: {flags or 'none'}. Plans: {plan_text or 'none'}."
    )


def timeline_svg(
    chronology: Chronology,
    subject: str | None = None,
    groupings: Sequence[GroupingSpan] = (),
) -> str:
    """The chronology as an SVG timeline; ``subject`` names the child in its title, and
    ``groupings`` are the THRIVE groupings the viewer may see, drawn in their own lane.

    The SVG is sized by its ``viewBox`` (1120 units wide), so it scales to the
    page: across an A4 landscape page a label is about 7.5 points.
    """
    name = subject or (chronology.person.names[0] if chronology.person.names else "the child")
    agencies = lane_agencies(chronology)
    plans = plans_of(chronology)
    axis = axis_for(chronology, LABEL_WIDTH + 8, WIDTH - RIGHT_PAD)
    top = 26.0
    flags_svg, flags_height = _flags_lane(chronology, axis, top)
    bands = [(top, flags_height)]
    y = top + flags_height
    plans_svg = ""
    if plans:
        plans_svg, plans_height = _plans_lane(plans, axis, y)
        bands.append((y, plans_height))
        y += plans_height
    thrive_svg, thrive_height = groupings_lane(groupings, axis, y)
    if thrive_height:
        bands.append((y, thrive_height))
        y += thrive_height
    lanes_top = y
    lanes_svg, lanes_height = _event_lanes(chronology, axis, y, agencies)
    bands.extend((lanes_top + n * LANE_HEIGHT, LANE_HEIGHT) for n in range(len(agencies) + 1))
    bottom = lanes_top + lanes_height
    ages = _ages(chronology, axis, bottom + 8)
    legend_top = bottom + (24 if ages else 6)
    legend_svg, legend_height = _legend(chronology, plans, legend_top)
    height = round(legend_top + legend_height + 4)
    title = f"Timeline of {name}'s chronology, by agency, to {show_date(chronology.as_of)}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'aria-labelledby="timeline-title timeline-desc">'
        f'<title id="timeline-title">{escape(title)}</title>'
        f'<desc id="timeline-desc">{escape(describe(chronology, agencies, plans))}</desc>'
        f"<style>{STYLE}</style>"
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#fff"/>'
        f"{_lane_bands(bands)}{_shading(plans, axis, lanes_top, bottom)}"
        f"{_grid(axis, top, bottom)}"
        f"{flags_svg}{plans_svg}{thrive_svg}{lanes_svg}{ages}{legend_svg}"
        "</svg>"
    )


#: What other modules take from here: the picture, and the layout the person page shares.
__all__ = [
    "LABEL_WIDTH",
    "RIGHT_PAD",
    "WIDTH",
    "axis_for",
    "colour_of_category",
    "describe",
    "lane_agencies",
    "timeline_svg",
]
