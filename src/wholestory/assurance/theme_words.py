"""The words of the themes across audits, in one place: the page, the PDF, the CSV and the
command line say them alike. Written for a board member and a QA officer (GOV.UK style).
"""

from __future__ import annotations

from typing import Final

from wholestory.figures import SUPPRESS_BELOW

TITLE: Final = "Themes across case file audits"
QA_TITLE: Final = "Learning in the auditors' own words"
#: How a hidden figure reads: small itself, or hidden so a small one cannot be worked out.
FEWER: Final = f"fewer than {SUPPRESS_BELOW}"
NOT_SHOWN: Final = "not shown"
TOO_FEW: Final = "too few to show"

#: How the periods of a chart and a table are made.
BY_PROGRAMME, BY_MONTH, BY_QUARTER = "programme", "month", "quarter"
GROUPINGS: Final[dict[str, str]] = {
    BY_PROGRAMME: "Each programme",
    BY_MONTH: "Month the programme ended",
    BY_QUARTER: "Quarter the programme ended",
}
PROGRAMME_PERIOD: Final = "No. {id}, {end:%b %Y}"

PERIOD_ANY: Final = "Programmes ending at any time"
PERIOD_FROM_TO: Final = "Programmes ending from {start} to {end}"
PERIOD_FROM: Final = "Programmes ending on or after {start}"
PERIOD_TO: Final = "Programmes ending on or before {end}"
NO_PROGRAMMES: Final = "No audit programme matches: nothing to show."
OTHER_SCALE: Final = (
    "Left out, being graded on another scale ({scale}): {programmes}. "
    "Choose them on their own to see their themes."
)

BY_DOMAIN: Final = "Grades by domain"
BY_AGENCY: Final = "Grades by agency"
BY_PERIOD: Final = "Grades by period"
DOMAIN, AGENCY, PERIOD = "Domain", "Agency", "Period"
TOTAL: Final = "All grades"

#: Where the grades of record came from.
ALL_MODERATED: Final = "Every grade here was agreed by a moderator."
SOME_MODERATED: Final = (
    "Some grades here are the auditor's as submitted: they have not been moderated yet."
)
NONE_MODERATED: Final = "No grade here has been moderated yet: each is the auditor's as submitted."
NO_GRADES: Final = "No audit in these programmes has been submitted yet."

LEARNING: Final = "The most frequent learning points"
LEARNING_CASES: Final = "Cases"
NO_LEARNING: Final = "No learning points recorded yet."

FINDINGS: Final = "Repeated findings"
FINDINGS_HINT: Final = (
    "What auditors found in more than one of the last {last} programmes: questions answered "
    "no or only partly, and learning points recorded again."
)
QUESTION_FINDING: Final = "{domain}: {question} No or only partly in {counts}."
LEARNING_FINDING: Final = "{tag}: recorded for {counts}."
ANSWERS_COUNTS: Final = "{n} of {d} agencies' answers"
CASES_COUNTS: Final = "{n} of {d} cases audited"
HIDDEN_ANSWERS: Final = "some agencies' answers (too few to show how many)"
HIDDEN_CASES: Final = "some cases (too few to show how many)"
FOUND_IN: Final = " Found in {found} of the last {last} programmes."
NO_FINDINGS: Final = "Nothing was found again in more than one of the last {last} programmes."
ONE_PROGRAMME: Final = "Repeated findings need at least two programmes."

TRENDS: Final = "Change over time"
TREND_MEASURE: Final = "{domain}: share of grades {good}"
TREND_VALUE: Final = "Per cent of grades {good}"
LEFT_OUT: Final = "Left out, too few grades to show: {periods}."
NO_TREND: Final = "Too few grades in any period to draw this chart."
GOOD_GRADES: Final = "{grade} or better"
GOOD_POINTS: Final = "{low} or more (of {high})"

PROGRAMMES: Final = "Programmes covered"
PROGRAMME_ROW: Final = "No. {id}: {theme}, {start} to {end}"
CASES_AUDITED_LABEL: Final = "cases audited:"
CASES_AUDITED: Final = CASES_AUDITED_LABEL + " {cases}"

METHOD: Final = "How these figures are made"
METHOD_LINES: Final = (
    "A grade of record is given for each domain, for each agency's practice on each audited "
    "case. It is the grade a moderator agreed, where the domain was moderated; otherwise the "
    "grade the auditor submitted. Audits not yet submitted are not counted.",
    "Grades are counted on the audit tool's own scale. A share 'or better' counts the grades "
    "in the better half of the scale.",
    "The charts are statistical process control (XmR) charts, as NHS England's 'Making Data "
    "Count' draws them, one point a period. With fewer than 12 points their limits are trial "
    "limits, and may move as points are added.",
    "Repeated findings look at the last {last} programmes ending in the period chosen.",
)
SUPPRESSION: Final = "Small numbers"
SUPPRESSION_LINES: Final = (
    f"A count from 1 to {SUPPRESS_BELOW - 1} is shown as '{FEWER}', so that no child stands "
    "out of a small number.",
    f"A figure shown as '{NOT_SHOWN}' is hidden so that a count of {FEWER} cannot be worked "
    "out from it by adding or subtracting, for example from a row total.",
    f"A share is shown only when its count, its total and the rest are each 0 or "
    f"{SUPPRESS_BELOW} or more; otherwise it is '{TOO_FEW}', and a chart leaves that period "
    "out.",
    "No child's name, date of birth or identifier is in these themes, nor any free text.",
)

#: The CSV's columns.
CSV_HEADER: Final = ("domain", "domain_title", "agency", "agency_name", "grade", "grades")
MARKING: Final = "OFFICIAL-SENSITIVE"
