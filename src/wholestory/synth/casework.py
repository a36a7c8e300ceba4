"""Social care casework stories: referrals, ACEs, unconnected concerns, closure.

These are about how agencies' knowledge adds up over time: referrals that
start again, adverse experiences noted one at a time, concerns no plan
connects, and a case closed too soon. The reasoning is in
:mod:`wholestory.synth.histories`.
"""

from __future__ import annotations

import datetime as dt

from wholestory.synth.domestic import single_incident
from wholestory.synth.episodes import (
    Ctx,
    adult_contacts,
    assess_and_plan,
    child_protection,
    da_incident,
    day_of,
    household_note,
    missing,
    near_miss_all,
    on_roll,
    partner_leaves,
    perpetrator,
    plant_all,
    reception,
    referral,
    school_end,
    sources,
    spread,
)
from wholestory.synth.health import self_harm_episode
from wholestory.synth.population import SynthPerson
from wholestory.synth.timeline import AS_OF, days, years


def repeat_referral(ctx: Ctx) -> None:
    """REPEAT_REFERRAL: a second referral within a year, or three NFAs ("start again")."""
    kids, rng = ctx.household.children, ctx.rng
    first = ctx.between(kids[-1].dob + days(90), AS_OF - days(700))
    one = rng.choice(sources(ctx, first))
    referral(ctx, first, kids, one, nfa=True)
    if rng.random() < 0.5:
        second = ctx.after(first, 90, 240)
        found = sources(ctx, second)
        two = one if one in found and rng.random() < 0.5 else rng.choice(found)
        event = referral(ctx, second, kids, two, nfa=False)
        referred = day_of(event, "CSC")
        assess_and_plan(ctx, referred, kids, "eh", ctx.after(referred, 200, 330))
        plant_all(ctx, "REPEAT_REFERRAL", f"referrals {first} and {second}")
        return
    second = ctx.after(first, 100, 170)
    two = rng.choice([s for s in sources(ctx, second) if s != one])
    referral(ctx, second, kids, two, nfa=True)
    third = ctx.after(second, 100, 160)
    three = rng.choice([s for s in sources(ctx, third) if s not in (one, two)] or ["GP"])
    referral(ctx, third, kids, three, nfa=True)
    note = f"3 referrals closed NFA: {first}, {second}, {third}"
    plant_all(ctx, "REPEAT_REFERRAL", note, "UNCONNECTED_CONCERNS")


def referral_13_months(ctx: Ctx) -> None:
    """Near miss REPEAT_REFERRAL: a second referral 13-16 months after the first."""
    kids, rng = ctx.household.children, ctx.rng
    first = ctx.between(kids[-1].dob + days(60), AS_OF - days(600))
    referral(ctx, first, kids, rng.choice(sources(ctx, first)), nfa=True)
    second = ctx.after(first, 410, 480)
    event = referral(ctx, second, kids, rng.choice(sources(ctx, second)), nfa=False)
    assessed = ctx.after(day_of(event, "CSC"), 15, 30)
    parts = [*ctx.sub(kids), (ctx.household.mother, "PARENT")]
    ctx.story.once("CSC", assessed, "ASSESSMENT_NFA", "assessment_nfa", parts)
    for child in kids:
        ctx.design.near_miss(child, "REPEAT_REFERRAL", f"referrals {first} and {second}")


def _ace_event(ctx: Ctx, category: str, day: dt.date) -> None:
    """Evidence of one ACE category, noted by the school on every child's record."""
    hh, rng, story = ctx.household, ctx.rng, ctx.story
    school = ("SCHOOL",)
    if category == "separation":
        partner = hh.partner_at(day)
        if partner is not None:
            partner_leaves(ctx, partner, day - days(10))
        household_note(ctx, day, "PARENT_SEPARATION", "parent_separation", school)
    elif category == "mental":
        household_note(ctx, day, "PARENT_MENTAL_HEALTH", "parent_mh", school)
        adult_contacts(ctx, hh.mother, day, "ADULT_MH", "MENTAL_HEALTH_CONTACT", "adult_mh", 2)
    elif category == "substance":
        household_note(ctx, day, "PARENT_SUBSTANCE_MISUSE", "parent_substance", school)
        adult_contacts(ctx, hh.mother, day, "ADULT_MH", "SUBSTANCE_MISUSE", "adult_substance", 1)
    elif category == "prison":
        person = hh.partner_at(day) or hh.fathers[hh.children[0].true_id]
        arrested = day - days(rng.randint(5, 30))
        story.once("POLICE", arrested, "CUSTODY", "custody", [(person, "SUBJECT")])
        if hh.lives_here(person, day):
            partner_leaves(ctx, person, arrested)
        household_note(ctx, day, "PARENT_IMPRISONMENT", "parent_prison", school)
        released = ctx.after(day, 200, 400)
        if released <= AS_OF:
            story.once("PROBATION", released, "RELEASE", "release", [(person, "SUBJECT")])
    else:
        single_incident(ctx, day, rng.randint(3, 11))


