"""Who may see what, and why: every decision carries its reason.

The rules are relationship-based, as safeguarding information sharing is: a
worker sees a child's story because their agency is involved with the child,
not because of a job title. Each function returns a :class:`Decision` whose
``reason`` is written to the audit log with the view it allowed or refused.

* A practitioner, manager or safeguarding lead sees a person when their agency
  holds records of that person, or of a child in that person's household. A
  record uploaded by hand counts only once a lead of its agency confirms it;
  until then it gives access like a break-glass, for the same time.
* Anyone else (except board members and administrators) may "break glass" by
  stating a reason; access is granted for a limited time, audited, and the
  leads of the agencies holding records are told.
* A reviewer sees the cases they were granted, until the grant expires.
* Board members see aggregates only, never an identifiable child.
* Administrators manage users and see no case data. A new account that could
  see case data, and a reviewer's grant, wait until a second person approves
  them: a lead of the agency concerned, or for partnership accounts the
  partnership's information governance officer. Nobody chooses another
  person's password: the new user sets it from a one-time link.
* Partnership information governance reads the whole audit log; a lead reads
  only their own agency's entries and those about people it holds records of.

This module is pure: the facts it decides on (which agencies hold records,
which grants are open) are gathered by :func:`facts_about` and the web layer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Final

from wholestory.chronology.vocabulary import agency_name
from wholestory.store.connection import Store

PRACTITIONER, MANAGER, LEAD = "practitioner", "manager", "lead"
REVIEWER, QA, BOARD, ADMIN = "reviewer", "qa", "board", "admin"
#: Puts an agency's files in by hand: records are the basis of access, so only this role may.
DATA = "data"
#: Reads the whole partnership's audit log and approves partnership accounts; no case data.
GOVERNANCE = "governance"

#: Decides whether two agencies' records are one person (the link review queue), nothing else.
IDENTITY = "identity"

#: Every role, in the words the interface uses.
ROLES: Final[dict[str, str]] = {
    PRACTITIONER: "Practitioner",
    MANAGER: "Manager",
    LEAD: "Safeguarding lead",
    REVIEWER: "Reviewer",
    QA: "Quality assurance officer",
    BOARD: "Board member",
    ADMIN: "Administrator",
    DATA: "Data officer",
    IDENTITY: "Identity reviewer",
    GOVERNANCE: "Partnership information governance",
}
#: Roles whose access follows their agency's involvement.
CASEWORK: Final = frozenset({PRACTITIONER, MANAGER, LEAD})
#: Roles that may never see an identifiable person, even by breaking glass.
NO_CASE_DATA: Final = frozenset({BOARD, ADMIN, DATA, GOVERNANCE})
#: Roles that must use a second factor (TOTP): those that approve access, manage accounts or
#: read the whole audit log, and data officers, whose uploads put records in (records are the
#: basis of access, issue 11, H1).
TWO_FACTOR_REQUIRED: Final = frozenset({LEAD, ADMIN, GOVERNANCE, DATA})
#: Roles whose new accounts wait for a second person's approval (issue 11, M1): every role
#: that can see an identifiable person (identity reviewers see both records of a pair), put
#: records in or read the whole audit log.
NEEDS_APPROVAL: Final = frozenset(
    {PRACTITIONER, MANAGER, LEAD, REVIEWER, QA, DATA, GOVERNANCE, IDENTITY}
)
#: The agency code of partnership-wide accounts (reviewers, board, administrators...).
PARTNERSHIP: Final = "PARTNERSHIP"

#: How long a break-glass grant lasts.
BREAK_GLASS_HOURS: Final = 24


@dataclass(frozen=True, slots=True)
class Viewer:
    """The person asking, as the rules need them."""

    username: str
    agency: str
    role: str
    grants: dict[str, dt.datetime] = field(default_factory=dict)  # person -> reviewer grant ends
    glass: dict[str, dt.datetime] = field(default_factory=dict)  # person -> break-glass ends


@dataclass(frozen=True, slots=True)
class Facts:
    """What the rules need to know about a person."""

    person: str
    agencies: frozenset[str]  # agencies holding records of the person
    household_child_agencies: frozenset[str]  # agencies holding records of a child in the household
    # Agencies whose only records of the person are hand uploads no lead of theirs has
    # confirmed, with when the oldest arrived: access through them is like breaking glass.
    unconfirmed: dict[str, dt.datetime] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Decision:
    """Allowed or not, why, and whether breaking glass is open to the viewer."""

    allowed: bool
    reason: str
    can_break_glass: bool = False
    basis: str = ""  # relationship, household, grant, break_glass, capability, or "" when refused


def allow(reason: str, basis: str) -> Decision:
    return Decision(True, reason, False, basis)


def deny(reason: str, can_break_glass: bool = False) -> Decision:
    return Decision(False, reason, can_break_glass)


def may_see_person(viewer: Viewer, facts: Facts, now: dt.datetime) -> Decision:
    """Whether the viewer may see this person's records and chronology."""
    if viewer.role in NO_CASE_DATA:
        return deny(f"{ROLES[viewer.role]}s do not see identifiable people.")
    waiting = facts.unconfirmed.get(viewer.agency)
    if viewer.role in CASEWORK and viewer.agency in facts.agencies and waiting is None:
        return allow(f"{agency_name(viewer.agency)} holds records of this person.", "relationship")
    if viewer.role in CASEWORK and viewer.agency in facts.household_child_agencies:
        return allow(
            f"{agency_name(viewer.agency)} holds records of a child in this person's household.",
            "household",
        )
    ends = waiting + dt.timedelta(hours=BREAK_GLASS_HOURS) if waiting else None
    if viewer.role in CASEWORK and ends and ends > now:
        return allow(
            f"{agency_name(viewer.agency)}'s records of this person were uploaded by hand and no "
            f"{agency_name(viewer.agency)} safeguarding lead has confirmed them yet. Until one "
            f"does, you see this person as if breaking glass, until {ends:%d %b %Y %H:%M}.",
            "unconfirmed_upload",
        )
    grant = viewer.grants.get(facts.person)
    if viewer.role == REVIEWER and grant and grant > now:
        return allow(f"Review access to this case until {grant:%d %b %Y %H:%M}.", "grant")
    glass = viewer.glass.get(facts.person)
    if glass and glass > now:
        return allow(f"Break-glass access until {glass:%d %b %Y %H:%M}.", "break_glass")
    return deny(
        "Your agency holds no records of this person or of a child in their household.",
        can_break_glass=True,
    )


