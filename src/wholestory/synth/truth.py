"""The indicator codes a child's true history raises: the basis of patterns.csv.

This is indicators.md applied to the *true* events of a child (never to the
noisy rows), in the reading written down in :mod:`wholestory.synth.histories`.
The generator uses it to label what it planted: a code the planted events
necessarily meet is ``implied``; a code that background noise would raise is a
generator bug, and generation stops rather than write wrong ground truth.

A child's chronology is every record of every true event the child takes part
in (has a row in). Most rules count only the child's own records; the DASH
checklist is the victim's record of an incident the child was present at, and
counts for the child through that shared event.

The same rules are also run under alternative readings (windows a month
shorter or longer; exploitation signals counted as kinds rather than events;
age taken on the as-of date; a broader list of concerns, closures and
high-severity events; the household's adults' own records counted as the
child's for concerns and ACEs). The generator insists that every reading
agrees, so the ground truth does not hang on a boundary an implementer might
draw a little differently.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from wholestory.synth.agencies import HEALTH
from wholestory.synth.events import Record, Story
from wholestory.synth.needs_rows import TrueNeed
from wholestory.synth.needs_truth import CODE as NEEDS_CODE
from wholestory.synth.needs_truth import needs_not_met
from wholestory.synth.population import Household, SynthPerson
from wholestory.synth.timeline import AS_OF

CODES: Final[tuple[str, ...]] = (
    "DA_ESCALATION",
    "CHILD_DA_VICTIM",
    "MARAC_CRITERIA",
    "WAS_NOT_BROUGHT",
    "REPEAT_REFERRAL",
    "MISSING_REPEAT",
    "SELF_HARM",
    "EDUCATION_DISRUPTION",
    "EXPLOITATION_RISK",
    "ACE_PROFILE",
    "UNCONNECTED_CONCERNS",
    "CLOSED_THEN_ESCALATED",
    NEEDS_CODE,
)

#: Concerns for UNCONNECTED_CONCERNS: events that show an agency was worried.
CONCERNS: Final = frozenset(
    {
        "DA_INCIDENT", "DASH_ASSESSMENT", "MARAC_REFERRAL", "DA_SERVICE_CONTACT",
        "ENCOMPASS_NOTIFICATION", "REFERRAL", "REFERRAL_NFA", "STRATEGY_DISCUSSION",
        "S47_ENQUIRY", "APPOINTMENT_MISSED", "INJURY", "SELF_HARM", "SUBSTANCE_MISUSE",
        "CAMHS_REFERRAL", "SUSPENSION", "PERMANENT_EXCLUSION", "ATTENDANCE_CONCERN",
        "CHILD_MISSING_EDUCATION", "MISSING_EPISODE", "ARREST", "OFFENCE_VICTIM",
        "OFFENCE_SUSPECT", "EXPLOITATION_CONCERN", "HOMELESSNESS", "EVICTION",
        "PARENT_MENTAL_HEALTH", "PARENT_SUBSTANCE_MISUSE", "PARENT_IMPRISONMENT", "CONCERN",
    }
)  # fmt: skip
#: Events a broader reading might also count as concerns.
CONCERNS_BROAD: Final = CONCERNS | {
    "ED_ATTENDANCE", "HOSPITAL_ADMISSION", "MENTAL_HEALTH_CONTACT", "ASSESSMENT",
    "ASSESSMENT_NFA", "CP_CONFERENCE", "MARAC_MEETING", "PARENT_SEPARATION", "BEREAVEMENT",
    "ELECTIVE_HOME_EDUCATION",
}  # fmt: skip
#: A plan or case closed.
CLOSURES: Final = frozenset(
    {"CASE_CLOSED", "CIN_PLAN_END", "CP_PLAN_END", "EARLY_HELP_END", "LOOKED_AFTER_END",
     "CAMHS_DISCHARGE"}
)  # fmt: skip
CLOSURES_BROAD: Final = CLOSURES | {"REFERRAL_NFA", "ASSESSMENT_NFA"}
#: High-severity events for CLOSED_THEN_ESCALATED.
HIGH: Final = frozenset(
    {
        "DA_INCIDENT", "MARAC_REFERRAL", "STRATEGY_DISCUSSION", "S47_ENQUIRY", "CP_PLAN_START",
        "LOOKED_AFTER_START", "SELF_HARM", "INJURY", "MISSING_EPISODE", "ARREST",
        "EXPLOITATION_CONCERN", "PERMANENT_EXCLUSION", "CUSTODY",
    }
)  # fmt: skip
HIGH_BROAD: Final = HIGH | {
    "OFFENCE_VICTIM", "OFFENCE_SUSPECT", "HOSPITAL_ADMISSION", "CP_CONFERENCE", "MARAC_MEETING",
    "HOMELESSNESS", "EVICTION", "CHILD_MISSING_EDUCATION", "SUBSTANCE_MISUSE",
}  # fmt: skip
#: Exploitation signals and the kind each is ("2 or more of" these kinds).
SIGNALS: Final[dict[str, str]] = {
    "MISSING_EPISODE": "missing",
    "ARREST": "offending",
    "OFFENCE_SUSPECT": "offending",
    "SUSPENSION": "exclusion",
    "PERMANENT_EXCLUSION": "exclusion",
    "EXPLOITATION_CONCERN": "exploitation",
    "SUBSTANCE_MISUSE": "substance",
}
#: Plans that connect agencies' concerns: (start code, end code).
PLANS: Final = (
    ("CIN_PLAN_START", "CIN_PLAN_END"),
    ("CP_PLAN_START", "CP_PLAN_END"),
    ("EARLY_HELP_START", "EARLY_HELP_END"),
)
#: Household events that evidence an adverse childhood experience, by category.
ACE_EVENTS: Final[dict[str, str]] = {
    "DA_INCIDENT": "domestic abuse",
    "PARENT_SUBSTANCE_MISUSE": "household substance misuse",
    "PARENT_MENTAL_HEALTH": "household mental illness",
    "PARENT_IMPRISONMENT": "household member in prison",
    "PARENT_SEPARATION": "parental separation",
}
#: A household adult's own records, as ACE categories (household reading only).
ADULT_ACE_EVENTS: Final[dict[str, str]] = {
    "DA_INCIDENT": "domestic abuse",
    "SUBSTANCE_MISUSE": "household substance misuse",
    "MENTAL_HEALTH_CONTACT": "household mental illness",
    "CUSTODY": "household member in prison",
}
#: Child protection plan categories (in the CP_PLAN_START summary) as ACE categories.
ACE_PLAN_CATEGORIES: Final[dict[str, str]] = {
    "neglect": "neglect",
    "physical abuse": "physical abuse",
    "emotional abuse": "emotional abuse",
    "sexual abuse": "sexual abuse",
}
SCHOOL_CONCERNS: Final = frozenset({"SUSPENSION", "ATTENDANCE_CONCERN", "PERMANENT_EXCLUSION"})
_DASH: Final = re.compile(r"(\d+) of 27 questions answered yes")


@dataclass(frozen=True, slots=True)
class Fact:
    """One record in a child's chronology."""

    day: dt.date
    etype: str
    agency: str
    event: str
    own: bool  # the child has a row in this record
    shared: bool  # the child has a row in this true event (in some agency's record)
    household: bool  # an adult living with the child (on that day) has a row in it
    summary: str
    outcome: str
    victims: frozenset[str]
    suspects: frozenset[str]
    people: frozenset[str] = frozenset()  # everyone with a row in the record
    action: str = ""


