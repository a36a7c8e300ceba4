"""How each evidence prompt is read from a child's chronology (issue 15, item 3).

Every reading reuses one the product already makes, so that a prompt and the flag, the
summary or the practice measure behind it never disagree:

* "start again": each assessment (:func:`assessments`) begun when entries of other
  agencies were already in the child's chronology;
* a high-severity flag of the build with no plan open at any time from its first to its
  last evidence (:func:`~wholestory.assurance.children.on_plan`, as the measure of children
  with high flags on a plan reads plans); and the chronology summary's silences after a
  concern (:data:`~wholestory.chronology.analysis.SILENCE_DAYS`, 180);
* the ``NEEDS_NOT_MET`` flag and its evidence;
* runs of missed appointments at one agency (:mod:`wholestory.engagement.analysis`) and
  whether each was followed up within 30 days
  (:func:`~wholestory.assurance.measures.followed_up`, the measure's rule);
* for each assessment, whether the assessing agency opened the chronology in the 30 days
  before, from WholeStory's own audit log (:func:`~wholestory.assurance.measures.looks`).

The wording is :mod:`~wholestory.assurance.evidence_words`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Final

from wholestory.assurance import evidence_words as words
from wholestory.assurance.children import OwnRecord, on_plan
from wholestory.assurance.evidence_story import Prompt, Story, day_words, in_sentence, short
from wholestory.assurance.measures import (
    ASSESSMENT,
    FOLLOW_UP_DAYS,
    READ_BEFORE_DAYS,
    followed_up,
    looks,
)
from wholestory.chronology.display import parse_iso
from wholestory.chronology.model import Entry, long_date
from wholestory.chronology.vocabulary import agency_name
from wholestory.engagement.analysis import MISSED, contact, engagement
from wholestory.store import Store
from wholestory.words import count_words

#: An assessment closed with no further action: its end when its start is recorded.
ASSESSMENT_NFA: Final = "ASSESSMENT_NFA"
#: How long after an agency's assessment began its ``ASSESSMENT_NFA`` is that assessment's
#: end rather than a new one. A child and family assessment is due within 45 working days
#: (Working Together 2023), about nine weeks; 90 days leaves room for late recording.
CLOSES_WITHIN_DAYS: Final = 90
NEEDS_NOT_MET: Final = "NEEDS_NOT_MET"


def assessments(story: Story) -> list[tuple[Entry, str]]:
    """Each assessment begun, and the agency that began it, oldest first.

    An assessment begins with the child's own ``ASSESSMENT`` record (the measure's
    :data:`~wholestory.assurance.measures.ASSESSMENT`). ``ASSESSMENT_NFA`` ends the same
    agency's assessment begun in the 90 days before; with no such start it is an assessment
    recorded only at its end (begun and closed at once), and counts as begun. Two records
    of one agency's assessment on one day are one assessment, as the measure counts them.
    """
    found: dict[tuple[str, dt.date], tuple[Entry, str]] = {}
    started: dict[str, dt.date] = {}
    for e in story.entries:
        for s in e.sources:
            if not s.own:
                continue
            if s.event_type == ASSESSMENT:
                found.setdefault((s.agency, e.day), (e, s.agency))
                started[s.agency] = e.day
            elif s.event_type == ASSESSMENT_NFA:
                began = started.pop(s.agency, None)
                if began is None or (e.day - began).days > CLOSES_WITHIN_DAYS:
                    found.setdefault((s.agency, e.day), (e, s.agency))
    return sorted(found.values(), key=lambda found: found[0].day)


def start_again(story: Story) -> list[Prompt]:
    """Each assessment begun when other agencies' entries were already in the chronology."""
    found = []
    for e, agency in assessments(story):
        earlier = [p for p in story.entries if p.day < e.day and set(p.agencies) - {agency}]
        if not earlier:
            continue
        others = sorted({a for p in earlier for a in p.agencies if a != agency})
        latest = [next(p for p in reversed(earlier) if a in p.agencies) for a in others]
        text = words.START_AGAIN.format(
            agency=agency_name(agency),
            day=day_words(e),
            what=short(e),
            entries=count_words(len(earlier), "entry"),
            agencies=count_words(len(others), "other agency"),
            names=", ".join(in_sentence(agency_name(a)) for a in others),
        )
        found.append(_prompt("start_again", text, story, [e, *latest], (agency,), e.day))
    return found


def flags_with_no_plan(store: Store, story: Story) -> list[Prompt]:
    """Each high-severity flag with no plan open at any time from its first to its last
    evidence: a plan begun part way through was an answer to it, so it asks nothing."""
    found = []
    for f in story.flags:
        if f.severity != "high" or on_plan(store, story.person, f.first, f.last):
            continue
        dates = (
            f"on {long_date(f.first)}"
            if f.first == f.last
            else f"from {long_date(f.first)} to {long_date(f.last)}"
        )
        text = words.FLAG_NO_PLAN.format(title=f.title, dates=dates, after=_after(story, f.last))
        entries = [story.entry(i) for i in f.entries]
        found.append(_prompt("flag_no_plan", text, story, entries, _agencies(entries), f.first))
    return found


def _after(story: Story, last: dt.date) -> str:
    """The first plan begun after a flag's last evidence, in words, or that none has."""
    for plan in story.summary.get("plans", []):
        began = parse_iso(str(plan.get("start") or ""))
        if began is not None and last < began <= story.as_of:
            kind = str(plan.get("kind", ""))
            said = words.PLAN_BEGAN.get(kind, words.PLAN_BEGAN[""]).format(
                plan=in_sentence(kind), day=long_date(began)
            )
            return f"{said}{words.PLAN_SINCE}"
    return words.NO_PLAN_SINCE


