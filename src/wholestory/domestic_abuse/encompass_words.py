"""Operation Encompass in the words the police, schools and the board read."""

from __future__ import annotations

from typing import Final

TITLE: Final = "Operation Encompass notices"
SCHOOL_TITLE: Final = "Operation Encompass notices for your pupils"
QUEUE_HINT: Final = (
    "Each child of school age in a domestic abuse incident the police attended is owed a "
    "notice to their school's designated safeguarding lead before the next school day "
    "starts. Overdue notices come first."
)
SCHOOL_HINT: Final = (
    "The police tell you when one of your pupils may have been affected by domestic abuse. "
    "Acknowledge each notice so the police know it reached you."
)

#: A notice's state, as each list shows it.
STATUSES: Final[dict[str, str]] = {
    "overdue": "Overdue",
    "due": "Due",
    "sent": "Sent",
    "acknowledged": "Acknowledged",
}

NO_NOTICES: Final = "There are no notices."
NO_SCHOOL_KNOWN: Final = "No school known: find the child's school before sending"
PRESENT: Final = "Present at the incident"
NOT_PRESENT: Final = "Not recorded as present (found through the household)"

NO_SUCH_NOTICE: Final = "There is no such notice."
ALREADY_SENT: Final = "This notice has already been sent."
NO_SCHOOL: Final = "The child's school is not known, so the notice cannot be sent yet."
NOT_SENT: Final = "This notice has not been sent yet, so it cannot be acknowledged."
ALREADY_ACKNOWLEDGED: Final = "This notice has already been acknowledged."
LINK_USED: Final = "This link has already been used, or it is not a link we sent."
LINK_EXPIRED: Final = "This link has expired. Sign in to WholeStory to acknowledge the notice."
BY_LINK: Final = "designated safeguarding lead, by the emailed link"
SENT: Final = (
    "The notice is marked sent. The school's safeguarding leads have been emailed a link to "
    "acknowledge it."
)
ACKNOWLEDGED: Final = "Thank you. The police can see that the notice reached the school."


def school_source(known_from: str) -> str:
    """Where the school comes from, as the notice says it."""
    return f"School from {known_from}" if known_from else NO_SCHOOL_KNOWN
