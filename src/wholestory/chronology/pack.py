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
from collections.abc import Iterable
from pathlib import Path
from typing import Final

from wholestory.chronology.display import age_on, parse_iso, show_date
from wholestory.chronology.model import Chronology
from wholestory.chronology.vocabulary import AGENCY_PATTERNS, agency_name
from wholestory.exporting import write_bytes, write_csv
from wholestory.store.connection import Store
from wholestory.words import count_words

#: Agencies a child of school age is expected to be known to, and from what age.
EXPECTED: Final[tuple[tuple[str, float, float], ...]] = (
    ("GP", 0.0, 18.0),
    ("HEALTH_VISITING", 0.0, 5.0),
    ("SCHOOL", 4.5, 16.0),
    ("SCHOOL_NURSING", 4.5, 16.0),
)


#: Who reads a review pack, unless told otherwise: the partnership's reviewers.
PACK_READER: Final = ("PARTNERSHIP", "reviewer")


def write_pack(
    store: Store,
    chronology: Chronology,
    out: Path,
    anonymise: bool = False,
    reader: tuple[str, str] = PACK_READER,
) -> list[tuple[Path, str]]:
    """Write the pack into ``out``; returns each file with what it holds.

    The pack holds the chronology as ``reader`` (an agency and a role) may see
    it under the partnership's sharing agreement (issue 18), each entry saying
    under which rule: by default a partnership reviewer's view, in which a
    restricted record is only a marker.
    """
    from wholestory.chronology import render
    from wholestory.chronology.anonymise import anonymise as scrub
    from wholestory.sharing import partnership_agreement
    from wholestory.sharing.story import share
    from wholestory.sharing.words import shown_words

    out.mkdir(parents=True, exist_ok=True)
    shared = share(chronology, partnership_agreement(), *reader)
    chronology = shared.chronology
    sharing = shown_words(shared)
    shown = scrub(chronology) if anonymise else chronology
    written: list[tuple[Path, str]] = []

    def keep(name: str, what: str) -> Path:
        path = out / name
        written.append((path, what))
        return path

    html = render.to_html(chronology, anonymise=anonymise, sharing=None if anonymise else sharing)
    write_bytes(
        keep("chronology.pdf", "the chronology report, analysis and flags first"),
        render.html_to_pdf(html),
        force=True,
    )
    write_bytes(
        keep("chronology.html", "the same report as one self-contained web page"),
        html.encode(),
        force=True,
    )
    write_bytes(
        keep("chronology.json", "the chronology as data"),
        (json.dumps(shown.as_dict(), indent=2, default=str) + "\n").encode(),
        force=True,
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
    asks = agencies_to_ask(store, shown)
    write_csv(
        keep(
            "ask-for-more.csv",
            f"{count_words(len(asks), 'agency', 'agencies')} to ask for more, with why",
        ),
        ["agency", "name", "why"],
        [[a, agency_name(a), why] for a, why in asks],
        force=True,
    )
    readme = _readme(shown, written)  # lists the files so far, then itself
    write_bytes(keep("README.txt", "what this pack is"), readme.encode(), force=True)
    return written


def _flags(c: Chronology) -> tuple[list[str], list[list[str]]]:
    header = [
        "code", "title", "severity", "first_date", "last_date", "ages", "explanation", "evidence"
    ]  # fmt: skip
    rows = [
        [*f.heading(), f.ages, f.explanation, "; ".join(f"{a} {r}" for a, r in f.evidence)]
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
                f"Involved {show_date(i['first'])} to {show_date(i['last'])} "
                f"({count_words(i['entries'], 'entry', 'entries')}): confirm the "
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
    return {a for a, pattern in AGENCY_PATTERNS.items() if any(pattern.search(t) for t in texts)}


def _expected_missing(c: Chronology, present: set[str]) -> list[tuple[str, str]]:
    dob = c.person.date_of_birth
    if not dob:
        return []
    born = parse_iso(dob)  # an anonymised copy keeps only the year
    if born is None:
        return []
    age = age_on(born, c.as_of)
    found = []
    for agency, low, high in EXPECTED:
        # Known to the child now, or in the last five years (a nine-year-old's
        # health visiting records are history a review still wants).
        if agency not in present and low <= age and age - high < 5:
            found.append(
                (
                    agency,
                    f"Children are normally known to {agency_name(agency).lower()} from "
                    f"{_age_words(low)} to {_age_words(high)}, but no record of this child from "
                    "it is linked: ask for its records.",
                )
            )
    return found


def _produced(moment: str) -> str:
    try:
        at = dt.datetime.fromisoformat(moment)
    except ValueError:
        return moment
    return f"{show_date(at.date())} at {at:%H:%M} UTC"


def _age_words(years: float) -> str:
    return "birth" if years == 0 else f"age {years:g}"


def _readme(c: Chronology, files: list[tuple[Path, str]]) -> str:
    agencies = len({a for e in c.entries for a in e.agencies})
    lines = [
        "OFFICIAL-SENSITIVE",
        "",
        f"Rapid review pack for {c.person.names[0] if c.person.names else c.person.id}, "
        f"as of {show_date(c.as_of)}, produced by WholeStory on {_produced(c.produced_at)}.",
        *([c.death_words()] if c.died else []),
        f"{count_words(len(c.entries), 'entry', 'entries')} from "
        f"{count_words(agencies, 'agency', 'agencies')}; {count_words(len(c.flags), 'flag')}. "
        "A flag is "
        "a prompt for professional judgement, never a verdict: each one names the records "
        "behind it.",
        "",
        "Files:",
        *[f"  {p.name}: {what}" for p, what in files],
        "  README.txt: this file",
        "",
    ]
    return "\n".join(lines)
