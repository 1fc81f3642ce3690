"""Counting attempts per person or address, shared by every web process.

A counter is a fixed window: `limit` hits per `window` seconds. The counters
live in the database table `core_ratecounter` by default: one upsert per hit,
made by the migrations (nothing to create by hand). With ATI_CACHE_URL they
live in Redis instead (the "ratelimit" cache). A per-process memory cache would
let an attacker multiply the limit by the number of processes.

Django's database cache was used before: each hit cost ten queries and two
transactions, among them a COUNT(*) of the whole table (its culling), which is
what a submission paid first (bench/bench_http.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
import time

from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from .models import RateCounter

#: One hit in this many also deletes the counters of past windows.
PURGE_ONE_IN = 200


def client_address(request: HttpRequest) -> str:
    # Behind the proxy (ATI_BEHIND_PROXY) the proxy sets X-Forwarded-For; its last hop is ours.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and settings.ATI_BEHIND_PROXY:
        return forwarded.split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def _key(scope: str, who: str, window: int) -> str:
    digest = hashlib.sha256(who.lower().encode()).hexdigest()[:32]
    return f"ati:rl:{scope}:{digest}:{int(time.time() // window)}"


def _in_redis() -> bool:
    return bool(settings.ATI_CACHE_URL)


def count(scope: str, who: str) -> int:
    """Hits so far in the current window."""
    _, window = settings.ATI_RATE_LIMITS[scope]
    key = _key(scope, who, window)
    if _in_redis():
        return int(caches["ratelimit"].get(key, 0))
    row = RateCounter.objects.filter(key=key, expires_at__gt=timezone.now()).first()
    return row.hits if row else 0


def _incr_in_table(key: str, expires_at: dt.datetime) -> int:
    q = connection.ops.quote_name
    table, key_, hits, expires = (
        q(RateCounter._meta.db_table),
        q("key"),
        q("hits"),
        q("expires_at"),
    )
    # One statement, atomic on its own on SQLite and PostgreSQL: two processes
    # hitting the same key both count.
    sql = (
        f"INSERT INTO {table} ({key_}, {hits}, {expires}) VALUES (%s, 1, %s) "  # noqa: S608 - model names
        f"ON CONFLICT ({key_}) DO UPDATE SET {hits} = {table}.{hits} + 1 RETURNING {hits}"
    )
    params = [
        key,
        RateCounter._meta.get_field("expires_at").get_db_prep_save(expires_at, connection),
    ]
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # Its own transaction, committed without waiting for the WAL to reach the disk: a
        # hit lost in a crash is harmless, and the flush was a submission's second one
        # (bench_http.py's samples: ~8 % of busy backends in IO:WALSync on this upsert).
        # Never inside a caller's transaction: SET LOCAL would make its commit lazy too.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            cursor.execute(sql, params)
            (hits,) = cursor.fetchone()
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            (hits,) = cursor.fetchone()
    if random.randrange(PURGE_ONE_IN) == 0:  # noqa: S311 - not for security
        RateCounter.objects.filter(expires_at__lt=timezone.now()).delete()
    return int(hits)


def hit(scope: str, who: str) -> bool:
    """Record one attempt; True while the attempts stay within the limit."""
    limit, window = settings.ATI_RATE_LIMITS[scope]
    key = _key(scope, who, window)
    if not _in_redis():
        return _incr_in_table(key, timezone.now() + dt.timedelta(seconds=window + 1)) <= limit
    cache = caches["ratelimit"]
    cache.add(key, 0, window + 1)
    try:
        n = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window + 1)
        n = 1
    return n <= limit


def retry_after(*scopes: str) -> int:
    """Seconds until the current window of every scope has ended: a 429's `Retry-After`.

    Windows are fixed and aligned on the epoch (`_key`), so this is exact for the
    counter that refused, and the same for every process.
    """
    now = time.time()
    return max(
        max(1, math.ceil(window - now % window))
        for _, window in (settings.ATI_RATE_LIMITS[scope] for scope in scopes)
    )


def too_many(request: HttpRequest, *scopes: str) -> HttpResponse:
    """The page of a refused attempt: a 429 saying when to come back (`Retry-After`)."""
    response = render(request, "429.html", status=429)
    response["Retry-After"] = str(retry_after(*scopes))
    return response


def exceeded(scope: str, who: str) -> bool:
    limit, _ = settings.ATI_RATE_LIMITS[scope]
    return count(scope, who) >= limit
