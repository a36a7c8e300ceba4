"""Token authentication for the API: ``Authorization: Bearer <token>``.

Only the token's SHA-256 is stored (:class:`~wholestory.web.accounts.models.ApiToken`),
so the check hashes what was sent and looks the digest up. A revoked token,
or one whose user is no longer active, is refused like an unknown one.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from wholestory.web.accounts.models import ApiToken

#: Longer than any token we issue; anything longer is refused without a lookup.
_MAX_TOKEN = 200


class BearerToken(HttpBearer):
    """The user a bearer token belongs to, or None (401)."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        token = token.strip()
        if not token or len(token) > _MAX_TOKEN:
            return None
        try:
            digest = ApiToken.digest_of(token)
        except UnicodeError:
            return None
        found = (
            ApiToken.objects.select_related("user")
            .filter(digest=digest, revoked=False, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > dt.timedelta(minutes=1):
            # At most a write a minute: "last used" needs no finer grain than that.
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        user = found.user
        request.user = user  # the pages' access rules read request.user
        return user
