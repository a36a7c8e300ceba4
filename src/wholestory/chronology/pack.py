"""The rapid review pack: what a review panel needs, in one folder, in minutes.

Reviews today start with weeks of emailed spreadsheets. The pack holds:

* ``chronology.pdf`` and ``chronology.html``: the report, analysis first;
* ``chronology.json``: the same, for other systems;
* ``flags.csv``: every flag with its explanation and evidence;
* ``involvement.csv``: each agency's involvement, and ``agency-<CODE>.csv``
  with that agency's own entries, for each agency to check and add to;
* ``ask-for-more.csv``: the agencies to ask for more, each with the reason;
* ``README.txt``: what is in the pack and how it was made.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Final

from wholestory.chronology.model import Chronology
from wholestory.chronology.vocabulary import AGENCY_WORDS, agency_name
from wholestory.exporting import write_csv
from wholestory.store.connection import Store

#: Agencies a child of school age is expected to be known to, and from what age.
EXPECTED: Final[tuple[tuple[str, float, float], ...]] = (
    ("GP", 0.0, 18.0),
    ("HEALTH_VISITING", 0.0, 5.0),
    ("SCHOOL", 4.5, 16.0),
    ("SCHOOL_NURSING", 4.5, 16.0),
)


def write_pack(
    store: Store, chronology: Chronology, out: Path, anonymise: bool = False
) -> list[tuple[Path, str]]:
    """Write the pack into ``out``; returns each file with what it holds."""
    from wholestory.chronology import render
    from wholestory.chronology.anonymise import anonymise as scrub

    out.mkdir(parents=True, exist_ok=True)
    shown = scrub(chronology) if anonymise else chronology
    written: list[tuple[Path, str]] = []

    def keep(name: str, what: str) -> Path:
        path = out / name
        written.append((path, what))
        return path

    keep("chronology.pdf", "the chronology report, analysis and flags first").write_bytes(
        render.to_pdf(chronology, anonymise=anonymise)
    )
    keep("chronology.html", "the same report as one self-contained web page").write_text(
        render.to_html(chronology, anonymise=anonymise), encoding="utf-8"
    )
    keep("chronology.json", "the chronology as data").write_text(
        json.dumps(shown.as_dict(), indent=2, default=str) + "\n", encoding="utf-8"
    )
    write_csv(keep("flags.csv", "every flag with its evidence"), *_flags(shown), force=True)
    write_csv(
        keep("involvement.csv", "each agency's involvement over time"),
        *_involvement(shown),
        force=True,
    )
    for agency in sorted({a for e in shown.entries for a in e.agencies}):
        write_csv(
            keep(f"agency-{agency}.csv", f"{agency_name(agency)}'s own entries, to check"),
            *_agency_entries(shown, agency),
            force=True,
        )
    asks = agencies_to_ask(store, chronology)
    write_csv(
        keep("ask-for-more.csv", f"{len(asks)} agencies to ask for more, with why"),
        ["agency", "name", "why"],
        [[a, agency_name(a), why] for a, why in asks],
        force=True,
    )
    keep("README.txt", "what this pack is").write_text(_readme(shown, written), encoding="utf-8")
    return written


def _flags(c: Chronology) -> tuple[list[str], list[list[str]]]:
    header = ["code", "title", "severity", "first_date", "last_date", "explanation", "evidence"]
    rows = [
        [
            f.code,
            f.title,
            f.severity,
            f.first.isoformat(),
            f.last.isoformat(),
            f.explanation,
            "; ".join(f"{a} {r}" for a, r in f.evidence),
        ]
        for f in c.flags
    ]
    return header, rows


def _involvement(c: Chronology) -> tuple[list[str], list[list[str]]]:
    header = ["agency", "name", "first", "last", "entries", "household_entries", "years"]
    rows = [
        [
            i["agency"],
            i["name"],
            i["first"],
            i["last"],
            str(i["entries"]),
            str(i["household_entries"]),
            " ".join(str(y) for y in i["years"]),
        ]
        for i in c.summary.get("involvement", [])
    ]
    return header, rows


def _agency_entries(c: Chronology, agency: str) -> tuple[list[str], list[list[str]]]:
    header = ["date", "event_type", "inferred", "role", "summary", "action", "outcome", "record_id"]
    rows = [
        [s.date, s.event_type, "yes" if s.inferred else "no", s.role, s.summary, s.action,
         s.outcome, s.record_id]
        for e in c.entries
        for s in e.sources
        if s.agency == agency
    ]  # fmt: skip
    return header, rows


def agencies_to_ask(store: Store, c: Chronology) -> list[tuple[str, str]]:
    """Which agencies to ask for more, and why: the review's request list.

    * every agency involved, for anything after its last entry and its own view;
    * agencies other records name (a referral "from GP") with nothing linked;
    * agencies a child of this age is normally known to, with nothing linked;
    * agencies holding records only of the household.
    """
    asks: dict[str, str] = {}
    own_agencies = {s.agency for e in c.entries for s in e.sources if s.own}
    household = {a for e in c.entries if e.household for a in e.agencies} - own_agencies
    for i in c.summary.get("involvement", []):
        if i["agency"] in own_agencies:
            asks[i["agency"]] = (
                f"Involved {i['first']} to {i['last']} ({i['entries']} entries): confirm the "
                "records are complete, add anything since, and give the agency's own analysis."
            )
    for agency in sorted(_named_agencies(c.entries_text()) - own_agencies):
        asks.setdefault(
            agency,
            "Named in other agencies' records, but none of its own records are linked to the "
            "child: ask whether it knows the child under another name or id.",
        )
    for agency, why in _expected_missing(c, own_agencies):
        asks.setdefault(agency, why)
    for agency in sorted(household):
        asks.setdefault(
            agency,
            "Holds records of the child's household only: ask what it knew of the child.",
        )
    known = {str(a) for (a,) in store.query("SELECT DISTINCT agency FROM ws_record")}
    return sorted(
        asks.items(), key=lambda item: (item[0] not in own_agencies, item[0] not in known, item[0])
    )


def _named_agencies(texts: Iterable[str]) -> set[str]:
    found: set[str] = set()
    for agency, words in AGENCY_WORDS.items():
        pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b", re.I)
        if any(pattern.search(t) for t in texts):
            found.add(agency)
    return found


def _expected_missing(c: Chronology, present: set[str]) -> list[tuple[str, str]]:
    dob = c.person.date_of_birth
    if not dob:
        return []
    born = dt.date.fromisoformat(dob)
    age = (c.as_of - born).days / 365.25
    found = []
    for agency, low, high in EXPECTED:
        if agency not in present and age >= low and (age - high) < 5:
            found.append(
                (
                    agency,
                    f"A child aged {int(age)} is normally known to {agency_name(agency)}, but "
                    "no record of the child from it is linked: ask for its records.",
                )
            )
    return found


def _readme(c: Chronology, files: list[tuple[Path, str]]) -> str:
    lines = [
        "OFFICIAL-SENSITIVE",
        "",
        f"Rapid review pack for {c.person.id}, as of {c.as_of.isoformat()}, "
        f"produced {c.produced_at} by WholeStory.",
        f"{len(c.entries)} entries from {len({a for e in c.entries for a in e.agencies})} "
        f"agencies; {len(c.flags)} flags. A flag is a prompt for professional judgement, "
        "never a verdict: each one names the records behind it.",
        "",
        "Files:",
        *[f"  {p.name}: {what}" for p, what in files],
        "  README.txt: this file",
        "",
    ]
    return "\n".join(lines)
