"""The report's summary tables: each summary key as a table a panel reads.

Every summary key is shown: keys this module knows get their own table;
any other key is shown as a generic table, so a new analysis never
disappears from the report because nobody wrote a template for it. Every
reference to an entry becomes a link to its row of the report.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from markupsafe import Markup

from wholestory.chronology.display import parse_iso, show_date
from wholestory.chronology.model import Chronology, Entry
from wholestory.chronology.vocabulary import agency_name

_ISO_DAY: Final = re.compile(r"\d{4}-\d{2}-\d{2}")

Cell = str | Markup


@dataclass(slots=True)
class Table:
    """A summary table as the template draws it: every cell already text or safe markup."""

    key: str
    title: str
    columns: list[str]
    rows: list[list[Cell]]
    note: str = ""
    empty: str = "None recorded."
    numeric: set[int] = field(default_factory=set)
    compact: bool = False


class Refs:
    """Entry ids to row numbers, so every reference in the report links to its row."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        self.number = {e.id: n for n, e in enumerate(entries, start=1)}

    def link(self, entry_id: str) -> Markup:
        number = self.number.get(entry_id)
        if number is None:
            return Markup("{}").format(entry_id)
        return Markup('<a href="#entry-{0}">#{0}</a>').format(number)

    def links(self, entry_ids: Iterable[Any]) -> Markup:
        return Markup(", ").join(self.link(str(e)) for e in entry_ids)


# ---------------------------------------------------------------- summary tables


def _cell(value: Any, refs: Refs, key: str = "") -> Cell:
    """Any summary value as a cell: dates shown as dates, entry ids as links, the rest as text."""
    if value is None:
        return ""
    if isinstance(value, str):
        if value in refs.number:
            return refs.link(value)
        return show_date(value) if _ISO_DAY.fullmatch(value) else value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return f"{value:,}"
    if isinstance(value, list):
        if key in ("entries", "earlier") or any(str(v) in refs.number for v in value):
            return refs.links(value)
        return Markup("; ").join(_cell(v, refs) for v in value)
    if isinstance(value, dict):
        return Markup("; ").join(
            Markup("{}: {}").format(k, _cell(v, refs, str(k))) for k, v in value.items()
        )
    return str(value)


def _words(key: str) -> str:
    text = str(key).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def generic_table(key: str, value: Any, refs: Refs) -> Table:
    """A table for a summary value of any shape, so nothing in the summary is lost."""
    title = _words(key)
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        columns = list(dict.fromkeys(k for v in value for k in v))
        rows = [[_cell(v.get(c), refs, c) for c in columns] for v in value]
        return Table(key, title, [_words(c) for c in columns], rows, compact=True)
    if isinstance(value, dict) and value and all(isinstance(v, dict) for v in value.values()):
        return _matrix(key, title, value, refs)
    if isinstance(value, dict):
        rows = [[_words(k), _cell(v, refs, k)] for k, v in value.items()]
        return Table(key, title, ["", "Value"], rows, compact=True)
    if isinstance(value, list):
        return Table(key, title, [title], [[_cell(v, refs)] for v in value], compact=True)
    return Table(key, title, [title], [[_cell(value, refs)]], compact=True)


def _matrix(key: str, title: str, value: dict[str, dict[str, Any]], refs: Refs) -> Table:
    """Rows by outer key and columns by inner key (categories by year), with totals."""
    columns = sorted({str(c) for inner in value.values() for c in inner})
    if columns and all(re.fullmatch(r"\d{4}", c) for c in columns):
        # every year in the range, so a year with nothing recorded shows as a gap
        columns = [str(y) for y in range(int(columns[0]), int(columns[-1]) + 1)]
    rows: list[list[Cell]] = []
    for name, inner in value.items():
        counts = {str(c): v for c, v in inner.items()}
        cells: list[Cell] = [_words(name)]
        cells += [_cell(counts.get(c), refs) for c in columns]
        numbers = [v for v in counts.values() if isinstance(v, int | float)]
        cells.append(f"{sum(numbers):,}" if len(numbers) == len(counts) else "")
        rows.append(cells)
    numeric = set(range(1, len(columns) + 2))
    return Table(key, title, ["", *columns, "Total"], rows, numeric=numeric, compact=True)


