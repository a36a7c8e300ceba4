"""The words of a child's THRIVE pages: the groupings over time, the Current View form and
the grouping form, in one place for the pages and their errors (plain English, GOV.UK
style, for practitioners, social workers and board members)."""

from __future__ import annotations

from typing import Final

PAGE_TITLE: Final = "THRIVE groupings and Current Views"
LINK: Final = "THRIVE groupings and Current Views"
INTRO: Final = (
    "A THRIVE grouping describes the child's need at a point in time, agreed with the child "
    "and their family. It is not a service or a diagnosis."
)
NO_GROUPINGS: Final = "No THRIVE grouping has been recorded for this child."
NO_VIEWS: Final = "No Current View has been recorded for this child."
RECORD_VIEW: Final = "Record a Current View"
RECORD_GROUPING: Final = "Record a THRIVE grouping"
VIEW_TITLE: Final = "Record a Current View"
GROUPING_TITLE: Final = "Record a THRIVE grouping"
BACK: Final = "Back to THRIVE groupings"
VIEW_KEPT: Final = "The Current View is kept."
GROUPING_KEPT: Final = "The grouping is kept."
HIDDEN: Final = (
    "{count} grouping(s) or Current View(s) are not shown: the sharing agreement shares only "
    "that their agency is involved."
)
RECORDED_HERE: Final = "Recorded in WholeStory"
FROM_FILE: Final = "From the agency's records"

# The Current View form.
VIEW_HINT: Final = (
    "Rate each item from what you know now. Leave an item as Not known if you do not know."
)
PROPOSED_TITLE: Final = "Proposed from the records: please check"
PROPOSED_HINT: Final = (
    "The records suggest these complexity factors. Nothing is filled in for you: tick a "
    "factor to confirm it (it is then recorded as Yes, confirmed from the records). If you "
    "leave it unticked, your own answer below is recorded."
)
CONFIRM: Final = "Confirm: {factor}"
NONE_PROPOSED: Final = "The records do not suggest any complexity factors."
PROBLEMS_TITLE: Final = "Problem descriptions"
COMPLEXITY_TITLE: Final = "Complexity factors"
CONTEXTUAL_TITLE: Final = "Contextual problems"
EET_TITLE: Final = "Education, employment and training"
RECORDED_ON: Final = "Enter the day of the Current View as a real date, for example 2026-03-01"
CONFIRMED_WORDS: Final = "Confirmed from the records"

# The grouping form.
GROUPING_HINT: Final = (
    "Choose the grouping you and the child and family agreed describes their need now."
)
CHOOSE_GROUPING: Final = "Choose a grouping"
CHOOSE_AGREEMENT: Final = "Choose whether the child and family agreed (it is never assumed)"
REASON_MISSING: Final = "Say why this grouping describes the child's need now"
VIEW_MISSING: Final = (
    "Write the child's and family's view, in their words where you can; if you did not ask, say why"
)
VIEW_FIELD_HINT: Final = "In their words where you can. If you did not ask, say why."
GOALS_HINT: Final = (
    "For Getting Help and Getting More Help: what success looks like, agreed with the child "
    "and family."
)
SUCCESS_HINT: Final = "By when success, as the goals describe it, is due. For example 2026-06-01"
REVIEW_MISSING: Final = "Enter the review date as a real date, for example 2026-06-01"
DAY_INVALID: Final = "Enter a real date, for example 2026-03-01"
SUGGESTION_TITLE: Final = "WholeStory's suggestion: a prompt, not a verdict"
SUGGESTED: Final = "Suggested grouping"
NO_SUGGESTION: Final = "No grouping is suggested."
REASONS: Final = "Why"
EVIDENCE: Final = "What it rests on"
UNSEEN: Final = "What it could not see"
AGREED_WITH_SUGGESTION: Final = "Chose the suggested grouping"
DIFFERED_FROM_SUGGESTION: Final = "Chose differently from the suggestion ({title})"
NO_SUGGESTION_THEN: Final = "No suggestion at the time"

# The timeline lane and the chronology.
LANE: Final = "THRIVE grouping"