@dataclass(frozen=True, slots=True)
class Reading:
    """How the thresholds are read. The default is the documented reading."""

    year: int = 365
    half_year: int = 183
    two_years: int = 730
    exploitation_by_kinds: bool = False
    age_on_as_of: bool = False
    broad: bool = False
    household: bool = False  # household adults' records count as the child's (concerns, ACEs)


CANONICAL: Final = Reading()
ALTERNATIVES: Final = (
    Reading(year=335, half_year=160, two_years=700),
    Reading(year=400, half_year=213, two_years=760),
    Reading(exploitation_by_kinds=True, age_on_as_of=True, broad=True),
    Reading(broad=True, household=True),
)
_RELEVANT: Final = (
    CONCERNS_BROAD | CLOSURES_BROAD | HIGH_BROAD | set(SIGNALS) | set(ACE_EVENTS)
    | {"CP_PLAN_START", "CAMHS_DISCHARGE", "ELECTIVE_HOME_EDUCATION"}
)  # fmt: skip


class Chronicle:
    """A household's true events, indexed once so each child's chronology is quick to read.

    A child's chronology holds every record of the true events the child is
    in, and (for the household reading) of the events in which an adult of the
    household took part while living there, from the child's birth on.
    """

    def __init__(self, story: Story, household: Household) -> None:
        adults = [household.mother, *(s.person for s in household.stays)]
        self.entries: list[tuple[str, list[tuple[Record, frozenset[str], bool]]]] = []
        self.relevant = False
        for event in story.events:
            rows = []
            for r in event.records:
                adult = any(
                    p is a and household.lives_here(a, r.day) for p, _ in r.parts for a in adults
                )
                rows.append((r, r.people(), adult))
                self.relevant = self.relevant or r.etype in _RELEVANT
            self.entries.append((event.ident, rows))

    def facts_for(self, child: SynthPerson) -> list[Fact]:
        """The child's chronology, as facts, oldest first."""
        me = child.true_id
        facts: list[Fact] = []
        for ident, rows in self.entries:
            child_in = any(me in people for _, people, _ in rows)
            if not child_in and not any(adult and r.day >= child.dob for r, _, adult in rows):
                continue
            facts.extend(
                Fact(
                    day=r.day,
                    etype=r.etype,
                    agency=r.agency,
                    event=ident,
                    own=me in people,
                    shared=child_in,
                    household=adult and r.day >= child.dob,
                    summary=r.summary,
                    outcome=r.outcome,
                    victims=r.with_role("VICTIM"),
                    suspects=r.with_role("SUSPECT"),
                    people=people,
                    action=r.action,
                )
                for r, people, adult in rows
            )
        facts.sort(key=lambda f: f.day)
        return facts


