"""The safeguarding stories: domestic abuse, social care, a parent's mental health, housing,
and the risks of adolescence.

Each story is told the way the partnership would see it, across agencies: a
police call-out with the children present, the Operation Encompass notice to
school the next school day, the referral to social care that follows, and
what social care did. The chronology and its indicators have something real
to work on, and linking gets the multi-agency, multi-person events it must
join. The risks of adolescence are told in :mod:`wholestory.crosscheck.adolescence`.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Final

from wholestory.crosscheck.adolescence import adolescence
from wholestory.crosscheck.days import next_school_day, some_day
from wholestory.crosscheck.happenings import Happening, Part, Window, arrivals, clock, subject
from wholestory.crosscheck.population import CrosscheckPerson, Household

#: The stories the partnership tells; ``adolescence`` is kept importable from here.
__all__ = [
    "adolescence",
    "domestic_abuse",
    "housing",
    "other_referral",
    "parent_mental_health",
    "social_care",
]

_INCIDENTS = (
    "Police called by a neighbour to shouting at the address; {who} reported being pushed",
    "Call from {who} reporting her partner had smashed her phone and would not let her leave",
    "Verbal argument between {who} and partner; both intoxicated",
    "{who} reported threats to kill made by text message",
    "Report of a disturbance; {who} had a visible injury to the face",
)
_REFERRAL_SOURCES = {
    "police": "Police notification of domestic abuse with children in the household",
    "school": "School raised concerns about the child's presentation and hunger",
    "health": "Health visitor concerned about home conditions and missed health appointments",
    "anonymous": "Anonymous call from a member of the public about children left alone",
}


def _children_on(household: Household, day: date) -> list[CrosscheckPerson]:
    return [c for c in household.children if c.born_by(day) and c.age_on(day) < 18]


def _resident_adults(household: Household, day: date) -> list[CrosscheckPerson]:
    adults = [household.mother]
    partner = household.partner
    arrived = household.partner_arrived is None or household.partner_arrived <= day
    if partner and not partner.lives_elsewhere and arrived:
        adults.append(partner)
    return adults


def domestic_abuse(household: Household, rng: random.Random, window: Window) -> list[Happening]:
    """Incidents escalating over months, each told by police, school, DA service and health."""
    found: list[Happening] = []
    victim, perpetrator = household.mother, household.partner
    if perpetrator is None:
        return found
    count = rng.choices((1, 2, 3, 4, 5, 6), (35, 25, 15, 10, 8, 7))[0]
    day = window.start + timedelta(days=rng.randint(0, max(1, (window.end - window.start).days)))
    for number in range(count):
        if not window.holds(day):
            break
        found.extend(_incident(household, victim, perpetrator, rng, window, day, number))
        day += timedelta(days=rng.randint(14, 300 - 30 * min(number, 6)))
    return found


def _incident(
    household: Household,
    victim: CrosscheckPerson,
    perpetrator: CrosscheckPerson,
    rng: random.Random,
    window: Window,
    day: date,
    number: int,
) -> list[Happening]:
    children = _children_on(household, day)
    parts = [Part(victim, "VICTIM"), Part(perpetrator, "SUSPECT")]
    parts += [Part(c, "PRESENT") for c in children]
    outcome = rng.choice(("NFA", "REFERRED", "Suspect arrested", "Suspect left before arrival"))
    summary = rng.choice(_INCIDENTS).format(who="the mother")
    if children:
        summary += f"; {len(children)} {'child' if len(children) == 1 else 'children'} in the home"
    police = Happening("POLICE", day, "DA_INCIDENT", summary, outcome, "", parts, clock(rng, True))
    found = [police]
    risk = "high" if rng.random() < 0.12 + 0.08 * number else rng.choice(("standard", "medium"))
    if rng.random() < 0.6:
        dash = Happening(
            "POLICE",
            day,
            "DASH_ASSESSMENT",
            f"DASH risk assessment completed with the victim: {risk} risk",
            risk.upper(),
            "",
            parts[:2],
            police.time,
        )
        found.append(dash)
    if risk == "high":
        found.append(
            subject(
                "POLICE",
                day + timedelta(days=1),
                "MARAC_REFERRAL",
                "Referred to Marac as high risk",
                victim,
                "REFERRED",
            )
        )
        meeting = day + timedelta(days=rng.randint(14, 28))
        if window.holds(meeting):
            found.append(
                subject(
                    "DA_SERVICE",
                    meeting,
                    "MARAC_MEETING",
                    "Case heard at Marac; safety plan agreed",
                    victim,
                    "PLAN",
                )
            )
    if rng.random() < 0.6:
        found.append(
            subject(
                "DA_SERVICE",
                day + timedelta(days=rng.randint(1, 10)),
                "DA_SERVICE_CONTACT",
                "Outreach worker made contact; safety planning and support offered",
                victim,
            )
        )
    for child in children:
        if 4 <= child.age_on(day) < 16:
            found.append(
                subject(
                    "SCHOOL",
                    next_school_day(day),
                    "ENCOMPASS_NOTIFICATION",
                    "Operation Encompass notice received from police; key adult informed",
                    child,
                )
            )
    if rng.random() < 0.12:
        injured = subject(
            "ED",
            day + timedelta(days=rng.randint(0, 1)),
            "INJURY",
            "Facial bruising; said she walked into a door",
            victim,
            "Discharged home",
        )
        injured.time = clock(rng, True)
        found.append(injured)
    if "social_care" in household.concerns and (number == 0 or rng.random() < 0.35):
        found.extend(
            social_care(household, rng, window, day + timedelta(days=rng.randint(1, 5)), "police")
        )
    return [h for h in found if window.holds(h.day)]


def social_care(
    household: Household, rng: random.Random, window: Window, day: date, source: str
) -> list[Happening]:
    """One referral to children's social care and where it led: NFA, assessment, CIN or CP."""
    found: list[Happening] = []
    children = _children_on(household, day)
    if not children:
        return found
    parents = _resident_adults(household, day)
    path = rng.choices(("nfa", "assessed", "cin", "cp"), (38, 27, 20, 15))[0]
    for child in children:
        found.extend(_pathway(child, parents, path, rng, day, source))
    return [h for h in found if window.holds(h.day)]


