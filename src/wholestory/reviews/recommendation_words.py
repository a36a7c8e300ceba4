"""The words of the recommendation pages (new, and one recommendation with its actions and
charts), plain for social workers and board members, in one place so they are changed once."""

from __future__ import annotations

from typing import Final

NEW_TITLE: Final = "Add a recommendation"
ADD_RECOMMENDATION: Final = "Add the recommendation"
ADD_ACTION: Final = "Add the action"
#: The form's labels, by field name.
LABELS: Final[dict[str, str]] = {
    "source": "Where the recommendation comes from",
    "source_ref": "Reference",
    "review_id": "The learning review (if it came from one)",
    "text": "Recommendation",
    "accepted_on": "Accepted on",
    "measures": "Measures that should change",
    "action_text": "Action",
    "owner_agency": "Owner agency",
    "owner": "Owner (username)",
    "due_on": "Due by",
}
NO_REVIEW: Final = "None"
REVIEW_OPTION: Final = "Learning review {id}"
DATE_HINT: Final = "For example, 2026-03-27"
NOT_A_DATE: Final = "Enter a real date, for example 2026-03-27"
ADDED_REC: Final = "Recommendation added"
ADDED_ACTION: Final = "Action added"
NO_ACTIONS: Final = "No actions yet."
NO_MEASURES: Final = "No measures were named for this recommendation."

# The one line under each before-and-after chart.
NO_MONTHS: Final = "No month can be charted yet."
NO_SPLIT: Final = (
    "There are not yet charted months both before and after the recommendation was "
    "accepted, so the limits are not worked out again."
)
SPLIT: Final = (
    "Limits worked out again from {month}, when the recommendation was accepted: "
    "the average was {before} before and {after} since."
)
