"""Routine background records of every household, and the occasional worries of ordinary ones.

Health visiting, GP, school and school nursing contacts, moves of home and
new partners are recorded for every child; in households not dealt a
scenario, a :class:`Calendar` spaces a few worries so that they can never add
up to a pattern. The reasoning is in :mod:`wholestory.synth.histories`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Final

from wholestory.synth.episodes import Ctx, adult_contacts, household_note, referral, sources
from wholestory.synth.population import SynthPerson
from wholestory.synth.timeline import AS_OF, school_years

#: Background concerns of one child are kept at least this many days apart.
CALENDAR_GAP: Final = 430


def background(ctx: Ctx) -> None:
    """Routine records for everyone; occasional worries in ordinary households."""
    hh = ctx.household
    for child in hh.children:
        _health_visiting(ctx, child)
        _gp(ctx, child)
        _school(ctx, child)
    _moves(ctx)
    _partners(ctx)
    if not hh.quiet:
        calendar = Calendar()
        _worries(ctx, calendar)
        for child in hh.children:
            _occasional(ctx, child, calendar)


@dataclass(slots=True)
class Calendar:
    """Background worries per child, kept CALENDAR_GAP days apart.

    One worry (with its referrer, at most two agencies) in any 14 months can
    never add up to a pattern: no two missed appointments, suspensions or
    referrals within a year, never three agencies within a year.
    """

    booked: dict[str, list[dt.date]] = field(default_factory=dict)

    def take(self, kids: list[SynthPerson], day: dt.date) -> bool:
        """Book ``day`` for ``kids`` if every one of them is free; whether booked."""
        if not kids or day > AS_OF:
            return False
        for kid in kids:
            if any(abs((day - d).days) < CALENDAR_GAP for d in self.booked.get(kid.true_id, [])):
                return False
        for kid in kids:
            self.booked.setdefault(kid.true_id, []).append(day)
        return True


def _visit(
    ctx: Ctx,
    agency: str,
    day: dt.date,
    etype: str,
    key: str,
    child: SynthPerson,
    parent_share: float = 0.0,
) -> None:
    """A routine contact, sometimes with the mother recorded too."""
    if day > AS_OF:
        return
    parts = [(child, "SUBJECT")]
    if parent_share and ctx.rng.random() < parent_share:
        parts.append((ctx.household.mother, "PARENT"))
    ctx.story.once(agency, day, etype, key, parts, routine=True)


def _health_visiting(ctx: Ctx, child: SynthPerson) -> None:
    """Birth notification and the four universal health visiting reviews."""
    rng, dob = ctx.rng, child.dob
    notified = min(ctx.after(dob, 1, 3), AS_OF)  # every child is known to someone
    _visit(ctx, "HEALTH_VISITING", notified, "CONTACT", "hv_birth", child)
    for low, high, key, mum in (
        (10, 14, "hv_new_birth", 0.8),
        (42, 56, "hv_6_8", 0.5),
        (270, 365, "hv_1y", 0.3),
        (730, 900, "hv_2y", 0.3),
    ):
        if rng.random() < 0.95:
            day = ctx.after(dob, low, high)
            _visit(ctx, "HEALTH_VISITING", day, "APPOINTMENT_ATTENDED", key, child, mum)


def _gp(ctx: Ctx, child: SynthPerson) -> None:
    """Registration, the baby check, immunisations and a few ordinary consultations."""
    rng, dob = ctx.rng, child.dob
    _visit(ctx, "GP", ctx.after(dob, 20, 40), "CONTACT", "gp_registration", child)
    _visit(ctx, "GP", ctx.after(dob, 42, 56), "APPOINTMENT_ATTENDED", "gp_check", child, 0.5)
    for low, high in ((56, 62), (84, 90), (112, 120), (365, 395), (1220, 1300)):
        if rng.random() < 0.92:
            _visit(ctx, "GP", ctx.after(dob, low, high), "APPOINTMENT_ATTENDED", "gp_imms", child)
    for _ in range(rng.choices((0, 1, 2, 3), weights=(35, 35, 20, 10))[0]):
        day = ctx.between(dob + dt.timedelta(days=60), max(AS_OF, dob + dt.timedelta(days=60)))
        _visit(ctx, "GP", day, "APPOINTMENT_ATTENDED", "gp_check", child)


def _school(ctx: Ctx, child: SynthPerson) -> None:
    """School starts and moves as the child's school history says; school nurse checks."""
    hh = ctx.household
    reception, year7, _ = school_years(child.dob)
    previous = None
    for spell in hh.schools.get(child.true_id, []):
        school = spell.school
        if school is not None and not spell.noted:
            if previous is None and spell.start == reception:
                key, etype = "school_start", "SCHOOL_START"
            elif spell.start == year7 or previous is None:
                key, etype = "school_start_y7", "SCHOOL_START"
            else:
                key, etype = "school_move", "SCHOOL_MOVE"
            ctx.story.once(
                "SCHOOL",
                spell.start,
                etype,
                key,
                [(child, "SUBJECT")],
                routine=True,
                fill={"school": school.name},
            )
        previous = school
    year6 = year7 - dt.timedelta(days=365)
    for day, key in (
        (ctx.after(reception, 30, 150), "sn_reception"),
        (ctx.after(year6, 60, 240), "sn_year6"),
    ):
        if day <= AS_OF and hh.school_at(child, day) is not None:
            _visit(ctx, "SCHOOL_NURSING", day, "APPOINTMENT_ATTENDED", key, child)


