"""Demo users: one per role, made once by ``make demo``, their passwords shown that one time.

Casework users are at the police, a school and children's social care;
leads and the administrator get an authenticator (TOTP) device, as their
roles require. The default sharing agreement relates police staff team by
team, so the police practitioner is in the Public Protection Unit: the team
the synthetic generator gives exploitation, Marac and DASH records, which
holds the demo's most flagged child (``make demo``: WS-0000097). Passwords
are random and kept only as Argon2 hashes; they are returned for printing
only in demo mode. The reviewer is granted the demo child with the most
flags, so there is a case to review.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Final

from django.conf import settings
from django.contrib.auth.models import User

from wholestory import audit
from wholestory.access import DSL, TWO_FACTOR_REQUIRED
from wholestory.chronology.stored import flagged_children
from wholestory.store import Store
from wholestory.web.accounts.users import (
    add_totp,
    add_user,
    authenticator_secret,
    grant_review,
    set_practitioner_name,
)

#: (username, agency, role, team)
DEMO_USERS: Final[tuple[tuple[str, str, str, str], ...]] = (
    ("pat.practitioner", "POLICE", "practitioner", "Public Protection Unit"),
    # A social worker: matched to the children's social care worker with the most plans, in
    # their team, so the home page lists the children she is the worker for (issue 14).
    ("sam.social", "CSC", "practitioner", ""),
    ("meg.manager", "SCHOOL", "manager", "Safeguarding Team"),
    ("lee.lead", "CSC", "lead", "Front Door (MASH)"),
    # A school's safeguarding lead: told when a child other agencies know starts at a school
    # (issue 14's new involvement), the alert the demo's feed raises most.
    ("sol.lead", "SCHOOL", "lead", "Safeguarding Team"),
    ("rey.reviewer", "PARTNERSHIP", "reviewer", "Business Unit"),
    ("quinn.qa", "PARTNERSHIP", "qa", "Quality and Impact"),
    ("bea.board", "PARTNERSHIP", "board", "Quality and Impact Executive"),
    ("ada.admin", "PARTNERSHIP", "admin", "Business Unit"),
    ("gia.governance", "PARTNERSHIP", "governance", "Information Governance"),
    ("dee.data", "CSC", "data", "Performance and Data"),
    ("ivy.identity", "PARTNERSHIP", "identity", "Business Unit"),
    ("ida.idva", "DA_SERVICE", "idva", "IDVA Service"),
    ("cody.coordinator", "PARTNERSHIP", "coordinator", "Marac"),
    ("cal.chair", "POLICE", "chair", "Public Protection Unit"),
    ("eve.encompass", "POLICE", "encompass", "Operation Encompass"),
    ("dot.dsl", "SCHOOL", "dsl", "Safeguarding Team"),
    # Case file audits (issue 15): an auditor from two agencies, who answer for their
    # agency's practice on the cases assigned to them, and the moderator.
    ("abe.auditor", "CSC", "auditor", "Quality Assurance"),
    ("pia.auditor", "POLICE", "auditor", "Public Protection Unit"),
    ("mo.moderator", "PARTNERSHIP", "moderator", "Quality and Impact"),
    # THRIVE (issue 16): a children's mental health practitioner records groupings and
    # Current Views for the children CAMHS serves.
    ("cam.camhs", "CAMHS", "practitioner", "CAMHS Getting Help"),
    # Learning reviews (issue 17): the business unit runs reviews and the tracker; an
    # action owner at children's social care updates the actions they own.
    ("bo.business", "PARTNERSHIP", "business_unit", "Business Unit"),
    ("otto.owner", "CSC", "action_owner", "Practice Improvement"),
)


class NotDemoMode(RuntimeError):  # noqa: N818 (says what is wrong)
    """Demo passwords are shown only in demo mode."""


@dataclass(frozen=True, slots=True)
class DemoUser:
    username: str
    agency: str
    role: str
    team: str
    password: str
    totp_secret: str = ""  # base32, for typing into an authenticator app
    otpauth_url: str = ""


@dataclass(frozen=True, slots=True)
class DemoUsers:
    users: list[DemoUser]
    reviewer_case: str  # the person the reviewer was granted, or ""


def demo_users_exist() -> bool:
    return User.objects.filter(username__in=[u for u, *_ in DEMO_USERS]).exists()


def make_demo_users(store: Store) -> DemoUsers | None:
    """Create the demo users, once: None if they exist already (their passwords are not kept)."""
    if not settings.DEMO:
        raise NotDemoMode("demo users are made only in demo mode (WHOLESTORY_DEMO=1)")
    if demo_users_exist():
        return None
    made: list[DemoUser] = []
    worker, worker_team = _busiest_social_worker(store)
    for username, agency, role, team in DEMO_USERS:
        if role == DSL:
            team = _busiest_school(store) or team
        if username == "sam.social":
            team = worker_team
        password = secrets.token_urlsafe(12)  # 16 characters, about 96 bits
        user = add_user(username, agency, role, password, team)
        user.email = f"{username}@wholestory.invalid"  # a reserved domain: the console shows it
        user.save(update_fields=["email"])
        if username == "sam.social" and worker:
            set_practitioner_name(user, worker)
        secret = otpauth = ""
        if role in TWO_FACTOR_REQUIRED:
            device = add_totp(user)
            secret = authenticator_secret(device)
            otpauth = str(device.config_url)
        audit.append(
            store,
            audit.Event(
                actor="demo",
                action="user_added",
                target=username,
                detail={"agency": agency, "role": role, "team": team},
            ),
        )
        made.append(DemoUser(username, agency, role, team, password, secret, otpauth))
    case = _most_flagged_child(store)
    if case:
        reviewer = User.objects.get(username="rey.reviewer")
        reason = "Demo: rapid review of the child with the most flags"
        grant_review(reviewer, case, 30, "demo", reason)
        audit.append(
            store,
            audit.Event(
                actor="demo",
                action="grant",
                person=case,
                target="rey.reviewer",
                reason=reason,
                detail={"days": 30},
            ),
        )
    return DemoUsers(made, case)


def _busiest_social_worker(store: Store) -> tuple[str, str]:
    """The children's social care worker (and their team) whose name starts the most plans."""
    rows = store.query(
        "SELECT practitioner, COALESCE(team, '') FROM ws_record WHERE agency = 'CSC' "
        "AND event_type IN ('CP_PLAN_START', 'CIN_PLAN_START', 'LOOKED_AFTER_START') "
        "AND practitioner IS NOT NULL GROUP BY practitioner, COALESCE(team, '') "
        "ORDER BY COUNT(*) DESC, practitioner LIMIT 1"
    )
    return (str(rows[0][0]), str(rows[0][1])) if rows else ("", "")


def _busiest_school(store: Store) -> str | None:
    """The school owed the most Encompass notices: the demo's safeguarding lead works there."""
    rows = store.query(
        "SELECT school FROM ws_encompass_notice WHERE school IS NOT NULL "
        "GROUP BY school ORDER BY COUNT(*) DESC, school LIMIT 1"
    )
    return str(rows[0][0]) if rows else None


def _most_flagged_child(store: Store) -> str:
    children = flagged_children(store)
    if not children:
        return ""
    best = max(children, key=lambda c: len(c["flags"]))  # the first, most serious, of equals
    return str(best["person"])
