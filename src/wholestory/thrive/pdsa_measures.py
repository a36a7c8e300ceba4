"""The measures a PDSA cycle is judged by, and each one's monthly series.

A cycle's measure is either one of the product's own practice-quality measures, kept
monthly in ``ws_assurance_measure``, or a small query over the store. Users never give
SQL: a query is a short definition (JSON or YAML) of one of a few kinds, checked against
the event vocabulary and the agencies' codes, and compiled here to parameterised SQL, so
no text a user typed is ever part of a statement.

The kinds:

- ``{"practice": "history_read_first"}``: a kept practice measure.
- ``{"events": ["CAMHS_REFERRAL"], "agencies": ["SCHOOL"], "children_only": true,
  "title": "...", "better": "higher"}``: how many events of those types, per month. An
  event is counted once however many people it names; with ``children_only`` it counts
  when one of them was under 18 on its day, by the date of birth on their record.
- ``{"thrive_agreed": true}``: the share of THRIVE groupings recorded in the month that
  were agreed with the child and family.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Final

import yaml

from wholestory.assurance import measure_history
from wholestory.assurance.words import MEASURE_TITLES
from wholestory.charts.icons import Direction
from wholestory.figures import SUPPRESS_BELOW
from wholestory.records.template import EVENT_TYPES
from wholestory.store import Store
from wholestory.thrive import improvement_words as w

#: An agency code as the template allows one: capitals, digits and underscores.
_AGENCY: Final = re.compile(r"^[A-Z][A-Z0-9_]{0,31}$")
_BETTER: Final[dict[str, Direction]] = {
    "higher": Direction.HIGHER_IS_BETTER,
    "lower": Direction.LOWER_IS_BETTER,
    "neither": Direction.NEUTRAL,
}
_KINDS: Final = ("practice", "events", "thrive_agreed")
_EVENT_KEYS: Final = frozenset({"events", "agencies", "children_only", "title", "better"})
ADULT_AT: Final = 18


class MeasureError(ValueError):
    """A measure's definition that cannot be used, said in plain words."""


@dataclass(frozen=True, slots=True)
class MeasureDefinition:
    """A checked measure: what it counts and which way is better."""

    kind: str
    title: str
    direction: Direction
    practice: str = ""
    events: tuple[str, ...] = ()
    agencies: tuple[str, ...] = ()
    children_only: bool = False

    @property
    def unit(self) -> str:
        """ "count" for events, "share" for the others but the median days."""
        if self.kind == "events":
            return "count"
        return measure_history.unit_of(self.practice) if self.practice else "share"

    def as_dict(self) -> dict[str, Any]:
        """The definition as it is kept: enough to read it again with :func:`parse_measure`."""
        if self.kind == "practice":
            return {"practice": self.practice}
        if self.kind == "thrive_agreed":
            return {"thrive_agreed": True}
        better = next(k for k, d in _BETTER.items() if d is self.direction)
        return {
            "events": list(self.events),
            "agencies": list(self.agencies),
            "children_only": self.children_only,
            "title": self.title,
            "better": better,
        }


@dataclass(frozen=True, slots=True)
class MonthFigure:
    """One month of a measure: its counts, its value (None when nothing to measure)."""

    month: str
    numerator: int
    denominator: int | None
    value: float | None

    @property
    def small_numbers(self) -> bool:
        """Whether the month shows or implies a count of 1 to 4 (as figures.py suppresses)."""
        if self.denominator is None:
            return 0 < self.numerator < SUPPRESS_BELOW
        counts = (self.numerator, self.denominator, self.denominator - self.numerator)
        return any(0 < n < SUPPRESS_BELOW for n in counts)


def parse_measures(text: str) -> list[MeasureDefinition]:
    """The measures given as a YAML or JSON list (or one measure), each checked."""
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise MeasureError(w.NOT_READABLE) from error
    items = loaded if isinstance(loaded, list) else [loaded]
    if not items or items == [None]:
        raise MeasureError(w.NO_MEASURES)
    return [parse_measure(item) for item in items]


def parse_measure(item: Any) -> MeasureDefinition:
    """One measure's definition checked: refused, saying why, if it is not one of the kinds."""
    if isinstance(item, str) and item in MEASURE_TITLES:
        item = {"practice": item}
    if not isinstance(item, dict):
        raise MeasureError(w.NOT_A_MEASURE)
    kinds = [k for k in _KINDS if k in item]
    if len(kinds) != 1:
        raise MeasureError(w.ONE_KIND)
    if kinds[0] == "practice":
        return _practice(item)
    if kinds[0] == "thrive_agreed":
        return MeasureDefinition("thrive_agreed", w.THRIVE_AGREED, Direction.HIGHER_IS_BETTER)
    return _events(item)


def dumps(measures: list[MeasureDefinition]) -> str:
    """The measures as kept in ``ws_thrive_pdsa.measures``."""
    return json.dumps([m.as_dict() for m in measures])


def loads(text: str) -> list[MeasureDefinition]:
    """The kept measures read back."""
    return [parse_measure(item) for item in json.loads(text)]


