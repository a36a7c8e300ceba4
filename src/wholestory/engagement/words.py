"""The words of engagement needs, in one place: the page, the PDF, the review pack and the CLI."""

from __future__ import annotations

from typing import Final

HEADING: Final = "How to work with this family"
HINT: Final = (
    "Communication, information and engagement needs, as each agency recorded them. "
    "Meet them at every contact."
)
NONE_RECORDED: Final = "No agency has recorded a communication or engagement need."
PAST_REVIEW: Final = "Review overdue: it was due on {day}"
REVIEW_DUE: Final = "Review by {day}"
NO_REVIEW_DATE: Final = "No review date set"

#: Each need the template names, as a worker reads it.
NEED_WORDS: Final[dict[str, str]] = {
    "INTERPRETER": "Needs an interpreter",
    "BSL": "Uses British Sign Language: book a BSL interpreter",
    "EASY_READ": "Needs information in easy read",
    "LARGE_PRINT": "Needs information in large print",
    "BRAILLE": "Needs information in braille",
    "ADVOCATE": "Needs an advocate",
    "CONTACT_METHOD": "How to make contact",
    "TIMES_PLACES": "Times and places that work",
    "TRUSTED_ADULT": "Trusted adult",
    "NEURODIVERGENCE": "Neurodivergence: adjustments",
    "LEARNING_DISABILITY": "Learning disability: adjustments",
    "TRAUMA_INFORMED": "Trauma-informed: what helps, what to avoid",
    "OTHER": "Other need",
}
#: What the detail of each need holds, where it needs a label of its own.
DETAIL_LABELS: Final[dict[str, str]] = {
    "INTERPRETER": "Language",
    "CONTACT_METHOD": "How",
    "TRAUMA_INFORMED": "What helps and what to avoid",
}
DETAIL_LABEL: Final = "Detail"

# The form that records a need in the app (GOV.UK error messages: say what to do).
FORM_TITLE: Final = "Record a communication or engagement need"
FORM_CHANGE_TITLE: Final = "Change a communication or engagement need"
CHOOSE_NEED: Final = "Choose the need"
ENTER_DETAIL: Final = "Enter the {what}: the need means nothing without it"
REVIEW_IN_PAST: Final = "The review date must be today or later"
RECORD: Final = "Record the need"
SAVE: Final = "Save the change"
RECORD_LINK: Final = "Record a communication or engagement need"
CHANGE_LINK: Final = "Change"