#: A step of a social care pathway: days after the step before (a fixed number, or a
#: range drawn at random), the event type, summary and outcome, and whether the whole
#: family is part of it (otherwise the child alone).
_Step = tuple[int | tuple[int, int], str, str, str, bool]

_NFA: Final[tuple[_Step, ...]] = (
    ((1, 3), "REFERRAL_NFA", "Information and advice given; no further action", "NFA", False),
)
_ASSESSMENT: Final[tuple[_Step, ...]] = (
    ((2, 10), "ASSESSMENT", "Child and family assessment started", "ASSESSMENT", True),
)
_ASSESSED: Final[tuple[_Step, ...]] = (
    ((20, 45), "ASSESSMENT_NFA", "Assessment completed; signposted to early help", "NFA", False),
)
_CHILD_PROTECTION: Final[tuple[_Step, ...]] = (
    ((1, 5), "STRATEGY_DISCUSSION", "Strategy discussion with police and health", "", False),
    ((1, 3), "S47_ENQUIRY", "Section 47 enquiry started", "", False),
    ((12, 20), "CP_CONFERENCE", "Initial child protection conference", "PLAN", True),
    (0, "CP_PLAN_START", "Child protection plan: emotional abuse", "PLAN", False),
)
_LOOKED_AFTER: Final[tuple[_Step, ...]] = (
    ((40, 200), "LOOKED_AFTER_START", "Accommodated with foster carers under section 20",
     "PLAN", False),
)  # fmt: skip
_STEPPED_DOWN: Final[tuple[_Step, ...]] = (
    ((180, 540), "CP_PLAN_END", "Child protection plan ended; stepped down to child in need",
     "CLOSED", False),
)  # fmt: skip
_CHILD_IN_NEED: Final[tuple[_Step, ...]] = (
    ((150, 400), "CIN_PLAN_END", "Child in need plan ended", "CLOSED", False),
    ((1, 14), "CASE_CLOSED", "Case closed", "CLOSED", False),
)
_CIN_START: Final = ("CIN_PLAN_START", "Child in need plan agreed with the family", "PLAN", True)


