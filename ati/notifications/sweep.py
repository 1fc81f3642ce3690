"""The deadline sweep: find what became due soon or overdue, and queue the notices.

A registry of *sweepers*, one per kind of deadline. Each sweeper selects its
rows with set-based queries (never a Python loop over candidate rows: the
date arithmetic is done once per calendar, on the few dates it concerns, and
the database filters by ``response_due``) and yields unsaved `Notification`
rows. `sweep()` inserts them in bulk, skipping any whose ``dedup_key`` exists,
and counts what it really inserted: run twice, it queues nothing the second
time. This module knows no app above it (docs/architecture.md): each app with
deadlines registers its sweeper in its ``ready()`` with `register_sweeper` (the
requests app: reminders, escalations and deemed refusals, ati/requests/sweep.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice
from typing import Protocol

from celery import current_app
from django.db import connection, transaction
from django.utils import timezone

from ati.accounts.models import Role
from ati.bodies.models import Membership, PublicBody

from .models import JobRun, Notification, Status

log = logging.getLogger(__name__)

BATCH = 10_000


class Sweeper(Protocol):
    """One kind of deadline: yields the notices that are due and not yet queued."""

    name: str

    def notices(self, today: dt.date) -> Iterable[Notification]: ...


SWEEPERS: list[Sweeper] = []


def register_sweeper(sweeper: Sweeper) -> Sweeper:
    if all(existing.name != sweeper.name for existing in SWEEPERS):
        SWEEPERS.append(sweeper)
    return sweeper


@dataclass
class SweepResult:
    today: dt.date
    queued: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    dry_run: bool = False


def sweep(today: dt.date | None = None, *, dry_run: bool = False) -> SweepResult:
    """Run every sweeper once; one sweep at a time (the JobRun row is locked)."""
    today = today or timezone.localdate()
    result = SweepResult(today=today, dry_run=dry_run)
    with transaction.atomic():
        JobRun.objects.get_or_create(name="sweep_deadlines.lock")
        JobRun.objects.select_for_update().filter(name="sweep_deadlines.lock").first()
        for sweeper in SWEEPERS:
            notices = iter(sweeper.notices(today))
            while chunk := list(islice(notices, BATCH)):
                inserted = len(chunk) if dry_run else _insert(chunk)
                result.queued += inserted
                for row in chunk:
                    result.by_kind[row.kind] = result.by_kind.get(row.kind, 0) + 1
        if result.queued and not dry_run:
            transaction.on_commit(_deliver_soon)
    return result


def _insert(chunk: list[Notification]) -> int:
    """Insert, skipping existing keys; return how many rows were really inserted."""
    stamp = timezone.now()
    if connection.vendor == "postgresql":
        return _insert_postgresql(chunk, stamp)
    for row in chunk:
        row.created_at = stamp
        row.next_attempt_at = stamp
    Notification.objects.bulk_create(chunk, ignore_conflicts=True)
    keys = [row.dedup_key for row in chunk]
    return Notification.objects.filter(dedup_key__in=keys, created_at=stamp).count()


#: The columns a sweep notice fills, and their PostgreSQL array types.
_ARRAY_COLUMNS = (
    ("recipient_id", "bigint"),
    ("recipient_email", "text"),
    ("language", "text"),
    ("kind", "text"),
    ("related_type", "text"),
    ("related_id", "bigint"),
    ("due_on", "date"),
    ("days_before", "smallint"),
    ("dedup_key", "text"),
    ("webhook_id", "bigint"),  # a due-soon webhook event (ati/requests/webhooks.py)
)


def _insert_postgresql(chunk: list[Notification], stamp: dt.datetime) -> int:
    """One INSERT ... SELECT FROM unnest(...) ON CONFLICT DO NOTHING; its rowcount is exact.

    bulk_create spends most of its time preparing each value in Python; arrays
    of columns let PostgreSQL do that work (several times faster at 10,000 rows).
    """
    meta = Notification._meta
    column = {f.attname: f.column for f in meta.concrete_fields}
    arrays = [[getattr(row, name) for row in chunk] for name, _ in _ARRAY_COLUMNS]
    names = [column[name] for name, _ in _ARRAY_COLUMNS]
    constants = {
        "subject": "''",
        "text_body": "''",
        "html_body": "''",
        "last_error": "''",
        "status": "%s",
        "attempts": "0",
        "next_attempt_at": "%s",
        "created_at": "%s",
    }
    # Only names from the model's metadata are formatted in; every value is a parameter.
    sql = (
        f"INSERT INTO {meta.db_table} ({', '.join(names + [column[c] for c in constants])}) "  # noqa: S608
        f"SELECT u.*, {', '.join(constants.values())} FROM unnest("
        + ", ".join(f"%s::{kind}[]" for _, kind in _ARRAY_COLUMNS)
        + f") AS u ON CONFLICT ({column['dedup_key']}) DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [Status.QUEUED, stamp, stamp, *arrays])
        return cursor.rowcount


def _deliver_soon() -> None:
    # One task for the whole batch rather than one per row; beat runs it anyway. By its
    # name: ati/notifications/tasks.py imports this module.
    try:
        current_app.tasks["notifications.deliver_pending"].apply_async(retry=False)
    except Exception as exc:  # broker down: beat's next deliver_pending sends them
        log.warning("broker unavailable, the sweep's notices stay queued: %s", exc)


# --- recipients ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Recipient:
    user_id: int | None
    email: str
    language: str

    @property
    def tag(self) -> str:
        if self.user_id is not None:
            return f"u{self.user_id}"
        return "e" + hashlib.sha256(self.email.lower().encode()).hexdigest()[:16]


def body_people(body_ids: Iterable[int], role: Role) -> dict[int, list[Recipient]]:
    """The active people with ``role`` in each body; the body's address when it has none."""
    body_ids = set(body_ids)
    people: dict[int, list[Recipient]] = defaultdict(list)
    rows = (
        Membership.objects.filter(body_id__in=body_ids, role=role, user__is_active=True)
        .values_list("body_id", "user_id", "user__email", "user__preferred_language")
        .distinct()
    )
    for body_id, user_id, email, language in rows:
        people[body_id].append(Recipient(user_id, email, language or "fr"))
    missing = body_ids - people.keys()
    if missing:
        for body_id, email in (
            PublicBody.objects.filter(pk__in=missing).exclude(email="").values_list("pk", "email")
        ):
            people[body_id].append(Recipient(None, email, "fr"))
    return people
