"""The cross-check's own THRIVE planting (issue 16), written apart from the product's
generator so that the product is never tuned to one partnership's shapes.

For some children the cross-check writes a Current View and the grouping a practitioner
recorded, in THRIVE's words rather than codes, with a truth of its own: a child's need is
read from their story by a ladder of its own (self-harm in the last two years and a missed
CAMHS appointment is Getting Risk Support; any self-harm is Getting More Help; a CAMHS
session is Getting Help; a suspension, an exclusion or a referral is Getting Advice and
Signposting), else drawn. The Current View describes the need in other shapes than the
product's generator draws (several Severe problems, contextual problems, items blank
rather than None), and sometimes understates it. The truth of unmet need is worked out
from the rows the family's agencies wrote, by the issue's words: need (self-harm, two or
more suspensions or exclusions, a Current View with a Severe problem, all in the 12
months to the last day) and no mental health contact, CAMHS record but a referral, or
grouping of help recorded in those 12 months.

Everything is drawn from a stream of the family's own, so every other file is unchanged.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Final

from wholestory.crosscheck.looks import Seen
from wholestory.records.csv_files import CsvFiles
from wholestory.records.template import CURRENT_VIEW_COLUMNS, CURRENT_VIEW_ITEMS, THRIVE_COLUMNS

STREAM: Final = "wholestory-crosscheck-thrive"
#: The two tables, beside the agencies' event files (not event files themselves).
VIEWS_FILE, GROUPINGS_FILE = "mh_current_view.csv", "mh_thrive.csv"
#: THRIVE's words, as the template describes them (docs/agency-template.md): the
#: cross-check writes words, never the product's codes, and keeps its own copy.
GROUPINGS: Final = {"thriving": "Thriving", "advice": "Getting Advice and Signposting",
                    "help": "Getting Help", "more_help": "Getting More Help",
                    "risk_support": "Getting Risk Support"}  # fmt: skip
AGREEMENT: Final = {"agreed": "Agreed", "partly": "Partly agreed",
                    "disagreed": "Did not agree", "not_asked": "Not asked",
                    "unable": "Could not give a view"}  # fmt: skip
#: The 30 problem descriptions come first among the template's items.
PROBLEMS: Final = CURRENT_VIEW_ITEMS[:30]
TRUE_COLUMNS: Final = ("child", "agency", "person_id", "recorded_on", "true_grouping",
                       "recorded_grouping")  # fmt: skip
#: Ladder rungs in the order they are tried, and the draw for a child with none.
DRAWN: Final = {"thriving": 60, "advice": 18, "help": 10, "more_help": 8, "risk_support": 4}
WAIT_COLUMNS: Final = ("child", "referred_on", "first_contact_on", "days", "exact")
SHARE_READ, SHARE_DRAWN = 0.6, 0.2
CHOSEN_TRUE: Final = 0.75
UNDERSTATED: Final = 0.2  # a Severe written Moderate, a Moderate written Mild
_YEAR: Final = timedelta(days=365)
_ANXIETY: Final = ("anxious_away", "anxious_social", "anxious_general", "panics",
                   "avoids_going_out", "avoids_specific", "compelled", "repetitive")  # fmt: skip
_OTHER: Final = ("low_mood", "extremes_of_mood", "behaviour", "concentration", "attachment",
                 "peer_relationships", "eating", "physical_symptoms", "trauma")  # fmt: skip


@dataclass
class Child:
    """One child's rows that bear on THRIVE, newest last."""

    true_id: str
    born: date
    rows: list[Seen] = field(default_factory=list)

    def days(self, *types: str, agency: str | None = None) -> list[date]:
        mine = [s for s in self.rows if agency is None or s.agency == agency]
        return sorted(s.day for s in mine if s.event_type in types)


