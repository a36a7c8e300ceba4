"""The analysis above the entries: what a reviewer reads first, kept apart from the facts.

Each part answers a question reviews keep asking, and every line points to
the entries it came from:

* involvement: which agencies knew the child, and from when to when;
* plans: when a child in need, child protection or early help plan, or care,
  was open;
* events by category and year: where the weight of the story lies;
* ACEs evidenced;
* moves of home and school;
* silences: long gaps in the record straight after a period of concern;
* "start again" moments: a new referral or assessment when earlier ones
  existed at any agency (Brandon et al. 2008).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from itertools import pairwise
from typing import Any, Final

from wholestory.chronology.display import event_label
from wholestory.chronology.indicators import ace_evidence
from wholestory.chronology.model import Entry
from wholestory.chronology.thresholds import IndicatorThresholds
from wholestory.chronology.view import CONCERNS, LOOKED_AFTER, PLANS, View
from wholestory.chronology.vocabulary import agency_name

#: A gap in the record this long after a concern is a silence worth a question.
SILENCE_DAYS: Final = 180
#: A silence counts as "after a period of concern" if a concern came this soon before it.
CONCERN_LOOKBACK_DAYS: Final = 90
#: New starts: referrals and assessments at any agency.
STARTS: Final = frozenset(
    {"REFERRAL", "REFERRAL_NFA", "ASSESSMENT", "ASSESSMENT_NFA", "CAMHS_REFERRAL",
     "EARLY_HELP_START"}
)  # fmt: skip
_HOME_MOVES: Final = frozenset({"HOUSE_MOVE", "HOMELESSNESS", "EVICTION"})
_SCHOOL_MOVES: Final = frozenset(
    {"SCHOOL_START", "SCHOOL_MOVE", "ELECTIVE_HOME_EDUCATION", "CHILD_MISSING_EDUCATION",
     "PERMANENT_EXCLUSION"}
)  # fmt: skip


def summarise(view: View, t: IndicatorThresholds) -> dict[str, Any]:
    """The analysis summary of a chronology (plain data for JSON and every output)."""
    entries = view.entries
    return {
        "counts": _counts(entries),
        "involvement": _involvement(entries),
        "plans": _plans(view),
        "by_category_year": _by_category_year(entries),
        "aces": [
            {
                "category": category,
                "first": min(e.day for e in found).isoformat(),
                "entries": [e.id for e in found],
            }
            for category, found in sorted(ace_evidence(view, t).items())
        ],
        "moves": _moves(entries),
        "silences": _silences(entries),
        "start_again": _start_again(entries),
    }


def _counts(entries: list[Entry]) -> dict[str, int]:
    return {
        "entries": len(entries),
        "records": sum(len(e.sources) for e in entries),
        "household_entries": sum(1 for e in entries if e.household),
        "multi_agency_entries": sum(1 for e in entries if len(e.agencies) > 1),
        "agencies": len({a for e in entries for a in e.agencies}),
        "inferred_types": sum(1 for e in entries if e.inferred),
    }


def _involvement(entries: list[Entry]) -> list[dict[str, Any]]:
    """Each agency's first and last entry, how many, and the years it was involved."""
    by_agency: dict[str, list[Entry]] = defaultdict(list)
    for e in entries:
        for agency in e.agencies:
            by_agency[agency].append(e)
    rows = [
        {
            "agency": agency,
            "name": agency_name(agency),
            "first": found[0].day.isoformat(),
            "last": found[-1].day.isoformat(),
            "entries": len(found),
            "household_entries": sum(1 for e in found if e.household),
            "years": [str(y) for y in sorted({e.day.year for e in found})],
        }
        for agency, found in by_agency.items()
    ]
    return sorted(rows, key=lambda r: (r["first"], r["agency"]))


def _plans(view: View) -> list[dict[str, Any]]:
    spells = view.spells((*PLANS, LOOKED_AFTER))
    return [
        {
            "kind": s.kind,
            "start": s.start.isoformat(),
            "end": None if s.open else s.end.isoformat(),
            "agency": s.start_entry.agency,
            "entries": [s.start_entry.id] + ([s.end_entry.id] if s.end_entry else []),
        }
        for s in spells
    ]


def _by_category_year(entries: list[Entry]) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for e in entries:
        table[e.category][str(e.day.year)] += 1
    return {c: dict(sorted(years.items())) for c, years in sorted(table.items())}


