"""Casework still open on the as-of date: the partnership caught mid-stream.

A real partnership's data is drawn on a working day, when some children are
on child protection plans, some on child in need plans and some families
have early help, with visits and reviews in the last weeks. So a share of
households get a plan that started in the last year or so and has not ended:
a referral (or, for early help, a concern), the assessment or child
protection enquiry, the plan's start, then the visits and reviews that keep
it going up to the as-of date, and no end.

Rates, per household, scaled by ``Options.open_casework``: ordinary households
about 1.2% (child in need 0.5%, child protection 0.15%, early help 0.55%),
households with a scenario about 12% (6%, 2%, 4%), since a family that has
come to agencies' notice before is far more likely to be open to them now.
That puts about 2-3% of children on an open plan on the as-of date (England:
about 0.4% of children on a child protection plan, about 1% on a child in
need plan, early help varying by area), a higher share of the children with
a flag.

An open plan must not change the ground truth a household was designed with
(a child protection plan started within six months of an earlier closure
would be CLOSED_THEN_ESCALATED; a missed appointment during one,
WAS_NOT_BROUGHT). So the household's patterns are worked out with and without
it, and a plan that changes them is taken back out: what is planted stays
exactly what was designed.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Final

from wholestory.synth.episodes import Ctx, cp_conference, day_of, referral, sources
from wholestory.synth.events import Story
from wholestory.synth.population import SynthPerson
from wholestory.synth.timeline import AS_OF, days

#: Plan kinds and the event type that starts each.
KINDS: Final[dict[str, str]] = {
    "cin": "CIN_PLAN_START",
    "cp": "CP_PLAN_START",
    "eh": "EARLY_HELP_START",
}
#: Chance per household of an open plan of each kind, ordinary households.
BACKGROUND_RATES: Final[dict[str, float]] = {"cin": 0.004, "cp": 0.0015, "eh": 0.0055}
#: The same for households dealt a scenario (planted or near miss).
SCENARIO_RATES: Final[dict[str, float]] = {"cin": 0.045, "cp": 0.02, "eh": 0.04}
#: The earliest and latest referral (days before AS_OF) of an open plan of each kind.
_WINDOWS: Final[dict[str, tuple[int, int]]] = {
    "cin": (520, 50),
    "cp": (360, 40),
    "eh": (330, 45),
}
#: An open plan's referral comes this long after any earlier social care or early help.
_AFTER_EARLIER: Final = 90
_CSC: Final = frozenset({"CSC", "EARLY_HELP"})


@dataclass(frozen=True, slots=True)
class Opened:
    """What :func:`open_plan` added: the plan kind, who is on it, how many events."""

    kind: str
    children: tuple[SynthPerson, ...]
    events: int


def pick(rng: random.Random, scenario: bool, scale: float) -> str | None:
    """The kind of plan a household has open on AS_OF, or None (most households)."""
    rates = SCENARIO_RATES if scenario else BACKGROUND_RATES
    draw = rng.random()
    for kind, rate in rates.items():
        if draw < rate * scale:
            return kind
        draw -= rate * scale
    return None


def open_plan(ctx: Ctx, kind: str) -> Opened | None:
    """Tell an open plan of ``kind`` into the household's story; None when none fits.

    Nothing fits when the household's children were not born in time, or
    its social care history runs too close to AS_OF for a new referral.
    """
    story, hh = ctx.story, ctx.household
    earliest, latest = (AS_OF - days(n) for n in _WINDOWS[kind])
    earlier = [r.day for e in story.events for r in e.records if r.agency in _CSC]
    if earlier:
        earliest = max(earliest, max(earlier) + days(_AFTER_EARLIER))
    earliest = max(earliest, hh.children[0].dob + days(30))
    if earliest > latest:
        return None
    before = len(story.events)
    day = ctx.between(earliest, latest)
    kids = ctx.kids(day)
    if kind == "eh":
        start = _early_help(ctx, day, kids)
    elif kind == "cin":
        start = _child_in_need(ctx, day, kids)
    else:
        start = _child_protection(ctx, day, kids)
    _keep_going(ctx, kind, start, kids)
    return Opened(kind, tuple(kids), len(story.events) - before)


def undo(story: Story, opened: Opened) -> None:
    """Take an open plan back out of the story (its events are the last ones told)."""
    del story.events[len(story.events) - opened.events :]


def _early_help(ctx: Ctx, day: dt.date, kids: list[SynthPerson]) -> dt.date:
    """A school's, health visitor's or GP's concern, then an early help plan with the family."""
    hh = ctx.household
    if hh.pupils_on(day):
        pupils = [(p, "SUBJECT") for p in hh.pupils_on(day)]
        ctx.story.once("SCHOOL", day, "CONCERN", "school_concern", pupils)
    elif any(c.age_at(day) < 4.5 for c in kids):
        ctx.story.once("HEALTH_VISITING", day, "CONCERN", "hv_concern", ctx.sub(kids))
    else:
        ctx.story.once("GP", day, "CONCERN", "gp_concern", ctx.sub(kids))
    start = ctx.after(day, 14, 40)
    parts = [*ctx.sub(kids), (hh.mother, "PARENT")]
    ctx.story.once("EARLY_HELP", start, "EARLY_HELP_START", "eh_start", parts)
    return start


