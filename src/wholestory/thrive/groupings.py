"""A child's THRIVE grouping as recorded: when, by whom, why, with the child's and family's
view, the goals agreed and a review date, checked before it is kept.

THRIVE's principles decide what a record must carry. Shared decision making: whether the
child and family agreed is recorded, never assumed, so it has no default. Outcome-informed
help: Getting Help and Getting More Help have "an agreed view from the start of what
success looks like and by when", so those need goals and a date for them. A grouping
describes a need at a point in time, so every grouping has a review date after it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Final

from wholestory.thrive.vocabulary import AGREEMENT, GROUPINGS, WITH_GOALS, choices_words

#: The name each field has on the form, which a fault begins with ("Goals: ..."); an
#: agency's file names the column instead ("goals: ..."), so both say the same thing.
LABELS: Final[dict[str, str]] = {
    "grouping": "Grouping",
    "agreement": "Whether the child and family agreed",
    "suggested": "Suggested grouping",
    "reason": "Reason",
    "childs_view": "The child's and family's view",
    "goals": "Goals",
    "recorded_on": "Date",
    "review_on": "Review date",
    "success_by": "By when",
}


@dataclass(frozen=True, slots=True)
class Fault:
    """What is wrong with one field of a grouping, in words that follow its label."""

    field: str  # a key of LABELS, the column of the same name in an agency's file
    words: str

    def __str__(self) -> str:
        return f"{LABELS[self.field]}: {self.words}"


class GroupingError(ValueError):
    """A grouping that cannot be kept: every fault, each naming its field."""

    def __init__(self, found: list[Fault]) -> None:
        self.found = found
        self.faults = [str(f) for f in found]
        super().__init__("; ".join(self.faults))


@dataclass(frozen=True, slots=True)
class Grouping:
    """One grouping of one child, as recorded."""

    person: str
    grouping: str  # a code of vocabulary.GROUPINGS
    recorded_on: dt.date
    recorded_by: str
    agency: str
    reason: str
    childs_view: str  # the child's and family's view, in their words or the worker's
    agreement: str  # a code of vocabulary.AGREEMENT
    review_on: dt.date
    goals: str = ""
    success_by: dt.date | None = None  # when success, as the goals describe it, is due
    suggested: str = ""  # the grouping WholeStory suggested at the time, "" when none

    @property
    def title(self) -> str:
        return GROUPINGS[self.grouping]

    @property
    def agrees_with_suggestion(self) -> bool | None:
        """Whether the practitioner chose what WholeStory suggested (None: no suggestion)."""
        return None if not self.suggested else self.suggested == self.grouping

    def as_dict(self) -> dict[str, Any]:
        return {
            "person": self.person,
            "grouping": self.grouping,
            "title": self.title,
            "recorded_on": self.recorded_on.isoformat(),
            "recorded_by": self.recorded_by,
            "agency": self.agency,
            "reason": self.reason,
            "childs_view": self.childs_view,
            "agreement": self.agreement,
            "goals": self.goals,
            "success_by": self.success_by.isoformat() if self.success_by else None,
            "review_on": self.review_on.isoformat(),
            "suggested": self.suggested or None,
            "agrees_with_suggestion": self.agrees_with_suggestion,
        }


def checked(grouping: Grouping, today: dt.date) -> Grouping:
    """The grouping if it can be kept; otherwise :class:`GroupingError` with every fault."""
    found = faults(grouping, today)
    if found:
        raise GroupingError(found)
    return grouping


def faults(grouping: Grouping, today: dt.date) -> list[Fault]:
    """Every fault of ``grouping``, field by field, in the form's order (none: it can be kept)."""
    return [*_codes(grouping), *_words(grouping), *_days(grouping, today)]


def _codes(g: Grouping) -> list[Fault]:
    found = []
    if g.grouping not in GROUPINGS:
        found.append(Fault("grouping", f"'{g.grouping}' is not one of {choices_words(GROUPINGS)}."))
    if g.agreement not in AGREEMENT:
        found.append(
            Fault("agreement", f"choose one of {choices_words(AGREEMENT)} (it is never assumed).")
        )
    if g.suggested and g.suggested not in GROUPINGS:
        found.append(Fault("suggested", f"'{g.suggested}' is not a grouping."))
    return found


def _words(g: Grouping) -> list[Fault]:
    found = []
    if not g.reason.strip():
        found.append(Fault("reason", "say why this grouping describes the child's need now."))
    if not g.childs_view.strip() and g.agreement not in {"not_asked", "unable"}:
        found.append(Fault("childs_view", "write it, in their words where you can."))
    if g.grouping in WITH_GOALS and not g.goals.strip():
        found.append(Fault("goals", f"{GROUPINGS.get(g.grouping)} needs the goals agreed."))
    return found


def _days(g: Grouping, today: dt.date) -> list[Fault]:
    found = []
    if g.recorded_on > today:
        found.append(Fault("recorded_on", f"{g.recorded_on:%d %B %Y} is in the future."))
    if g.review_on <= g.recorded_on:
        found.append(Fault("review_on", "it must be after the day the grouping was recorded."))
    if g.grouping in WITH_GOALS and g.success_by is None:
        found.append(Fault("success_by", "say when success, as the goals describe it, is due."))
    if g.success_by is not None and g.success_by <= g.recorded_on:
        found.append(Fault("success_by", "it must be after the day the grouping was recorded."))
    return found