def _moves(entries: list[Entry]) -> list[dict[str, Any]]:
    """Moves of home and school, as agencies recorded them (the household's moves included)."""
    moves: list[dict[str, Any]] = []
    for e in entries:
        kind = (
            "home"
            if e.has(*_HOME_MOVES)
            else "school"
            if e.has(*_SCHOOL_MOVES) and not e.household
            else None
        )
        if kind:
            moves.append(_move(e.day, kind, e.summary, e.id, e.household))
    return sorted(moves, key=lambda m: m["date"])


def _move(day: dt.date, kind: str, summary: str, entry: str, household: bool) -> dict[str, Any]:
    return {
        "date": day.isoformat(),
        "kind": kind,
        "summary": summary,
        "entry": entry,
        "household": household,
    }


def _silences(entries: list[Entry]) -> list[dict[str, Any]]:
    """Gaps of :data:`SILENCE_DAYS` or more in the child's own record, just after a concern."""
    own = [e for e in entries if not e.household]
    found: list[dict[str, Any]] = []
    for before, after in pairwise(own):
        gap = (after.day - before.day).days
        if gap < SILENCE_DAYS:
            continue
        worries = [
            e
            for e in own
            if e.day <= before.day
            and (before.day - e.day).days <= CONCERN_LOOKBACK_DAYS
            and any(t in CONCERNS for t in e.event_types)
        ]
        if worries:
            found.append(
                {
                    "start": before.day.isoformat(),
                    "end": after.day.isoformat(),
                    "days": gap,
                    "after": [e.id for e in worries],
                    "summary": f"Nothing recorded for {gap} days after "
                    f"{worries[-1].summary.split(' | ')[0]}",
                }
            )
    return found


def _start_again(entries: list[Entry]) -> list[dict[str, Any]]:
    """Each new referral or assessment made when earlier ones existed at any agency."""
    found: list[dict[str, Any]] = []
    earlier: list[Entry] = []
    for e in entries:
        if e.household or not e.has(*STARTS):
            continue
        if earlier:
            found.append(
                {
                    "date": e.day.isoformat(),
                    "agency": e.agency,
                    "summary": e.summary,
                    "entry": e.id,
                    "earlier": [p.id for p in earlier],
                    "earlier_agencies": sorted({a for p in earlier for a in p.agencies}),
                }
            )
        earlier.append(e)
    return found


def summary_as_shared(
    summary: dict[str, Any], entries: list[Entry], renamed: dict[str, str]
) -> dict[str, Any]:
    """The summary as one viewer may read it, from the entries they see (issue 18).

    ``entries`` are the entries shown to the viewer, already reduced to what they
    may read; ``renamed`` maps each shown entry's id in the full chronology to its
    id as shown (an entry whose first record is hidden takes the next record's id).
    Counts, involvement, categories and moves are worked out again from what is
    shown, so none of them tells the viewer of records they do not see. Plans,
    ACEs, silences and "start again" moments are the system's reading of the
    whole story, as flags are: they stay, but point only to shown entries and
    quote only shown words.
    """
    by_id = {e.id: e for e in entries}

    def shown(ids: list[str]) -> list[str]:
        return [renamed[i] for i in ids if i in renamed]

    def words(entry_id: str) -> str:
        entry = by_id.get(renamed.get(entry_id, ""))
        if entry is None:
            return ""
        return entry.summary.split(" | ")[0] or event_label(entry.event_type)

    plans = [{**p, "entries": shown(p["entries"])} for p in summary.get("plans", [])]
    plans = [p for p in plans if p["entries"]]
    aces = [
        {**a, "entries": shown(a["entries"]), "all": len(a["entries"])}
        for a in summary.get("aces", [])
    ]
    for ace in aces:
        ace["hidden"] = ace.pop("all") - len(ace["entries"])
    silences = [
        {**s, "after": shown(s["after"]),
         "summary": f"Nothing recorded for {s['days']} days after "
         + (words(s["after"][-1]) if shown(s["after"][-1:]) else "a concern")}
        for s in summary.get("silences", [])
    ]  # fmt: skip
    starts = [
        {**s, "summary": words(s["entry"]), "entry": renamed[s["entry"]],
         "earlier": shown(s["earlier"]),
         "earlier_agencies": sorted({a for i in shown(s["earlier"]) for a in by_id[i].agencies})}
        for s in summary.get("start_again", []) if s["entry"] in renamed
    ]  # fmt: skip
    return {
        **summary,
        "counts": _counts(entries),
        "involvement": _involvement(entries),
        "plans": plans,
        "by_category_year": _by_category_year(entries),
        "aces": aces,
        "moves": _moves(entries),
        "silences": silences,
        "start_again": starts,
    }
