"""How a chronology's values read to a person: dates, agencies, event types, roles.

Every output (the HTML and PDF report, the timeline picture, the CSV) shows
values the same way, so a reviewer who reads "Mar 2014" in the table reads it
in the timeline's description too. Dates keep the precision the agency gave:
a month-precision date is never shown as the first of the month.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Final

_MONTHS: Final = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)

#: Words in event codes that read better spelt out or in their usual case.
_CODE_WORDS: Final[dict[str, str]] = {
    "DA": "domestic abuse",
    "CP": "CP",
    "CIN": "CIN",
    "ED": "ED",
    "CAMHS": "CAMHS",
    "MARAC": "Marac",
    "DASH": "DASH",
    "S47": "section 47",
    "NFA": "(no further action)",
    "EHCP": "EHCP",
    "SEN": "SEN",
}

#: Event codes whose spelt-out form needs more than word-by-word.
_EVENT_LABELS: Final[dict[str, str]] = {
    "ENCOMPASS_NOTIFICATION": "Operation Encompass notification",
    "EHCP": "Education, health and care plan",
    "SEN_SUPPORT": "SEN support",
    "CP_CONFERENCE": "Child protection conference",
    "OFFENCE_VICTIM": "Offence (victim)",
    "OFFENCE_SUSPECT": "Offence (suspect)",
}


def event_label(code: str) -> str:
    """An event code as words: ``DA_INCIDENT`` reads "Domestic abuse incident"."""
    if code in _EVENT_LABELS:
        return _EVENT_LABELS[code]
    words = [_CODE_WORDS.get(w, w.lower()) for w in code.split("_") if w]
    text = " ".join(words)
    return text[:1].upper() + text[1:] if text else code


def role_label(code: str) -> str:
    """A role code as words: ``HOUSEHOLD_MEMBER`` reads "household member"."""
    return code.replace("_", " ").lower()


def as_day(value: object) -> dt.date:
    """A date column's value as a date: PostgreSQL returns dates, SQLite returns text."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def parse_iso(text: str) -> dt.date | None:
    """The first day of an ISO date prefix (``2014``, ``2014-03``, ``2014-03-09``), or None."""
    text = text.strip().lstrip("~").strip()
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", text)
    if not match:
        return None
    year, month, day = match.groups()
    try:
        return dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None


def show_date(text: str | dt.date | None, approximate: bool = False) -> str:
    """A date at the precision it was recorded: "9 Mar 2014", "Mar 2014" or "2014".

    Approximate dates get a leading "~", as agencies write them. Text that is
    not an ISO date is shown as it is, so nothing is hidden.
    """
    if text is None or text == "":
        return ""
    if isinstance(text, dt.date):
        text = text.isoformat()
    approximate = approximate or text.startswith("~")
    body = text.lstrip("~").strip()
    day = parse_iso(body)
    if day is None:
        return text
    shown = {
        4: str(day.year),
        7: f"{_MONTHS[day.month - 1]} {day.year}",
    }.get(len(body), f"{day.day} {_MONTHS[day.month - 1]} {day.year}")
    return ("~" + shown) if approximate else shown


def period_end(text: str) -> dt.date | None:
    """The last day of an ISO date prefix: 31 Dec for a year, the month's end for a month."""
    start = parse_iso(text)
    if start is None:
        return None
    body = text.lstrip("~").strip()
    if len(body) == 4:
        return dt.date(start.year, 12, 31)
    if len(body) == 7:
        return dt.date(start.year, start.month, calendar.monthrange(start.year, start.month)[1])
    return start


def age_on(birth: dt.date, day: dt.date) -> int:
    """Whole years of age on ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
