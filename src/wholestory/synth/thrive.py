"""THRIVE stories planted in the synthetic partnership: for a share of children, a true
need (one of the five groupings), a Current View at first contact consistent with it, and
the grouping a practitioner recorded with the child's view (issue 16).

The true grouping is a hidden truth decided from the child's history as the generator
wrote it (:func:`true_grouping`): repeated self-harm in the last year and no mental health
contact is Getting Risk Support; self-harm with CAMHS contacts is Getting More Help; a CAMHS
referral followed by contacts is Getting Help; repeated exclusions or a referral never
seen is Getting Advice and Signposting. A child with none of these has a need drawn at
random, mostly Thriving: these are the children whose only sign of need is the Current
View, among them children with a Severe problem and no help (unmet need). The Current
View is drawn from the true need as THRIVE's groupings describe it, with noise: a problem
is sometimes rated a step lower than the need implies, or not known, and a few unrelated
problems are rated Mild. The practitioner records the true grouping most of the time and
a neighbouring one otherwise; whether the child and family agreed is recorded, never
assumed.

Nothing here adds an event: the Current Views and groupings are the template's ``thrive``
and ``current_view`` tables, so every other file and every other ground truth is the same
with or without them. Every choice comes from a random stream of the household's own,
seeded ``thrive:<seed>:<household>``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from wholestory.records.template import CURRENT_VIEW_COLUMNS, THRIVE_COLUMNS
from wholestory.synth.feed import Written
from wholestory.synth.thrive_truth import WINDOW, History, history, unmet_reasons, waits
from wholestory.synth.timeline import AS_OF
from wholestory.thrive.vocabulary import COMPLEXITY, GROUPINGS, PROBLEMS, WITH_GOALS

THRIVE_FILE: Final = "thrive.csv"
CURRENT_VIEW_FILE: Final = "current_view.csv"
GROUPINGS_FILE: Final = "ground_truth/thrive_groupings.csv"
GROUPINGS_COLUMNS: Final = (
    "child", "agency", "person_id", "recorded_on", "true_grouping", "recorded_grouping",
)  # fmt: skip
#: The share of children given a Current View: with a sign of need, and without.
SHARE_WITH_HISTORY: Final = 0.9
SHARE_WITHOUT: Final = 0.25
#: The need of a child whose history shows none (the Current View is its only sign).
LATENT: Final = (("thriving", 0.5), ("advice", 0.22), ("help", 0.14), ("more_help", 0.1),
                 ("risk_support", 0.04))  # fmt: skip
#: How often a practitioner records the true grouping; otherwise a neighbour.
RECORDED_TRUE: Final = 0.8
#: How often a school or GP, seeing a child in need of more help, records only advice.
SIGNPOSTED: Final = 0.4
AGREEMENTS: Final = (("agreed", 0.7), ("partly", 0.13), ("disagreed", 0.05),
                     ("not_asked", 0.08), ("unable", 0.04))  # fmt: skip
#: Noise on a rating the need implies: a step lower, or not known.
LOWER, UNKNOWN = 0.15, 0.05
_STEP_DOWN: Final = {"severe": "moderate", "moderate": "mild", "mild": "none"}
#: Problems a need is drawn among (besides self-harm, planted from the history).
_MOOD: Final = ("low_mood", "anxious_general", "anxious_social", "panics", "trauma",
                "family_relationships", "peer_relationships", "behaviour", "eating",
                "concentration", "self_care")  # fmt: skip
_ORDER: Final = tuple(GROUPINGS)
MIN_AGE: Final = 5
#: Groupings that are mental health help recorded.
HELP_GROUPINGS: Final = frozenset({"help", "more_help", "risk_support"})


@dataclass(frozen=True, slots=True)
class Planted:
    """One child's THRIVE story: the rows of the two tables and the truth."""

    view: tuple[str, ...]
    grouping: tuple[str, ...]
    truth: tuple[str, ...]
    severe: bool
    day: dt.date


