"""The words of the learning review pages (issue 17): plain English for the business unit,
in one place so the pages, their tests and the browser journey read the same words."""

from __future__ import annotations

from typing import Any, Final

OPEN_BUTTON: Final = "Open the review"
DECIDE_BUTTON: Final = "Record the decision"
DRAFT_BUTTON: Final = "Draft the narrative"
SAVE_BUTTON: Final = "Save a new version"

#: What each field of the "open a review" form is called, by its name.
FIELDS: Final[dict[str, str]] = {
    "agency": "Agency that knows the child",
    "person_id": "The agency's id for the child",
    "learned_on": "Date the local authority learned of the incident",
    "notified_on": "Date the Panel was notified (if it has been)",
    "title": "Title of the review",
}
MISSING: Final[dict[str, str]] = {
    "agency": "Choose the agency that knows the child",
    "person_id": "Enter the agency's id for the child",
    "learned_on": "Enter the date the local authority learned of the incident",
    "on": "Enter the date of the decision",
    "decision": "Choose the decision",
}
NOT_A_DATE: Final = "Enter a real date, for example 2026-03-27"
EMPTY_NARRATIVE: Final = "Enter the narrative"


def overdue_banner(n: int) -> str:
    """The business unit's home-page and list banner."""
    return f"{n} review clock is overdue" if n == 1 else f"{n} review clocks are overdue"


def clock_state(clock: dict[str, Any]) -> str:
    """A clock's state in words (never colour alone): done on time or late, overdue, or the
    working days left."""
    if clock["done_on"]:
        return "Done on time" if clock["on_time"] else "Done late"
    left = clock["working_days_left"]
    if clock["overdue"]:
        late = -left
        if late < 1:  # due on a working day, and today is the weekend or a bank holiday after
            return "Overdue"
        return f"Overdue by {late} working day{'s' if late != 1 else ''}"
    if left == 0:
        return "Due today"
    return f"{left} working day{'s' if left != 1 else ''} left"
