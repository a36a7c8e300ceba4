"""Adding users, tokens and second factors: shared by the CLI, the pages, the demo and tests."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from wholestory.access import ROLES, TWO_FACTOR_REQUIRED
from wholestory.web.accounts.models import AccessGrant, ApiToken, Membership


class UserError(ValueError):
    """A user cannot be added or changed as asked; the message says why, for a person."""


def add_user(
    username: str,
    agency: str,
    role: str,
    password: str,
    team: str = "",
    *,
    check_password: bool = True,
) -> User:
    """A new user with their agency, team and role. The password is hashed with Argon2."""
    role = role.lower()
    if role not in ROLES:
        raise UserError(f"Unknown role '{role}'. Roles: {', '.join(ROLES)}")
    if not username or User.objects.filter(username=username).exists():
        raise UserError(f"A user called '{username}' already exists." if username else "No name.")
    if check_password:
        try:
            validate_password(password, User(username=username))
        except Exception as error:  # Django's ValidationError: several messages
            messages = getattr(error, "messages", [str(error)])
            raise UserError("The password is not strong enough: " + " ".join(messages)) from error
    with transaction.atomic():
        user = User.objects.create_user(username=username, password=password)
        Membership.objects.create(user=user, agency=agency.upper(), team=team, role=role)
    return user


def needs_second_factor(user: User) -> bool:
    membership = getattr(user, "membership", None)
    return membership is not None and membership.role in TWO_FACTOR_REQUIRED


def add_totp(user: User) -> TOTPDevice:
    """A confirmed TOTP device for the user; its ``config_url`` goes into an authenticator app."""
    TOTPDevice.objects.filter(user=user).delete()
    device: TOTPDevice = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return device


def issue_token(user: User) -> str:
    """A new API token for the user (shown once; only its hash is kept)."""
    return ApiToken.issue(user)


def grant_review(user: User, person: str, days: int, granted_by: str, reason: str) -> AccessGrant:
    """Time-limited reviewer access to one person's records."""
    now = timezone.now()
    grant: AccessGrant = AccessGrant.objects.create(
        user=user,
        person=person,
        kind=AccessGrant.REVIEW,
        reason=reason,
        granted_by=granted_by,
        starts_at=now,
        ends_at=now + dt.timedelta(days=days),
    )
    return grant
