"""Ground truth for the alerts a feed must raise: ``ground_truth/alerts.csv``.

Written from each household's true events and the rows as written (never by running the
product's rules), one row per alert the feed's records meet, as issue 14 states them:

* ``NEW_INVOLVEMENT``: a child's first record at an agency arrives in the feed, and
  another agency held a record of the child before it. One per (child, agency); its
  record is the first of the agency's feed records of the child (by day, then id).
* ``SOMETHING_NEW``: a record of the child's own in the feed, of a watched type
  (:data:`WATCHED`, by its true type even where the agency left the type blank), for a
  child who before the feed was on an open plan or had a high-severity flag, at an
  agency other than the lead professional's (the open plan's agency, the plan of the
  highest level first: child protection, looked after, child in need, early help; the
  newest start among plans of one level). With no open plan every agency counts.
* ``NEW_FLAG``: a code the child's true history raises with the feed's days
  (:func:`~wholestory.synth.truth.evaluate`) that it did not raise before them.

"Before the feed" is the records of days before the feed's first day. A row the writer
spoiled (``ground_truth/bad_rows.csv``) is quarantined on import and never arrives: it is
no one's record here, neither a first record nor a trigger. (Spoiled rows are routine
records, so no flag depends on them, and the flags' truth reads true events.) The
children are the generator's children, all under 18 on every day of the history.

Severity is the indicators' own: :data:`ALWAYS_HIGH` codes are high whenever raised;
``SELF_HARM`` is high at 2 or more presentations within 12 months (the one severity
``shared/spec/indicators.md`` states), ``EDUCATION_DISRUPTION`` high for a permanent
exclusion or missing education, ``WAS_NOT_BROUGHT`` high for a health appointment
missed on a child protection plan; the rest are medium. These follow the product's
definitions as published; they are restated here, not imported, so that a change to
the product's severities shows as a miss rather than moving the truth with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Final

from wholestory.records.keys import source_key
from wholestory.synth.agencies import HEALTH
from wholestory.synth.events import Story
from wholestory.synth.feed import Written
from wholestory.synth.needs_rows import TrueNeed
from wholestory.synth.population import Household, SynthPerson
from wholestory.synth.truth import (
    CANONICAL,
    Chronicle,
    Fact,
    _own_days,
    _plan_spells,
    _within,
    evaluate,
)

NEW_INVOLVEMENT: Final = "NEW_INVOLVEMENT"
SOMETHING_NEW: Final = "SOMETHING_NEW"
NEW_FLAG: Final = "NEW_FLAG"
#: The events that are "something new" for a child with a plan or a high flag (issue 14:
#: emergency care, police contact, missing, exclusion and leaving education, self-harm).
WATCHED: Final = frozenset(
    {
        "ED_ATTENDANCE", "HOSPITAL_ADMISSION", "INJURY", "SELF_HARM",
        "DA_INCIDENT", "MISSING_EPISODE", "ARREST", "OFFENCE_VICTIM", "OFFENCE_SUSPECT",
        "EXPLOITATION_CONCERN", "CUSTODY",
        "SUSPENSION", "PERMANENT_EXCLUSION", "CHILD_MISSING_EDUCATION",
    }
)  # fmt: skip
#: Codes that are high severity whenever raised.
ALWAYS_HIGH: Final = frozenset(
    {"DA_ESCALATION", "MARAC_CRITERIA", "MISSING_REPEAT", "EXPLOITATION_RISK",
     "UNCONNECTED_CONCERNS", "CLOSED_THEN_ESCALATED"}
)  # fmt: skip
#: Plans that make a lead professional, highest level first: (start, end).
LEAD_PLANS: Final = (
    ("CP_PLAN_START", "CP_PLAN_END"),
    ("LOOKED_AFTER_START", "LOOKED_AFTER_END"),
    ("CIN_PLAN_START", "CIN_PLAN_END"),
    ("EARLY_HELP_START", "EARLY_HELP_END"),
)

Row = tuple[str, str, str, str, str]


def alert_rows(
    household: Household,
    story: Story,
    written: Sequence[Written],
    start: dt.date,
    needs: Sequence[TrueNeed] = (),
) -> list[Row]:
    """The alerts a feed from ``start`` raises for the household's children, in order.

    ``needs`` are the household's needs as recorded: the needs table goes whole into the
    base, so they count before the feed as after it.
    """
    if not any(r.day >= start for e in story.events for r in e.records):
        return []
    chronicle = Chronicle(story, household)
    arrived = [w for w in written if not w.bad]
    rows: list[Row] = []
    for child in household.children:
        facts = chronicle.facts_for(child)
        if not any(f.day >= start for f in facts):
            continue
        before = facts_before(facts, start)
        mine = [w for w in arrived if w.person == child.true_id]
        news = sorted((w for w in mine if w.day >= start), key=lambda w: (w.day, w.record_id))
        rows += new_involvement(child, mine, news, start)
        rows += something_new(child, news, before)
        flags = new_flags(child, facts, before, needs)
        rows += [(NEW_FLAG, child.true_id, "", "", code) for code in flags]
    return rows


def facts_before(facts: Iterable[Fact], start: dt.date) -> list[Fact]:
    """The child's chronology as it stood before ``start``: a record of an event counts as
    the child's (``shared``) only if the child's own record of it had come by then."""
    before = [f for f in facts if f.day < start]
    theirs = {f.event for f in before if f.own}
    return [replace(f, shared=f.event in theirs) for f in before]


def new_involvement(
    child: SynthPerson, mine: Sequence[Written], news: Sequence[Written], start: dt.date
) -> list[Row]:
    """One per agency whose first record of the child is in the feed, if another knew them."""
    known = {w.agency for w in mine if w.day < start}
    if not known:
        return []
    first: dict[str, Written] = {}
    for w in news:
        if w.agency not in known:
            first.setdefault(w.agency, w)
    return [
        (NEW_INVOLVEMENT, child.true_id, agency, source_key(agency, w.record_id), "")
        for agency, w in sorted(first.items())
    ]


def something_new(child: SynthPerson, news: Sequence[Written], before: list[Fact]) -> list[Row]:
    """Each watched feed record of a child on a plan or with a high flag, away from the lead."""
    watched = [w for w in news if w.etype in WATCHED]
    if not watched:
        return []
    lead = lead_agency(before)
    if lead is None and not high_flags(before, child):
        return []
    return [
        (SOMETHING_NEW, child.true_id, w.agency, source_key(w.agency, w.record_id), "")
        for w in watched
        if w.agency != lead
    ]


def new_flags(
    child: SynthPerson, facts: list[Fact], before: list[Fact], needs: Sequence[TrueNeed] = ()
) -> list[str]:
    """The codes the whole history raises that the history before the feed did not."""
    return sorted(
        evaluate(facts, child, CANONICAL, needs) - evaluate(before, child, CANONICAL, needs)
    )


def open_plans(facts: Iterable[Fact]) -> list[tuple[int, dt.date, str]]:
    """(level, start day, agency) of each plan open at the end of ``facts``: a start of the
    child's own that no end of the same plan, on or after its day, has closed (each end
    closes one start, the earliest open, as the chronology pairs a plan's spell)."""
    own = sorted((f for f in facts if f.own), key=lambda f: f.day)
    found: list[tuple[int, dt.date, str]] = []
    for level, (start_type, end_type) in enumerate(LEAD_PLANS):
        ends = [f.day for f in own if f.etype == end_type]
        for f in (f for f in own if f.etype == start_type):
            end = next((e for e in ends if e >= f.day), None)
            if end is None:
                found.append((level, f.day, f.agency))
            else:
                ends.remove(end)
    return found