def true_grouping(rng: random.Random, past: History) -> tuple[str, bool]:
    """The child's true need, and whether their history decided it (module note)."""
    harm, seen = past.recent(past.self_harm), past.recent(past.contacts) > 0
    if harm >= 2 and not seen:
        return "risk_support", True
    if harm and seen:
        return "more_help", True
    if past.referrals and past.contacts:
        return "help", True
    if past.recent(past.exclusions) >= 2 or past.referrals:
        return "advice", True
    return _pick(rng, LATENT), False


def plant(
    seed: int, number: int, written: Sequence[Written], children: Sequence[tuple[str, dt.date]]
) -> tuple[list[Planted], list[tuple[str, ...]], list[tuple[str, ...]]]:
    """The household's THRIVE stories, its unmet need rows and its CAMHS waits, for
    ``children`` (true id, date of birth)."""
    rng = random.Random(f"thrive:{seed}:{number}")
    stories: list[Planted] = []
    unmet: list[tuple[str, ...]] = []
    waited: list[tuple[str, ...]] = []
    for child, born in children:
        past = history(written, child)
        truth, decided = true_grouping(rng, past)
        share = SHARE_WITH_HISTORY if decided else SHARE_WITHOUT
        story = None
        if rng.random() < share:
            story = _story(rng, written, child, born, past, truth)
        if story is not None:
            stories.append(story)
        recent = story is not None and AS_OF - WINDOW < story.day <= AS_OF
        helped = recent and story is not None and story.truth[-1] in HELP_GROUPINGS
        reasons = unmet_reasons(past, recent and story is not None and story.severe, helped)
        if reasons:
            unmet.append((child, ";".join(reasons)))
        waited.extend(waits(written, child))
    return stories, unmet, waited


def _story(
    rng: random.Random,
    written: Sequence[Written],
    child: str,
    born: dt.date,
    past: History,
    truth: str,
) -> Planted | None:
    """A Current View and grouping for the child at first contact (None when no agency
    holds them by a day they are old enough)."""
    day = _first_contact(rng, past)
    if (day - born).days < MIN_AGE * 365:
        return None
    held = _held(written, child, day)
    if held is None:
        return None
    agency, person = held
    ratings = _ratings(rng, truth, past)
    recorded = truth if rng.random() < RECORDED_TRUE else _neighbour(rng, truth)
    if agency != "CAMHS" and truth in ("more_help", "risk_support") and rng.random() < SIGNPOSTED:
        recorded = "advice"  # signposted on by a school or GP: need with no help yet
    view_id = f"CV-{child}-{day:%Y%m%d}"
    values = {"agency": agency, "record_id": view_id, "person_id": person,
              "recorded_on": day.isoformat(),
              "practitioner": f"{agency.lower()}.thrive"}  # fmt: skip
    view = tuple(values.get(c) or ratings.get(c, "") for c in CURRENT_VIEW_COLUMNS)
    grouping = _grouping_row(rng, (agency, person, f"TG-{child}-{day:%Y%m%d}"), day, recorded)
    truth_row = (child, agency, person, day.isoformat(), truth, recorded)
    return Planted(view, grouping, truth_row, "severe" in ratings.values(), day)


def _first_contact(rng: random.Random, past: History) -> dt.date:
    """The day of the Current View: the first CAMHS contact after the newest referral, or
    a day in the last two years when there was none."""
    if past.referrals:
        after = [d for d in past.contacts if d >= past.referrals[-1]]
        if after:
            return after[0]
    return AS_OF - dt.timedelta(days=rng.randint(10, 700))


def _held(written: Sequence[Written], child: str, day: dt.date) -> tuple[str, str] | None:
    """The agency that records the Current View and its id for the child: CAMHS if it
    held the child by then, else the school, else the GP, else whoever did."""
    mine = [w for w in written if w.person == child and not w.bad and w.day <= day]
    for agency in ("CAMHS", "SCHOOL", "GP", *sorted({w.agency for w in mine})):
        ids = sorted((w.day, w.person_id) for w in mine if w.agency == agency and w.person_id)
        if ids and agency not in ("ED",):
            return agency, ids[-1][1]
    return None


