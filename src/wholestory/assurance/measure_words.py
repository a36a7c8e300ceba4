"""The words of the practice measures kept month by month: what each counts, in a sentence
and in a table's headings, and why a month is not on its chart.

The titles and the counts in a sentence are :mod:`wholestory.assurance.words`'s, shared with
``wholestory practice-measures``; the full definitions, for a QA officer, are
``docs/practice-measures.md``.
"""

from __future__ import annotations

from typing import Final

#: Each measure in one sentence.
DEFINITIONS: Final[dict[str, str]] = {
    "history_read_first": (
        "Of the assessments of children begun in the month, the share whose assessing agency "
        "opened the child's chronology in WholeStory on the day or in the 30 days before."
    ),
    "high_flags_with_plan": (
        "Of the children with a high-severity flag on the month's last day, the share on a "
        "child in need, child protection or early help plan, or looked after, that day."
    ),
    "was_not_brought_followed_up": (
        "Of the runs of two or more missed appointments at one agency that ended in the "
        "month, the share followed up within 30 days by that agency or by a referral."
    ),
    "concern_to_referral_days": (
        "Of the referrals of children made in the month, those that came after a third "
        "agency's concern, and the median days from that concern to the referral."
    ),
}
#: What each measure's numerator and denominator count, as a table heads them.
COUNT_HEADINGS: Final[dict[str, tuple[str, str]]] = {
    "history_read_first": ("Chronology opened first", "Assessments begun"),
    "high_flags_with_plan": ("On a plan", "Children with a high-severity flag"),
    "was_not_brought_followed_up": ("Followed up", "Sequences"),
    "concern_to_referral_days": ("After a third agency's concern", "Referrals"),
}
#: What a measure's value is, as a table heads it, by its unit.
VALUE_HEADINGS: Final[dict[str, str]] = {"share": "Share", "days": "Median days"}
#: What a chart's values are, for its axis, by the measure's unit.
VALUE_LABELS: Final[dict[str, str]] = {"share": "Per cent", "days": "Days (median)"}

#: Why a month is not on a chart.
LEFT_OUT_EMPTY: Final = "{months}: nothing to measure"
LEFT_OUT_SMALL: Final = "{months}: small numbers (a count of 1 to 4), not shown"
LEFT_OUT: Final = "Not on the chart: {reasons}."
NO_CHART: Final = "No chart: no month has a figure to show."
NOT_KEPT: Final = (
    "No months are kept yet: the nightly build (wholestory chronologies) counts and keeps them."
)
#: A figure a page does not show, so that a count of 1 to 4 cannot be worked out from it.
NOT_SHOWN: Final = "not shown"
NOTHING: Final = "nothing to measure"
SMALL_NUMBERS: Final = (
    'Counts of 1 to 4 are shown as "fewer than 5". Where a count, or the number without '
    "(2 of 20 not followed up), is 1 to 4, the month's share or median is not shown and the "
    "month is left off the chart, so that no child can be picked out."
)
#: What every measure shares, for the page's reader; in full in docs/practice-measures.md.
HOW_COUNTED: Final = (
    "Children only: under 18 on the day that counts, by the date of birth on their "
    "chronology. Adults' records are never counted.",
    "A record's day is the day the agency gave. A look at a chronology counts on its day "
    "in UTC, so a look at 00:30 on a summer morning counts on the day before.",
    "Who is a child, their flags and their plans are read from the chronologies the nightly "
    "build keeps. A flag of a month long past is counted from its first evidence, though it "
    "may have been met only by later events.",
    "Each night every month of the last three years is counted again, so a record an agency "
    "sends late changes its month.",
    "A share is charted in per cent; the median days from a third agency's concern to a "
    "referral in days, where lower is better.",
)
DEFINED_IN: Final = (
    "Each measure is defined in full, for a quality assurance officer, in the WholeStory "
    "documentation on practice-quality measures (docs/practice-measures.md), and the "
    "command wholestory practice-measures gives any month's figures."
)
