"""What every indicator rule shares: the :class:`Indicator` record, and the helpers
that find runs of entries, word their dates and make a :class:`~wholestory.chronology.model.Flag`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from wholestory.chronology.display import show_date
from wholestory.chronology.model import Entry, Flag, Source
from wholestory.chronology.thresholds import IndicatorThresholds
from wholestory.chronology.view import View
from wholestory.words import count_words

_DASH: Final = re.compile(r"(\d+)\s+(?:of\s+2[47]\s+)?(?:questions\s+)?answered\s+yes", re.I)
DNA_WORDS: Final = re.compile(
    r"\b(dna|did not attend|not brought|non-attendance|not attending)\b", re.I
)


Rule = Callable[[View, IndicatorThresholds], "Flag | None"]


@dataclass(frozen=True, slots=True)
class Indicator:
    """One code of indicators.md: its title, grounding and rule."""

    code: str
    title: str
    grounding: str
    rule: Rule


def windows(entries: Sequence[Entry], k: int, days: int) -> list[Entry]:
    """Every entry in some run of ``k`` entries whose first and last are ``days`` apart at most."""
    ordered = sorted({id(e): e for e in entries}.values(), key=lambda e: e.day)
    if k <= 0:
        return ordered
    hit: dict[int, Entry] = {}
    for i in range(len(ordered) - k + 1):
        if (ordered[i + k - 1].day - ordered[i].day).days <= days:
            for e in ordered[i : i + k]:
                hit[id(e)] = e
    return sorted(hit.values(), key=lambda e: e.day)


def repeated(
    ind: Indicator,
    severity: str,
    found: Sequence[Entry],
    rule: tuple[int, int],
    noun: str | tuple[str, str],
    words: str,
) -> Flag | None:
    """A flag when ``rule[0]`` of ``found`` fall within ``rule[1]`` days of each other, else None.

    ``words`` is the explanation, with ``{hits}`` (how many, of ``noun``: a word, or
    it and its plural), ``{span}``, ``{count}`` and ``{months}`` filled in from the run
    and the rule, so every "so many within so long" rule quotes its threshold alike.
    """
    count, days = rule
    hits = windows(found, count, days)
    if not hits:
        return None
    said = count_words(len(hits), *((noun,) if isinstance(noun, str) else noun))
    explanation = words.format(hits=said, span=span(hits), count=count, months=months(days))
    return flag(ind, severity, hits, explanation)


def months(days: int) -> str:
    """``365`` → ``12 months``; ``183`` → ``6 months``; ``730`` → ``24 months``."""
    return count_words(round(days / 30.44), "month")


def when(day: dt.date) -> str:
    """A day as people write it: ``3 Mar 2012`` (as every output shows dates)."""
    return show_date(day)


def span(entries: Sequence[Entry]) -> str:
    """``between Jan 2012 and Nov 2012``, or ``on 3 Mar 2012`` for one day."""
    first, last = min(e.day for e in entries), max(e.day for e in entries)
    if first == last:
        return f"on {when(first)}"
    if (first.year, first.month) == (last.year, last.month):
        return f"in {first:%b %Y}"
    return f"between {first:%b %Y} and {last:%b %Y}"


def flag(ind: Indicator, severity: str, evidence: Sequence[Entry], explanation: str) -> Flag:
    """A flag with its evidence: the entries and every record behind them."""
    ordered = sorted({id(e): e for e in evidence}.values(), key=lambda e: e.day)
    records = dict.fromkeys((s.agency, s.record_id) for e in ordered for s in _raised_by(e))
    return Flag(
        code=ind.code,
        title=ind.title,
        severity=severity,
        first=ordered[0].day,
        last=ordered[-1].day,
        explanation=explanation,
        entries=tuple(e.id for e in ordered),
        evidence=tuple(records),
        grounding=ind.grounding,
    )


def _raised_by(entry: Entry) -> list[Source]:
    """The records of an entry a flag rests on: the child's own (and the victim's DASH).

    Other people's rows of the same event (a sibling's copy of a referral) are
    in the entry for the reader, but are not evidence about this child.
    """
    chosen = [s for s in entry.sources if s.own or s.event_type == "DASH_ASSESSMENT"]
    return chosen or entry.sources


def dash_yes(text: str) -> int:
    """The number of "yes" answers a DASH summary records (0 when it says none)."""
    found = _DASH.search(text)
    return int(found.group(1)) if found else 0


def people_in(entry: Entry, role: str) -> set[str]:
    """Who had ``role`` (VICTIM, SUSPECT) in an entry: by WholeStory id, and by name.

    The name counts too because one agency may hold too little about a person
    to link them safely (a domestic abuse service often records a perpetrator
    by name alone); within one child's story, the same full name in the same
    role is the same person for this purpose.
    """
    found = {i.person for i in entry.involved if i.role == role}
    found |= {"name:" + _plain(i.name) for i in entry.involved if i.role == role and i.name}
    found |= {"self" for s in entry.sources if s.own and s.role == role}
    return found


def _plain(name: str) -> str:
    return " ".join(re.sub(r"[^a-z ]", "", name.lower()).split())
