"""Four eyes on who can see case data, and passwords nobody else chooses (issue 11, M1).

An administrator once made a practitioner with a password of their own, signed
in as them and read chronologies. So, on the users pages:

* a new account that could see case data (:data:`~wholestory.access.NEEDS_APPROVAL`)
  cannot sign in until a second person approves it: a safeguarding lead of its
  agency, or for a partnership account the partnership's information governance
  officer, and never the person who asked for it;
* a reviewer's grant opens only once a lead of an agency holding records of the
  case approves it;
* nobody sets another person's password: the new user chooses it from a one-time
  link, which is shown to the approver (or, for an account that needs no approval,
  to the administrator) and kept only as a hash, works once and expires;
* the leads of an agency are told of every account made in it.

The approver is the signed-in :class:`~wholestory.access.Viewer`, as the access rules
see them, so approving asks the same rules (``leads_a_holding_agency``) as the pages do.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Final

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from wholestory.access import (
    GOVERNANCE,
    LEAD,
    NEEDS_APPROVAL,
    PARTNERSHIP,
    ROLES,
    Viewer,
    leads_a_holding_agency,
)
from wholestory.chronology.vocabulary import agency_name
from wholestory.web.accounts.models import AccessGrant, Membership, Notification, PasswordLink
from wholestory.web.accounts.users import UserError, check_new_user, grant_review, revoke_tokens

#: How long a one-time password link works.
LINK_DAYS: Final = 3


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def approver_role(agency: str) -> str:
    """Who approves an account at this agency: its lead, or governance for the partnership."""
    return GOVERNANCE if agency == PARTNERSHIP else LEAD


def tell_leads(agency: str, message: str, url: str = "/approvals") -> None:
    """A notice for an agency's safeguarding leads (the partnership has none to tell)."""
    if agency != PARTNERSHIP:
        Notification.objects.create(agency=agency, person="", message=message, url=url)


def request_account(
    username: str, agency: str, role: str, team: str, added_by: str, *, practitioner: str = ""
) -> str:
    """An account asked for on the users page; the one-time link when it needs no approval.

    The account has no password. One that could see case data waits, unable to sign
    in, until a second person approves it (:func:`approve_account`); then "" is
    returned and the approver gets the link. Otherwise the link is returned now.
    """
    role, agency = check_new_user(username, agency, role, None)
    waiting = role in NEEDS_APPROVAL
    with transaction.atomic():
        user = User.objects.create_user(username=username, password=None)  # unusable
        user.is_active = not waiting
        user.save(update_fields=["is_active"])
        Membership.objects.create(
            user=user, agency=agency, team=team, role=role, added_by=added_by, waiting=waiting,
            practitioner_name=" ".join(practitioner.split()),
        )  # fmt: skip
        approver = "a safeguarding lead of your agency" if agency != PARTNERSHIP else ""
        tell_leads(
            agency,
            f"{added_by} added an account for {username} ({ROLES[role]}) at "
            f"{agency_name(agency)}. "
            + (
                f"It cannot be used until {approver} other than {added_by} approves it on "
                "the Approvals page. If you do not know this person, do not approve it."
                if waiting
                else "It cannot see case data."
            ),
        )
        return "" if waiting else issue_password_link(user, added_by)


def may_approve_account(approver: Viewer, membership: Membership) -> str:
    """Why the approver may not approve this account, or "" when they may."""
    if not membership.waiting:
        return "This account is not waiting for approval."
    if approver.role != approver_role(membership.agency) or (
        approver.role == LEAD and approver.agency != membership.agency
    ):
        if membership.agency == PARTNERSHIP:
            return "Only the partnership's information governance officer can approve it."
        return "Only a safeguarding lead of the account's agency can approve it."
    if approver.username in (membership.added_by, membership.user.username):
        return "You asked for this account, so someone else must approve it."
    return ""


def approve_account(username: str, approver: Viewer) -> str:
    """Open a waiting account; the one-time link for its user, shown once to the approver."""
    membership = Membership.objects.select_related("user").filter(user__username=username).first()
    if membership is None:
        raise UserError("There is no account waiting with that name.")
    problem = may_approve_account(approver, membership)
    if problem:
        raise UserError(problem)
    with transaction.atomic():
        membership.waiting, membership.approved_by = False, approver.username
        membership.save(update_fields=["waiting", "approved_by"])
        membership.user.is_active = True
        membership.user.save(update_fields=["is_active"])
        return issue_password_link(membership.user, approver.username)


