"""Domestic abuse stories: one incident, escalation, Marac, and their near misses.

Every incident is told by :func:`wholestory.synth.episodes.da_incident` (police,
DASH, Operation Encompass, social care) and answered by a plan that connects
the agencies; the builders differ in how many incidents, how close together,
and how high the DASH count. The reasoning is in :mod:`wholestory.synth.histories`.
"""

from __future__ import annotations

import datetime as dt

from wholestory.synth.episodes import (
    Ctx,
    assess_and_plan,
    da_incident,
    day_of,
    marac,
    near_miss_all,
    partner_leaves,
    perpetrator,
    plant_all,
    spread,
)
from wholestory.synth.timeline import AS_OF, days


def da_single(ctx: Ctx) -> None:
    """CHILD_DA_VICTIM: one domestic incident; an early help plan if three agencies knew."""
    kids = ctx.household.children
    day = ctx.between(kids[-1].dob + days(60), AS_OF - days(420))
    yes = ctx.rng.randint(2, 11)
    single_incident(ctx, day, yes)
    plant_all(ctx, "CHILD_DA_VICTIM", f"domestic incident {day}, DASH {yes} yes")


def single_incident(ctx: Ctx, day: dt.date, yes: int) -> None:
    """One incident: police, DASH, Encompass, referral; an early help plan connects them.

    Even with no child at school (no Encompass notice) the police, social care
    and the domestic abuse service each know of it: three agencies.
    """
    perp = perpetrator(ctx, day)
    event = da_incident(ctx, day, perp, yes, "referral")
    referred = day_of(event, "CSC")
    assess_and_plan(ctx, referred, ctx.kids(day), "eh", ctx.after(referred, 150, 300))


def da_escalation(ctx: Ctx) -> None:
    """DA_ESCALATION: 3-5 incidents within 10 months while a plan is open."""
    kids, rng = ctx.household.children, ctx.rng
    k = rng.randint(3, 5)
    first = ctx.between(kids[-1].dob + days(60), AS_OF - days(700))
    dates = [first + days(o) for o in spread(ctx, k, (120, 300), 25, first_gap=55)]
    perp = perpetrator(ctx, first)
    event = da_incident(ctx, first, perp, rng.randint(4, 11), "referral")
    kind = rng.choice(("cin", "cin", "eh"))
    assess_and_plan(ctx, day_of(event, "CSC"), kids, kind, ctx.after(dates[-1], 150, 300))
    for day in dates[1:]:
        da_incident(ctx, day, perp, rng.randint(4, 11), "notify")
    if rng.random() < 0.5:
        marac(ctx, ctx.after(dates[-1], 1, 5), perp, "marac_referral_escalation")
    partner_leaves(ctx, perp, ctx.after(dates[-1], 1, 10))
    note = f"{k} domestic incidents {dates[0]} to {dates[-1]}"
    plant_all(ctx, "DA_ESCALATION", note, "CHILD_DA_VICTIM")


def marac_dash(ctx: Ctx) -> None:
    """MARAC_CRITERIA: a DASH with 14 or more yes answers, then Marac and a CIN plan."""
    kids, rng = ctx.household.children, ctx.rng
    day = ctx.between(kids[-1].dob + days(60), AS_OF - days(600))
    perp = perpetrator(ctx, day)
    yes = rng.randint(14, 22)
    event = da_incident(ctx, day, perp, yes, "referral")
    marac(ctx, ctx.after(day, 1, 4), perp, "marac_referral_dash")
    partner_leaves(ctx, perp, ctx.after(day, 1, 3))
    referred = day_of(event, "CSC")
    assess_and_plan(ctx, referred, kids, "cin", ctx.after(referred, 200, 400))
    plant_all(ctx, "MARAC_CRITERIA", f"DASH {yes} yes on {day}", "CHILD_DA_VICTIM")


def marac_repeat(ctx: Ctx) -> None:
    """MARAC_CRITERIA: a further incident, same couple, within a year of a Marac referral."""
    kids, rng = ctx.household.children, ctx.rng
    first = ctx.between(kids[-1].dob + days(60), AS_OF - days(800))
    perp = perpetrator(ctx, first)
    event = da_incident(ctx, first, perp, rng.randint(8, 12), "referral")
    referred_marac = marac(
        ctx, ctx.after(first, 3, 10), perp, "marac_referral_judgement", "DA_SERVICE"
    )
    second = ctx.after(referred_marac, 60, 240)
    assess_and_plan(ctx, day_of(event, "CSC"), kids, "cin", ctx.after(second, 150, 300))
    da_incident(ctx, second, perp, rng.randint(6, 12), "notify")
    note = f"Marac referral {referred_marac}, further incident {second}"
    plant_all(ctx, "MARAC_CRITERIA", note, "CHILD_DA_VICTIM")


def da_two(ctx: Ctx) -> None:
    """Near miss DA_ESCALATION: two incidents within a year."""
    first, second, _ = _two_incidents(ctx, 700, (60, 300), (150, 300))
    near_miss_all(ctx, "DA_ESCALATION", f"2 incidents: {first}, {second}", "CHILD_DA_VICTIM")


def _two_incidents(
    ctx: Ctx, room: int, gap: tuple[int, int], plan: tuple[int, int]
) -> tuple[dt.date, dt.date, dt.date]:
    """Two incidents ``gap`` days apart, the first at least ``room`` days before AS_OF.

    The first is referred and a child in need plan follows, ending ``plan`` days
    after the second; returns both days and the plan's end.
    """
    kids, rng = ctx.household.children, ctx.rng
    first = ctx.between(kids[-1].dob + days(60), AS_OF - days(room))
    second = ctx.after(first, *gap)
    perp = perpetrator(ctx, first)
    event = da_incident(ctx, first, perp, rng.randint(3, 11), "referral")
    plan_end = ctx.after(second, *plan)
    assess_and_plan(ctx, day_of(event, "CSC"), kids, "cin", plan_end)
    da_incident(ctx, second, perp, rng.randint(3, 11), "notify")
    return first, second, plan_end


def da_three_spread(ctx: Ctx) -> None:
    """Near miss DA_ESCALATION: three incidents, never three within 12 months."""
    kids, rng = ctx.household.children, ctx.rng
    first, second, plan_end = _two_incidents(ctx, 1300, (60, 200), (150, 200))
    third = max(plan_end + days(230), second + days(440)) + days(rng.randint(0, 60))
    perp3 = perpetrator(ctx, third)
    event3 = da_incident(ctx, third, perp3, rng.randint(3, 11), "referral")
    referred = day_of(event3, "CSC")
    assess_and_plan(ctx, referred, kids, "eh", ctx.after(referred, 150, 250))
    note = f"3 incidents: {first}, {second}, {third}"
    near_miss_all(ctx, "DA_ESCALATION", note, "CHILD_DA_VICTIM")


def dash_13(ctx: Ctx) -> None:
    """Near miss MARAC_CRITERIA: a DASH with exactly 13 yes answers and no Marac referral."""
    kids = ctx.household.children
    day = ctx.between(kids[-1].dob + days(60), AS_OF - days(420))
    single_incident(ctx, day, 13)
    near_miss_all(ctx, "MARAC_CRITERIA", f"DASH 13 yes on {day}", "CHILD_DA_VICTIM")
