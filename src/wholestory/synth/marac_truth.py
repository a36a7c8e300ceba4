"""Ground truth for the Marac referral list: which victims the generator's true events put on it.

Written from what was planted (each household's true events, never the noisy rows,
and never by running the product's criteria), as ``ground_truth/marac_candidates.csv``:
one row per victim and criterion met, with a note of the events behind it. The criteria
are SafeLives', restated here from ``shared/spec/domestic-abuse.md``:

* ``visible_high_risk``: a DASH with 14 or more "yes" answers naming the victim;
* ``potential_escalation``: 3 domestic abuse incidents naming the victim on 3 days
  at most 365 days from first to last;
* ``repeat``: an incident naming the same victim and suspect 1 to 365 days after the
  last Marac referral that named them both.

The generator plants no Dash with professional judgement, so that criterion has no
rows; practitioners' referrals are the ``MARAC_REFERRAL`` records themselves.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from typing import Final

from wholestory.synth.events import Record, Story
from wholestory.synth.truth import dash_yes

TRUTH_FILE: Final = "ground_truth/marac_candidates.csv"
COLUMNS: Final = ("true_id", "criterion", "note")
HIGH_RISK_YES: Final = 14
ESCALATION_EVENTS: Final = 3
YEAR: Final = 365


def rows(story: Story) -> Iterator[tuple[str, str, str]]:
    """(victim's true id, criterion, note) for every criterion the household's events meet."""
    records = [r for e in story.events for r in e.records]
    yield from _high_risk(records)
    yield from _escalation(records)
    yield from _repeat(records)


def _named(record: Record, role: str) -> list[str]:
    return sorted({p.true_id for p, r in record.parts if r == role})


def _high_risk(records: list[Record]) -> Iterator[tuple[str, str, str]]:
    scores: dict[str, list[tuple[dt.date, int]]] = defaultdict(list)
    for r in records:
        if r.etype == "DASH_ASSESSMENT" and dash_yes(r.summary) >= HIGH_RISK_YES:
            for victim in _named(r, "VICTIM"):
                scores[victim].append((r.day, dash_yes(r.summary)))
    for victim, found in sorted(scores.items()):
        yield victim, "visible_high_risk", "; ".join(f"DASH {y} yes on {d}" for d, y in found)


def _escalation(records: list[Record]) -> Iterator[tuple[str, str, str]]:
    days: dict[str, set[dt.date]] = defaultdict(set)
    for r in records:
        if r.etype == "DA_INCIDENT":
            for victim in _named(r, "VICTIM"):
                days[victim].add(r.day)
    for victim, found in sorted(days.items()):
        ordered = sorted(found)
        runs = [
            ordered[i : i + ESCALATION_EVENTS]
            for i in range(len(ordered) - ESCALATION_EVENTS + 1)
            if (ordered[i + ESCALATION_EVENTS - 1] - ordered[i]).days <= YEAR
        ]
        if runs:
            yield victim, "potential_escalation", f"incidents {', '.join(map(str, runs[0]))}"


def _repeat(records: list[Record]) -> Iterator[tuple[str, str, str]]:
    referred: dict[tuple[str, str], list[dt.date]] = defaultdict(list)
    for r in records:
        if r.etype == "MARAC_REFERRAL":
            for pair in _pairs(r):
                referred[pair].append(r.day)
    found: dict[str, str] = {}
    for r in sorted(records, key=lambda r: r.day):
        if r.etype != "DA_INCIDENT":
            continue
        for victim, suspect in _pairs(r):
            before = [d for d in referred.get((victim, suspect), []) if d < r.day]
            if before and (r.day - max(before)).days <= YEAR:
                found.setdefault(victim, f"Marac referral {max(before)}, incident {r.day}")
    for victim, note in sorted(found.items()):
        yield victim, "repeat", note


def _pairs(record: Record) -> list[tuple[str, str]]:
    return [(v, s) for v in _named(record, "VICTIM") for s in _named(record, "SUSPECT")]
