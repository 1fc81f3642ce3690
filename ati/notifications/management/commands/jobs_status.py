"""python manage.py jobs_status: the outbox and the periodic jobs, for operators."""

from __future__ import annotations

from typing import Any

from celery import current_app
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Count, Min

from ati.notifications.models import JobRun, Notification, Status
from ati.notifications.status import REPORTERS


def broker_kind(url: str) -> str:
    scheme = url.split("://", 1)[0].lower() if "://" in url else url
    return {"rediss": "redis", "sentinel": "redis"}.get(scheme, scheme)


def queue_lines() -> list[str]:
    """Each queue (docs/jobs.md, "Queues"), the messages waiting in it and its tasks.

    A backlog in `documents` (OCR) is expected for a while; one in `mail` or `default`
    says their workers are missing or too few. A broker that does not answer is said,
    never raised: the rest of the report comes from the database.
    """
    from kombu.exceptions import ChannelError

    routed: dict[str, list[str]] = {name: [] for name in settings.ATI_TASK_QUEUES}
    for task, route in sorted(settings.CELERY_TASK_ROUTES.items()):
        routed.setdefault(route["queue"], []).append(task)
    try:
        waiting: dict[str, str] = {}
        with current_app.connection_for_read() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=3)
            for name in routed:
                # Typed as kombu's StdChannel, which lacks the queue_declare every transport has.
                channel: Any = conn.channel()
                try:
                    count = channel.queue_declare(queue=name, passive=True).message_count
                except ChannelError:  # never declared, or Redis's empty list: none waits
                    count = 0
                finally:
                    channel.close()
                waiting[name] = str(count)
        problem = ""
    except Exception as exc:  # the broker is down or refuses: say so, never fail
        waiting, problem = {}, f" (the broker did not answer: {exc.__class__.__name__})"
    return [
        f"queue {name}: {waiting.get(name, '?')} waiting{problem}; {', '.join(tasks) or '-'}"
        for name, tasks in routed.items()
    ]


class Command(BaseCommand):
    help = (
        "Show the broker's queues and what waits in each, queued, sent and failed notifications, "
        "other work waiting for the worker (library proposals) and the last run of each job."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--failed",
            type=int,
            default=10,
            help="List at most this many failed notifications (default 10).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = dict(
            Notification.objects.values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        w = self.stdout.write
        # The app's own configuration: what this process would do with a task.
        eager = current_app.conf.task_always_eager
        w(
            f"broker: {broker_kind(settings.CELERY_BROKER_URL)}"
            + (" (tasks run in-process)" if eager else "")
        )
        if not eager:
            for line in queue_lines():
                w(line)
        for status in Status:
            w(f"{status.value}: {counts.get(status.value, 0)}")
        oldest = Notification.objects.filter(status=Status.QUEUED).aggregate(at=Min("created_at"))[
            "at"
        ]
        w(f"oldest queued: {oldest.isoformat() if oldest else '-'}")
        given_up = Notification.objects.filter(status=Status.FAILED, next_attempt_at=None).count()
        w(f"failed for good (retry from the admin): {given_up}")
        for reporter in REPORTERS:
            for line in reporter():
                w(line)
        runs = {run.name: run for run in JobRun.objects.exclude(name__endswith=".lock")}
        for name in ("sweep_deadlines", "deliver_pending"):
            run = runs.pop(name, None)
            w(self._run_line(name, run))
        for name, run in sorted(runs.items()):
            w(self._run_line(name, run))
        failed = Notification.objects.filter(status=Status.FAILED).order_by(
            "-next_attempt_at", "-pk"
        )[: options["failed"]]
        for row in failed:
            w(
                f"  failed #{row.pk} {row.kind} → {row.recipient_email}: attempts {row.attempts}, "
                f"next {row.next_attempt_at.isoformat() if row.next_attempt_at else 'never'}, "
                f"{row.last_error[:120]}"
            )

    @staticmethod
    def _run_line(name: str, run: JobRun | None) -> str:
        if run is None or run.last_started_at is None:
            return f"last run {name}: never"
        finished = run.last_finished_at.isoformat() if run.last_finished_at else "running"
        state = "ok" if run.last_ok else "FAILED"
        return (
            f"last run {name}: {run.last_started_at.isoformat()} → {finished} "
            f"({state}; {run.last_result}; {run.runs} runs)"
        )
