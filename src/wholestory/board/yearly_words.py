"""The yearly report's words, in one place (GOV.UK style, for partners and the board)."""

from __future__ import annotations

from typing import Final

TITLE: Final = "Safeguarding partners' yearly report {year}"
PAGE_TITLE: Final = "Yearly report"
MARKING: Final = (
    '*Draft from WholeStory\'s figures. Any count from 1 to 4 reads "fewer than 5"; '
    "no child is named. Edit freely: each save is kept as a new version.*"
)
PERIOD: Final = "This report covers {start} to {end}."
REVIEWS: Final = "Learning reviews"
REVIEWS_OPENED: Final = "Reviews started in the year: {n}."
REVIEWS_STEPS: Final = (
    "Steps finished in the year: {done}, of which on time: {on_time}, late: {late}."
)
REVIEWS_OPEN: Final = "Reviews still in progress at the year's end: {n}."
TRACKER: Final = "Recommendations and actions"
TRACKER_ROW: Final = "{label}: {n}."
THEMES: Final = "What case file audits found"
NO_FINDINGS: Final = "No finding from case file audits yet."
MEASURES: Final = "The partnership's measures"
MEASURES_FROM: Final = "Read from the board pack for {quarter}."
NO_READING: Final = "not enough months to chart."
DOMESTIC_ABUSE: Final = "Domestic abuse"
DA_ROWS: Final = {
    "incidents": "Police domestic abuse incidents in the year",
    "repeat_incidents": "Of which repeat incidents",
    "marac_referrals": "Marac referrals in the year",
    "repeat_marac_referrals": "Of which repeat referrals",
    "encompass_owed": "Operation Encompass notices owed to schools",
    "encompass_on_time": "Notices sent before the next school day",
}
THRIVE: Final = "Children's mental health (THRIVE)"
THRIVE_UNMET: Final = "Children with a need and no help recorded at the year's end: {n}."
THRIVE_WAITING: Final = "Referrals to CAMHS in {quarter}: {n}; median wait {median} days."
NOT_SHOWN: Final = "not shown"
NEXT: Final = "Next year's priorities"
NEXT_PROMPT: Final = "Write the partners' priorities here."
NOT_A_YEAR: Final = (
    "'{text}' is not a reporting year: write it as 2025-26 (April 2025 to March 2026)"
)
EMPTY: Final = "The report is empty: write its text before saving"
TOO_LONG: Final = "The report is too long: keep it under {n} characters"