def _length(start: dt.date, end: dt.date) -> str:
    """A period in words a panel reads at a glance: "3 weeks", "7 months", "2 years 1 month"."""
    days = (end - start).days
    if days < 60:
        return f"{days // 7} weeks" if days >= 14 else f"{days} days"
    months = round(days / 30.44)
    years, months = divmod(months, 12)
    parts = [f"{years} year{'s' * (years != 1)}"] if years else []
    parts += [f"{months} month{'s' * (months != 1)}"] if months else []
    return " ".join(parts)


def _involvement(rows: list[dict[str, Any]], refs: Refs) -> Table:
    body: list[list[Cell]] = [
        [
            agency_name(str(r.get("agency", ""))),
            show_date(r.get("first")),
            show_date(r.get("last")),
            _cell(r.get("entries"), refs),
        ]
        for r in rows
    ]
    note = "When each agency first and last recorded something, and how many entries it holds."
    return Table(
        "involvement",
        "Agency involvement",
        ["Agency", "First", "Last", "Entries"],
        body,
        note=note,
        numeric={3},
    )


def _plans(rows: list[dict[str, Any]], as_of: dt.date) -> Table:
    body: list[list[Cell]] = []
    for r in rows:
        start, end = parse_iso(str(r.get("start") or "")), parse_iso(str(r.get("end") or ""))
        length = _length(start, end or as_of) if start else ""
        body.append(
            [
                str(r.get("kind", "")),
                agency_name(str(r.get("agency") or "")) if r.get("agency") else "",
                show_date(r.get("start")),
                show_date(r.get("end")) if r.get("end") else "open",
                length if end else f"{length} so far" if length else "",
            ]
        )
    return Table(
        "plans",
        "Plan periods",
        ["Plan", "Agency", "Start", "End", "Length"],
        body,
        empty="No plan periods recorded: the child was never on a CIN, CP, early help or "
        "looked-after plan in these records.",
    )


def _aces(rows: list[dict[str, Any]], refs: Refs) -> Table:
    body: list[list[Cell]] = [
        [
            _words(str(r.get("category", ""))),
            show_date(r.get("first")),
            _cell(r.get("entries"), refs, "entries"),
        ]
        for r in rows
    ]
    note = (
        f"{len(rows)} of the ten adverse childhood experiences evidenced in the child's or "
        "household's records (Felitti et al. 1998)."
    )
    return Table(
        "aces",
        "Adverse childhood experiences evidenced",
        ["Experience", "First evidenced", "Entries"],
        body,
        note=note,
    )


def _moves(rows: list[dict[str, Any]], refs: Refs) -> Table:
    body: list[list[Cell]] = [
        [
            show_date(r.get("date")),
            "Home"
            if r.get("kind") == "home"
            else "School"
            if r.get("kind") == "school"
            else str(r.get("kind", "")),
            str(r.get("summary", "")),
            _cell(r.get("entry"), refs),
        ]
        for r in rows
    ]
    homes = sum(1 for r in rows if r.get("kind") == "home")
    note = f"Moves of home: {homes}. Moves of school: {len(rows) - homes}."
    return Table(
        "moves",
        "Moves of home and school",
        ["Date", "Move", "What was recorded", "Entry"],
        body,
        note=note,
    )


def _silences(rows: list[dict[str, Any]], refs: Refs) -> Table:
    body: list[list[Cell]] = []
    for r in rows:
        start, end = parse_iso(str(r.get("start") or "")), parse_iso(str(r.get("end") or ""))
        length = _length(start, end) if start and end else f"{r.get('days', '')} days"
        body.append(
            [
                show_date(r.get("start")),
                show_date(r.get("end")),
                length,
                _cell(r.get("after"), refs),
            ]
        )
    note = "Long periods in which no agency recorded anything, after a period of concern."
    return Table("silences", "Silences", ["From", "To", "Length", "After"], body, note=note)


def _start_again(rows: list[dict[str, Any]], refs: Refs) -> Table:
    body: list[list[Cell]] = [
        [
            show_date(r.get("date")),
            agency_name(str(r.get("agency") or "")),
            str(r.get("summary", "")),
            _cell(r.get("entry"), refs),
            _cell(r.get("earlier"), refs, "earlier"),
        ]
        for r in rows
    ]
    note = (
        "A new referral or assessment made when earlier ones already existed, at this or "
        "another agency: was that history read?"
    )
    return Table(
        "start_again",
        "\u201cStart again\u201d moments",
        ["Date", "Agency", "What was recorded", "Entry", "Earlier"],
        body,
        note=note,
    )


