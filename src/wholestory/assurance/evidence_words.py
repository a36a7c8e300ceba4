"""The words of the evidence prompts an auditor reads beside a case (issue 15, item 3).

Each prompt says what the records show and asks what only the case file can answer. None
says "good", "poor" or "inadequate": grading is the auditor's, and a test keeps these words
free of grades. ``{}`` fields are filled by :mod:`~wholestory.assurance.evidence_rules`.
"""

from __future__ import annotations

from typing import Final

#: Each kind of prompt, in the order an auditor reads them, with its title.
TITLES: Final[dict[str, str]] = {
    "start_again": "An assessment begun when other agencies already knew the child",
    "flag_no_plan": "A high-severity flag with no plan open",
    "silence": "A silence after a concern",
    "need_not_met": "A recorded need not shown as met",
    "missed_not_followed_up": "Missed appointments with no follow-up within 30 days",
    "missed_followed_up": "Missed appointments, followed up within 30 days",
    "history_not_opened": "The chronology not opened before an assessment",
    "history_opened": "The chronology opened before an assessment",
}

#: An assessment begun while other agencies held history of the child.
START_AGAIN: Final = (
    '{agency} began an assessment on {day} ("{what}"), when the child\'s chronology already '
    "held {entries} from {agencies} ({names}). Did the assessment draw on what they knew?"
)
#: A high-severity flag with no plan open in its dates, and whether one began after.
FLAG_NO_PLAN: Final = (
    'The records show the flag "{title}" (high severity) {dates}, with no child in need, '
    "child protection, early help or looked-after plan open in that time; {after}"
)
NO_PLAN_SINCE: Final = "none has begun since. Was a multi-agency plan considered?"
#: The first plan begun after a flag, by the chronology's name for it ("" for any other).
PLAN_BEGAN: Final[dict[str, str]] = {
    "Looked after": "the child became looked after on {day}",
    "": "a {plan} began on {day}",
}
PLAN_SINCE: Final = ". What was decided before then?"
#: A long gap in the child's record straight after a concern.
SILENCE: Final = (
    "The records show nothing from any agency for {days} days, from {start} to {end}, after "
    '{agency} recorded a concern on {day} ("{what}"). Did anyone know how the child was in '
    "that time?"
)
#: The NEEDS_NOT_MET flag's explanation is the first sentence.
NEED_NOT_MET: Final = "{explanation} Was the need met in ways the records do not say?"
#: A run of missed appointments at one agency, and what followed it.
MISSED: Final = "The records show {missed} missed in a row at {agency}, from {first} to {last}"
FOLLOWED: Final = (
    '; within 30 days {by} recorded "{what}" on {day}, {gap}. What did the follow-up find out?'
)
NOT_FOLLOWED: Final = (
    "; in the 30 days after, the records show nothing more from {agency} and no referral. "
    "Did anyone follow them up?"
)
NOT_YET: Final = (
    "; nothing has followed yet, and 30 days have not passed by the day the records run to "
    "({as_of}). Is a follow-up planned?"
)
#: Whether the assessing agency opened the child's chronology before an assessment.
ASSESSED: Final = "{agency} began an assessment on {day}."
NOT_OPENED: Final = " Nobody at {agency} had opened the chronology in the {days} days before."
OPENED: Final = " Someone at {agency} had opened the chronology {when}."

#: Words a prompt must never use: grades are the auditor's to give.
GRADES: Final = ("outstanding", "good", "requires improvement", "inadequate", "poor")
