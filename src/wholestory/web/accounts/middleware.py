"""Session rules every request passes: idle timeout, and a second factor for those who need one."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from wholestory.access import TWO_FACTOR_REQUIRED

#: Paths a signed-in user may reach before their second factor is checked.
_OPEN = ("/login", "/logout", "/two-factor", "/static/", "/health", "/api/")


class IdleTimeoutMiddleware:
    """Ends a session that has been idle longer than ``IDLE_TIMEOUT_SECONDS``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            last = request.session.get("last_seen", now)
            if now - float(last) > settings.IDLE_TIMEOUT_SECONDS:
                logout(request)
                return redirect(f"{settings.LOGIN_URL}?timeout=1")
            if now - float(last) >= 30 or "last_seen" not in request.session:
                # Saved at most every half minute: a session write on every request
                # would cost a database write per page for no gain in safety.
                request.session["last_seen"] = now
        return self.get_response(request)


class TwoFactorMiddleware:
    """Leads and administrators must pass a TOTP check before any page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(_OPEN)
            and _needs_second_factor(user)
            and not user.is_verified()  # type: ignore[union-attr,attr-defined,unused-ignore]
        ):
            return redirect("/two-factor")
        return self.get_response(request)


def _needs_second_factor(user: object) -> bool:
    membership = getattr(user, "membership", None)
    return membership is not None and membership.role in TWO_FACTOR_REQUIRED
