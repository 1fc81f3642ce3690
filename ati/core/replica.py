"""Read-only traffic on a PostgreSQL streaming replica (DATABASE_REPLICA_URL).

The routing is chosen per request, never per model, so that one transaction never mixes
two databases: `ReplicaMiddleware` marks a GET or HEAD of a view its app declared
read-only (`@replica_reads`, below) as eligible, and `ReplicaRouter` then sends that
request's ORM reads to the "replica" alias. Everything else goes to the primary: every
write, every read inside a transaction, every view not declared, every request of a
person who wrote in the last ATI_REPLICA_STICKY_SECONDS (read-your-writes, a signed
cookie), and every request while the replica lags more than ATI_REPLICA_MAX_LAG_SECONDS
or does not answer (measured at most once per ATI_REPLICA_CHECK_SECONDS per process).
A declared view that fails on the replica's connection is run again on the primary.

Apps declare their views themselves (the core imports none of them):

    @replica_reads                          # a page anyone may read
    def library(request): ...

    @replica_reads(anonymous_only=True)     # the API: requests without credentials only
    class LibraryViewSet(viewsets.ViewSet): ...

docs/deployment.md says what goes where; docs/configuration.md names the variables.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar, overload

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, OperationalError, connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

log = logging.getLogger(__name__)

PRIMARY = DEFAULT_DB_ALIAS
REPLICA = "replica"

#: The signed cookie that keeps a person who just wrote on the primary.
STICKY_COOKIE = "ati_primary"
STICKY_SALT = "ati.core.replica.sticky"

ALL = "all"
ANONYMOUS = "anonymous"
ATTRIBUTE = "replica_reads"

SAFE_METHODS = frozenset({"GET", "HEAD"})

V = TypeVar("V")


# --- Declaring views ---------------------------------------------------------------------


@overload
def replica_reads(view: V) -> V: ...
@overload
def replica_reads(*, anonymous_only: bool = False) -> Callable[[V], V]: ...
def replica_reads(view: Any = None, *, anonymous_only: bool = False) -> Any:
    """Mark a view function or class as safe to serve from the replica on GET and HEAD.

    Only views whose answer may be seconds old for a person who has not just written:
    public pages and public data. With `anonymous_only`, only requests that carry no
    credentials (no Authorization header, no session cookie) qualify.
    """

    def mark(target: V) -> V:
        setattr(target, ATTRIBUTE, ANONYMOUS if anonymous_only else ALL)
        return target

    return mark(view) if view is not None else mark


def declared(view_func: Any) -> str | None:
    """How a resolved view was declared: ALL, ANONYMOUS or None (primary only).

    Django's class-based views keep their class in `view_class`, DRF's in `cls`: a
    decorated class counts for the function `as_view()` made of it.
    """
    for candidate in (
        view_func,
        getattr(view_func, "view_class", None),
        getattr(view_func, "cls", None),
    ):
        mode = getattr(candidate, ATTRIBUTE, None)
        if mode in (ALL, ANONYMOUS):
            return str(mode)
    return None


# --- The request's route -----------------------------------------------------------------


@dataclass
class Route:
    """Where this request's reads go, and whether it wrote through the ORM."""

    alias: str = PRIMARY
    wrote: bool = False
    view: tuple[Any, tuple[Any, ...], dict[str, Any]] | None = field(default=None, repr=False)


_route: ContextVar[Route | None] = ContextVar("ati_replica_route", default=None)


def current_alias() -> str:
    """The alias this request reads from now (the primary outside a marked request)."""
    route = _route.get()
    if route is None or route.alias != REPLICA or connections[PRIMARY].in_atomic_block:
        return PRIMARY
    return REPLICA


class ReplicaRouter:
    """Installed by ati/settings.py when DATABASE_REPLICA_URL is set.

    Explicit answers, never None: Django would otherwise write an instance back to the
    database it was read from, which for a row read on the replica is the replica.
    """

    def db_for_read(self, model: type[Model], **hints: Any) -> str:
        return current_alias()

    def db_for_write(self, model: type[Model], **hints: Any) -> str:
        route = _route.get()
        if route is not None:
            route.wrote = True
        return PRIMARY

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        # The same rows on both: a row read on the replica may point to one of the primary.
        if {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA}:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        # The replica replays the primary's WAL: its schema comes from there.
        return db != REPLICA


# --- The replica's health ----------------------------------------------------------------


@dataclass(frozen=True)
class Health:
    ready: bool
    #: Seconds the replica is behind (0 when it has replayed all the primary had written
    #: when asked), None when unknown.
    lag: float | None
    reason: str
    checked_at: float


_health: Health | None = None
_health_lock = threading.Lock()

# How far behind the replica is. Caught up (its replayed position at or past the primary's
# position read just before): no lag, however long ago the last transaction was. Behind:
# how long ago the last transaction it replayed committed, an upper bound of how stale
# its rows are (the first one it still misses committed later).
LAG_SQL = """
    SELECT pg_is_in_recovery(),
           coalesce(pg_last_wal_replay_lsn() >= %s::pg_lsn, false),
           extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8
"""


