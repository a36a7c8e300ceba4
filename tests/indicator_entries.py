"""Entries made by hand for indicator tests: only what a rule reads, nothing else."""

from __future__ import annotations

import datetime as dt
import itertools

from wholestory.chronology.indicators import INDICATORS
from wholestory.chronology.model import Entry, Flag, Involved, Source
from wholestory.chronology.rows import RecordedNeed
from wholestory.chronology.thresholds import IndicatorThresholds
from wholestory.chronology.view import View

AS_OF = dt.date(2026, 10, 31)
_numbers = itertools.count(1)


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def entry(
    when: str,
    *types: str,
    agency: str = "POLICE",
    own: bool = True,
    household: bool = False,
    summary: str = "",
    outcome: str = "",
    involved: tuple[tuple[str, str], ...] = (),
    action: str = "",
) -> Entry:
    """An entry on ``when`` with one record per type (the child's own unless ``own=False``)."""
    n = next(_numbers)
    sources = [
        Source(
            agency=agency,
            record_id=f"R{n}-{i}",
            person_id="P1",
            name="Test Child",
            role="SUBJECT" if own else "VICTIM",
            date=when,
            approximate=False,
            event_type=t,
            inferred=False,
            summary=summary or t.replace("_", " ").lower(),
            action=action,
            outcome=outcome,
            practitioner="",
            team="",
            own=own and not household,
        )
        for i, t in enumerate(types)
    ]
    return Entry(
        id=f"{agency}:R{n}",
        day=day(when),
        date=when,
        approximate=False,
        agency=agency,
        agencies=[agency],
        event_type=types[0],
        event_types=list(types),
        inferred=False,
        role="HOUSEHOLD" if household else "SUBJECT",
        household=household,
        summary=summary,
        action="",
        outcome=outcome,
        category="other",
        sources=sources,
        involved=[Involved(p, p, role, "") for p, role in involved],
    )


def flags(
    entries: list[Entry],
    born: str = "2012-01-01",
    needs: tuple[RecordedNeed, ...] = (),
    **settings: object,
) -> dict[str, Flag]:
    """The flags these entries raise for a child born on ``born`` (with ``needs`` recorded
    of the child or of those who took part), by code."""
    t = IndicatorThresholds.from_mapping(dict(settings))
    view = View(sorted(entries, key=lambda e: e.day), day(born), AS_OF, needs)
    found = {}
    for code, ind in INDICATORS.items():
        raised = ind.rule(view, t)
        if raised is not None:
            found[code] = raised
    return found