def evaluate(
    facts: list[Fact],
    child: SynthPerson,
    reading: Reading = CANONICAL,
    needs: Sequence[TrueNeed] = (),
) -> frozenset[str]:
    """The codes raised for a child with these facts, under ``reading``; ``NEEDS_NOT_MET``
    with the ``needs`` recorded of the household (known once its records are written)."""
    if not reading.household:
        facts = [f for f in facts if f.shared]
    unmet = {NEEDS_CODE} if needs and needs_not_met(facts, child, reading.year, needs) else set()
    if not any(f.etype in _RELEVANT for f in facts):
        return frozenset(unmet)
    return frozenset(unmet | {code for code, rule in _RULES if rule(facts, child, reading)})


def dash_yes(summary: str) -> int:
    """The yes-count of a DASH summary (0 when it has none)."""
    match = _DASH.search(summary)
    return int(match.group(1)) if match else 0


def _own_days(
    facts: Iterable[Fact], types: Iterable[str], agencies: frozenset[str] | None = None
) -> list[dt.date]:
    """First day of each distinct true event holding an own record of ``types``."""
    wanted = frozenset(types)
    first: dict[str, dt.date] = {}
    for f in facts:
        mine = f.own and f.etype in wanted and (agencies is None or f.agency in agencies)
        if mine and (f.event not in first or f.day < first[f.event]):
            first[f.event] = f.day
    return sorted(first.values())


def _within(days: list[dt.date], k: int, window: int) -> bool:
    """Whether ``k`` of the sorted ``days`` fall within ``window`` days."""
    return any((days[i + k - 1] - days[i]).days <= window for i in range(len(days) - k + 1))