def measure() -> Health:
    """Ask the primary for its WAL position and the replica how far it has replayed."""
    now = time.monotonic()
    try:
        with connections[PRIMARY].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            (primary_lsn,) = cursor.fetchone()
    except (DatabaseError, InterfaceError) as exc:
        return Health(False, None, f"the primary did not give its WAL position: {exc}", now)
    replica = connections[REPLICA]
    try:
        with replica.cursor() as cursor:
            cursor.execute(LAG_SQL, [primary_lsn])
            in_recovery, caught_up, age = cursor.fetchone()
    except (DatabaseError, InterfaceError) as exc:
        replica.close()  # the next check opens a new connection
        return Health(False, None, f"the replica does not answer: {exc}", now)
    if not in_recovery:
        # Promoted, or not a standby at all: its rows may have parted from the primary's.
        return Health(False, None, "the replica is not in recovery (not a standby)", now)
    lag = 0.0 if caught_up else (math.inf if age is None else max(0.0, float(age)))
    bound = float(settings.ATI_REPLICA_MAX_LAG_SECONDS)
    if lag > bound:
        return Health(False, lag, f"the replica lags {lag:.1f} s (bound {bound:g} s)", now)
    return Health(True, lag, "streaming", now)


def health(force: bool = False) -> Health:
    """The replica's health, measured at most once per ATI_REPLICA_CHECK_SECONDS per process."""
    global _health
    current = _health
    if (
        not force
        and current is not None
        and time.monotonic() - current.checked_at < settings.ATI_REPLICA_CHECK_SECONDS
    ):
        return current
    with _health_lock:
        current = _health
        if (
            not force
            and current is not None
            and time.monotonic() - current.checked_at < settings.ATI_REPLICA_CHECK_SECONDS
        ):
            return current  # another thread measured while this one waited
        fresh = measure()
        _remember(fresh)
        return fresh


def mark_down(reason: str) -> None:
    """A query failed on the replica: the primary serves until the next check."""
    _remember(Health(False, None, reason, time.monotonic()))


def forget() -> None:
    """Measure again at the next request (tests; after reconfiguring)."""
    global _health
    _health = None


def _remember(fresh: Health) -> None:
    global _health
    previous = _health
    _health = fresh
    # Said once per change, not once per check.
    if previous is None or previous.ready != fresh.ready:
        if fresh.ready:
            log.info("replica: reads go to the replica again (%s)", fresh.reason)
        else:
            log.warning("replica: reads go to the primary: %s", fresh.reason)


# --- The middleware ----------------------------------------------------------------------


def wrote_recently(request: HttpRequest) -> bool:
    return bool(
        request.get_signed_cookie(
            STICKY_COOKIE,
            default="",
            salt=STICKY_SALT,
            max_age=settings.ATI_REPLICA_STICKY_SECONDS,
        )
    )


def has_credentials(request: HttpRequest) -> bool:
    # Looked at, not loaded: checking the session would read it from the primary.
    return "HTTP_AUTHORIZATION" in request.META or settings.SESSION_COOKIE_NAME in request.COOKIES


class ReplicaMiddleware:
    """Chooses each request's database; last in MIDDLEWARE (its process_exception first)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        if REPLICA not in settings.DATABASES:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        route = Route()
        token = _route.set(route)
        try:
            response = self.get_response(request)
        finally:
            _route.reset(token)
        # A change this person made must be what they see next, whatever the replica's lag.
        if route.wrote or (request.method not in SAFE_METHODS and response.status_code < 400):
            response.set_signed_cookie(
                STICKY_COOKIE,
                "1",
                salt=STICKY_SALT,
                max_age=settings.ATI_REPLICA_STICKY_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> None:
        route = _route.get()
        if route is None or request.method not in SAFE_METHODS:
            return
        mode = declared(view_func)
        if mode is None or (mode == ANONYMOUS and has_credentials(request)):
            return
        if wrote_recently(request) or not health().ready:
            return
        route.alias = REPLICA
        route.view = (view_func, view_args, view_kwargs)

    def process_exception(self, request: HttpRequest, exception: Exception) -> Any:
        """The replica failed under a read-only view: run the view again on the primary."""
        route = _route.get()
        if (
            route is None
            or route.alias != REPLICA
            or route.view is None
            or not isinstance(exception, OperationalError | InterfaceError)
        ):
            return None
        mark_down(f"a query failed on the replica: {exception}")
        connections[REPLICA].close()
        route.alias = PRIMARY
        view_func, view_args, view_kwargs = route.view
        try:
            return view_func(request, *view_args, **view_kwargs)
        except (OperationalError, InterfaceError):
            return None  # the primary too: DatabaseUnavailableMiddleware answers 503
