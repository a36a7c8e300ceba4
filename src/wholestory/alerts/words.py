"""The alerts' words: each rule as a reader sees it, and the email that tells of them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from wholestory.alerts.settings import NEW_FLAG, NEW_INVOLVEMENT, SOMETHING_NEW
from wholestory.words import count_words

#: Each rule, as a heading.
RULE_TITLES: Final = {
    NEW_INVOLVEMENT: "Your agency's first record of a child other agencies know",
    SOMETHING_NEW: "Something new at another agency for a child on a plan or with a high flag",
    NEW_FLAG: "A new flag",
}
#: Each rule, counted ("2 new involvements"): one, many.
RULE_NOUNS: Final = {
    NEW_INVOLVEMENT: ("new involvement", "new involvements"),
    SOMETHING_NEW: ("new event at another agency", "new events at other agencies"),
    NEW_FLAG: ("new flag", "new flags"),
}
#: Why a user was told, as the alert page says it.
WHY: Final = {
    "worker": "You wrote the record, or are the child's worker.",
    "lead_professional": "You are the child's lead professional.",
    "lead": "You are a safeguarding lead of an agency that knows the child.",
}

MAIL_SUBJECT: Final = "WholeStory: new alerts for you"


def about(agency: str, code: str) -> str:
    """What an alert is about, after the child's name: the new flag, or where the news is."""
    from wholestory.chronology.indicators import flag_title
    from wholestory.chronology.vocabulary import agency_name

    if code:
        return flag_title(code)
    return f"at {agency_name(agency)}" if agency else ""


def mail_body(counts: Mapping[str, int], link: str) -> str:
    """The digest email: how many alerts of each kind, and where to read them; no names."""
    kinds = ", ".join(count_words(n, *RULE_NOUNS[rule]) for rule, n in sorted(counts.items()))
    total = sum(counts.values())
    return (
        f"WholeStory has {count_words(total, 'new alert')} for you: {kinds}.\n\n"
        f"Sign in to read them, with each child's history as you may see it: {link}\n\n"
        "This message says nothing about any child on purpose: email leaves the secure system."
    )
