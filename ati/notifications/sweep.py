"""The deadline sweep: find what became due soon or overdue, and queue the notices.

A registry of *sweepers*, one per kind of deadline. Each sweeper selects its
rows with set-based queries (never a Python loop over candidate rows: the
date arithmetic is done once per calendar, on the few dates it concerns, and
the database filters by ``response_due``) and yields unsaved `Notification`
rows. `sweep()` inserts them in bulk, skipping any whose ``dedup_key`` exists,
and counts what it really inserted: run twice, it queues nothing the second
time. The request sweeper lives here; the appeals app registers its own
(complaint to the head, appeal to the commission) with `register_sweeper`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Protocol

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.expressions import Combinable
from django.utils import timezone

from ati.accounts.models import Role
from ati.bodies.models import Membership, PublicBody
from ati.law.models import LegalProfileVersion
from ati.law.selectors import hold_calendar, working_calendar
from ati.requests.models import CLOCK_RUNNING, InformationRequest

from .models import JobRun, Notification, Status

log = logging.getLogger(__name__)

REQUEST_TYPE = "requests.informationrequest"
REMINDER = "request.reminder"
ESCALATION = "request.escalation"
DEEMED_REFUSAL = "request.deemed_refusal"
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
    # One task for the whole batch rather than one per row; beat runs it anyway.
    from .tasks import deliver_pending

    try:
        deliver_pending.apply_async(retry=False)
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


# --- the request sweeper -------------------------------------------------------------------
def reminder_days() -> list[int]:
    """Working days before the due date at which officers are reminded, largest first."""
    days = getattr(settings, "ATI_REMINDER_WORKING_DAYS", (5, 2))
    return sorted({int(d) for d in days if int(d) > 0}, reverse=True)


def last_day_at(calendar: Any, today: dt.date, n: int) -> dt.date:
    """The last date D with exactly ``n`` working days in (today, D]."""
    return calendar.add_working_days(today, n + 1) - dt.timedelta(days=1)


def not_yet_noticed(kind: str, days_before: int | None = None) -> Combinable:
    """No notice of this kind about this due date yet, sent or on its way.

    A cancelled one does not count: it was never sent (the due date had moved when
    it was delivered), so if the request is due on that date again, it is sent.
    """
    already = Notification.objects.filter(
        related_type=REQUEST_TYPE,
        related_id=OuterRef("pk"),
        kind=kind,
        due_on=OuterRef("response_due"),
        days_before=days_before,
    ).exclude(status=Status.CANCELLED)
    return ~Exists(already)


def _key(kind: str, step: int | None, pk: int, due: dt.date, to: Recipient) -> str:
    short = kind.rsplit(".", 1)[-1]
    step_part = f":{step}" if step is not None else ""
    return f"{short}{step_part}:request:{pk}:{due.isoformat()}:{to.tag}"


def _notice(
    kind: str, pk: int, due: dt.date, to: Recipient, step: int | None = None
) -> Notification:
    return Notification(
        recipient_id=to.user_id,
        recipient_email=to.email,
        language=to.language,
        kind=kind,
        related_type=REQUEST_TYPE,
        related_id=pk,
        due_on=due,
        days_before=step,
        dedup_key=_key(kind, step, pk, due, to),
    )


class RequestDeadlines:
    """Information requests: reminders before the due date, escalation after it.

    * Reminder N (default 5 and 2 working days before): to the body's
      officers, for requests whose remaining working days r satisfy
      next-smaller-N < r <= N. The range (rather than r == N exactly) makes a
      sweep that did not run on the day catch up, and gives a request that
      starts inside the window (urgent ones) one reminder, not two.
    * Overdue (due date passed, clock running): escalation to the head of the
      body, and a notice to the applicant that silence counts as a refusal and
      how to complain.
    Each notice names the due date it is about: an extension gives new ones.
    """

    name = "requests"

    def notices(self, today: dt.date) -> Iterator[Notification]:
        # Count with calendars held until the sweep commits (`hold_calendar`): a holiday
        # moved meanwhile waits, so the windows and the due dates of a sweep come from
        # one calendar, never half from the old one and half from the new.
        in_use = LegalProfileVersion.objects.values_list("calendar_id", flat=True).distinct()
        for calendar_id in sorted(set(in_use)):
            hold_calendar(calendar_id)
        versions: dict[int, list[int]] = defaultdict(list)
        calendars = {}
        for version in LegalProfileVersion.objects.select_related("calendar"):
            versions[version.calendar_id].append(version.pk)
            calendars[version.calendar_id] = version.calendar
        for calendar_id, version_ids in versions.items():
            calendar = working_calendar(calendars[calendar_id])
            running = InformationRequest.objects.filter(
                state__in=CLOCK_RUNNING, profile_version_id__in=version_ids
            )
            yield from self._reminders(running, calendar, today)
            yield from self._overdue(running, today)

    def _reminders(
        self, running: QuerySet[InformationRequest], calendar: Any, today: dt.date
    ) -> Iterator[Notification]:
        thresholds = reminder_days()
        for i, n in enumerate(thresholds):
            lower = thresholds[i + 1] if i + 1 < len(thresholds) else None
            first = (
                last_day_at(calendar, today, lower) + dt.timedelta(days=1)
                if lower is not None
                else today
            )
            rows = list(
                running.filter(response_due__range=(first, last_day_at(calendar, today, n)))
                .filter(not_yet_noticed(REMINDER, n))
                .values_list("pk", "body_id", "response_due")
            )
            officers = body_people({body for _, body, _ in rows}, Role.OFFICER)
            for pk, body_id, due in rows:
                for to in officers.get(body_id, []):
                    yield _notice(REMINDER, pk, due, to, n)

    def _overdue(
        self, running: QuerySet[InformationRequest], today: dt.date
    ) -> Iterator[Notification]:
        overdue = running.filter(response_due__lt=today)
        rows = list(
            overdue.filter(not_yet_noticed(ESCALATION)).values_list("pk", "body_id", "response_due")
        )
        heads = body_people({body for _, body, _ in rows}, Role.HEAD_OF_BODY)
        for pk, body_id, due in rows:
            for to in heads.get(body_id, []):
                yield _notice(ESCALATION, pk, due, to)
        applicants = overdue.filter(not_yet_noticed(DEEMED_REFUSAL)).values_list(
            "pk", "response_due", "applicant_id", "applicant_email", "language"
        )
        for pk, due, user_id, email, language in list(applicants):
            yield _notice(DEEMED_REFUSAL, pk, due, Recipient(user_id, email, language))


register_sweeper(RequestDeadlines())
