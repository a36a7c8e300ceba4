"""The words of the THRIVE population view, for board members and practitioners."""

from __future__ import annotations

from typing import Final

from wholestory.thrive.vocabulary import GROUPINGS

TITLE: Final = "Children's mental health across the partnership"
NO_GROUPING: Final = "No grouping recorded"
UNKNOWN: Final = "Not known"
TOTAL: Final = "All children"
#: What each breakdown is by, for headings and the command's --by.
BY: Final = {
    "grouping": "THRIVE grouping",
    "district": "Postcode district",
    "age": "Age",
    "sex": "Sex",
}
AGE_BANDS: Final = ("0 to 4", "5 to 10", "11 to 15", "16 to 17")
REASONS: Final = {
    "self_harm": "Self harm",
    "aces": "4 or more adverse childhood experiences",
    "exclusions": "Excluded from school 2 or more times",
    "severe_problem": "A problem rated Severe",
}
UNMET: Final = "Children with need shown and no mental health help in the last 12 months"
WAITING: Final = "Waiting from a CAMHS referral to first contact"


def grouping_title(code: str) -> str:
    """A grouping's title; the words for no grouping when there is none."""
    return GROUPINGS.get(code, NO_GROUPING) if code else NO_GROUPING
