"""Education stories: exclusion, suspensions, absence, missing education, home education.

Each changes the child's school history where it must (a pupil referral unit,
time off roll, home education), so later routine rows follow it. The
reasoning is in :mod:`wholestory.synth.histories`.
"""

from __future__ import annotations

from wholestory.synth.episodes import (
    Ctx,
    on_roll,
    school_end,
    spread,
)
from wholestory.synth.population import SchoolSpell
from wholestory.synth.timeline import AS_OF, days, next_weekday, years


def education_pex(ctx: Ctx) -> None:
    """EDUCATION_DISRUPTION: a permanent exclusion, then the pupil referral unit."""
    child, story = ctx.household.children[0], ctx.story
    low, high = on_roll(ctx, child, child.dob + years(11.6), AS_OF - days(200))
    day = ctx.between(low + days(90), high)
    me = [(child, "SUBJECT")]
    story.once("SCHOOL", ctx.after(day - days(90), 0, 60), "CONCERN", "behaviour_concern", me)
    story.once("SCHOOL", day, "PERMANENT_EXCLUSION", "pex", me)
    moved = next_weekday(ctx.after(day, 10, 30))
    pru = ctx.population.world.pru
    leaves = school_end(ctx, child)
    spells = [SchoolSpell(moved, pru, noted=True)]
    if leaves < AS_OF:
        spells.append(SchoolSpell(leaves, None))
    ctx.household.set_schools_from(child, day, spells)
    story.once("SCHOOL", moved, "SCHOOL_MOVE", "pru_start", me, fill={"school": pru.name})
    ctx.design.plant(child, "EDUCATION_DISRUPTION", f"permanent exclusion {day}")


def education_suspensions(ctx: Ctx) -> None:
    """EDUCATION_DISRUPTION: two or three suspensions within a year, in primary school."""
    child = ctx.household.children[0]
    low, high = on_roll(ctx, child, AS_OF - years(20), AS_OF - days(260))
    first = ctx.between(low + days(30), high)
    k = ctx.rng.randint(2, 3)
    dates = [first + days(o) for o in spread(ctx, k, (40, 250), 14)]
    for day in dates:
        ctx.story.once(
            "SCHOOL", next_weekday(day), "SUSPENSION", "suspension", [(child, "SUBJECT")]
        )
    ctx.design.plant(child, "EDUCATION_DISRUPTION", f"{k} suspensions {dates[0]} to {dates[-1]}")


def education_absence(ctx: Ctx) -> None:
    """EDUCATION_DISRUPTION: persistent absence."""
    child = ctx.household.children[0]
    low, high = on_roll(ctx, child, AS_OF - years(20), AS_OF - days(140))
    first = ctx.between(low + days(90), high - days(110))
    ctx.story.once(
        "SCHOOL", next_weekday(first), "ATTENDANCE_CONCERN", "attendance", [(child, "SUBJECT")]
    )
    if ctx.rng.random() < 0.6:
        again = next_weekday(ctx.after(first, 90, 110))
        ctx.story.once("SCHOOL", again, "ATTENDANCE_CONCERN", "attendance", [(child, "SUBJECT")])
    ctx.design.plant(child, "EDUCATION_DISRUPTION", f"persistent absence from {first}")


def education_cme(ctx: Ctx) -> None:
    """EDUCATION_DISRUPTION: missing education for a few months, then back on a roll."""
    child, hh = ctx.household.children[0], ctx.household
    low, high = on_roll(ctx, child, AS_OF - years(20), AS_OF - days(120))
    day = next_weekday(ctx.between(low + days(90), high - days(120)))
    back = next_weekday(ctx.after(day, 30, 90))
    school = hh.school_at(child, back)
    later = [s for s in hh.schools[child.true_id] if s.start > back]
    hh.set_schools_from(
        child,
        day,
        [SchoolSpell(day, None, noted=True), SchoolSpell(back, school, noted=True), *later],
    )
    me = [(child, "SUBJECT")]
    ctx.story.once("SCHOOL", day, "CHILD_MISSING_EDUCATION", "cme", me)
    name = school.name if school else ctx.population.world.pru.name
    ctx.story.once("SCHOOL", back, "SCHOOL_START", "school_rejoin", me, fill={"school": name})
    ctx.design.plant(child, "EDUCATION_DISRUPTION", f"child missing education {day} to {back}")


def education_ehe(ctx: Ctx) -> None:
    """EDUCATION_DISRUPTION: moved to home education after a suspension."""
    child = ctx.household.children[0]
    low, high = on_roll(ctx, child, AS_OF - years(20), AS_OF - days(220))
    day = next_weekday(ctx.between(low + days(60), high - days(200)))
    me = [(child, "SUBJECT")]
    ctx.story.once("SCHOOL", day, "SUSPENSION", "suspension", me)
    left = next_weekday(ctx.after(day, 30, 200))
    ctx.household.set_schools_from(child, left, [SchoolSpell(left, None, noted=True)])
    ctx.story.once("SCHOOL", left, "ELECTIVE_HOME_EDUCATION", "ehe_after", me)
    ctx.design.plant(child, "EDUCATION_DISRUPTION", f"suspension {day}, home education {left}")


def one_suspension(ctx: Ctx) -> None:
    """Near miss EDUCATION_DISRUPTION: one suspension, or two more than a year apart."""
    child = ctx.household.children[0]
    low, high = on_roll(ctx, child, AS_OF - years(20), AS_OF - days(30))
    first = next_weekday(ctx.between(low + days(30), high))
    ctx.story.once("SCHOOL", first, "SUSPENSION", "suspension", [(child, "SUBJECT")])
    note = f"1 suspension {first}"
    if high - first > days(620) and ctx.rng.random() < 0.4:
        second = next_weekday(ctx.after(first, 440, 600))
        ctx.story.once("SCHOOL", second, "SUSPENSION", "suspension", [(child, "SUBJECT")])
        note = f"2 suspensions {first}, {second}"
    ctx.design.near_miss(child, "EDUCATION_DISRUPTION", note)


def ehe_no_concerns(ctx: Ctx) -> None:
    """Near miss EDUCATION_DISRUPTION: home education chosen with no concerns before it."""
    child = ctx.household.children[0]
    low, high = on_roll(ctx, child, AS_OF - years(20), AS_OF - days(30))
    left = next_weekday(ctx.between(low + days(30), high))
    ctx.household.set_schools_from(child, left, [SchoolSpell(left, None, noted=True)])
    ctx.story.once("SCHOOL", left, "ELECTIVE_HOME_EDUCATION", "ehe_choice", [(child, "SUBJECT")])
    ctx.design.near_miss(child, "EDUCATION_DISRUPTION", f"home education {left}, no concerns")
