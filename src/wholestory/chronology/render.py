"""The chronology as a report a panel reads (self-contained HTML and PDF), and in each format.

The report is built for a rapid review panel: who the child is and which
agencies were involved, then the analysis (flags, each with its evidence),
then the summary, the timeline picture, and last the full chronology, so a
reader meets what matters before the detail that supports it. The HTML has
its CSS and SVG inline and no script, so it opens anywhere, offline, and
fetches nothing (no network at view time). The PDF is the same HTML laid out
by WeasyPrint for A4 landscape, with the protective marking and page numbers
on every page and the table header repeated. The summary's tables are made
in :mod:`wholestory.chronology.report_tables`.

:func:`output` is the one place a format (json, html, pdf or csv) is turned
into what is sent or written, with its content type and file name: the web
downloads and the ``wholestory chronology`` command both call it, so they
never disagree on what a format holds.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from importlib import resources
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
from wholestory.chronology.entries_csv import Sharing, csv_text, involved_words
from wholestory.chronology.indicators import SEVERITY_ORDER
from wholestory.chronology.model import Chronology, Entry, Flag
from wholestory.chronology.report_tables import Refs, Table, generic_table, summary_tables
from wholestory.chronology.timeline import colour_of_category, timeline_svg
from wholestory.chronology.vocabulary import agency_name

# ---------------------------------------------------------------- the report's context


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


def _flag(flag: Flag, refs: Refs, entries: dict[str, Entry]) -> dict[str, Any]:
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
        "involved": [involved_words(i.name, i.relation, i.role) for i in entry.involved],
        "summary": entry.summary,
        "action": entry.action.strip(),
        "outcome": entry.outcome,
        "sources": [
            _source_cell(s.agency, s.record_id, s.practitioner, s.team) for s in entry.sources
        ],
    }


def _source_cell(agency: str, record_id: str, practitioner: str, team: str) -> dict[str, str]:
    return {"key": f"{agency} {record_id}", "who": ", ".join(filter(None, [practitioner, team]))}


def _household(chronology: Chronology, refs: Refs) -> Table | None:
    if not chronology.household:
        return None
    return generic_table("household", chronology.household, refs)


def _context(chronology: Chronology, anonymised: bool) -> dict[str, Any]:
    refs = Refs(chronology.entries)
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
        "needs": [_member(m) for m in chronology.needs],
        "entries": [_entry(e, n) for n, e in enumerate(chronology.entries, start=1)],
    }


def _member(member: dict[str, Any]) -> dict[str, Any]:
    """One family member's needs, as the report words them (from ``Member.as_dict``)."""
    return {
        "name": member.get("name") or "Name not recorded",
        "relation": member.get("relation", ""),
        "needs": [
            {
                "words": n.get("words", ""),
                "detail": n.get("detail", ""),
                "agency": agency_name(str(n.get("agency", ""))),
                "recorded_on": show_date(str(n.get("recorded_on", ""))),
                "by": n.get("recorded_by") or n.get("practitioner") or "",
                "review": n.get("review", ""),
            }
            for n in member.get("needs", [])
        ],
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


# ---------------------------------------------------------------- each format


#: The formats a chronology is given out in, each with its content type.
CONTENT_TYPES: Final = {
    "json": "application/json",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
}


@dataclass(frozen=True, slots=True)
class Output:
    """A chronology in one format: what to send or write, its content type and a file name."""

    data: bytes
    content_type: str
    file_name: str


def output(
    chronology: Chronology,
    fmt: str,
    *,
    anonymise: bool = False,
    sharing: Sharing | None = None,
    person: str = "",
) -> Output:
    """The chronology in ``fmt`` (json, html, pdf or csv), for a download or a file.

    ``sharing`` (how each entry was shared with the reader) goes into the report and the
    CSV's last column; ``person`` names the file (the chronology's own id if not given).
    """
    if fmt == "json":
        shown = make_anonymous(chronology) if anonymise else chronology
        data = (json.dumps(shown.as_dict(), indent=2, default=str) + "\n").encode()
    elif fmt == "html":
        data = to_html(chronology, anonymise=anonymise, sharing=sharing).encode()
    elif fmt == "pdf":
        data = to_pdf(chronology, anonymise=anonymise, sharing=sharing)
    elif fmt == "csv":
        data = csv_text(chronology, anonymise=anonymise, sharing=sharing).encode()
    else:
        raise ValueError(f"No chronology format {fmt!r}: one of {', '.join(CONTENT_TYPES)}")
    return Output(data, CONTENT_TYPES[fmt], file_name(person or chronology.person.id, fmt))


def file_name(person: str, fmt: str) -> str:
    """``chronology-WS-0000097.pdf``: the person's id with anything unsafe in a file name
    (the ``:`` of an unlinked AGENCY:ID, a ``/`` in an agency's id) made a hyphen."""
    return f"chronology-{re.sub(r'[^A-Za-z0-9_-]+', '-', person)}.{fmt}"