def _ratings(rng: random.Random, truth: str, past: History) -> dict[str, str]:
    """The Current View's ratings by item code, drawn from the true need with noise."""
    meant: dict[str, str] = {p: "none" for p in PROBLEMS if rng.random() < 0.8}
    themes = rng.sample(_MOOD, 3)
    if truth == "advice":
        meant.update(dict.fromkeys(themes[: rng.randint(1, 2)], "mild"))
    elif truth == "help":
        meant.update({themes[0]: "moderate", themes[1]: rng.choice(("mild", "moderate"))})
    elif truth == "more_help":
        meant.update({themes[0]: "severe", themes[1]: "moderate", themes[2]: "moderate"})
    elif truth == "risk_support":
        meant.update({"self_harm": "severe", themes[0]: "moderate",
                      "service_engagement": "severe", "drugs_alcohol": "moderate"})  # fmt: skip
    if past.recent(past.self_harm) and truth != "risk_support":
        meant["self_harm"] = "moderate"
    ratings = {item: _noisy(rng, rating) for item, rating in meant.items()}
    if truth != "thriving":
        for extra in rng.sample([p for p in PROBLEMS if ratings.get(p) == "none"], 1):
            ratings[extra] = "mild"
        for factor in rng.sample(list(COMPLEXITY), rng.randint(0, 2)):
            ratings[factor] = "yes"
    return ratings


def _noisy(rng: random.Random, rating: str) -> str:
    draw = rng.random()
    if rating != "none" and draw < LOWER:
        return _STEP_DOWN[rating]
    if draw > 1 - UNKNOWN:
        return "not_known"
    return rating


def _neighbour(rng: random.Random, truth: str) -> str:
    at = _ORDER.index(truth)
    return _ORDER[rng.choice([i for i in (at - 1, at + 1) if 0 <= i < len(_ORDER)])]


def _grouping_row(
    rng: random.Random, ids: tuple[str, str, str], day: dt.date, grouping: str
) -> tuple[str, ...]:
    """The practitioner's grouping, with the child's view and whether they agreed."""
    agreement = _pick(rng, AGREEMENTS)
    said = "" if agreement in ("not_asked", "unable") else rng.choice(_VIEWS[agreement])
    goals = "Fewer bad days at school; sleeping better" if grouping in WITH_GOALS else ""
    success = (day + dt.timedelta(days=120)).isoformat() if goals else ""
    review = (day + dt.timedelta(days=rng.choice((42, 90, 182)))).isoformat()
    agency, person, record = ids
    values = {"agency": agency, "record_id": record, "person_id": person,
              "grouping": grouping, "recorded_on": day.isoformat(),
              "practitioner": f"{agency.lower()}.thrive", "reason": _REASONS[grouping],
              "childs_view": said, "agreement": agreement, "goals": goals,
              "success_by": success, "review_on": review}  # fmt: skip
    return tuple(values[c] for c in THRIVE_COLUMNS)


_REASONS: Final = {
    "thriving": "Doing well at home and school; no worries raised.",
    "advice": "Some worries; signposted to the school's wellbeing offer.",
    "help": "Low mood affecting school; agreed a short course of help.",
    "more_help": "Severe difficulties over months; needs longer, specialist help.",
    "risk_support": "Ongoing risk; not engaging with help so far; risk plan agreed.",
}
_VIEWS: Final = {
    "agreed": ("I want to try this.", "Mum thinks this will help."),
    "partly": ("I'll go but I don't think I need it.", "Happy with some of it."),
    "disagreed": ("I don't need any help.", "Dad says it is not that bad."),
}


def _pick(rng: random.Random, choices: Sequence[tuple[str, float]]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]
