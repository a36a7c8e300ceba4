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
