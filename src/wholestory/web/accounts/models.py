"""Who a user is to the partnership, and the time-limited access they hold.

Django's own ``User`` keeps the login (Argon2 hash); :class:`Membership`
adds the agency, team and role that every access decision reads.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models

from wholestory.access import ROLES


class Membership(models.Model):
    """A user's agency, team and role, the practitioner name agencies know them by, and when
    they last visited."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    agency = models.CharField(max_length=32)
    team = models.TextField(default="")
    role = models.CharField(max_length=16, choices=sorted(ROLES.items()))
    # Four eyes (issue 11, M1): who asked for the account, and who approved it. An account
    # that waits cannot sign in; "" in added_by means it was made on the server.
    added_by = models.TextField(default="", db_default="")
    approved_by = models.TextField(default="", db_default="")
    waiting = models.BooleanField(default=False, db_default=False)
    # The name the agency's records give this user as a practitioner ("" when not matched):
    # their allocations are the children they are the worker for (engagement.leads).
    practitioner_name = models.TextField(default="", db_default="")
    # When they signed in before this visit (their last sign-in's time, kept at sign-in by
    # accounts.visits), so a home page shows what is new since their last visit.
    previous_visit = models.DateTimeField(null=True)

    class Meta:
        db_table = "ws_membership"


class ApiToken(models.Model):
    """An API token: only its SHA-256 is kept, so a stolen database holds no usable token."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        db_table = "ws_api_token"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user: object) -> str:
        """A new token for ``user``; the plain token is returned once and never stored."""
        token = "ws_" + secrets.token_urlsafe(32)
        cls.objects.create(user=user, digest=cls.digest_of(token))
        return token


class AccessGrant(models.Model):
    """Time-limited access to one person: a reviewer's grant, or a break-glass."""

    REVIEW, BREAK_GLASS = "review", "break_glass"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    person = models.CharField(max_length=200)
    kind = models.CharField(max_length=16)
    reason = models.TextField()
    granted_by = models.TextField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    # A reviewer's grant opens only once a lead of an agency holding the case approves it.
    # (Database defaults too: the core library writes some of these tables without Django.)
    waiting = models.BooleanField(default=False, db_default=False)
    approved_by = models.TextField(default="", db_default="")

    class Meta:
        db_table = "ws_access_grant"
        indexes = [models.Index(fields=["user", "person"], name="ws_grant_user_person")]


class Notification(models.Model):
    """A message for an agency's safeguarding leads, such as a break-glass on their child."""

    agency = models.CharField(max_length=32)
    person = models.CharField(max_length=200)
    message = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    read_by = models.TextField(default="")
    # Where the notice leads when it is about no one person ("" for the uploads to confirm).
    url = models.TextField(default="", db_default="")

    class Meta:
        db_table = "ws_notification"
        indexes = [models.Index(fields=["agency"], name="ws_notification_agency")]


class PasswordLink(models.Model):
    """A one-time link for a new user to choose their own password (issue 11, M1).

    Only its SHA-256 is kept; it works once, and only until it expires, so nobody
    else ever chooses or knows a user's password.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    digest = models.CharField(max_length=64, unique=True)
    created_by = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True)

    class Meta:
        db_table = "ws_password_link"
