"""The board pack's words, in one place."""

from __future__ import annotations

from typing import Final

TITLE: Final = "Quality and Impact Executive board pack"
MARKING: Final = "OFFICIAL-SENSITIVE: for the board. Counts from 1 to 4 read 'fewer than 5'."
HOW_TO_READ: Final = (
    "Each chart is a Making Data Count XmR chart: the centre line is the mean; the dashed "
    "lines are the process limits; a point marked in colour is special cause variation (a "
    "point outside the limits, a run of seven rising or falling, two of three near a limit, "
    "or seven on one side of the mean). The words under each chart read it."
)
MEASURES: Final = "The partnership's measures"
TRACKER: Final = "Recommendations and actions"
REVIEWS: Final = "Learning reviews in progress"
THEMES: Final = "Case file audit themes"
DOMESTIC_ABUSE: Final = "Domestic abuse this quarter"
THRIVE: Final = "Children's mental health (THRIVE)"
DEFINITIONS: Final = "What each chart counts"
NO_CHART: Final = "Not enough months to chart (fewer than two shown)."
LEFT_OUT_SMALL: Final = "Left off the chart for small numbers: {months}."
LEFT_OUT_EMPTY: Final = "Nothing to measure: {months}."
MARKED: Final = "Special cause in: {months}."
SOURCE: Final = "Source"
NO_REVIEWS: Final = "No learning review is in progress."
NO_ACTIONS: Final = "No recommendations or actions yet."
DA_ROWS: Final = {
    "incidents": "Police domestic abuse incidents",
    "children_affected": "Children in the households",
    "repeat_incidents": "Repeat incidents (another in the 12 months before)",
    "marac_referrals": "Marac referrals",
    "repeat_marac_referrals": "Repeat Marac referrals",
    "marac_cases_last_year": "Marac cases in the 12 months to the quarter's end",
    "encompass_owed": "Operation Encompass notices owed to schools",
    "encompass_on_time": "Notices sent before the next school day",
}
COUNT_WORDS: Final = {
    "actions": "Actions", "red": "Overdue (red)", "amber": "At risk (amber)",
    "green": "On track (green)", "complete": "Complete", "overdue": "Overdue",
    "assured": "Assured by another agency",
}  # fmt: skip