def lead_agency(facts: Iterable[Fact]) -> str | None:
    """The open plan's agency, the highest level then newest start first; None if none."""
    plans = open_plans(facts)
    if not plans:
        return None
    return min(plans, key=lambda p: (p[0], -p[1].toordinal(), p[2]))[2]


def high_flags(facts: list[Fact], child: SynthPerson) -> set[str]:
    """The codes ``facts`` raise at high severity (the module's note says which)."""
    raised = evaluate(facts, child)
    high = set(raised & ALWAYS_HIGH)
    shared = [f for f in facts if f.shared]
    if "SELF_HARM" in raised and _within(_own_days(shared, ["SELF_HARM"]), 2, CANONICAL.year):
        high.add("SELF_HARM")
    if "EDUCATION_DISRUPTION" in raised and any(
        f.own and f.etype in ("PERMANENT_EXCLUSION", "CHILD_MISSING_EDUCATION") for f in shared
    ):
        high.add("EDUCATION_DISRUPTION")
    if "WAS_NOT_BROUGHT" in raised:
        missed = _own_days(shared, ["APPOINTMENT_MISSED"], HEALTH)
        plans = _plan_spells(shared, CANONICAL, [("CP_PLAN_START", "CP_PLAN_END")])
        if any(s <= day <= e for day in missed for s, e in plans):
            high.add("WAS_NOT_BROUGHT")
    return high
