"""Children's histories: routine background, planted patterns, and the reasoning.

Most children have routine histories only: a birth notification and health
visiting reviews, GP registration and immunisations, school starts and moves,
school nursing checks, moves of home, a new partner of their mother. In
ordinary households a minority also have one or two events that worry someone
(an ED attendance, a missed appointment, a separation noted by the school,
postnatal depression noted by the health visitor, a referral closed with
advice). About one household in four is dealt a scenario from a shuffled deck
(:data:`DECK_SIZE` households per deck): a planted indicator pattern, or a near
miss that stays deliberately below a threshold. Scenario households are
"quiet": apart from their scenario they get routine events only, so nothing
unplanned adds to a pattern.

Ground truth is then *checked*, not assumed: :func:`resolve` runs
:mod:`wholestory.synth.truth` (indicators.md applied to the true events) for
every child under the documented reading and three alternative readings, and
stops with :class:`~wholestory.synth.episodes.GroundTruthError` if they disagree,
if a planted code is not raised, if a near miss is raised, or if anything else
is raised that the scenario did not declare. ``patterns.csv`` therefore says
exactly which codes a correct implementation raises for each child.

The routine background and ordinary worries are written by
:mod:`wholestory.synth.routine`; this module deals the scenarios and checks the truth.

The reading of indicators.md (what an implementation must do to score well)
===========================================================================

General. A child's chronology is every record of every true event the child
has a row in, whatever the role (SUBJECT, PRESENT, HOUSEHOLD_MEMBER...).
Counts are of distinct true events: the police incident, the school's
Encompass notice and the social care referral it triggers are ONE event
(they share a ``true_event_id`` in ``ground_truth/events.csv``), so
collapse them before counting. "Within 12 months" means the first and last
dates are at most 365 days apart; 6 months is 183 days, 24 months 730. The
data keeps clear of every boundary (planted gaps are at most about 335 / 160
/ 700 days, near misses at least 400 / 213 / 760), so an implementation that
draws a boundary a few weeks differently scores the same. Likewise the data
does not depend on: counting exploitation signals as kinds rather than
events; taking ages on the as-of date rather than the event date; a broader
list of concerns (adding ED attendances, CAMHS contacts, assessments, Marac
meetings, separations...), closures (adding referrals and assessments closed
NFA) and high-severity events; or counting the records of adults living with
the child (the mother's adult mental health contacts, a partner's custody) as
the child's for concerns and ACEs. :data:`wholestory.synth.truth.ALTERNATIVES`
are these readings; every child's codes are the same under all of them.

DA_ESCALATION: 3 or more DA_INCIDENT events with the child in them within 12
months. *Planted* (da_escalation): 3-5 incidents 25+ days apart over 120-300
days; the first incident's referral opens a CIN or early help plan within 41
days (before the second incident), later incidents are notified to the open
case (CSC ``CONCERN``), not re-referred; the perpetrator leaves after the last
incident and the plan closes 150-300 days later with nothing after it. DASH
answers stay at 4-11 yes. A Marac referral may follow the last incident but
no incident follows it. *Implied*: CHILD_DA_VICTIM. *Near misses*: da_two (2
incidents 60-300 days apart), da_three_spread (3 incidents, the third at
least 440 days after the second and 230 days after the first plan closed).

CHILD_DA_VICTIM: any DA_INCIDENT with the child in it (police rows name
children PRESENT or HOUSEHOLD_MEMBER). *Planted* (da_single): one incident
after the youngest child's birth, DASH 2-11. The police, the school
(Encompass, for children at school), CSC (referral) and often the domestic
abuse service (the mother's own contact) know of it, so CSC assesses and
opens an early help plan within 41 days, which connects those agencies'
concerns (see UNCONNECTED_CONCERNS). Implied by every other DA story.

MARAC_CRITERIA: a DASH_ASSESSMENT with 14+ yes answers in a true event the
child is in (the DASH row is the victim's; it shares the police event_id and
true event with the incident), or a DA_INCIDENT with the child in it whose
VICTIM and SUSPECT are the VICTIM and SUSPECT of an earlier MARAC_REFERRAL
with the child in it, at most 12 months after that referral. Read the count
from the summary: "DASH risk checklist completed: N of 27 questions answered
yes". *Planted*: marac_dash (DASH 14-22, Marac referral and meeting, CIN
plan) and marac_repeat (DASH 8-12, Marac referral on professional judgement,
a second incident between the same couple 60-240 days later). *Implied*:
CHILD_DA_VICTIM. *Near miss*: dash_13 (DASH exactly 13, no referral).
Background DA never exceeds 12 yes and never has a Marac referral before a
further incident.

WAS_NOT_BROUGHT: 2+ APPOINTMENT_MISSED records of the child from health
agencies (GP, HEALTH_VISITING, SCHOOL_NURSING, ED, CAMHS, ADULT_MH) within 12
months; or a CAMHS_DISCHARGE of the child with outcome ``DNA``; or any missed
appointment between the child's CP_PLAN_START and CP_PLAN_END. *Planted*:
wnb_missed (2-3 misses over 40-300 days, at most two health agencies),
wnb_discharge (one missed CAMHS appointment then discharge, outcome DNA),
cp_plan (a neglect CP plan for the sibling group; the youngest misses one
appointment during it). *Near miss*: missed_once (one miss, or two 440-600
days apart). Background misses are at most one per 430 days per child.

REPEAT_REFERRAL: a CSC REFERRAL or REFERRAL_NFA of the child within 12
months of a previous one; or 3+ CSC records of the child ending in no
further action (REFERRAL_NFA, ASSESSMENT_NFA, or a REFERRAL/ASSESSMENT with
outcome NFA) within 24 months. *Planted* (repeat_referral, the sibling group):
either a referral closed NFA and a second 90-240 days later that leads to an
early help plan, or three referrals closed NFA within 330 days from three
different referrers ("start again"), which also meets UNCONNECTED_CONCERNS
(implied). *Near miss*: referral_13_months (second referral 410-480 days
after the first; only two NFAs). Every other story has at most one referral
per 400 days: once a case is open, further worries are notified to it.

MISSING_REPEAT: 3+ MISSING_EPISODE events of the child within 12 months.
*Planted* (missing_repeat, aged 11.5+): 3-5 episodes over 60-280 days, an
EXPLOITATION_CONCERN after the second, a referral and CIN plan after the
third. *Implied*: EXPLOITATION_RISK. *Near miss*: missing_young (2 episodes
within a year, aged 7.5-9.9, so no exploitation reading applies).

SELF_HARM: any SELF_HARM event of the child. *Planted* (self_harm, aged
11.5+): an ED presentation, CAMHS referral, 3-7 contacts, sometimes a second
presentation, discharge (goals met). Also implied by closed_teen.
*Near miss*: camhs_no_self_harm (CAMHS for anxiety and low mood, no
self-harm; no summary says "self-harm").

EDUCATION_DISRUPTION: a PERMANENT_EXCLUSION; 2+ SUSPENSION within 12 months;
any ATTENDANCE_CONCERN (schools record one when attendance falls below 90%:
persistent absence; the summary says so); any CHILD_MISSING_EDUCATION; or an
ELECTIVE_HOME_EDUCATION within 12 months after a school concern (SUSPENSION,
ATTENDANCE_CONCERN, PERMANENT_EXCLUSION, or a SCHOOL ``CONCERN``). *Planted*,
one variant per household: education_pex (aged 11.6+, behaviour concern then
exclusion, then the pupil referral unit), education_suspensions (2-3 within
250 days, aged under 10 throughout), education_absence, education_cme (off
roll 30-90 days), education_ehe (a suspension then home education).
*Near misses*: one_suspension (one, or two 440-600 days apart),
ehe_no_concerns (home education with no concern before it).

EXPLOITATION_RISK: 2+ distinct signal events within 12 months, each when the
child was aged 10-17: MISSING_EPISODE, ARREST, OFFENCE_SUSPECT, SUSPENSION,
PERMANENT_EXCLUSION, EXPLOITATION_CONCERN, SUBSTANCE_MISUSE (the child's own
record, not a parent's). A police ARREST and the youth justice OFFENCE_SUSPECT
after it are one true event. *Planted* (exploitation, aged 12.5+): an
exploitation concern and 1-3 of missing (at most 2), arrest, substance misuse
within 280 days; referral, strategy discussion and CIN plan. The data never
has 2+ signals of a single kind in a year without another kind, and no signal
before 10 in a child who is 10+ now, so counting kinds instead of events, or
taking the age on the as-of date, gives the same answer. *Near miss*:
exploitation_nine (missing and an exploitation concern in a child aged 9 both
then and now).

ACE_PROFILE: 4+ of these categories evidenced by the child's own records:
domestic abuse (a DA_INCIDENT with the child in it), household substance
misuse (PARENT_SUBSTANCE_MISUSE), household mental illness
(PARENT_MENTAL_HEALTH), household member in prison (PARENT_IMPRISONMENT),
parental separation (PARENT_SEPARATION), and abuse or neglect by a CP plan's
category (CP_PLAN_START summary "under the category of neglect | physical
abuse | emotional abuse | sexual abuse"). Parents' own records (adult mental
health contacts, custody, substance misuse) are not counted: whenever they
exist, the child-facing services also noted the event on the child's record.
Summaries elsewhere never use the words "neglect" or "abuse". *Planted* (ace,
the sibling group, all at school throughout): 4-5 categories 150-330 days
apart, each noted by the school only (with the parent's own service, at most
two agencies); a domestic incident, if one of them, comes first and its early
help plan connects what follows. *Implied*: CHILD_DA_VICTIM when domestic
abuse is one of them. *Near miss*: ace_three. Background: at most 2
categories (separation noted by school and health visitor, postnatal
depression noted by the health visitor only).

UNCONNECTED_CONCERNS: for each concern of the child (types in
:data:`wholestory.synth.truth.CONCERNS`, the child's own records), look at the
12 months *starting* at it: raised if those months hold concerns from 3+
agencies and no CIN, CP or early help plan of the child, and no Marac
referral (open for 12 months), is open at any time in them. So a plan opened
in response connects the concerns (in this data such plans open within 41
days of the concern that prompts them), and one opened more than a year
later does not. *Planted* (unconnected):
3-4 agencies (school concern, GP missed appointment, ED injury, housing,
police welfare call, a referral closed with advice, always last) within 60-240
days, no plan ever. *Implied* by repeat_referral's "start again".
*Near miss*: unconnected_with_plan (three agencies' concerns during an open
CIN plan). Every DA incident with three agencies gets a plan; background
concerns are at most one per child per 430 days, so never three agencies.

CLOSED_THEN_ESCALATED: a closure of the child (CASE_CLOSED, CIN_PLAN_END,
CP_PLAN_END, EARLY_HELP_END, LOOKED_AFTER_END, CAMHS_DISCHARGE) followed
within 6 months (1-183 days) by a high-severity event of the child (types in
:data:`wholestory.synth.truth.HIGH`). *Planted*, one variant per household:
closed_da (a 13-16 month plan closed, a DA incident 20-150 days later; the
new referral is 430+ days after the first, so not a repeat referral;
CHILD_DA_VICTIM implied), closed_injury (an unexplained injury, strategy
discussion, S47 and a CP plan for physical abuse; siblings on the plan too),
closed_teen (self-harm, SELF_HARM implied, or a single missing episode).
*Near miss*: closed_seven_months (a DA incident or missing episode 225-320
days after closure). No other story has a high-severity event within 213
days after any closure, nor after a referral or assessment closed NFA.

NEEDS_NOT_MET (issue 14): a need a record can show was met (an interpreter, BSL, easy
read, large print, braille, an advocate), recorded of the child, or of an adult at the
child's own contacts they had a row in (appointments attended or missed, contacts,
assessments, ED attendances, mental health and domestic abuse service contacts, child
protection conferences, Dash checklists), and then 2 such contacts in a row, after the
day it was recorded and within 12 months of it, whose records do not say it was met (a
contact that says so starts the count again). Needs are known only once a household's
records are written, so this code is read then (:mod:`wholestory.synth.unmet_needs`,
the reading in :mod:`wholestory.synth.needs_truth`), with the needs ``needs.csv`` holds:
the household's own (an interpreter for about one household in twenty, at random days)
and the plants, which add no event and change no other row. *Planted*: the mother's
need, recorded 31-90 days before her child's contacts she took part in, three of them
within 300 days where they allow (else two); or a child's own need, aged 4 or over.
*Near misses*: one contact short (the next more than 445 days after), every contact
saying the need was met, or the mother's need when she was at none of the contacts.
*Implied*: a child whose contacts with a parent follow the household's own need. Only
these last may fall near the window's edge (their days are drawn, not placed), and
they are read under the documented reading.

Plans (CIN, CP, early help) of the stories above always have start and end
records and end before the as-of date. On top of them, a few households have a
plan still open on the as-of date (:mod:`wholestory.synth.current`), kept only
where it changes no child's codes. Children who were not yet born when a
household's events happened have no row in them, and no code from them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Final

from wholestory.synth.design import Design
from wholestory.synth.episodes import Ctx, GroundTruthError
from wholestory.synth.events import Story
from wholestory.synth.population import Household, Population, SynthPerson
from wholestory.synth.routine import background
from wholestory.synth.scenarios import SCENARIOS, Scenario
from wholestory.synth.truth import ALTERNATIVES, CANONICAL, Chronicle, evaluate

#: Households per shuffled deck of scenario cards, and how many of them may get one.
DECK_SIZE: Final = 150
DEALT: Final = 110
_PLANTED_CARDS: Final = (
    "da_single", "da_single", "da_escalation", "da_escalation", "marac_dash", "marac_repeat",
    "wnb_missed", "wnb_discharge", "cp_plan", "repeat_referral", "repeat_referral",
    "missing_repeat", "missing_repeat", "self_harm", "self_harm", "exploitation",
    "exploitation", "ace", "ace", "unconnected", "unconnected",
)  # fmt: skip
#: Two of these per deck: one kind of education disruption each.
_EDUCATION: Final = (
    "education_pex", "education_suspensions", "education_absence", "education_cme",
    "education_ehe",
)  # fmt: skip
#: Two of these per deck.
_CLOSED: Final = ("closed_da", "closed_injury", "closed_teen")
_NEAR_CARDS: Final = tuple(name for name, s in SCENARIOS.items() if s.kind == "near_miss")


class Deck:
    """Which scenario each household gets: shuffled decks, one per DECK_SIZE households.

    A deck guarantees every planted pattern a fixed share of households, so even
    a small partnership (500 children) has several children with each code.
    """

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._cycle = -1
        self._cards: list[str | None] = []

    def card(self, number: int) -> Scenario | None:
        """The scenario of household ``number`` (1-based), or None for background."""
        cycle, position = divmod(number - 1, DECK_SIZE)
        if cycle != self._cycle:
            self._cards = self._deal(cycle)
            self._cycle = cycle
        name = self._cards[position]
        return SCENARIOS[name] if name else None

    def _deal(self, cycle: int) -> list[str | None]:
        """A shuffled deck; the scenarios all fall in its first DEALT households, so a
        partnership that ends part-way through a deck still gets most of them."""
        rng = random.Random(f"deck:{self.seed}:{cycle}")
        cards: list[str | None] = [*_PLANTED_CARDS, *rng.sample(_EDUCATION, 2)]
        cards += [*rng.sample(_CLOSED, 2), *_NEAR_CARDS]
        cards += [None] * (DEALT - len(cards))
        rng.shuffle(cards)
        return cards + [None] * (DECK_SIZE - DEALT)


def tell(ctx: Ctx, scenario: Scenario | None) -> None:
    """A household's whole story: its scenario (if any), then the routine around it."""
    if scenario is not None:
        scenario.build(ctx)
    background(ctx)