#: What each capability is, and who has it.
CAPABILITIES: Final[dict[str, tuple[str, frozenset[str]]]] = {
    "search": ("search for people", frozenset({PRACTITIONER, MANAGER, LEAD, REVIEWER, QA})),
    "flags_dashboard": ("see the flags dashboard", frozenset({MANAGER, LEAD})),
    "link_review": ("decide on the link review queue", frozenset({IDENTITY})),
    "upload": ("upload an agency file", frozenset({DATA})),
    "confirm_upload": ("confirm their agency's uploads", frozenset({LEAD})),
    "audit_viewer": ("read the audit log", frozenset({LEAD, GOVERNANCE})),
    "approve_access": ("approve new accounts and review access", frozenset({LEAD, GOVERNANCE})),
    "who_looked": ("see who has looked at a child", frozenset({LEAD})),
    "agency_duplicates": ("see their agency's duplicate ids", frozenset({LEAD})),
    "aggregates": ("see partnership figures", frozenset({MANAGER, LEAD, QA, BOARD})),
    "manage_users": ("manage users", frozenset({ADMIN})),
    "break_glass": ("break glass", frozenset({PRACTITIONER, MANAGER, LEAD, REVIEWER, QA})),
}


def may(viewer: Viewer, capability: str) -> Decision:
    """Whether the viewer's role has a capability (a page or action not about one person)."""
    what, roles = CAPABILITIES[capability]
    if viewer.role in roles:
        return allow(f"{ROLES[viewer.role]}s may {what}.", "capability")
    return deny(f"{ROLES.get(viewer.role, viewer.role)}s may not {what}.")


#: The agency code of an identity reviewer who reviews every agency's pairs.
WHOLE_PARTNERSHIP: Final = "PARTNERSHIP"


def may_review_pair(viewer: Viewer, agencies: set[str]) -> Decision:
    """Whether the viewer may see and decide a pair of records from ``agencies``.

    A pair shows both records' name, date of birth, NHS number and address, whoever
    else may see the person, so identity review is a role of its own (issue 11, M2),
    not something every manager can do. An agency's identity reviewer reviews the
    pairs where one record is their agency's; the partnership's identity reviewer
    (agency PARTNERSHIP) reviews every pair.
    """
    if viewer.role != IDENTITY:
        return deny(f"{ROLES.get(viewer.role, viewer.role)}s may not review links.")
    if viewer.agency == WHOLE_PARTNERSHIP or viewer.agency in agencies:
        return allow("Identity reviewers review pairs of their agency's records.", "identity")
    return deny(
        f"Neither record is {agency_name(viewer.agency)}'s: you review pairs where at least "
        "one record is your agency's."
    )


def review_scope(viewer: Viewer) -> str | None:
    """The agency whose pairs an identity reviewer reviews; ``None`` for the whole partnership."""
    return None if viewer.agency == WHOLE_PARTNERSHIP else viewer.agency


def facts_about(store: Store, person: str) -> Facts:
    """The agencies holding records of a person, and of the children in their household.

    A record uploaded by hand counts fully only once a lead of its agency confirms it
    (:mod:`wholestory.arrival`); a household child's unconfirmed records do not count.
    """
    from wholestory.arrival import standing

    # An unlinked AGENCY:PERSON_ID counts through its records, like anyone else: an id
    # that names no one must not look like a person its agency holds (issue 11, L3).
    confirmed, unconfirmed = standing(store, [person])
    mine = confirmed | set(unconfirmed)
    children, _ = standing(store, _household_children(store, person))
    return Facts(person, frozenset(mine), frozenset(children), unconfirmed)


def _household_children(store: Store, person: str) -> list[str]:
    """Children (as the stored chronologies know them) linked to the person's household."""
    from wholestory.chronology.stored import household_people

    others = household_people(store, {person})
    if not others:
        return []
    condition, params = store.keys_in("ws_person_id", sorted(others))
    return [
        str(p)
        for (p,) in store.query(
            f"SELECT ws_person_id FROM ws_chronology WHERE is_child AND {condition}", params
        )
    ]
