"""What an alert brings the worker: the child's history in brief, as they may see it.

Built from the chronology already shaped for the reader by the sharing agreement (the
same story the person page shows them), so an alert never says more than the page would:
which other agencies know the child, the flags and the last twelve months in brief. The
page adds the family's engagement needs as the person page shows them. This is the digest
that ends "starting again".
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from wholestory.chronology.display import parse_iso
from wholestory.chronology.vocabulary import agency_name

#: How far back "the last twelve months" reaches, and how many of its events are listed.
BRIEF_DAYS: Final = 365
BRIEF_EVENTS: Final = 12


@dataclass(frozen=True, slots=True)
class Digest:
    """The history an alert brings, for one reader."""

    agencies: list[str]  # the agencies that know the child, in words
    flags: list[dict[str, str]]  # title and severity, most severe first
    counts: list[tuple[str, int]]  # events in the last twelve months, by agency (words)
    recent: list[dict[str, str]]  # the newest of them: date, agency, summary


def digest(data: Mapping[str, Any], as_of: dt.date) -> Digest:
    """The brief history in a chronology (as ``share`` shaped it for the reader)."""
    entries = data.get("entries", [])
    since = as_of - dt.timedelta(days=BRIEF_DAYS)
    recent = [e for e in entries if (day := parse_iso(str(e.get("date", "")))) and day >= since]
    recent.sort(key=lambda e: str(e.get("date", "")), reverse=True)
    counts = Counter(agency_name(str(e.get("agency", ""))) for e in recent)
    return Digest(
        agencies=sorted({agency_name(str(e["agency"])) for e in entries if e.get("agency")}),
        flags=[
            {"title": str(f["title"]), "severity": str(f["severity"])}
            for f in data.get("flags", [])
        ],
        counts=sorted(counts.items(), key=lambda c: (-c[1], c[0])),
        recent=[
            {
                "date": str(e.get("date", "")),
                "agency": agency_name(str(e.get("agency", ""))),
                "summary": str(e.get("summary") or ""),
            }
            for e in recent[:BRIEF_EVENTS]
        ],
    )