@dataclass(frozen=True, slots=True)
class Pattern:
    """A row of ground_truth/patterns.csv."""

    true_id: str
    code: str
    kind: str  # planted | implied | near_miss
    note: str


def resolve(household: Household, story: Story, design: Design) -> list[Pattern]:
    """Check the household's design against its true events; the patterns to write."""
    patterns: list[Pattern] = []
    chronicle = Chronicle(story, household)
    for child in household.children:
        facts = chronicle.facts_for(child) if chronicle.relevant else []
        raised = evaluate(facts, child, CANONICAL)
        for reading in ALTERNATIVES:
            other = evaluate(facts, child, reading)
            if other != raised:
                _bug(
                    design,
                    child,
                    f"readings disagree: {sorted(raised)} vs {sorted(other)} under {reading}",
                )
        planted = design.planted.get(child.true_id, {})
        _check(design, child, raised, planted)
        for code, note in sorted(planted.items()):
            if code in raised:
                patterns.append(Pattern(child.true_id, code, "planted", note))
        because = ", ".join(sorted(planted)) or design.scenario
        for code in sorted(raised - set(planted)):
            patterns.append(
                Pattern(child.true_id, code, "implied", f"met by the events of {because}")
            )
        for code, note in sorted(design.near.get(child.true_id, {}).items()):
            patterns.append(Pattern(child.true_id, code, "near_miss", note))
    return patterns


def _check(
    design: Design, child: SynthPerson, raised: frozenset[str], planted: dict[str, str]
) -> None:
    """Stop if the true events do not say what the design meant."""
    missing = design.required.get(child.true_id, set()) - raised
    if missing:
        _bug(design, child, f"planted {sorted(missing)} not raised (raised {sorted(raised)})")
    near = set(design.near.get(child.true_id, {})) & raised
    if near:
        _bug(design, child, f"near miss {sorted(near)} raised")
    extra = raised - set(planted) - design.allowed.get(child.true_id, set())
    if extra:
        _bug(design, child, f"unplanned {sorted(extra)} raised")


def _bug(design: Design, child: SynthPerson, problem: str) -> None:
    raise GroundTruthError(f"{design.scenario or 'background'}: {child.true_id}: {problem}")


def new_story(
    rng: random.Random, household: Household, population: Population, scenario: Scenario | None
) -> tuple[Story, Design]:
    """Tell a household's story; returns it with its design."""
    story = Story(household, rng)
    design = Design(scenario.name if scenario else "")
    tell(Ctx(rng, household, story, population, design), scenario)
    return story, design
