"""Rate limits on sign-in and search: a fixed window per minute, per user or address.

Counted in each server process's own memory, so with several gunicorn workers
the limit applies per worker: it stops a script hammering the service, which is
its job; the lockout after failed sign-ins (django-axes) is kept in the database.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def over_limit(request: HttpRequest, name: str) -> bool:
    """Count this request against ``name``'s limit; True once the minute's allowance is spent."""
    limit = int(settings.RATE_LIMITS.get(name, 0))
    if limit <= 0:
        return False
    who = request.user.get_username() if request.user.is_authenticated else client_address(request)
    key = f"rate:{name}:{who}:{int(time.time() // 60)}"
    cache.add(key, 0, timeout=70)
    return int(cache.incr(key)) > limit


def client_address(request: HttpRequest) -> str:
    """The client's address: behind ``WHOLESTORY_PROXIES`` trusted proxies, as they forwarded it.

    Without it every sign-in behind a proxy would come from the proxy and share
    one budget; trusting the header when there is no proxy would let a client
    choose its own address, so it is trusted only as far as configured.
    """
    proxies = int(settings.TRUSTED_PROXIES)
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if proxies and len(forwarded) >= proxies:
        return str(forwarded[-proxies])
    return str(request.META.get("REMOTE_ADDR", "unknown"))