def refuse_account(username: str, approver: Viewer) -> None:
    """Remove a waiting account the approver does not recognise: it never had a password,
    never signed in and saw nothing, so nothing of it is kept but the audit entry."""
    membership = Membership.objects.select_related("user").filter(user__username=username).first()
    if membership is None:
        raise UserError("There is no account waiting with that name.")
    problem = may_approve_account(approver, membership)
    if problem:
        raise UserError(problem.replace("approve", "refuse"))
    membership.user.delete()


def waiting_accounts(approver: Viewer) -> list[Membership]:
    """The accounts this approver may approve (their own requests are left out)."""
    found = Membership.objects.select_related("user").filter(waiting=True).order_by("user__id")
    return [m for m in found if not may_approve_account(approver, m)]


def request_grant(
    reviewer: User, person: str, days: int, granted_by: str, reason: str, agencies: set[str]
) -> AccessGrant:
    """A reviewer's grant that waits for a lead of an agency holding the case, who are told."""
    grant = grant_review(reviewer, person, days, granted_by, reason, waiting=True)
    for agency in sorted(agencies):
        tell_leads(
            agency,
            f"{granted_by} asked for {reviewer.username} (Reviewer) to see {person} for "
            f"{days} days: {reason}. It opens only when a safeguarding lead of an agency "
            "holding records of this person approves it on the Approvals page.",
        )
    return grant


def may_approve_grant(approver: Viewer, grant: AccessGrant, agencies: set[str]) -> str:
    """Why the approver may not open this grant, or "" when they may."""
    if not grant.waiting:
        return "This access is not waiting for approval."
    if not leads_a_holding_agency(approver, agencies):
        return (
            "Only a safeguarding lead of an agency holding records of this person can approve it."
        )
    if approver.username == grant.granted_by:
        return "You asked for this access, so someone else must approve it."
    return ""


def approve_grant(grant: AccessGrant, approver: Viewer, agencies: set[str]) -> None:
    """Open a waiting grant; its days run from now, not from when it was asked for."""
    problem = may_approve_grant(approver, grant, agencies)
    if problem:
        raise UserError(problem)
    now = timezone.now()
    grant.ends_at = now + (grant.ends_at - grant.starts_at)
    grant.starts_at, grant.waiting, grant.approved_by = now, False, approver.username
    grant.save(update_fields=["starts_at", "ends_at", "waiting", "approved_by"])


def refuse_grant(grant: AccessGrant, approver: Viewer, agencies: set[str]) -> None:
    """Refuse a waiting grant: it never opens (the request stays in the audit log)."""
    problem = may_approve_grant(approver, grant, agencies)
    if problem:
        raise UserError(problem.replace("approve", "refuse"))
    grant.delete()


def issue_password_link(user: User, by: str) -> str:
    """A new one-time token for the user to choose their password; only its hash is kept."""
    token = secrets.token_urlsafe(32)
    PasswordLink.objects.filter(user=user, used_at__isnull=True).update(used_at=timezone.now())
    PasswordLink.objects.create(
        user=user,
        digest=_digest(token),
        created_by=by,
        expires_at=timezone.now() + dt.timedelta(days=LINK_DAYS),
    )
    return token


def link_user(token: str) -> User | None:
    """The user an unused, unexpired link is for; None for any other link."""
    link = (
        PasswordLink.objects.select_related("user")
        .filter(digest=_digest(token), used_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    return link.user if link and link.user.is_active else None


def use_password_link(token: str, password: str) -> User:
    """Set the user's own password from their link, which then stops working."""
    with transaction.atomic():
        user = link_user(token)
        if user is None:
            raise UserError("This link does not work: it has been used, has expired or is wrong.")
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise UserError(" ".join(error.messages)) from error
        updated = PasswordLink.objects.filter(digest=_digest(token), used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if updated != 1:  # used at the same moment by another request
            raise UserError("This link does not work: it has been used, has expired or is wrong.")
        user.set_password(password)
        user.save(update_fields=["password"])
        revoke_tokens(user)
    return user
