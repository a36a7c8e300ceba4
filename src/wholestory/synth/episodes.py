"""Multi-agency episodes: the building blocks of children's histories.

Each function here writes one recognisable piece of casework into a story as
true events with every agency's record of them: a domestic incident (police,
DASH, the school's Operation Encompass notice, the social care referral), a
referral and the plan it leads to, a child protection process, a missing
episode. Planted patterns and background histories are both made of these, so
that the same event always looks the same across agencies.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from dataclasses import dataclass
from itertools import pairwise
from typing import Final

from wholestory.synth.design import Design
from wholestory.synth.events import Story, TrueEvent
from wholestory.synth.places import home_elsewhere, home_in
from wholestory.synth.population import Household, Population, SynthPerson, add_partner
from wholestory.synth.timeline import AS_OF, days, next_school_day
from wholestory.synth.wording import dash_summary, say

Parts = list[tuple[SynthPerson, str]]


class GroundTruthError(RuntimeError):
    """The generator broke its own rules; ground truth would be wrong, so stop."""


@dataclass(slots=True)
class Ctx:
    """The household whose story is being told, and where its story goes."""

    rng: random.Random
    household: Household
    story: Story
    population: Population
    design: Design

    def between(self, start: dt.date, end: dt.date) -> dt.date:
        """A random day in [start, end]; an empty window is a generator bug."""
        if start > end:
            raise GroundTruthError(f"{self.design.scenario}: empty window {start}..{end}")
        return start + dt.timedelta(days=self.rng.randint(0, (end - start).days))

    def after(self, day: dt.date, low: int, high: int) -> dt.date:
        """A day ``low`` to ``high`` days after ``day``."""
        return day + dt.timedelta(days=self.rng.randint(low, high))

    def kids(self, day: dt.date) -> list[SynthPerson]:
        """Children born by ``day``."""
        return self.household.children_on(day)

    def sub(self, people: list[SynthPerson], role: str = "SUBJECT") -> Parts:
        """People in one role."""
        return [(p, role) for p in people]


def perpetrator(ctx: Ctx, first: dt.date) -> SynthPerson:
    """The man who is the suspect from ``first``: usually the mother's partner at the
    time (mostly the children's father), sometimes a new partner who moved in."""
    hh, rng = ctx.household, ctx.rng
    partner = hh.partner_at(first)
    if partner is None:
        ended = [s.end for s in hh.stays if s.end is not None and s.end < first]
        arrive = first - days(rng.randint(60, 300))
        if ended:
            arrive = max(arrive, max(ended) + days(30))
        return _new_partner(ctx, min(arrive, first - days(20)), None)
    if rng.random() < 0.75:
        return partner
    split = max(hh.children[-1].dob + days(30), first - days(rng.randint(200, 700)))
    if split > first - days(120):
        return partner
    partner_leaves(ctx, partner, split)
    return _new_partner(ctx, ctx.after(split, 30, (first - split).days - 60), None)


def _new_partner(ctx: Ctx, arrive: dt.date, leave: dt.date | None) -> SynthPerson:
    """A new partner from ``arrive``, gone by the time any later partner moves in."""
    later = [s.start for s in ctx.household.stays if s.start > arrive]
    if later and (leave is None or leave > min(later)):
        leave = min(later)
    return add_partner(ctx.population, ctx.rng, ctx.household, arrive, leave)


def partner_leaves(ctx: Ctx, person: SynthPerson, day: dt.date) -> None:
    """``person`` moves out on ``day`` (bail conditions, separation)."""
    for stay in ctx.household.stays:
        if stay.person is person and (stay.end is None or stay.end > day):
            stay.end = day
    person.own_home = home_elsewhere(ctx.population.world, ctx.rng)


def da_incident(ctx: Ctx, day: dt.date, perp: SynthPerson, yes: int, csc: str) -> TrueEvent:
    """A police call-out to a domestic incident and every agency's record of it.

    ``csc`` is what children's social care does: "referral" or "notify" (a case
    already open, to which the police notification goes).
    """
    hh, story, rng = ctx.household, ctx.story, ctx.rng
    kids = ctx.kids(day)
    role = "PRESENT" if rng.random() < 0.7 else "HOUSEHOLD_MEMBER"
    parts: Parts = [(hh.mother, "VICTIM"), (perp, "SUSPECT"), *ctx.sub(kids, role)]
    police = story.record("POLICE", day, "DA_INCIDENT", "da_incident", parts)
    dash = story.record(
        "POLICE",
        day,
        "DASH_ASSESSMENT",
        "da_incident",
        [(hh.mother, "VICTIM")],
        summary=dash_summary(yes),
        outcome="",
        joins=police,
    )
    event = story.add(police, dash)
    if rng.random() < 0.4:
        event.records.append(
            story.record("POLICE", day, "ARREST", "adult_arrest", [(perp, "SUBJECT")], joins=police)
        )
    notice = next_school_day(day)
    for pupil in hh.pupils_on(notice):
        event.records.append(
            story.record(
                "SCHOOL", notice, "ENCOMPASS_NOTIFICATION", "encompass", [(pupil, "SUBJECT")]
            )
        )
    _csc_response(ctx, event, day, kids, csc)
    if rng.random() < 0.6:
        story.once(
            "DA_SERVICE",
            ctx.after(day, 3, 14),
            "DA_SERVICE_CONTACT",
            "da_service_contact",
            [(hh.mother, "VICTIM")],
        )
    return event


def _csc_response(
    ctx: Ctx, event: TrueEvent, day: dt.date, kids: list[SynthPerson], csc: str
) -> None:
    """Social care's record of a domestic incident, part of the same true event."""
    if not kids:
        return
    parts = [*ctx.sub(kids), (ctx.household.mother, "PARENT")]
    when = ctx.after(day, 1, 4)
    if csc == "referral":
        record = ctx.story.record("CSC", when, "REFERRAL", "referral_da", parts)
    else:
        record = ctx.story.record("CSC", when, "CONCERN", "csc_notification", ctx.sub(kids))
    event.records.append(record)


def marac(ctx: Ctx, day: dt.date, perp: SynthPerson, key: str, agency: str = "POLICE") -> dt.date:
    """A Marac referral and the meeting that discusses it; returns the referral day.

    After some meetings the mother and children flee to a refuge (:func:`flee`).
    """
    hh = ctx.household
    kids = ctx.kids(day)
    parts: Parts = [(hh.mother, "VICTIM"), (perp, "SUSPECT"), *ctx.sub(kids, "HOUSEHOLD_MEMBER")]
    ctx.story.once(agency, day, "MARAC_REFERRAL", key, parts)
    meeting = ctx.after(day, 14, 28)
    ctx.story.once(
        "DA_SERVICE",
        meeting,
        "MARAC_MEETING",
        "marac_meeting",
        [(hh.mother, "VICTIM"), *ctx.sub(kids, "HOUSEHOLD_MEMBER")],
    )
    flee(ctx, meeting, perp)
    return day


#: Of the households heard at Marac, the share whose mother and children then move to a
#: refuge or a new home the perpetrator must not find (an assumption: SafeLives reports a
#: minority of high-risk victims leaving to a refuge; the product only needs some).
FLEE_SHARE: Final = 0.3


def flee(ctx: Ctx, day: dt.date, perp: SynthPerson) -> None:
    """Now and then, the mother and children move to a confidential address after ``day``.

    A random stream of the household's own decides, so that no other story changes.
    The perpetrator stays behind: he no longer lives with them. Agencies that know
    (the police, the domestic abuse service, social care) mark the address
    confidential; others record it unmarked (synth/recording.py).
    """
    hh = ctx.household
    rng = random.Random(f"refuge:{hh.ident}:{day}")
    if rng.random() >= FLEE_SHARE or any(h.confidential for h in hh.homes):
        return
    moved = day + dt.timedelta(days=rng.randint(3, 21))
    world = ctx.population.world
    home = home_in(world, rng, moved, rng.randrange(len(world.districts)))
    hh.homes.append(dataclasses.replace(home, confidential=True))
    hh.homes.sort(key=lambda h: h.start)
    for stay in hh.stays:
        if stay.person is perp and (stay.end is None or stay.end > moved):
            stay.end = moved
    if perp.own_home is None:
        perp.own_home = hh.home_at(day)


def referral(
    ctx: Ctx, day: dt.date, kids: list[SynthPerson], source: str, *, nfa: bool
) -> TrueEvent:
    """A concern raised by ``source`` and the social care referral it becomes."""
    story = ctx.story
    event = story.add()
    key = {
        "SCHOOL": "school_concern",
        "HEALTH_VISITING": "hv_concern",
        "GP": "gp_concern",
        "POLICE": "police_welfare",
        "ED": "injury_nai",
    }[source]
    seen = [k for k in kids if _sees(ctx, source, k, day)]
    etype = "INJURY" if source == "ED" else "CONCERN"
    role = "PRESENT" if source == "POLICE" else "SUBJECT"
    event.records.append(story.record(source, day, etype, key, ctx.sub(seen, role)))
    referral_key = (
        "referral_nfa"
        if nfa
        else {
            "SCHOOL": "referral_school",
            "HEALTH_VISITING": "referral_hv",
            "GP": "referral_gp",
            "POLICE": "referral_police",
            "ED": "referral_ed",
        }[source]
    )
    parts = [*ctx.sub(kids), (ctx.household.mother, "PARENT")]
    when = ctx.after(day, 0, 2)
    code = "REFERRAL_NFA" if nfa else "REFERRAL"
    event.records.append(story.record("CSC", when, code, referral_key, parts))
    return event


def _sees(ctx: Ctx, source: str, child: SynthPerson, day: dt.date) -> bool:
    """Whether ``source`` would know ``child`` on ``day`` (schools their pupils...)."""
    at_school = ctx.household.school_at(child, day) is not None
    if source == "SCHOOL":
        return at_school
    if source == "HEALTH_VISITING":
        return not at_school and child.age_at(day) < 5.5
    return True


def sources(ctx: Ctx, day: dt.date) -> list[str]:
    """Agencies that could plausibly refer these children on ``day``."""
    hh = ctx.household
    found = ["POLICE", "GP"]
    if hh.pupils_on(day):
        found.append("SCHOOL")
    if any(c.age_at(day) < 4.5 and not hh.school_at(c, day) for c in ctx.kids(day)):
        found.append("HEALTH_VISITING")
    return found


def plan(ctx: Ctx, kind: str, start: dt.date, end: dt.date, kids: list[SynthPerson]) -> None:
    """A child in need, early help or child protection plan with its start and end."""
    story, mother = ctx.story, ctx.household.mother
    parts = [*ctx.sub(kids), (mother, "PARENT")]
    if kind == "eh":
        story.once("EARLY_HELP", start, "EARLY_HELP_START", "eh_start", parts)
        story.once("EARLY_HELP", end, "EARLY_HELP_END", "eh_end", ctx.sub(kids))
        return
    story.once("CSC", start, "CIN_PLAN_START", "cin_start", parts)
    story.once("CSC", end, "CIN_PLAN_END", "cin_end", ctx.sub(kids))
    story.once("CSC", ctx.after(end, 0, 10), "CASE_CLOSED", "case_closed", ctx.sub(kids))


def assess_and_plan(
    ctx: Ctx, referred: dt.date, kids: list[SynthPerson], kind: str, until: dt.date
) -> tuple[dt.date, dt.date]:
    """Assessment within weeks of a referral, then a plan lasting ``until``.

    The plan starts at most 37 days after the referral, which several patterns
    rely on (a plan opened in response connects the agencies' concerns).
    """
    assessed = ctx.after(referred, 10, 25)
    parts = [*ctx.sub(kids), (ctx.household.mother, "PARENT")]
    ctx.story.once("CSC", assessed, "ASSESSMENT", "assessment", parts)
    start = ctx.after(assessed, 5, 12)
    plan(ctx, kind, start, until, kids)
    return start, until


def cp_conference(ctx: Ctx, referred: dt.date, parts: Parts) -> dt.date:
    """Strategy discussion, section 47 enquiry and the conference (the mother there too).

    The steps every child protection plan starts with, open or closed now;
    returns the conference's day, the day a plan would start.
    """
    strategy = ctx.after(referred, 0, 3)
    ctx.story.once("CSC", strategy, "STRATEGY_DISCUSSION", "strategy", parts)
    s47 = ctx.after(strategy, 1, 5)
    ctx.story.once("CSC", s47, "S47_ENQUIRY", "s47", parts)
    conference = ctx.after(s47, 10, 15)
    with_mother = [*parts, (ctx.household.mother, "PARENT")]
    ctx.story.once("CSC", conference, "CP_CONFERENCE", "cp_conference", with_mother)
    return conference


def child_protection(
    ctx: Ctx, referred: dt.date, kids: list[SynthPerson], category: str, length: int
) -> tuple[dt.date, dt.date, dt.date]:
    """Strategy discussion, section 47, conference, plan, reviews, step-down, closure.

    Returns (plan start, plan end, case closed).
    """
    story = ctx.story
    parts = ctx.sub(kids)
    conference = cp_conference(ctx, referred, parts)
    story.once("CSC", conference, "CP_PLAN_START", category, parts)
    end = conference + days(length)
    review = conference + days(90)
    while review < end - days(30):
        story.once("CSC", review, "CP_CONFERENCE", "cp_review", parts)
        review += days(180)
    story.once("CSC", end, "CP_PLAN_END", "cp_end", parts)
    story.once("CSC", end, "CIN_PLAN_START", "cin_start", parts)
    closed = ctx.after(end, 120, 240)
    story.once("CSC", closed, "CIN_PLAN_END", "cin_end", parts)
    story.once("CSC", closed, "CASE_CLOSED", "case_closed", parts)
    return conference, end, closed


def missing(ctx: Ctx, child: SynthPerson, day: dt.date, key: str = "missing") -> None:
    """A missing episode reported to police, and the return home interview."""
    parts: Parts = [(child, "SUBJECT")]
    if ctx.rng.random() < 0.5:
        parts.append((ctx.household.mother, "OTHER"))
    ctx.story.once("POLICE", day, "MISSING_EPISODE", key, parts)
    if ctx.rng.random() < 0.7:
        ctx.story.once("CSC", ctx.after(day, 2, 5), "CONTACT", "rhi", [(child, "SUBJECT")])


def household_note(
    ctx: Ctx,
    day: dt.date,
    etype: str,
    key: str,
    agencies: tuple[str, ...] = ("HEALTH_VISITING", "SCHOOL"),
) -> TrueEvent:
    """Something about the household that child-facing services note on each child.

    Schools note it on their pupils, health visiting on the under-fives: at most
    two agencies per event, so such notes never look like a multi-agency concern.
    """
    hh, story = ctx.household, ctx.story
    event = story.add()
    said = say(ctx.rng, key)[0]  # one account of what happened, whoever noted it
    young = [c for c in ctx.kids(day) if not hh.school_at(c, day) and c.age_at(day) < 5.5]
    if young and "HEALTH_VISITING" in agencies:
        parts = [*ctx.sub(young), (hh.mother, "PARENT")]
        event.records.append(story.record("HEALTH_VISITING", day, etype, key, parts, summary=said))
    for pupil in hh.pupils_on(day) if "SCHOOL" in agencies else []:
        record = story.record("SCHOOL", day, etype, key, [(pupil, "SUBJECT")], summary=said)
        event.records.append(record)
    return event


def adult_contacts(
    ctx: Ctx, person: SynthPerson, day: dt.date, agency: str, etype: str, key: str, count: int
) -> None:
    """An adult's own contacts with their services: nothing on the children's records."""
    for i in range(count):
        when = day + days(i * ctx.rng.randint(20, 60))
        if when <= AS_OF:
            ctx.story.once(agency, when, etype, key, [(person, "SUBJECT")])


def day_of(event: TrueEvent, agency: str) -> dt.date:
    """The day ``agency`` recorded ``event`` (its first record)."""
    return min(r.day for r in event.records if r.agency == agency)


def spread(ctx: Ctx, k: int, span: tuple[int, int], gap: int, first_gap: int = 0) -> list[int]:
    """Offsets (days) of ``k`` events over ``span`` days, at least ``gap`` apart."""
    for _ in range(200):
        total = ctx.rng.randint(*span)
        low = max(gap, first_gap)
        inner = sorted(ctx.rng.sample(range(low, total - gap + 1), k - 2)) if k > 2 else []
        offsets = [0, *inner, total]
        if offsets[1] >= first_gap and all(b - a >= gap for a, b in pairwise(offsets)):
            return offsets
    raise GroundTruthError(f"cannot spread {k} events over {span}")


def reception(ctx: Ctx, child: SynthPerson) -> dt.date:
    """The day ``child`` first went on a school roll."""
    spells = ctx.household.schools.get(child.true_id, [])
    if not spells or spells[0].school is None:
        raise GroundTruthError(f"{child.true_id} never went to school")
    return spells[0].start


def school_end(ctx: Ctx, child: SynthPerson) -> dt.date:
    """The day ``child`` leaves school (end of Year 11), or AS_OF."""
    for spell in ctx.household.schools.get(child.true_id, []):
        if spell.school is None:
            return spell.start
    return AS_OF


def on_roll(ctx: Ctx, child: SynthPerson, first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """The window [first, last] narrowed to the child's time at school."""
    return max(first, reception(ctx, child) + days(30)), min(
        last, school_end(ctx, child) - days(30)
    )


def plant_all(ctx: Ctx, code: str, note: str, *also: str) -> None:
    """Plant ``code`` in every child (each is present at the household's events)."""
    for child in ctx.household.children:
        ctx.design.plant(child, code, note)
        ctx.design.allow(child, *also)


def near_miss_all(ctx: Ctx, code: str, note: str, *also: str) -> None:
    """Mark every child as a near miss of ``code``, as :func:`plant_all` plants one."""
    for child in ctx.household.children:
        ctx.design.near_miss(child, code, note)
        ctx.design.allow(child, *also)