def _pathway(
    child: CrosscheckPerson,
    parents: list[CrosscheckPerson],
    path: str,
    rng: random.Random,
    day: date,
    source: str,
) -> list[Happening]:
    family = [Part(child, "SUBJECT")] + [Part(p, "PARENT") for p in parents]
    found: list[Happening] = []

    def take(*steps: _Step) -> list[Happening]:
        """Each step in turn, its gap drawn as it is reached (so the draws keep their order)."""
        nonlocal day
        for after, event_type, summary, outcome, whole in steps:
            day += timedelta(days=after if isinstance(after, int) else rng.randint(*after))
            parts = family if whole else family[:1]
            found.append(Happening("CSC", day, event_type, summary, outcome, "", parts))
        return found

    take((0, "REFERRAL", _REFERRAL_SOURCES[source], "", True))
    if path == "nfa":
        return take(*_NFA)
    take(*_ASSESSMENT)
    if path == "assessed":
        return take(*_ASSESSED)
    if path == "cp":
        take(*_CHILD_PROTECTION)
        if rng.random() < 0.08:
            return take(*_LOOKED_AFTER)
        take(*_STEPPED_DOWN)
    return take((0 if path == "cp" else (20, 45), *_CIN_START), *_CHILD_IN_NEED)


def other_referral(household: Household, rng: random.Random, window: Window) -> list[Happening]:
    """A referral that did not come from a domestic abuse call-out; sometimes a second one."""
    source = rng.choice(("school", "health", "anonymous"))
    if "neglect" in household.concerns:
        source = "health"
    day = window.start + timedelta(days=rng.randint(0, (window.end - window.start).days))
    found = social_care(household, rng, window, day, source)
    if found and rng.random() < 0.3:  # referred again later: "start again"
        again = day + timedelta(days=rng.randint(400, 1200))
        found.extend(social_care(household, rng, window, again, source))
    return found


def parent_mental_health(
    household: Household, rng: random.Random, window: Window
) -> list[Happening]:
    """A parent's episode of adult mental health care, with the GP visit that started it."""
    adults = [a for a in household.adults if not a.lives_elsewhere]
    parent = adults[-1] if len(adults) > 1 and rng.random() < 0.3 else household.mother
    start = window.start + timedelta(days=rng.randint(0, (window.end - window.start).days))
    found = [
        subject(
            "GP",
            start,
            "MENTAL_HEALTH_CONTACT",
            "Low mood and anxiety; referred to adult mental health",
            parent,
            "REFERRED",
        ),
    ]
    day = start + timedelta(days=rng.randint(14, 60))
    for number in range(rng.randint(3, 8)):
        if rng.random() < 0.18:
            found.append(
                subject(
                    "ADULT_MH",
                    day,
                    "APPOINTMENT_MISSED",
                    "Did not attend the planned review",
                    parent,
                    "DNA",
                )
            )
        else:
            words = (
                "Assessment by the community mental health team"
                if number == 0
                else ("Review with care coordinator; children discussed")
            )
            found.append(subject("ADULT_MH", day, "MENTAL_HEALTH_CONTACT", words, parent))
        day += timedelta(days=rng.randint(14, 70))
    return [h for h in found if window.holds(h.day)]


def housing(household: Household, rng: random.Random, window: Window) -> list[Happening]:
    """A social landlord's view: tenancies, arrears, and sometimes homelessness."""
    found: list[Happening] = []
    visit = some_day(rng, window.start, window.end)
    found.append(
        Happening(
            "HOUSING",
            visit,
            "CONTACT",
            "Tenancy audit visit; household members confirmed",
            "",
            "",
            _tenancy(household, visit),
        )
    )
    for moved in household.moves():
        home = household.home_on(moved)
        where = f"{home.number} {home.street.name} {home.street.kind}"
        found.append(
            Happening(
                "HOUSING",
                moved,
                "HOUSE_MOVE",
                f"New tenancy signed at {where}",
                "",
                "",
                _tenancy(household, moved),
            )
        )
    tenant = household.mother
    for day in arrivals(rng, window.start, window.end, 0.15):
        found.append(
            subject(
                "HOUSING",
                day,
                "CONCERN",
                "Rent arrears of eight weeks; repayment plan agreed",
                tenant,
            )
        )
    if ("da" in household.concerns and rng.random() < 0.25) or rng.random() < 0.03:
        day = window.start + timedelta(days=rng.randint(0, (window.end - window.start).days))
        parts = [Part(tenant, "SUBJECT")]
        parts += [Part(c, "HOUSEHOLD_MEMBER") for c in _children_on(household, day)]
        found.append(
            Happening(
                "HOUSING",
                day,
                "HOMELESSNESS",
                "Presented as homeless with the children; temporary accommodation arranged",
                "",
                "",
                parts,
            )
        )
    return found


def _tenancy(household: Household, day: date) -> list[Part]:
    parts = [Part(t, "SUBJECT") for t in _resident_adults(household, day)]
    return parts + [Part(c, "HOUSEHOLD_MEMBER") for c in _children_on(household, day)]
