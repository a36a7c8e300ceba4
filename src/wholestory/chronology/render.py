"""The chronology as a report a panel reads: self-contained HTML, PDF, and CSV rows.

The report is built for a rapid review panel: who the child is and which
agencies were involved, then the analysis (flags, each with its evidence),
then the summary, the timeline picture, and last the full chronology, so a
reader meets what matters before the detail that supports it. The HTML has
its CSS and SVG inline and no script, so it opens anywhere, offline, and
fetches nothing (no network at view time). The PDF is the same HTML laid out
by WeasyPrint for A4 landscape, with the protective marking and page numbers
on every page and the table header repeated.

Every summary key is shown: keys this module knows get their own table;
any other key is shown as a generic table, so a new analysis never
disappears from the report because nobody wrote a template for it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Final

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from wholestory.chronology.anonymise import anonymise as make_anonymous
from wholestory.chronology.display import (
    age_on,
    event_label,
    parse_iso,
    role_label,
    show_date,
)
from wholestory.chronology.model import Chronology, Entry, Flag
from wholestory.chronology.rules import SEVERITY_ORDER
from wholestory.chronology.timeline import colour_of_category, timeline_svg
from wholestory.chronology.vocabulary import agency_name
from wholestory.exporting import neutralise, write_csv

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


class _Refs:
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


def _cell(value: Any, refs: _Refs, key: str = "") -> Cell:
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


def generic_table(key: str, value: Any, refs: _Refs) -> Table:
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


def _matrix(key: str, title: str, value: dict[str, dict[str, Any]], refs: _Refs) -> Table:
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


def _involvement(rows: list[dict[str, Any]], refs: _Refs) -> Table:
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


def _aces(rows: list[dict[str, Any]], refs: _Refs) -> Table:
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


def _moves(rows: list[dict[str, Any]], refs: _Refs) -> Table:
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


def _silences(rows: list[dict[str, Any]], refs: _Refs) -> Table:
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


def _start_again(rows: list[dict[str, Any]], refs: _Refs) -> Table:
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


def _counts(value: dict[str, Any], refs: _Refs) -> Table:
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


def _with_extras(table: Table, rows: list[dict[str, Any]], refs: _Refs) -> Table:
    """Columns for keys a known table does not show, so a new field is never dropped."""
    shown = _SHOWN.get(table.key, set())
    extras = [k for k in dict.fromkeys(k for r in rows for k in r) if k not in shown]
    if extras and len(table.rows) == len(rows):
        table.columns += [_words(k) for k in extras]
        for cells, row in zip(table.rows, rows, strict=True):
            cells += [_cell(row.get(k), refs, k) for k in extras]
        table.compact = True
    return table


def summary_tables(chronology: Chronology, refs: _Refs) -> list[Table]:
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
    tables += [generic_table(k, v, refs) for k, v in summary.items() if k not in known]
    return tables


# ---------------------------------------------------------------- the rest of the context


def _produced(text: str) -> str:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    shown = show_date(moment.date())
    return f"{shown} {moment:%H:%M}" if (moment.hour, moment.minute) != (0, 0) else shown


def _child(chronology: Chronology, anonymised: bool) -> dict[str, Any]:
    person = chronology.person
    name = person.names[0] if person.names else "Name not recorded"
    birth = person.date_of_birth or ""
    age = ""
    if len(birth) == 10 and (day := parse_iso(birth)):
        age = f"aged {age_on(day, chronology.as_of)} on {show_date(chronology.as_of)}"
        if chronology.died:
            age = f"died aged {age_on(day, chronology.as_of)}"
    return {
        "name": name[:1].upper() + name[1:],
        "born": show_date(birth),
        "age": age,
        "sex": {"F": "Female", "M": "Male", "U": ""}.get(person.sex, person.sex),
        "id": "" if anonymised else person.id,
        "other_names": [n for n in person.names[1:] if n != name],
    }


def _agencies(chronology: Chronology) -> list[dict[str, Any]]:
    counts: dict[str, int] = {}
    for entry in chronology.entries:
        for agency in entry.agencies or [entry.agency]:
            counts[agency] = counts.get(agency, 0) + 1
    return [{"code": a, "name": agency_name(a), "entries": n} for a, n in counts.items()]


def _flag_dates(flag: Flag, entries: dict[str, Entry]) -> str:
    """First to last date, each at the precision of the entry it came from ("Mar 2014")."""
    shown: dict[dt.date, str] = {}
    for entry_id in flag.entries:
        entry = entries.get(entry_id)
        if entry is not None and entry.day in (flag.first, flag.last):
            shown.setdefault(entry.day, show_date(entry.date, entry.approximate))
    first = shown.get(flag.first, show_date(flag.first))
    last = shown.get(flag.last, show_date(flag.last))
    return first if first == last else f"{first} to {last}"


def _flag(flag: Flag, refs: _Refs, entries: dict[str, Entry]) -> dict[str, Any]:
    dates = _flag_dates(flag, entries)
    evidence = Markup(", ").join(
        Markup('<span class="record">{} {}</span>').format(a, r) for a, r in flag.evidence
    )
    return {
        "code": flag.code,
        "title": flag.title,
        "severity": flag.severity,
        "dates": dates,
        "ages": flag.ages,
        "explanation": flag.explanation,
        "grounding": flag.grounding,
        "entries": refs.links(flag.entries) or "none named",
        "evidence": evidence or "none named",
    }


def _entry(entry: Entry, number: int) -> dict[str, Any]:
    others = [t for t in dict.fromkeys(entry.event_types) if t != entry.event_type]
    precision_note = {"month": "month known", "year": "year known"}.get(entry.precision, "")
    if entry.approximate:
        precision_note = ", ".join(filter(None, ["approximate", precision_note]))
    return {
        "id": entry.id,
        "number": number,
        "date": show_date(entry.date, entry.approximate),
        "precision_note": precision_note,
        "agencies": [agency_name(a) for a in entry.agencies or [entry.agency]],
        "merged_because": entry.merged_because if len(entry.agencies) > 1 else "",
        "event": event_label(entry.event_type),
        "inferred": entry.inferred,
        "other_events": [event_label(t) for t in others],
        "category": entry.category,
        "category_class": re.sub(r"[^a-z]+", "-", entry.category.lower()).strip("-"),
        "colour": colour_of_category(entry.category),
        "role": role_label(entry.role),
        "household": entry.household,
        "involved": [_who(i.name, i.relation, i.role) for i in entry.involved],
        "summary": entry.summary,
        "action": entry.action.strip(),
        "outcome": entry.outcome,
        "sources": [
            _source_cell(s.agency, s.record_id, s.practitioner, s.team) for s in entry.sources
        ],
    }


def _who(name: str, relation: str, role: str) -> str:
    """ "Donna Marlowe (mother, victim)"; a part already in the name is not said twice."""
    relation = relation.replace("_", " ").lower()
    parts = [p for p in dict.fromkeys([relation, role_label(role)]) if p]
    details = ", ".join(p for p in parts if p.casefold() not in name.casefold())
    return f"{name} ({details})" if details else name


def _source_cell(agency: str, record_id: str, practitioner: str, team: str) -> dict[str, str]:
    return {"key": f"{agency} {record_id}", "who": ", ".join(filter(None, [practitioner, team]))}


def _household(chronology: Chronology, refs: _Refs) -> Table | None:
    if not chronology.household:
        return None
    return generic_table("household", chronology.household, refs)


def _context(chronology: Chronology, anonymised: bool) -> dict[str, Any]:
    refs = _Refs(chronology.entries)
    flags = sorted(
        chronology.flags, key=lambda f: (SEVERITY_ORDER.get(f.severity, 3), f.first, f.code)
    )
    severities = [(s, sum(f.severity == s for f in flags)) for s in SEVERITY_ORDER]
    child = _child(chronology, anonymised)
    return {
        "anonymised": anonymised,
        "css": Markup(_resource("report.css")),
        "child": child,
        "as_of": show_date(chronology.as_of),
        "death": chronology.death_words(child["name"]),
        "produced": _produced(chronology.produced_at),
        "agencies": _agencies(chronology),
        "counts": {
            "entries": f"{len(chronology.entries):,}",
            "records": f"{sum(len(e.sources) for e in chronology.entries):,}",
        },
        "flags": [_flag(f, refs, {e.id: e for e in chronology.entries}) for f in flags],
        "severity_counts": [(s, n) for s, n in severities if n],
        "tables": summary_tables(chronology, refs),
        "timeline": Markup(timeline_svg(chronology, subject=child["name"])),
        "household": _household(chronology, refs),
        "entries": [_entry(e, n) for n, e in enumerate(chronology.entries, start=1)],
    }


def _resource(name: str) -> str:
    return resources.files("wholestory.chronology").joinpath("templates", name).read_text("utf-8")


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("wholestory.chronology", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


# ---------------------------------------------------------------- public


#: How each entry was shared with the reader, by entry id, in words (issue 18): a report of a
#: chronology shaped by the sharing agreement says under which rule each entry is shown.
Sharing = dict[str, str]


def to_html(chronology: Chronology, anonymise: bool = False, sharing: Sharing | None = None) -> str:
    """The report as one self-contained HTML document (inline CSS and SVG, no script).

    With ``anonymise``, the report is of :func:`~wholestory.chronology.anonymise.anonymise`'s
    copy, fit to publish.
    """
    if anonymise:
        chronology = make_anonymous(chronology)
    template = _environment().get_template("report.html.j2")
    context = _context(chronology, anonymised=anonymise)
    for entry in context["entries"]:
        entry["shared"] = (sharing or {}).get(entry["id"], "")
    return template.render(**context)


def to_pdf(
    chronology: Chronology, anonymise: bool = False, sharing: Sharing | None = None
) -> bytes:
    """The same report as a PDF: A4 landscape, marked OFFICIAL-SENSITIVE, pages numbered.

    WeasyPrint is given a fetcher that allows only ``data:`` URLs, so laying
    out the report can never reach the network or the file system.
    """
    return html_to_pdf(to_html(chronology, anonymise=anonymise, sharing=sharing))


def html_to_pdf(html: str) -> bytes:
    """Lay a report's HTML out as the PDF (when the HTML is wanted too, render it once)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=["data"])
    document = HTML(string=html, url_fetcher=fetcher, media_type="print")
    pdf: bytes = document.write_pdf()
    return pdf


