"""Rate limits on login and search: a fixed window per minute, per user or address."""

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
    who = (
        request.user.get_username()
        if request.user.is_authenticated
        else request.META.get("REMOTE_ADDR", "unknown")
    )
    key = f"rate:{name}:{who}:{int(time.time() // 60)}"
    count = cache.get_or_set(key, 0, timeout=70)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=70)
        count = 1
    return int(count) > limit