def _child_in_need(ctx: Ctx, day: dt.date, kids: list[SynthPerson]) -> dt.date:
    """A referral, an assessment within weeks, and a child in need plan."""
    source = ctx.rng.choice(sources(ctx, day))
    referred = day_of(referral(ctx, day, kids, source, nfa=False), "CSC")
    assessed = ctx.after(referred, 10, 25)
    parts = [*ctx.sub(kids), (ctx.household.mother, "PARENT")]
    ctx.story.once("CSC", assessed, "ASSESSMENT", "assessment", parts)
    start = ctx.after(assessed, 5, 12)
    ctx.story.once("CSC", start, "CIN_PLAN_START", "cin_start", parts)
    return start


def _child_protection(ctx: Ctx, day: dt.date, kids: list[SynthPerson]) -> dt.date:
    """A referral, strategy discussion, section 47 enquiry, conference, and a plan."""
    source = ctx.rng.choice(sources(ctx, day))
    referred = day_of(referral(ctx, day, kids, source, nfa=False), "CSC")
    parts = ctx.sub(kids)
    conference = cp_conference(ctx, referred, parts)
    category = "cp_start_neglect" if ctx.rng.random() < 0.55 else "cp_start_emotional"
    ctx.story.once("CSC", conference, "CP_PLAN_START", category, parts)
    return conference


def _keep_going(ctx: Ctx, kind: str, start: dt.date, kids: list[SynthPerson]) -> None:
    """Visits and reviews from the plan's start up to AS_OF: the plan is alive, not ended."""
    parts = ctx.sub(kids)
    agency = "EARLY_HELP" if kind == "eh" else "CSC"
    visit_gap = {"cp": (14, 28), "cin": (28, 56), "eh": (30, 60)}[kind]
    day = ctx.after(start, *visit_gap)
    while day <= AS_OF:
        if kind != "eh":
            key = "cp_visit" if kind == "cp" else "cin_visit"
            ctx.story.once(agency, day, "CONTACT", key, parts, routine=True)
        day = ctx.after(day, *visit_gap)
    review = start + days(90)
    while review <= AS_OF:
        if kind == "cp":
            ctx.story.once("CSC", review, "CP_CONFERENCE", "cp_review", parts)
            review += days(180)
        else:
            key = "cin_review" if kind == "cin" else "eh_review"
            ctx.story.once(agency, review, "CONTACT", key, parts, routine=True)
            review += days(ctx.rng.randint(80, 100))
