"""The partnership's figures: aggregate counts that identify no child.

Boards, quality assurance and managers see how many children carry each flag, how
many agencies know each child and how many records each agency sent a year. No
name, id or date of birth is in them, and a count from 1 to 4 is shown as "fewer
than 5" (:func:`suppressed`), so that no child stands out of a small number.
"""

from __future__ import annotations

from typing import Any, Final

from wholestory.chronology.indicators import INDICATORS, SEVERITY_ORDER
from wholestory.chronology.vocabulary import agency_name
from wholestory.store import Store

#: Counts from 1 to this are shown as "fewer than 5" on the partnership figures.
SUPPRESS_BELOW: Final = 5


def suppressed(count: int) -> str:
    """A count safe to publish: 1 to 4 are shown as "fewer than 5", so no child stands out."""
    if 0 < count < SUPPRESS_BELOW:
        return f"fewer than {SUPPRESS_BELOW}"
    return f"{count:,}"


def partnership_figures(store: Store) -> dict[str, Any]:
    """Aggregate counts only: no names, ids or dates of birth, and small numbers suppressed.

    ``flags`` (children per flag), ``severities`` (flags per severity), ``agencies``
    (children by how many agencies know them), and ``years`` with ``by_agency``
    (records per agency per year of the event).
    """
    by_severity = flags_by_severity(store)
    years, table = records_by_agency_and_year(store)
    return {
        "flags": [
            {"title": _flag_title(code), "count": suppressed(n)}
            for code, n in children_by_flag(store)
        ],
        "severities": [
            {"severity": s.capitalize(), "count": suppressed(by_severity.get(s, 0))}
            for s in SEVERITY_ORDER
        ],
        "agencies": [
            {"agencies": n, "count": suppressed(count)}
            for n, count in children_by_agency_count(store)
        ],
        "years": years,
        "by_agency": [
            {"agency": agency_name(a), "counts": [suppressed(table[a].get(y, 0)) for y in years]}
            for a in sorted(table, key=agency_name)
        ],
    }


def children_by_flag(store: Store) -> list[tuple[str, int]]:
    """(flag code, how many children carry it), by code."""
    rows = store.query(
        "SELECT f.code, COUNT(DISTINCT f.ws_person_id) FROM ws_flag f "
        "JOIN ws_chronology c ON c.ws_person_id = f.ws_person_id WHERE c.is_child "
        "GROUP BY f.code ORDER BY f.code"
    )
    return [(str(code), int(n)) for code, n in rows]


def flags_by_severity(store: Store) -> dict[str, int]:
    """How many flags there are of each severity (everyone's, not only children's)."""
    rows = store.query("SELECT severity, COUNT(*) FROM ws_flag GROUP BY severity")
    return {str(severity): int(n) for severity, n in rows}


def children_by_agency_count(store: Store) -> list[tuple[int, int]]:
    """(number of agencies, how many children that many agencies hold records of)."""
    rows = store.query(
        "SELECT n, COUNT(*) FROM (SELECT c.ws_person_id, COUNT(DISTINCT s.agency) AS n "
        "FROM ws_chronology c JOIN ws_source_person s "
        "ON COALESCE(s.ws_person_id, s.key) = c.ws_person_id "
        "WHERE c.is_child GROUP BY c.ws_person_id) counted GROUP BY n ORDER BY n"
    )
    return [(int(n), int(count)) for n, count in rows]


def records_by_agency_and_year(store: Store) -> tuple[list[str], dict[str, dict[str, int]]]:
    """The years events fall in, and per agency code how many records it holds per year."""
    rows = store.query(
        "SELECT agency, SUBSTR(event_date, 1, 4) AS year, COUNT(*) FROM ws_record "
        "GROUP BY agency, SUBSTR(event_date, 1, 4) ORDER BY agency, year"
    )
    table: dict[str, dict[str, int]] = {}
    for agency, year, count in rows:
        table.setdefault(str(agency), {})[str(year)] = int(count)
    return sorted({str(y) for _, y, _ in rows}), table


def _flag_title(code: str) -> str:
    """A flag's title as its indicator gives it, or its code in words."""
    indicator = INDICATORS.get(code)
    return str(getattr(indicator, "title", "") or code.replace("_", " ").capitalize())
