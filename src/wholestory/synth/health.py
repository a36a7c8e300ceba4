"""Health stories: children not brought to appointments, self-harm, CAMHS.

Missed appointments are kept to at most two health agencies and, outside the
planted pattern, never two within a year. The reasoning is in
:mod:`wholestory.synth.histories`.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from wholestory.synth.episodes import (
    Ctx,
    child_protection,
    day_of,
    referral,
    sources,
    spread,
)
from wholestory.synth.population import SynthPerson
from wholestory.synth.timeline import AS_OF, days, years


def _health_agency(ctx: Ctx, child: SynthPerson, day: dt.date, pair: tuple[str, str]) -> str:
    """One of ``pair`` that would see ``child`` on ``day`` (GP always can)."""
    agency = ctx.rng.choice(pair)
    at_school = ctx.household.school_at(child, day) is not None
    if agency == "HEALTH_VISITING" and (at_school or child.age_at(day) >= 5.0):
        return "GP"
    if agency == "SCHOOL_NURSING" and not at_school:
        return "GP"
    return agency


_MISSED_KEYS: Final = {
    "HEALTH_VISITING": "missed_hv",
    "GP": "missed_gp",
    "SCHOOL_NURSING": "missed_sn",
}


def _missed(ctx: Ctx, child: SynthPerson, day: dt.date, pair: tuple[str, str]) -> None:
    agency = _health_agency(ctx, child, day, pair)
    ctx.story.once(agency, day, "APPOINTMENT_MISSED", _MISSED_KEYS[agency], [(child, "SUBJECT")])


def _pair(ctx: Ctx, child: SynthPerson, day: dt.date) -> tuple[str, str]:
    """At most two health agencies: so missed appointments never look multi-agency."""
    if child.age_at(day) < 4.0:
        return ("HEALTH_VISITING", "GP")
    return ("GP", "SCHOOL_NURSING")


def wnb_missed(ctx: Ctx) -> None:
    """WAS_NOT_BROUGHT: two or three missed health appointments within 10 months."""
    child = ctx.household.children[0]
    k = ctx.rng.randint(2, 3)
    first = ctx.between(child.dob + days(120), AS_OF - days(320))
    pair = _pair(ctx, child, first)
    dates = [first + days(o) for o in spread(ctx, k, (40, 300), 20)]
    for day in dates:
        _missed(ctx, child, day, pair)
    ctx.design.plant(child, "WAS_NOT_BROUGHT", f"{k} missed appointments {dates[0]} to {dates[-1]}")


def wnb_discharge(ctx: Ctx) -> None:
    """WAS_NOT_BROUGHT: discharged by CAMHS after not attending."""
    child = ctx.household.children[0]
    first = ctx.between(child.dob + years(6.0), AS_OF - days(300))
    story = ctx.story
    story.once("GP", first, "APPOINTMENT_ATTENDED", "gp_camhs_referral", [(child, "SUBJECT")])
    referred = ctx.after(first, 7, 30)
    story.once("CAMHS", referred, "CAMHS_REFERRAL", "camhs_referral_mood", [(child, "SUBJECT")])
    missed_day = ctx.after(referred, 20, 50)
    story.once("CAMHS", missed_day, "APPOINTMENT_MISSED", "missed_camhs", [(child, "SUBJECT")])
    discharged = ctx.after(missed_day, 14, 40)
    story.once("CAMHS", discharged, "CAMHS_DISCHARGE", "camhs_discharge_dna", [(child, "SUBJECT")])
    ctx.design.plant(child, "WAS_NOT_BROUGHT", f"CAMHS discharge after non-attendance {discharged}")


def cp_plan(ctx: Ctx) -> None:
    """WAS_NOT_BROUGHT: the youngest child not brought to an appointment on a CP plan."""
    kids = ctx.household.children
    target = kids[-1]
    referred = ctx.between(target.dob + days(120), AS_OF - days(900))
    found = sources(ctx, referred)
    source = next(s for s in ("HEALTH_VISITING", "SCHOOL", "GP") if s in found)
    event = referral(ctx, referred, kids, source, nfa=False)
    length = ctx.rng.randint(270, 450)
    start, end, _ = child_protection(ctx, day_of(event, "CSC"), kids, "cp_start_neglect", length)
    day = ctx.between(start + days(30), end - days(30))
    agency = "HEALTH_VISITING" if target.age_at(day) < 4.0 else "GP"
    ctx.story.once(agency, day, "APPOINTMENT_MISSED", "missed_cp", [(target, "SUBJECT")])
    ctx.design.plant(target, "WAS_NOT_BROUGHT", f"missed appointment {day} on a CP plan")


def missed_once(ctx: Ctx) -> None:
    """Near miss WAS_NOT_BROUGHT: one missed appointment, or two more than a year apart."""
    child = ctx.household.children[0]
    first = ctx.between(child.dob + days(90), AS_OF - days(30))
    _missed(ctx, child, first, _pair(ctx, child, first))
    note = f"1 missed appointment {first}"
    if first <= AS_OF - days(610) and ctx.rng.random() < 0.4:
        second = ctx.after(first, 440, 600)
        _missed(ctx, child, second, _pair(ctx, child, second))
        note = f"2 missed appointments {first}, {second}"
    ctx.design.near_miss(child, "WAS_NOT_BROUGHT", note)


def self_harm(ctx: Ctx) -> None:
    """SELF_HARM: self-harm presentation(s) at ED, CAMHS involvement, discharge."""
    child = ctx.household.children[0]
    first = ctx.between(child.dob + years(11.5), AS_OF - days(420))
    self_harm_episode(ctx, child, first)
    ctx.design.plant(child, "SELF_HARM", f"self-harm presentation {first}")


def self_harm_episode(ctx: Ctx, child: SynthPerson, first: dt.date) -> None:
    story, rng = ctx.story, ctx.rng
    me = [(child, "SUBJECT")]
    story.once("ED", first, "SELF_HARM", "self_harm", me)
    referred = ctx.after(first, 2, 10)
    story.once("CAMHS", referred, "CAMHS_REFERRAL", "camhs_referral_sh", me)
    offsets = spread(ctx, rng.randint(3, 7), (60, 240), 7)
    contacts = [referred + days(7 + o) for o in offsets]
    for day in contacts:
        story.once("CAMHS", day, "MENTAL_HEALTH_CONTACT", "camhs_contact", me)
    if rng.random() < 0.4:
        again = ctx.between(referred + days(20), contacts[-1] - days(10))
        story.once("ED", again, "SELF_HARM", "self_harm", me)
    story.once("CAMHS", ctx.after(contacts[-1], 7, 30), "CAMHS_DISCHARGE", "camhs_discharge", me)


def camhs_no_self_harm(ctx: Ctx) -> None:
    """Near miss SELF_HARM: CAMHS for anxiety and low mood, no self-harm."""
    child, story, rng = ctx.household.children[0], ctx.story, ctx.rng
    me = [(child, "SUBJECT")]
    first = ctx.between(child.dob + years(8.5), AS_OF - days(330))
    story.once("GP", first, "APPOINTMENT_ATTENDED", "gp_camhs_referral", me)
    referred = ctx.after(first, 7, 30)
    story.once("CAMHS", referred, "CAMHS_REFERRAL", "camhs_referral_mood", me)
    contacts = [referred + days(14 + o) for o in spread(ctx, rng.randint(3, 6), (40, 220), 7)]
    for day in contacts:
        story.once("CAMHS", day, "MENTAL_HEALTH_CONTACT", "camhs_contact", me)
    story.once("CAMHS", ctx.after(contacts[-1], 7, 30), "CAMHS_DISCHARGE", "camhs_discharge", me)
    ctx.design.near_miss(child, "SELF_HARM", f"CAMHS episode from {referred}, no self-harm")