def need_of(child: Child, end: date, rng: random.Random) -> tuple[str, bool]:
    """The child's true need, and whether their story decided it."""
    harm = child.days("SELF_HARM")
    if [d for d in harm if d > end - 2 * _YEAR] and child.days(
        "APPOINTMENT_MISSED", agency="CAMHS"
    ):
        return "risk_support", True
    if harm:
        return "more_help", True
    if child.days("MENTAL_HEALTH_CONTACT", agency="CAMHS"):
        return "help", True
    if child.days("SUSPENSION", "PERMANENT_EXCLUSION", "CAMHS_REFERRAL"):
        return "advice", True
    return rng.choices(list(DRAWN), weights=list(DRAWN.values()))[0], False


def view_words(need: str, rng: random.Random) -> dict[str, str]:
    """A Current View, in THRIVE's words, for a need; blank is Not known."""
    said: dict[str, str] = {}
    anxious, other = rng.sample(_ANXIETY, 2), rng.sample(_OTHER, 3)
    if need == "thriving":
        said = dict.fromkeys(rng.sample(list(PROBLEMS), 10), "None")
    elif need == "advice":
        said = {anxious[0]: "Mild", "school_work_training": rng.choice(("Mild", "None"))}
    elif need == "help":
        said = {anxious[0]: "Moderate", anxious[1]: "Mild", other[0]: "Mild"}
    elif need == "more_help":
        said = {other[0]: "Severe", other[1]: "Severe", anxious[0]: "Moderate",
                "home": "Moderate"}  # fmt: skip
    else:
        said = {"self_harm": "Severe", "risk_to_others": "Moderate", "community": "Severe",
                other[0]: "Moderate", "looked_after": "Yes"}  # fmt: skip
    lower = {"Severe": "Moderate", "Moderate": "Mild"}
    return {item: lower[v] if v in lower and rng.random() < UNDERSTATED else v
            for item, v in said.items()}  # fmt: skip