def _counts(value: dict[str, Any], refs: Refs) -> Table:
    rows: list[list[Cell]] = [[_words(k), _cell(v, refs, k)] for k, v in value.items()]
    return Table("counts", "Counts", ["", "Number"], rows, numeric={1}, compact=True)


def _is_records(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, dict) for v in value)


#: The keys each known table shows in its own columns; any other key gets a column of its own.
_SHOWN: Final[dict[str, set[str]]] = {
    "involvement": {"agency", "name", "first", "last", "entries"},
    "plans": {"kind", "agency", "start", "end"},
    "aces": {"category", "first", "entries"},
    "moves": {"date", "kind", "summary", "entry"},
    "silences": {"start", "end", "days", "after"},
    "start_again": {"date", "agency", "summary", "entry", "earlier"},
}


def _with_extras(table: Table, rows: list[dict[str, Any]], refs: Refs) -> Table:
    """Columns for keys a known table does not show, so a new field is never dropped."""
    shown = _SHOWN.get(table.key, set())
    extras = [k for k in dict.fromkeys(k for r in rows for k in r) if k not in shown]
    if extras and len(table.rows) == len(rows):
        table.columns += [_words(k) for k in extras]
        for cells, row in zip(table.rows, rows, strict=True):
            cells += [_cell(row.get(k), refs, k) for k in extras]
        table.compact = True
    return table


def summary_tables(chronology: Chronology, refs: Refs) -> list[Table]:
    """Each summary key as a table: known keys in a set order, then any others."""
    summary = chronology.summary
    known: dict[str, tuple[Callable[[Any], bool], Callable[[Any], Table]]] = {
        "involvement": (_is_records, lambda v: _involvement(v, refs)),
        "plans": (_is_records, lambda v: _plans(v, chronology.as_of)),
        "by_category_year": (
            lambda v: isinstance(v, dict) and all(isinstance(i, dict) for i in v.values()),
            lambda v: _matrix("by_category_year", "Events by category and year", v, refs),
        ),
        "aces": (_is_records, lambda v: _aces(v, refs)),
        "moves": (_is_records, lambda v: _moves(v, refs)),
        "silences": (_is_records, lambda v: _silences(v, refs)),
        "start_again": (_is_records, lambda v: _start_again(v, refs)),
        "counts": (lambda v: isinstance(v, dict), lambda v: _counts(v, refs)),
    }
    tables = []
    for key, (fits, build) in known.items():
        if key in summary:
            value = summary[key]
            if not fits(value):
                tables.append(generic_table(key, value, refs))
            elif _is_records(value):
                tables.append(_with_extras(build(value), value, refs))
            else:
                tables.append(build(value))
    tables += engagement_tables(summary.get("engagement") or {})
    others = known.keys() | {"engagement"}
    tables += [generic_table(k, v, refs) for k, v in summary.items() if k not in others]
    return tables


def engagement_tables(value: dict[str, Any]) -> list[Table]:
    """The engagement section (``engagement.analysis``): appointments by agency, runs of
    missed ones and what followed, and attendance around each adjustment."""
    if not value:
        return []
    counts = ("attended", "missed", "cancelled")
    agencies = [
        [agency_name(a), *(str(t.get(k, 0)) for k in counts)]
        for a, t in value.get("by_agency", {}).items()
    ]
    runs = [
        [agency_name(r["agency"]), f"{show_date(r['first'])} to {show_date(r['last'])}",
         str(r["missed"]), ", ".join(r["needs_in_force"]) or "None recorded",
         f"{show_date(r['followed_by']['date'])}: {r['followed_by']['summary']}"
         if r.get("followed_by") else "Nothing recorded within 90 days"]
        for r in value.get("runs", [])
    ]  # fmt: skip
    around = [
        [a["need"], agency_name(a["agency"]), show_date(a["recorded_on"]),
         *(f"{a[side]['attended']} attended, {a[side]['missed']} missed"
           for side in ("before", "after"))]
        for a in value.get("adjustments", [])
    ]  # fmt: skip
    return [
        Table("engagement", "Engagement: appointments by agency",
              ["Agency", "Attended", "Missed", "Cancelled or no access"], agencies,
              numeric={1, 2, 3}),
        Table("engagement_runs", "Missed appointments in a row, and what followed",
              ["Agency", "When", "Missed", "Needs in force", "What followed"], runs),
        Table("engagement_adjustments",
              "Appointments in the 6 months before and after each need was recorded",
              ["Need", "Agency", "Recorded", "Before", "After"], around),
    ]  # fmt: skip
