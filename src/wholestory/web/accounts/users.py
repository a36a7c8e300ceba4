"""Adding users, tokens and second factors: shared by the CLI, the pages, the demo and tests."""

from __future__ import annotations

import base64
import datetime as dt
import re
from typing import Final

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from wholestory.access import ROLES
from wholestory.web.accounts.models import AccessGrant, ApiToken, Membership


class UserError(ValueError):
    """A user cannot be added or changed as asked; the message says why, for a person."""


#: A username: letters, digits and . @ + - _ (what Django allows), at most 150 characters.
USERNAME: Final = re.compile(r"[\w.@+-]{1,150}")
#: An agency code: capitals, digits and _, starting with a letter, at most 32 characters.
AGENCY: Final = re.compile(r"[A-Z][A-Z0-9_]{0,31}")


def check_new_user(username: str, agency: str, role: str, password: str | None) -> tuple[str, str]:
    """(role, agency) as they will be stored, or :class:`UserError` saying what to change.

    Every way of adding a user (command line, users page, demo) checks here, so
    none can make a user the others would refuse, and each problem is worded once.
    """
    _check_username_form(username)
    role = check_role(role)
    agency = check_agency(agency)
    _check_username_free(username)
    if password is not None:
        try:
            validate_password(password, User(username=username))
        except ValidationError as error:
            messages = " ".join(error.messages)
            raise UserError(f"The password is not strong enough: {messages}") from error
    return role, agency


def check_username(username: str) -> None:
    """:class:`UserError` unless ``username`` is well formed and nobody has it yet."""
    _check_username_form(username)
    _check_username_free(username)


def check_role(role: str) -> str:
    """The role as it is stored, or :class:`UserError` naming the roles there are."""
    role = role.strip().lower()
    if role not in ROLES:
        raise UserError(f"Unknown role '{role}'. Roles: {', '.join(ROLES)}")
    return role


def check_agency(agency: str) -> str:
    """The agency code as it is stored (capitals), or :class:`UserError`."""
    agency = agency.strip().upper()
    if not AGENCY.fullmatch(agency):
        raise UserError("Give the agency's code in capitals, like POLICE (32 characters at most)")
    return agency


def _check_username_form(username: str) -> None:
    """Checked before the role and agency, and apart from :func:`_check_username_free`, so
    that a bad name is reported before a question to the database."""
    if not username:
        raise UserError("Enter a username")
    if not USERNAME.fullmatch(username):
        raise UserError("Use only letters, numbers and . @ + - _ in the username (150 at most)")


def _check_username_free(username: str) -> None:
    """No second account with a name someone already signs in with."""
    if User.objects.filter(username=username).exists():
        raise UserError(f"A user called {username} already exists")


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
    role, agency = check_new_user(username, agency, role, password if check_password else None)
    with transaction.atomic():
        user = User.objects.create_user(username=username, password=password)
        Membership.objects.create(user=user, agency=agency, team=team, role=role)
    return user


def set_practitioner_name(user: User, name: str) -> None:
    """Match ``user`` to the practitioner name their agency's records give them ("" for
    none): they are the worker of that name's allocations at their own agency only."""
    Membership.objects.filter(user=user).update(practitioner_name=" ".join(name.split()))


def authenticator_secret(device: TOTPDevice) -> str:
    """The device's secret as an authenticator app takes it typed in (base32, unpadded)."""
    return base64.b32encode(device.bin_key).decode().rstrip("=")


def disable_user(user: User) -> int:
    """Stop a user signing in or using the API; returns how many tokens were revoked."""
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        return revoke_tokens(user)


def revoke_tokens(user: User) -> int:
    """Revoke every API token of the user (after a new password, or when they leave)."""
    return int(ApiToken.objects.filter(user=user, revoked=False).update(revoked=True))


def add_totp(user: User) -> TOTPDevice:
    """A confirmed TOTP device for the user; its ``config_url`` goes into an authenticator app."""
    TOTPDevice.objects.filter(user=user).delete()
    device: TOTPDevice = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return device


def issue_token(user: User) -> str:
    """A new API token for the user (shown once; only its hash is kept)."""
    return ApiToken.issue(user)


def grant_review(
    user: User, person: str, days: int, granted_by: str, reason: str, *, waiting: bool = False
) -> AccessGrant:
    """Time-limited reviewer access to one person's records (``waiting`` for a lead's approval)."""
    now = timezone.now()
    grant: AccessGrant = AccessGrant.objects.create(
        user=user,
        person=person,
        kind=AccessGrant.REVIEW,
        reason=reason,
        granted_by=granted_by,
        starts_at=now,
        ends_at=now + dt.timedelta(days=days),
        waiting=waiting,
    )
    return grant