def silences(story: Story) -> list[Prompt]:
    """Each silence after a concern in the chronology's summary (nothing from any agency for
    180 days or more, the last concern at most 90 days before it began)."""
    found = []
    for s in story.summary.get("silences", []):
        start, end = parse_iso(str(s["start"])), parse_iso(str(s["end"]))
        worries = [e for i in s.get("after", []) if (e := story.entry(str(i))) is not None]
        if start is None or end is None or end > story.as_of or not worries:
            continue
        concern = worries[-1]
        ended = next((e for e in story.entries if e.day == end and not e.household), None)
        text = words.SILENCE.format(
            days=s["days"],
            start=long_date(start),
            end=long_date(end),
            agency=in_sentence(agency_name(concern.agency)),
            day=day_words(concern),
            what=short(concern),
        )
        found.append(_prompt("silence", text, story, [*worries, ended], _agencies(worries), start))
    return found


def needs_not_met(story: Story) -> list[Prompt]:
    """The ``NEEDS_NOT_MET`` flag, in its own words, with the contacts it rests on."""
    found = []
    for f in story.flags:
        if f.code != NEEDS_NOT_MET:
            continue
        entries = [story.entry(i) for i in f.entries]
        text = words.NEED_NOT_MET.format(explanation=f.explanation)
        found.append(_prompt("need_not_met", text, story, entries, _agencies(entries), f.first))
    return found


def missed_appointments(story: Story) -> list[Prompt]:
    """Each run of missed appointments at one agency (two or more in a row, none kept
    between, as engagement reads them) and whether it was followed up within 30 days."""
    records, entry_of = _own_records(story)
    runs = engagement([contact(r.day, r.agency, [r.event_type], "") for r in records], []).runs
    found = []
    for run in runs:
        agency = str(run["agency"])
        first, ended = dt.date.fromisoformat(run["first"]), dt.date.fromisoformat(run["last"])
        missed = [
            entry_of[r]
            for r in records
            if r.agency == agency and r.event_type == MISSED and first <= r.day <= ended
        ]
        follow = next((r for r in records if followed_up([r], agency, ended)), None)
        text = words.MISSED.format(
            missed=count_words(int(run["missed"]), "appointment"),
            agency=in_sentence(agency_name(agency)),
            first=long_date(first),
            last=long_date(ended),
        )
        if follow is not None:
            kind, text = "missed_followed_up", text + _follow_words(entry_of[follow], ended)
        else:
            waiting = ended + dt.timedelta(days=FOLLOW_UP_DAYS) > story.as_of
            kind = "missed_not_followed_up"
            text += (
                words.NOT_YET.format(as_of=long_date(story.as_of))
                if waiting
                else words.NOT_FOLLOWED.format(agency=in_sentence(agency_name(agency)))
            )
        cited = [*missed, entry_of[follow] if follow else None]
        found.append(_prompt(kind, text, story, cited, (agency,), ended))
    return found


def _own_records(story: Story) -> tuple[list[OwnRecord], dict[OwnRecord, Entry]]:
    """The child's own records in the story, as the measures read them, and their entries."""
    entry_of = {
        OwnRecord(story.person, s.agency, s.record_id, s.event_type, day, len(s.date) == 10): e
        for e in story.entries
        for s in e.sources
        if s.own and (day := parse_iso(s.date)) is not None and day <= story.as_of
    }
    records = sorted(entry_of, key=lambda r: (r.day, r.agency, r.record_id))
    return records, entry_of


def _follow_words(follow: Entry, ended: dt.date) -> str:
    gap = (follow.day - ended).days
    return words.FOLLOWED.format(
        by=in_sentence(agency_name(follow.agency)),
        what=short(follow),
        day=day_words(follow),
        gap="the same day" if gap == 0 else f"{count_words(gap, 'day')} after the last",
    )


def history_read(store: Store, story: Story) -> list[Prompt]:
    """For each assessment whose day is known, whether anyone at the assessing agency
    opened the child's chronology (a page or a download) on that day or in the 30 days
    before, as the audit log shows (UTC days), the latest such look."""
    begun = [(e, agency) for e, agency in assessments(story) if e.precision == "day"]
    if not begun:
        return []
    seen = looks(store, [story.person], begun[0][0].day, begun[-1][0].day)
    found = []
    for e, agency in begun:
        window = e.day - dt.timedelta(days=READ_BEFORE_DAYS)
        days = [d for d in seen.get((story.person, agency.upper()), []) if window <= d <= e.day]
        name = agency_name(agency)
        text = words.ASSESSED.format(agency=name, day=day_words(e))
        if days:
            gap = (e.day - max(days)).days
            when = "on the day" if gap == 0 else f"{count_words(gap, 'day')} before"
            kind, text = (
                "history_opened",
                text + words.OPENED.format(agency=in_sentence(name), when=when),
            )
        else:
            kind, text = (
                "history_not_opened",
                text + words.NOT_OPENED.format(agency=in_sentence(name), days=READ_BEFORE_DAYS),
            )
        found.append(_prompt(kind, text, story, [e], (agency,), e.day))
    return found


def _agencies(entries: Sequence[Entry | None]) -> tuple[str, ...]:
    return tuple(sorted({a for e in entries if e is not None for a in e.agencies}))


def _prompt(
    kind: str,
    text: str,
    story: Story,
    entries: Sequence[Entry | None],
    agencies: tuple[str, ...],
    day: dt.date,
) -> Prompt:
    return Prompt(kind, words.TITLES[kind], text, story.cite(entries), agencies, day)