def _da_escalation(facts: list[Fact], child: SynthPerson, r: Reading) -> bool:
    return _within(_own_days(facts, ["DA_INCIDENT"]), 3, r.year)


def _child_da_victim(facts: list[Fact], child: SynthPerson, r: Reading) -> bool:
    return bool(_own_days(facts, ["DA_INCIDENT"]))


def _marac(facts: list[Fact], child: SynthPerson, r: Reading) -> bool:
    if any(f.etype == "DASH_ASSESSMENT" and dash_yes(f.summary) >= 14 for f in facts):
        return True
    referrals = [f for f in facts if f.own and f.etype == "MARAC_REFERRAL"]
    incidents = [f for f in facts if f.own and f.etype == "DA_INCIDENT"]
    return any(
        i.event != m.event
        and 0 < (i.day - m.day).days <= r.year
        and i.victims & m.victims
        and i.suspects & m.suspects
        for m in referrals
        for i in incidents
    )


def _plan_spells(
    facts: list[Fact], r: Reading, pairs: Iterable[tuple[str, str]] = PLANS
) -> list[tuple[dt.date, dt.date]]:
    """(start, end) of each plan in the child's own records; an open plan runs to AS_OF."""
    spells: list[tuple[dt.date, dt.date]] = []
    for start_code, end_code in pairs:
        ends = sorted(f.day for f in facts if f.own and f.etype == end_code)
        for start in sorted(f.day for f in facts if f.own and f.etype == start_code):
            end = next((e for e in ends if e >= start), AS_OF)
            if end in ends:
                ends.remove(end)
            spells.append((start, end))
    return spells


def _was_not_brought(facts: list[Fact], child: SynthPerson, r: Reading) -> bool:
    missed = _own_days(facts, ["APPOINTMENT_MISSED"], HEALTH)
    if _within(missed, 2, r.year):
        return True
    if any(f.own and f.etype == "CAMHS_DISCHARGE" and f.outcome == "DNA" for f in facts):
        return True
    plans = _plan_spells(facts, r, [("CP_PLAN_START", "CP_PLAN_END")])
    return any(start <= day <= end for day in missed for start, end in plans)


def _repeat_referral(facts: list[Fact], child: SynthPerson, r: Reading) -> bool:
    csc = frozenset({"CSC"})
    if _within(_own_days(facts, ["REFERRAL", "REFERRAL_NFA"], csc), 2, r.year):
        return True
    nfa = sorted(
        {
            (f.day, f.event, f.etype)
            for f in facts
            if f.own
            and f.agency == "CSC"
            and (
                f.etype in ("REFERRAL_NFA", "ASSESSMENT_NFA")
                or (f.etype in ("REFERRAL", "ASSESSMENT") and f.outcome == "NFA")
            )
        }
    )
    return _within([day for day, _, _ in nfa], 3, r.two_years)


def _missing_repeat(facts: list[Fact], child: SynthPerson, r: Reading) -> bool:
    return _within(_own_days(facts, ["MISSING_EPISODE"]), 3, r.year)


def _self_harm(facts: list[Fact], child: SynthPerson, r: Reading) -> bool:
    return bool(_own_days(facts, ["SELF_HARM"]))


def _education(facts: list[Fact], child: SynthPerson, r: Reading) -> bool:
    own = [f for f in facts if f.own]
    if any(
        f.etype in ("PERMANENT_EXCLUSION", "ATTENDANCE_CONCERN", "CHILD_MISSING_EDUCATION")
        for f in own
    ):
        return True
    if _within(_own_days(own, ["SUSPENSION"]), 2, r.year):
        return True
    worries = [
        f.day
        for f in own
        if f.etype in SCHOOL_CONCERNS or (f.etype == "CONCERN" and f.agency == "SCHOOL")
    ]
    return any(
        0 <= (f.day - w).days <= r.year
        for f in own
        if f.etype == "ELECTIVE_HOME_EDUCATION"
        for w in worries
    )


