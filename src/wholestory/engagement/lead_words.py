"""The words of allocations and the lead professional, in one place: the person page, the
lead page, the home pages and ``wholestory lead``."""

from __future__ import annotations

from typing import Final

from wholestory.chronology.model import long_date
from wholestory.chronology.vocabulary import agency_name
from wholestory.engagement.leads import SET_HERE, Allocation

HEADING: Final = "Lead professional"
ALLOCATIONS: Final = "Allocated workers"
HINT: Final = (
    "The worker of each plan open at an agency, from its records, and a lead professional "
    "a safeguarding lead set here. One set here leads; otherwise the plan of the highest "
    "level (child protection, then looked after, child in need, early help), the newest first."
)
NO_LEAD: Final = (
    "No lead professional: no plan is open at any agency, and no safeguarding lead has set one."
)
NOT_NAMED: Final = "Worker not named"
LEAD_NOT_SHARED: Final = (
    "The lead professional is at an agency whose plan records the information sharing "
    "agreement does not share with you."
)
#: Each plan that allocates a worker, as the pages say it.
PLAN_WORDS: Final[dict[str, str]] = {
    "CP_PLAN": "child protection plan",
    "LOOKED_AFTER": "looked after",
    "CIN_PLAN": "child in need plan",
    "EARLY_HELP": "early help plan",
    SET_HERE: "set here by a safeguarding lead",
}
PAGE_LINK: Final = "Lead professional and allocated workers"
SET_TITLE: Final = "Set the lead professional"
SET_HINT: Final = (
    "Record the lead professional the agencies agreed. It leads instead of what the "
    "records say until it is ended or another is set; every change is kept and recorded."
)
SET_BUTTON: Final = "Set as lead professional"
END_BUTTON: Final = "End the lead professional set here"
SET_DONE: Final = "{name} is now the lead professional."
END_DONE: Final = "The lead professional set here was ended: the records' allocations lead again."
NOTHING_TO_END: Final = "No lead professional is set here for this person."
ENTER_NAME: Final = "Enter the practitioner's name, as their agency's records give it"
CHOOSE_AGENCY: Final = "Choose the lead professional's agency"
HISTORY: Final = "Set here before"
HIDDEN_DETAIL: Final = "The agreement shares only that this agency is involved"


def plan_words(a: Allocation) -> str:
    """The plan, and since when: "child protection plan since 1 June 2024"."""
    return f"{PLAN_WORDS.get(a.plan, a.plan.lower())} since {long_date(a.since)}"


def who_words(a: Allocation) -> str:
    """The worker, their team and their agency: "Sam Patel, CP Team 2, Children's social care"."""
    parts = [a.practitioner or NOT_NAMED, a.team, agency_name(a.agency)]
    return ", ".join(p for p in parts if p)


def allocation_words(a: Allocation) -> str:
    """One allocation in a line."""
    return f"{who_words(a)}: {plan_words(a)}"