#: The CSV's columns: one row per entry, the facts only (the analysis has its own outputs).
CSV_COLUMNS: Final[tuple[str, ...]] = (
    "number",
    "date",
    "precision",
    "approximate",
    "agencies",
    "event_type",
    "event_types",
    "inferred",
    "category",
    "role",
    "household",
    "involved",
    "summary",
    "action",
    "outcome",
    "sources",
    "merged_because",
)


def to_csv_rows(chronology: Chronology, sharing: Sharing | None = None) -> list[list[str]]:
    """The entries as CSV rows under :data:`CSV_COLUMNS`, every cell neutralised.

    With ``sharing``, each row ends with how the entry was shared (a ``shared``
    column after :data:`CSV_COLUMNS`).

    Agency text such as ``=HYPERLINK(...)`` would run as a formula in a
    spreadsheet; each cell goes through :func:`~wholestory.exporting.neutralise`
    here, so the rows are safe whichever writer they are given to.
    """
    rows = []
    for number, entry in enumerate(chronology.entries, start=1):
        row = [
            str(number),
            entry.date,
            entry.precision,
            "yes" if entry.approximate else "no",
            "; ".join(entry.agencies or [entry.agency]),
            entry.event_type,
            "; ".join(dict.fromkeys(entry.event_types)),
            "yes" if entry.inferred else "no",
            entry.category,
            entry.role,
            "yes" if entry.household else "no",
            "; ".join(_who(i.name, i.relation, i.role) for i in entry.involved),
            entry.summary,
            entry.action,
            entry.outcome,
            "; ".join(f"{s.agency} {s.record_id}" for s in entry.sources),
            entry.merged_because,
        ]
        if sharing is not None:
            row.append(sharing.get(entry.id, ""))
        rows.append([neutralise(cell) for cell in row])
    return rows


def write_chronology_csv(
    chronology: Chronology, path: Path, anonymise: bool = False, force: bool = False
) -> None:
    """Write the entries' CSV with :func:`~wholestory.exporting.write_csv` (never overwrites
    unless ``force``)."""
    if anonymise:
        chronology = make_anonymous(chronology)
    write_csv(path, CSV_COLUMNS, to_csv_rows(chronology), force=force)
