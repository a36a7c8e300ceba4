"""The words of THRIVE quality improvement: PDSA cycles, their measures and charts, and the
implementation assessment, in one place for the pages, the command line and the errors."""

from __future__ import annotations

from typing import Final

#: A cycle's decision at its Act stage.
DECISIONS: Final[dict[str, str]] = {
    "adopt": "Adopt: keep the change",
    "adapt": "Adapt: change it and test again",
    "abandon": "Abandon: stop the change",
}
OPEN: Final = "Open: not yet decided"

# What a measure definition may not be.
NOT_READABLE: Final = "The measures could not be read: write them as a YAML or JSON list."
NO_MEASURES: Final = "Choose at least one measure."
NOT_A_MEASURE: Final = "Each measure must be a practice measure's code or a definition."
ONE_KIND: Final = (
    "Each measure must be exactly one of: practice (a practice measure), events (a count of "
    "events per month) or thrive_agreed (the share of groupings agreed with the child)."
)
UNKNOWN_PRACTICE: Final = "There is no practice measure called {code}."
UNKNOWN_KEYS: Final = "An events measure does not take: {keys}."
UNKNOWN_EVENTS: Final = "These are not event types of the template: {codes}."
BAD_AGENCY: Final = "Agencies must be given as codes, such as SCHOOL or CAMHS."
BAD_BETTER: Final = "Better must be higher, lower or neither."
BAD_CHILDREN: Final = "children_only must be true or false."
NOT_A_LIST: Final = "Event types and agencies must be given as a list of codes."
EVENTS_TITLE: Final = "Events per month: {codes}"
THRIVE_AGREED: Final = "THRIVE groupings agreed with the child and family"
VALUE_LABELS: Final[dict[str, str]] = {
    "count": "Events",
    "share": "Per cent",
    "days": "Days (median)",
}

# A cycle's fields, when missing or wrong.
REQUIRED: Final = "Enter the {field}."
CHANGED_ON: Final = "Enter the day the change was made as a date, such as 2026-03-01."
DECISION: Final = "Choose adopt, adapt or abandon."
DECIDED_ON: Final = "Enter the day of the decision as a date, not before the change."
NO_CYCLE: Final = "There is no PDSA cycle {id}."

# The charts' readings.
NO_POINTS: Final = "No chart: no month has a figure to show."
LEFT_OFF: Final = "Not on the chart: {months} (small numbers, a count of 1 to 4)."
READING_NO_AFTER: Final = "No months after the change yet: nothing to compare."
READING_NO_BEFORE: Final = "No months before the change: the limits are the change's own."
READING_SHIFT: Final = (
    "After the change the average moved from {before} to {after}, and special cause "
    "variation shows since the change: {icon}."
)
MOVED_BEYOND: Final = "the months since lie beyond the limits of the months before"
READING_NONE: Final = (
    "After the change the average moved from {before} to {after}, but no month since the "
    "change shows special cause variation: no significant change yet."
)

# The implementation assessment.
SCORE: Final = "Score each principle from 1 to 4."
ASSESSED_ON: Final = "Enter the day of the assessment as a date, such as 2026-03-01."
ALREADY: Final = "There is already an assessment on {day}."
THRIVE_LIKE_WORDS: Final = "THRIVE-like"
NOT_YET: Final = "Not yet THRIVE-like"
SCORES: Final[dict[int, str]] = {
    1: "1: not in place",
    2: "2: emerging",
    3: "3: THRIVE-like",
    4: "4: fully THRIVE-like",
}