def _practice(item: dict[str, Any]) -> MeasureDefinition:
    code = item["practice"]
    if set(item) != {"practice"} or code not in MEASURE_TITLES:
        raise MeasureError(w.UNKNOWN_PRACTICE.format(code=code))
    return MeasureDefinition(
        "practice", MEASURE_TITLES[code], measure_history.DIRECTIONS[code], practice=code
    )


def _events(item: dict[str, Any]) -> MeasureDefinition:
    unknown_keys = sorted(set(item) - _EVENT_KEYS)
    if unknown_keys:
        raise MeasureError(w.UNKNOWN_KEYS.format(keys=", ".join(map(str, unknown_keys))))
    codes = _codes(item.get("events"))
    unknown = [c for c in codes if c not in EVENT_TYPES]
    if unknown or not codes:
        raise MeasureError(w.UNKNOWN_EVENTS.format(codes=", ".join(unknown) or "none"))
    agencies = _codes(item.get("agencies") or [])
    if any(not _AGENCY.match(a) for a in agencies):
        raise MeasureError(w.BAD_AGENCY)
    better = str(item.get("better", "neither"))
    if better not in _BETTER:
        raise MeasureError(w.BAD_BETTER)
    children = item.get("children_only", False)
    if not isinstance(children, bool):
        raise MeasureError(w.BAD_CHILDREN)
    title = str(item.get("title") or "").strip() or w.EVENTS_TITLE.format(codes=", ".join(codes))
    return MeasureDefinition(
        "events", title[:200], _BETTER[better], events=codes, agencies=agencies,
        children_only=children,
    )  # fmt: skip


def _codes(given: Any) -> tuple[str, ...]:
    """A list of codes as given, upper-cased, without repeats; refused unless a list of text."""
    if isinstance(given, str):
        given = [given]
    if not isinstance(given, list) or not all(isinstance(c, str) for c in given):
        raise MeasureError(w.NOT_A_LIST)
    return tuple(dict.fromkeys(c.strip().upper() for c in given))


def monthly(store: Store, measure: MeasureDefinition) -> list[MonthFigure]:
    """The measure's figure for each month it has, oldest first."""
    if measure.kind == "practice":
        return [
            MonthFigure(m.month, m.numerator, m.denominator, m.charted())
            for m in measure_history.series(store, measure.practice)
        ]
    if measure.kind == "thrive_agreed":
        return _agreed(store)
    return _event_counts(store, measure)


def events_sql(store: Store, measure: MeasureDefinition) -> tuple[str, list[Any]]:
    """The parameterised statement for an events measure: every value a parameter."""
    where, params = store.keys_in("event_type", list(measure.events))
    sql = (
        "SELECT event_date_start, date_of_birth, agency, COALESCE(event_id, record_id) "
        f"FROM ws_record WHERE {where}"
    )
    if measure.agencies:
        more, extra = store.keys_in("agency", list(measure.agencies))
        sql, params = f"{sql} AND {more}", [*params, *extra]
    return sql, params


def _event_counts(store: Store, measure: MeasureDefinition) -> list[MonthFigure]:
    """Events counted once each (one event may have several people) per month."""
    sql, params = events_sql(store, measure)
    seen: dict[str, set[tuple[str, str]]] = {}
    for day, born, agency, event in store.query(sql, params):
        on = _day(day)
        if measure.children_only and not _child_on(born, on):
            continue
        seen.setdefault(on.isoformat()[:7], set()).add((str(agency), str(event)))
    return _filled({m: MonthFigure(m, len(e), None, float(len(e))) for m, e in seen.items()})


def _agreed(store: Store) -> list[MonthFigure]:
    """Each month's THRIVE groupings, and how many of them were agreed with the child."""
    total: Counter[str] = Counter()
    agreed: Counter[str] = Counter()
    for recorded_on, agreement in store.query(
        "SELECT recorded_on, agreement FROM ws_thrive_grouping"
    ):
        month = str(recorded_on)[:7]
        total[month] += 1
        agreed[month] += agreement == "agreed"
    return [MonthFigure(m, agreed[m], total[m], 100 * agreed[m] / total[m]) for m in sorted(total)]


def _filled(found: dict[str, MonthFigure]) -> list[MonthFigure]:
    """Every month from the first to the last found, a month with no events counted 0."""
    if not found:
        return []
    months = sorted(found)
    out, month = [], months[0]
    while month <= months[-1]:
        out.append(found.get(month) or MonthFigure(month, 0, None, 0.0))
        month = next_month(month)
    return out


def next_month(month: str) -> str:
    """The month after a ``YYYY-MM`` month."""
    year, number = int(month[:4]), int(month[5:7])
    return f"{year + number // 12}-{number % 12 + 1:02d}"


def _child_on(born: Any, on: dt.date) -> bool:
    """Whether someone born on ``born`` (``YYYY-MM-DD``; unknown: not counted) was under 18."""
    try:
        birth = dt.date.fromisoformat(str(born)[:10])
    except ValueError:
        return False
    try:
        adult = birth.replace(year=birth.year + ADULT_AT)
    except ValueError:  # born on 29 February
        adult = dt.date(birth.year + ADULT_AT, 3, 1)
    return on < adult


def _day(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
