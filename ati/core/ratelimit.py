"""Counting attempts per person or address, shared by every web process.

The counters live in the "ratelimit" cache: the database cache table by
default (`manage.py createcachetable`, run by `make demo` and the deploy
steps), Redis when ATI_CACHE_URL says so. A per-process memory cache would let
an attacker multiply the limit by the number of processes.
A counter is a fixed window: `limit` hits per `window` seconds.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    # Behind the proxy (ATI_BEHIND_PROXY) the proxy sets X-Forwarded-For; its last hop is ours.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and settings.ATI_BEHIND_PROXY:
        return forwarded.split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def _key(scope: str, who: str, window: int) -> str:
    digest = hashlib.sha256(who.lower().encode()).hexdigest()[:32]
    return f"ati:rl:{scope}:{digest}:{int(time.time() // window)}"


def count(scope: str, who: str) -> int:
    """Hits so far in the current window."""
    _, window = settings.ATI_RATE_LIMITS[scope]
    return int(caches["ratelimit"].get(_key(scope, who, window), 0))


def hit(scope: str, who: str) -> bool:
    """Record one attempt; True while the attempts stay within the limit."""
    limit, window = settings.ATI_RATE_LIMITS[scope]
    key = _key(scope, who, window)
    cache = caches["ratelimit"]
    cache.add(key, 0, window + 1)
    try:
        n = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window + 1)
        n = 1
    return n <= limit


def exceeded(scope: str, who: str) -> bool:
    limit, _ = settings.ATI_RATE_LIMITS[scope]
    return count(scope, who) >= limit
