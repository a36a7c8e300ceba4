"""A Marac coordinator's decisions on the candidates the records suggest (``ws_marac_decision``).

A candidate (:class:`~wholestory.domestic_abuse.marac.Candidate`) is accepted for
Marac or declined, always with a reason, and the decision is kept with who made it
and when. A decision is about one candidate's key (victim, criterion and the day it
was met), so an event after the decision makes a new candidate for a fresh look.
Deciding again replaces the earlier decision; the audit log keeps both.
"""

from __future__ import annotations

from dataclasses import dataclass

from wholestory.domestic_abuse import marac_words as words
from wholestory.identity.sources import now_iso
from wholestory.store.connection import Store


class DecisionError(ValueError):
    """A decision that cannot be recorded; the message says why, in the list's words."""


@dataclass(frozen=True, slots=True)
class Decision:
    """What the coordinator decided about one candidate, and why."""

    key: str
    victim: str
    criterion: str
    decision: str
    reason: str
    decided_by: str
    decided_at: str

    @property
    def words(self) -> str:
        return words.DECISIONS[self.decision]


def decide(store: Store, key: str, decision: str, reason: str, by: str) -> Decision:
    """Record a decision on the candidate ``key``; a missing reason or choice is refused."""
    if decision not in words.DECISIONS:
        raise DecisionError(words.DECISION_MISSING)
    if not reason.strip():
        raise DecisionError(words.REASON_MISSING)
    victim, criterion, _ = split_key(key)
    made = Decision(key, victim, criterion, decision, reason.strip(), by, now_iso())
    with store.transaction():
        store.execute("DELETE FROM ws_marac_decision WHERE candidate_key = ?", [key])
        store.execute(
            "INSERT INTO ws_marac_decision (candidate_key, victim, criterion, decision, reason, "
            "decided_by, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [key, victim, criterion, decision, made.reason, by, made.decided_at],
        )
    return made


def split_key(key: str) -> tuple[str, str, str]:
    """A candidate key's victim, criterion and day, or :class:`DecisionError`."""
    parts = key.split("|")
    if len(parts) != 3 or parts[1] not in words.CRITERIA:
        raise DecisionError(words.UNKNOWN_CANDIDATE)
    return parts[0], parts[1], parts[2]


def decisions(store: Store) -> dict[str, Decision]:
    """Every decision, by candidate key."""
    rows = store.query(
        "SELECT candidate_key, victim, criterion, decision, reason, decided_by, decided_at "
        "FROM ws_marac_decision"
    )
    return {str(r[0]): Decision(*(str(v) for v in r)) for r in rows}