class ThriveFiles:
    """The cross-check's THRIVE tables and their truth, opened on first use."""

    def __init__(self, files: CsvFiles, folder: Path) -> None:
        truth = folder / "ground_truth"
        self.views = files.open_csv(folder / VIEWS_FILE, CURRENT_VIEW_COLUMNS)
        self.groupings = files.open_csv(folder / GROUPINGS_FILE, THRIVE_COLUMNS)
        self.truth = files.open_csv(truth / "thrive_groupings.csv", TRUE_COLUMNS)
        self.unmet = files.open_csv(truth / "thrive_unmet_need.csv", ("child", "reasons"))
        self.waits = files.open_csv(truth / "camhs_waits.csv", WAIT_COLUMNS)

    def family(self, seen: Sequence[Seen], born: dict[str, date], end: date,
               rng: random.Random) -> None:  # fmt: skip
        """Plant the family's children's THRIVE stories and write their truth."""
        for true_id in sorted(t for t in born if t in _children(seen, born, end)):
            child = Child(true_id, born[true_id], [s for s in seen if s.true_id == true_id])
            severe, helped = self._plant(child, end, rng)
            self._unmet(child, end, severe, helped)
            self._waits(child)

    def _plant(self, child: Child, end: date, rng: random.Random) -> tuple[bool, bool]:
        """Plant the child's story if drawn: (a Severe problem in the last year's Current
        View, a grouping of help recorded in the last year)."""
        need, read = need_of(child, end, rng)
        if rng.random() >= (SHARE_READ if read else SHARE_DRAWN):
            return False, False
        contacts = child.days("MENTAL_HEALTH_CONTACT", agency="CAMHS")
        day = contacts[0] if contacts else end - timedelta(days=rng.randint(30, 500))
        if (day - child.born).days < 8 * 365:
            return False, False
        held = _held(child, day)
        if held is None:
            return False, False
        agency, person = held
        words = view_words(need, rng)
        key = {"agency": agency, "person_id": person, "recorded_on": day.isoformat(),
               "practitioner": "MH practitioner"}  # fmt: skip
        ident = f"{child.true_id}-{day:%y%m%d}"
        self.views.writerow([{**key, "record_id": f"V{ident}"}.get(c) or words.get(c, "")
                             for c in CURRENT_VIEW_COLUMNS])  # fmt: skip
        chosen = (
            need if rng.random() < CHOSEN_TRUE else rng.choice([g for g in GROUPINGS if g != need])
        )
        if agency != "CAMHS" and need in ("more_help", "risk_support") and rng.random() < 0.5:
            chosen = "advice"  # signposted, waiting: a Severe problem and no help recorded
        self.groupings.writerow(_grouping(key, f"G{ident}", chosen, day, rng))
        self.truth.writerow([child.true_id, agency, person, day.isoformat(), need, chosen])
        lately = end - _YEAR < day <= end
        helping = chosen in ("help", "more_help", "risk_support")
        return lately and "Severe" in words.values(), lately and helping

    def _unmet(self, child: Child, end: date, severe: bool, helped: bool) -> None:
        def recent(days: list[date]) -> list[date]:
            return [d for d in days if end - _YEAR < d <= end]

        camhs = [s.day for s in child.rows if s.agency == "CAMHS"
                 and s.event_type != "CAMHS_REFERRAL"]  # fmt: skip
        if helped or recent(child.days("MENTAL_HEALTH_CONTACT")) or recent(camhs):
            return
        reasons = [r for r, met in (
            ("self_harm", bool(recent(child.days("SELF_HARM")))),
            ("exclusions", len(recent(child.days("SUSPENSION", "PERMANENT_EXCLUSION"))) >= 2),
            ("current_view_severe", severe)) if met]  # fmt: skip
        if reasons:
            self.unmet.writerow([child.true_id, ";".join(reasons)])

    def _waits(self, child: Child) -> None:
        referred = child.days("CAMHS_REFERRAL", agency="CAMHS")
        seen = child.days("MENTAL_HEALTH_CONTACT", agency="CAMHS")
        for n, day in enumerate(referred):
            until = referred[n + 1] if n + 1 < len(referred) else date.max
            first = next((d for d in seen if day <= d < until), None)
            if first is not None:
                self.waits.writerow([child.true_id, day.isoformat(), first.isoformat(),
                                     (first - day).days, 1])  # fmt: skip


def _children(seen: Sequence[Seen], born: dict[str, date], end: date) -> set[str]:
    """The family's children (``born``) under 18 on the last day with a row somewhere."""
    eighteen = date(end.year - 18, end.month, min(end.day, 28))
    return {s.true_id for s in seen if s.true_id in born and born[s.true_id] > eighteen}


def _held(child: Child, day: date) -> tuple[str, str] | None:
    """CAMHS's id if CAMHS knew the child by then, else the GP's, else the school's."""
    for agency in ("CAMHS", "GP", "SCHOOL"):
        ids = [(s.day, s.person_id) for s in child.rows if s.agency == agency and s.day <= day]
        if ids:
            return agency, max(ids)[1]
    return None


def _grouping(key: dict[str, str], record: str, chosen: str, day: date,
              rng: random.Random) -> list[str]:  # fmt: skip
    agreement = rng.choices(list(AGREEMENT), weights=[60, 20, 8, 8, 4])[0]
    view = {"agreed": "We talked it through and I'm OK with it.",
            "partly": "Some of it makes sense.", "disagreed": "I don't see why."}  # fmt: skip
    goals = "Back in class full time" if chosen in ("help", "more_help") else ""
    values = {**key, "record_id": record, "grouping": GROUPINGS[chosen],
              "reason": "Agreed at the first appointment.",
              "childs_view": view.get(agreement, ""), "agreement": AGREEMENT[agreement],
              "goals": goals, "success_by": (day + timedelta(days=90)).isoformat() if goals else "",
              "review_on": (day + timedelta(days=rng.randint(30, 180))).isoformat()}  # fmt: skip
    return [values[c] for c in THRIVE_COLUMNS]