def _ace_story(ctx: Ctx, k: int) -> list[str]:
    """``k`` ACE categories over a few years while every child is at school.

    Only the school notes each (with the parent's own service, at most two
    agencies); a domestic incident, the one multi-agency event, comes first and
    its plan connects what follows.
    """
    rng, kids = ctx.rng, ctx.household.children
    categories = rng.sample(["mental", "substance", "prison", "da", "separation"], k)
    if "da" in categories:
        categories.remove("da")
        categories.insert(0, "da")
    gaps = [rng.randint(150, 330) for _ in range(k - 1)]
    first = max(reception(ctx, c) for c in kids) + days(30)
    last = min(AS_OF - days(300), min(school_end(ctx, c) for c in kids) - days(30))
    day = ctx.between(first, last - days(sum(gaps)))
    for category, gap in zip(categories, [*gaps, 0], strict=True):
        _ace_event(ctx, category, day)
        day += days(gap)
    return categories


def ace(ctx: Ctx) -> None:
    """ACE_PROFILE: four or five ACE categories over several years."""
    categories = _ace_story(ctx, ctx.rng.randint(4, 5))
    plant_all(ctx, "ACE_PROFILE", "ACE categories: " + ", ".join(categories), "CHILD_DA_VICTIM")


def ace_three(ctx: Ctx) -> None:
    """Near miss ACE_PROFILE: three ACE categories."""
    categories = _ace_story(ctx, 3)
    note = "3 ACE categories: " + ", ".join(categories)
    near_miss_all(ctx, "ACE_PROFILE", note, "CHILD_DA_VICTIM")


def _concern(ctx: Ctx, child: SynthPerson, agency: str, day: dt.date) -> None:
    """One agency's concern about ``child`` (or the household) on ``day``."""
    hh, story = ctx.household, ctx.story
    me = [(child, "SUBJECT")]
    everyone = [*ctx.sub(ctx.kids(day), "HOUSEHOLD_MEMBER"), (hh.mother, "SUBJECT")]
    if agency == "SCHOOL":
        story.once("SCHOOL", day, "CONCERN", "school_concern", me)
    elif agency == "GP":
        story.once("GP", day, "APPOINTMENT_MISSED", "missed_gp", me)
    elif agency == "ED":
        story.once("ED", day, "INJURY", "injury_minor", me)
    elif agency == "HOUSING":
        story.once(
            "HOUSING", day, ctx.rng.choice(("HOMELESSNESS", "EVICTION")), "homeless", everyone
        )
    elif agency == "POLICE":
        story.once("POLICE", day, "CONCERN", "police_welfare", ctx.sub(ctx.kids(day), "PRESENT"))
    else:
        story.once(
            "CSC",
            day,
            "REFERRAL_NFA",
            "referral_nfa",
            [*ctx.sub(ctx.kids(day)), (hh.mother, "PARENT")],
        )


def unconnected(ctx: Ctx) -> None:
    """UNCONNECTED_CONCERNS: 3-4 agencies worried within 8 months, no plan ever opened."""
    child, rng = ctx.household.children[0], ctx.rng
    low, high = on_roll(ctx, child, AS_OF - years(20), AS_OF - days(300))
    first = ctx.between(low + days(30), high - days(240))
    chosen = rng.sample(["SCHOOL", "GP", "ED", "HOUSING", "POLICE"], rng.randint(2, 3))
    chosen.append(
        "CSC" if rng.random() < 0.6 else rng.choice(["SCHOOL", "GP", "ED", "HOUSING", "POLICE"])
    )
    chosen = list(dict.fromkeys(chosen))
    if len(chosen) < 3:
        chosen.append(
            next(a for a in ["SCHOOL", "GP", "ED", "HOUSING", "POLICE"] if a not in chosen)
        )
    if "CSC" in chosen:
        chosen.remove("CSC")
        chosen.append("CSC")  # a closed referral comes last: nothing high-severity after it
    offsets = spread(ctx, len(chosen), (60, 240), 10)
    for agency, offset in zip(chosen, offsets, strict=True):
        _concern(ctx, child, agency, first + days(offset))
    note = f"concerns from {', '.join(chosen)} within {offsets[-1]} days, no plan"
    ctx.design.plant(child, "UNCONNECTED_CONCERNS", note)
    for sibling in ctx.household.children[1:]:
        ctx.design.plant(sibling, "UNCONNECTED_CONCERNS", note, required=False)


def unconnected_with_plan(ctx: Ctx) -> None:
    """Near miss UNCONNECTED_CONCERNS: three agencies worried while a CIN plan was open."""
    child, kids, rng = ctx.household.children[0], ctx.household.children, ctx.rng
    low, high = on_roll(ctx, child, AS_OF - years(20), AS_OF - days(700))
    first = ctx.between(low + days(30), high)
    event = referral(ctx, first, kids, "SCHOOL", nfa=False)
    referred = day_of(event, "CSC")
    start, end = assess_and_plan(ctx, referred, kids, "cin", ctx.after(referred, 400, 550))
    chosen = rng.sample(["GP", "ED", "HOUSING", "POLICE"], 3)
    offsets = sorted(rng.sample(range(30, (end - start).days - 90), 3))
    for agency, offset in zip(chosen, offsets, strict=True):
        _concern(ctx, child, agency, start + days(offset))
    for kid in kids:
        ctx.design.near_miss(
            kid, "UNCONNECTED_CONCERNS", f"{', '.join(chosen)} during CIN plan {start} to {end}"
        )


