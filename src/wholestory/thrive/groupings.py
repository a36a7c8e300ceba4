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
from typing import Any

from wholestory.thrive.vocabulary import AGREEMENT, GROUPINGS, WITH_GOALS


class GroupingError(ValueError):
    """A grouping that cannot be kept: every fault, each naming its field."""

    def __init__(self, faults: list[str]) -> None:
        super().__init__("; ".join(faults))
        self.faults = faults


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
    faults = [*_codes(grouping), *_words(grouping), *_days(grouping, today)]
    if faults:
        raise GroupingError(faults)
    return grouping


def _codes(g: Grouping) -> list[str]:
    faults = []
    if g.grouping not in GROUPINGS:
        faults.append(f"Grouping: '{g.grouping}' is not one of {', '.join(GROUPINGS.values())}.")
    if g.agreement not in AGREEMENT:
        faults.append(
            "Whether the child and family agreed: choose one of "
            f"{', '.join(AGREEMENT.values())} (it is never assumed)."
        )
    if g.suggested and g.suggested not in GROUPINGS:
        faults.append(f"Suggested grouping: '{g.suggested}' is not a grouping.")
    return faults


def _words(g: Grouping) -> list[str]:
    faults = []
    if not g.reason.strip():
        faults.append("Reason: say why this grouping describes the child's need now.")
    if not g.childs_view.strip() and g.agreement not in {"not_asked", "unable"}:
        faults.append("The child's and family's view: write it, in their words where you can.")
    if g.grouping in WITH_GOALS and not g.goals.strip():
        faults.append(f"Goals: {GROUPINGS.get(g.grouping)} needs the goals agreed.")
    return faults


def _days(g: Grouping, today: dt.date) -> list[str]:
    faults = []
    if g.recorded_on > today:
        faults.append(f"Date: {g.recorded_on:%d %B %Y} is in the future.")
    if g.review_on <= g.recorded_on:
        faults.append("Review date: it must be after the day the grouping was recorded.")
    if g.grouping in WITH_GOALS and g.success_by is None:
        faults.append("By when: say when success, as the goals describe it, is due.")
    if g.success_by is not None and g.success_by <= g.recorded_on:
        faults.append("By when: it must be after the day the grouping was recorded.")
    return faults