def _exploitation(facts: list[Fact], child: SynthPerson, r: Reading) -> bool:
    def aged(day: dt.date) -> bool:
        age = child.age_at(AS_OF if r.age_on_as_of else day)
        return 10.0 <= age < 18.0

    first: dict[str, tuple[dt.date, str]] = {}
    for f in facts:
        signal = f.own and f.etype in SIGNALS and aged(f.day)
        if signal and (f.event not in first or f.day < first[f.event][0]):
            first[f.event] = (f.day, SIGNALS[f.etype])
    signals = sorted(first.values())
    for i, (start, _) in enumerate(signals):
        window = [kind for day, kind in signals[i:] if (day - start).days <= r.year]
        count = len(set(window)) if r.exploitation_by_kinds else len(window)
        if count >= 2:
            return True
    return False


def _mine(f: Fact, r: Reading) -> bool:
    """Whether a record counts as the child's: their own, or (household reading) an adult's."""
    return f.own or (r.household and f.household)


def ace_categories(facts: list[Fact], r: Reading = CANONICAL) -> set[str]:
    """The ACE categories the child's own records (or household's, if read so) evidence."""
    found: set[str] = set()
    for f in facts:
        if not _mine(f, r):
            continue
        if f.own and f.etype in ACE_EVENTS:
            found.add(ACE_EVENTS[f.etype])
        elif not f.own and f.etype in ADULT_ACE_EVENTS:
            found.add(ADULT_ACE_EVENTS[f.etype])
        elif f.own and f.etype == "CP_PLAN_START":
            text = f.summary.lower()
            found.update(c for phrase, c in ACE_PLAN_CATEGORIES.items() if phrase in text)
    return found


def _ace(facts: list[Fact], child: SynthPerson, r: Reading) -> bool:
    return len(ace_categories(facts, r)) >= 4


def _unconnected(facts: list[Fact], child: SynthPerson, r: Reading) -> bool:
    types = CONCERNS_BROAD if r.broad else CONCERNS
    concerns = [f for f in facts if _mine(f, r) and f.etype in types]
    plans = _plan_spells(facts, r) + [
        (f.day, f.day + dt.timedelta(days=r.year))
        for f in facts
        if f.own and f.etype == "MARAC_REFERRAL"
    ]
    for c in concerns:
        end = c.day + dt.timedelta(days=r.year)
        agencies = {f.agency for f in concerns if c.day <= f.day <= end}
        if len(agencies) >= 3 and not any(s <= end and e >= c.day for s, e in plans):
            return True
    return False


def _closed_then_escalated(facts: list[Fact], child: SynthPerson, r: Reading) -> bool:
    closures = [
        f.day for f in facts if f.own and f.etype in (CLOSURES_BROAD if r.broad else CLOSURES)
    ]
    high = [f.day for f in facts if f.own and f.etype in (HIGH_BROAD if r.broad else HIGH)]
    return any(0 < (h - c).days <= r.half_year for c in closures for h in high)


_Rule = Callable[[list[Fact], SynthPerson, Reading], bool]
_RULES: Final[tuple[tuple[str, _Rule], ...]] = (
    ("DA_ESCALATION", _da_escalation),
    ("CHILD_DA_VICTIM", _child_da_victim),
    ("MARAC_CRITERIA", _marac),
    ("WAS_NOT_BROUGHT", _was_not_brought),
    ("REPEAT_REFERRAL", _repeat_referral),
    ("MISSING_REPEAT", _missing_repeat),
    ("SELF_HARM", _self_harm),
    ("EDUCATION_DISRUPTION", _education),
    ("EXPLOITATION_RISK", _exploitation),
    ("ACE_PROFILE", _ace),
    ("UNCONNECTED_CONCERNS", _unconnected),
    ("CLOSED_THEN_ESCALATED", _closed_then_escalated),
)

__all__ = ["ALTERNATIVES", "CANONICAL", "CODES", "Chronicle", "Fact", "Reading", "evaluate"]
