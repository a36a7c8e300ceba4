"""The words of quality assurance, in one place: the command line now, the pages later.

Each measure's full definition, for a QA officer, is ``docs/practice-measures.md``; the
titles here are what a chart or a table heads it with.
"""

from __future__ import annotations

from typing import Final

#: The practice-quality measures, by code, as a heading reads them.
MEASURE_TITLES: Final[dict[str, str]] = {
    "history_read_first": "New assessments whose agency opened the chronology first",
    "high_flags_with_plan": "Children with a high-severity flag who are on a plan",
    "was_not_brought_followed_up": "'Was not brought' sequences followed up within 30 days",
    "concern_to_referral_days": "Days from a third agency's concern to a referral",
}
#: What the numerator ({n}) and the denominator ({d}) of each measure count.
MEASURE_COUNTS: Final[dict[str, str]] = {
    "history_read_first": "the chronology opened first for {n} of {d} assessments begun",
    "high_flags_with_plan": "{n} of {d} children with a high-severity flag on a plan",
    "was_not_brought_followed_up": "{n} of {d} sequences followed up",
    "concern_to_referral_days": "{n} of {d} referrals came after a third agency's concern",
}
NOTHING_TO_MEASURE: Final = "nothing to measure this month"
#: Notes on what a measure's figure may not yet show.
RECORDS_END: Final = "The records run to {as_of}, before the month's end: counted to that day."
PAST_FLAGS: Final = (
    "Flags are those of the latest build ({as_of}), each counted from its first evidence; "
    "for a past month, one may have been met only by later events."
)
WAITING: Final = (
    "{count} ended less than 30 days before the records end ({as_of}) and may yet be followed up."
)

#: Programmes, as the command line says them.
NO_PROGRAMMES: Final = "No audit programmes yet."
SAME_CASES: Final = "The same cases are chosen again from today's records."
OTHER_CASES: Final = "Other cases would be chosen from today's records."
SAME_ELIGIBLE: Final = "The same {count} children meet the criteria today."
OTHER_ELIGIBLE: Final = (
    "The records have changed since: {now} children meet the criteria today, "
    "{then} did when the cases were chosen."
)