def _moves(ctx: Ctx) -> None:
    """Moves of home: a new tenancy for social tenants, a change of address at the GP."""
    hh, rng = ctx.household, ctx.rng
    homes = hh.homes if hh.social_housing else hh.homes[1:]
    for home in homes:
        if home.start > AS_OF or home.start < dt.date(2006, 1, 1):
            continue
        kids = ctx.kids(home.start)
        town = ctx.population.world.districts[home.district].town
        if hh.social_housing:
            parts = [(hh.mother, "SUBJECT"), *ctx.sub(kids, "HOUSEHOLD_MEMBER")]
            partner = hh.partner_at(home.start)
            if partner is not None:
                parts.insert(1, (partner, "HOUSEHOLD_MEMBER"))
            ctx.story.once(
                "HOUSING",
                home.start,
                "HOUSE_MOVE",
                "house_move_housing",
                parts,
                routine=True,
                fill={"address": home.address, "town": town},
            )
        elif kids and rng.random() < 0.5:
            day = ctx.after(home.start, 5, 40)
            if day <= AS_OF:
                ctx.story.once(
                    "GP",
                    day,
                    "HOUSE_MOVE",
                    "house_move_notified",
                    ctx.sub(kids),
                    routine=True,
                    fill={"address": home.address, "town": town},
                )


def _partners(ctx: Ctx) -> None:
    """A new partner moving in, as health visitors and schools come to know it."""
    hh = ctx.household
    first_father = hh.fathers[hh.children[0].true_id]
    for stay in hh.stays:
        if stay.person is first_father and stay is hh.stays[0]:
            continue
        day = ctx.after(stay.start, 10, 60)
        if day > AS_OF:
            continue
        young = [c for c in ctx.kids(day) if hh.school_at(c, day) is None and c.age_at(day) < 5]
        if young:
            parts = [*ctx.sub(young), (stay.person, "HOUSEHOLD_MEMBER")]
            ctx.story.once("HEALTH_VISITING", day, "NEW_PARTNER", "new_partner", parts)
        for pupil in hh.pupils_on(day):
            ctx.story.once("SCHOOL", day, "NEW_PARTNER", "new_partner", [(pupil, "SUBJECT")])


def _worries(ctx: Ctx, calendar: Calendar) -> None:
    """Household worries in ordinary families: separation, postnatal depression, a referral."""
    hh, rng = ctx.household, ctx.rng
    first = hh.stays[0] if hh.stays else None
    if first is not None and first.end is not None and rng.random() < 0.6:
        day = ctx.after(first.end, 5, 60)
        if calendar.take(ctx.kids(day), day):
            household_note(ctx, day, "PARENT_SEPARATION", "parent_separation")
    if rng.random() < 0.04:
        baby = rng.choice(hh.children)
        day = ctx.after(baby.dob, 40, 300)
        young = [c for c in ctx.kids(day) if hh.school_at(c, day) is None]
        if young and calendar.take(ctx.kids(day), day):
            household_note(ctx, day, "PARENT_MENTAL_HEALTH", "pnd", ("HEALTH_VISITING",))
            adult_contacts(ctx, hh.mother, day, "ADULT_MH", "MENTAL_HEALTH_CONTACT", "adult_mh", 2)
    earliest = hh.children[0].dob + dt.timedelta(days=30)
    if rng.random() < 0.025 and earliest < AS_OF:
        day = ctx.between(earliest, AS_OF)
        kids = ctx.kids(day)
        if calendar.take(kids, day):
            referral(ctx, day, kids, rng.choice(sources(ctx, day)), nfa=True)


def _occasional(ctx: Ctx, child: SynthPerson, calendar: Calendar) -> None:
    """A child's own occasional worries: ED visits, a missed appointment, a suspension."""
    rng, story = ctx.rng, ctx.story
    me = [(child, "SUBJECT")]
    earliest = child.dob + dt.timedelta(days=100)
    if earliest >= AS_OF:
        return
    for share in (0.13, 0.03):
        day = ctx.between(earliest, AS_OF)
        if rng.random() < share and calendar.take([child], day):
            story.once("ED", day, "ED_ATTENDANCE", "ed_minor", me)
    day = ctx.between(earliest, AS_OF)
    if rng.random() < 0.10 and calendar.take([child], day):
        young = child.age_at(day) < 4.0
        agency, key = ("HEALTH_VISITING", "missed_hv") if young else ("GP", "missed_gp")
        story.once(agency, day, "APPOINTMENT_MISSED", key, me)
    day = ctx.between(earliest, AS_OF)
    on_roll = ctx.household.school_at(child, day) is not None
    if on_roll and child.age_at(day) >= 11 and rng.random() < 0.03 and calendar.take([child], day):
        story.once("SCHOOL", day, "SUSPENSION", "suspension", me)
