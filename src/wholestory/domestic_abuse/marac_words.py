"""The words of the Marac referral list, in one place: criteria, decisions, what each means.

The criteria are SafeLives' four (``shared/spec/domestic-abuse.md``); each has a
short name, used in files and the CLI, and the words a coordinator reads.
"""

from __future__ import annotations

from typing import Final

VISIBLE_HIGH_RISK: Final = "visible_high_risk"
PROFESSIONAL_JUDGEMENT: Final = "professional_judgement"
POTENTIAL_ESCALATION: Final = "potential_escalation"
REPEAT: Final = "repeat"

#: Every criterion, in the order the list shows them, with its words.
CRITERIA: Final[dict[str, str]] = {
    VISIBLE_HIGH_RISK: "Visible high risk",
    PROFESSIONAL_JUDGEMENT: "Professional judgement",
    POTENTIAL_ESCALATION: "Potential escalation",
    REPEAT: "Repeat",
}

ACCEPTED: Final = "accepted"
DECLINED: Final = "declined"
#: What a coordinator may decide about a candidate, in the words the list shows.
DECISIONS: Final[dict[str, str]] = {ACCEPTED: "Accepted for Marac", DECLINED: "Declined"}

TITLE: Final = "Marac referral list"
CANDIDATES_HEADING: Final = "Candidates found in the records"
CANDIDATES_HINT: Final = (
    "Victims whose records meet a Marac referral criterion. No one has referred them: "
    "accept each for Marac, or decline it, with your reason."
)
REFERRALS_HEADING: Final = "Referrals made by practitioners"
REFERRALS_HINT: Final = (
    "Marac referrals an agency recorded: a practitioner's professional judgement, "
    "listed apart from what the records suggest."
)
NO_CANDIDATES: Final = "No victim's records meet a criterion that has not been referred."
NO_REFERRALS: Final = "No agency has recorded a Marac referral."
NO_CHILDREN: Final = "No children known in the household"
REASON_MISSING: Final = "Enter the reason for your decision"
DECISION_MISSING: Final = "Choose whether to accept or decline the candidate"
UNKNOWN_CANDIDATE: Final = "This candidate is no longer on the list; it may have been decided."


def dash_detail(score: int, threshold: int) -> str:
    """Why a checklist's score is visible high risk."""
    return f"a Dash checklist with {score} 'yes' answers ({threshold} or more is visible high risk)"


def judgement_detail() -> str:
    return "a Dash checklist on which the practitioner recorded their professional judgement"


def escalation_detail(count: int, needed: int, days: int) -> str:
    return (
        f"{count} domestic abuse events recorded by any agency, each in a run of {needed} "
        f"within {days} days ({needed} in 12 months is potential escalation)"
    )


def repeat_detail(gap: int, days: int) -> str:
    return (
        f"abuse between the same victim and perpetrator {gap} days after the last Marac "
        f"referral (within {days} days is a repeat)"
    )


# Meetings, research and actions

MEETINGS_TITLE: Final = "Marac meetings"
MEETING_THAT_DAY: Final = "There is already a Marac meeting on that day"
NO_SUCH_MEETING: Final = "There is no such Marac meeting"
ALREADY_ON_MEETING: Final = "This victim is already on the meeting's list"
NOT_ON_OFFER: Final = "This case is no longer waiting for a meeting; it may have been added"
ACTION_INCOMPLETE: Final = "Enter the agency, the owner and the action"
DUE_MISSING: Final = "Enter the day the action is due, for example 27 3 2027"
DAY_MISSING: Final = "Enter the day of the meeting, for example 27 3 2027"
NOT_YOUR_RECORD: Final = "You can share only your own agency's records"
WITHHELD_REASON_MISSING: Final = "Say why your agency is not sharing the facts you left unticked"
CONFIDENTIALITY: Final = (
    "Everything shared at this meeting is confidential. It is shared to keep the victim and "
    "the children safe, is used only for that, and is not passed on without the agreement "
    "of the agency that shared it. Agencies do not contact the victim: the IDVA does."
)
#: The agenda's sections, in SafeLives' suggested order.
AGENDA: Final[dict[str, str]] = {
    "confidentiality": "1. Confidentiality statement, read and signed",
    "open_actions": "2. Actions from earlier meetings not yet completed",
    "children": "3. Cases with children",
    "adults": "4. Cases with no children in the household",
    "twelve_months": "5. Cases reaching 12 months since their referral, for review",
    "other": "6. Other business",
}
PARTS: Final[dict[str, str]] = {
    "VICTIM": "The victim",
    "PERPETRATOR": "The perpetrator",
    "CHILD": "A child in the household",
}
NO_OFFERS: Final = "No accepted candidate or practitioner's referral is waiting for a meeting."
NOTHING_HELD: Final = "Your agency holds no records of this case's people."