def _first_plan(
    ctx: Ctx, earliest: dt.date, latest: dt.date, length: tuple[int, int]
) -> tuple[dt.date, dt.date]:
    """A referral and a plan for every child; returns (referral day, plan end)."""
    kids, rng = ctx.household.children, ctx.rng
    first = ctx.between(earliest, latest)
    event = referral(ctx, first, kids, rng.choice(sources(ctx, first)), nfa=False)
    referred = day_of(event, "CSC")
    _, end = assess_and_plan(
        ctx, referred, kids, rng.choice(("cin", "eh")), ctx.after(referred, *length)
    )
    return referred, end


def closed_da(ctx: Ctx) -> None:
    """CLOSED_THEN_ESCALATED: a plan closed, a domestic incident 3 weeks to 5 months later."""
    kids, rng = ctx.household.children, ctx.rng
    _, closed = _first_plan(ctx, kids[-1].dob + days(60), AS_OF - days(1150), (420, 480))
    day = ctx.after(closed, 20, 150)
    perp = perpetrator(ctx, day)
    event = da_incident(ctx, day, perp, rng.randint(4, 11), "referral")
    referred = day_of(event, "CSC")
    assess_and_plan(ctx, referred, kids, "cin", ctx.after(referred, 200, 330))
    plant_all(
        ctx,
        "CLOSED_THEN_ESCALATED",
        f"plan closed {closed}, domestic incident {day}",
        "CHILD_DA_VICTIM",
    )


def closed_injury(ctx: Ctx) -> None:
    """CLOSED_THEN_ESCALATED: a plan closed, then an unexplained injury and a CP plan."""
    kids, story = ctx.household.children, ctx.story
    target = kids[-1]
    _, closed = _first_plan(ctx, target.dob + days(60), AS_OF - days(1350), (420, 480))
    day = ctx.after(closed, 20, 150)
    event = story.once("ED", day, "INJURY", "injury_nai", [(target, "SUBJECT")])
    referred = ctx.after(day, 0, 1)
    parts = [*ctx.sub(kids), (ctx.household.mother, "PARENT")]
    event.records.append(story.record("CSC", referred, "REFERRAL", "referral_ed", parts))
    child_protection(ctx, referred, kids, "cp_start_physical", ctx.rng.randint(270, 400))
    note = f"plan closed {closed}, injury {day}"
    ctx.design.plant(target, "CLOSED_THEN_ESCALATED", note)
    for sibling in kids[:-1]:
        ctx.design.plant(sibling, "CLOSED_THEN_ESCALATED", note, required=False)


def closed_teen(ctx: Ctx) -> None:
    """CLOSED_THEN_ESCALATED: a plan closed, then the teenager self-harms or goes missing."""
    kids, rng = ctx.household.children, ctx.rng
    target = kids[0]
    earliest = max(kids[-1].dob + days(60), target.dob + years(10.5))
    _, closed = _first_plan(ctx, earliest, AS_OF - days(1000), (420, 480))
    day = ctx.after(closed, 20, 150)
    if rng.random() < 0.5:
        self_harm_episode(ctx, target, day)
        ctx.design.allow(target, "SELF_HARM")
        what = "self-harm"
    else:
        missing(ctx, target, day)
        what = "missing episode"
    ctx.design.plant(target, "CLOSED_THEN_ESCALATED", f"plan closed {closed}, {what} {day}")


def closed_seven_months(ctx: Ctx) -> None:
    """Near miss CLOSED_THEN_ESCALATED: the escalation comes 7-10 months after closure."""
    kids, rng = ctx.household.children, ctx.rng
    _, closed = _first_plan(ctx, kids[-1].dob + days(60), AS_OF - days(1150), (250, 400))
    day = ctx.after(closed, 225, 320)
    oldest = kids[0]
    if oldest.age_at(day) >= 12 and rng.random() < 0.4:
        missing(ctx, oldest, day)
        ctx.design.near_miss(
            oldest, "CLOSED_THEN_ESCALATED", f"plan closed {closed}, missing {day}"
        )
        return
    perp = perpetrator(ctx, day)
    event = da_incident(ctx, day, perp, rng.randint(3, 11), "referral")
    referred = day_of(event, "CSC")
    assess_and_plan(ctx, referred, kids, "eh", ctx.after(referred, 150, 260))
    for child in kids:
        ctx.design.near_miss(
            child, "CLOSED_THEN_ESCALATED", f"plan closed {closed}, incident {day}"
        )
        ctx.design.allow(child, "CHILD_DA_VICTIM")
