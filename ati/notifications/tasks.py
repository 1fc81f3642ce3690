"""Celery tasks: deliver one notice, deliver what is pending, sweep the deadlines."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="notifications.deliver", ignore_result=True)
def deliver(pk: int) -> str:
    """Deliver one row now (scheduled after the commit that queued it)."""
    return services.deliver_notification(pk)


@shared_task(name="notifications.deliver_many", ignore_result=True)
def deliver_many(pks: list[int]) -> list[str]:
    """Deliver the rows one transaction queued (one message for all of them)."""
    return [services.deliver_notification(pk) for pk in pks]


@shared_task(name="notifications.deliver_pending", ignore_result=True)
def deliver_pending() -> dict[str, int]:
    """Every minute: queued rows whose task was lost, and failed rows due for a retry."""
    with services.job_run("deliver_pending") as run:
        counts = services.deliver_pending()
        run.result = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "nothing due"
    return counts


@shared_task(name="notifications.sweep_deadlines", ignore_result=True)
def sweep_deadlines() -> int:
    """Every few minutes: queue the reminders, escalations and deemed-refusal notices."""
    from .sweep import sweep

    with services.job_run("sweep_deadlines") as run:
        result = sweep()
        run.result = f"queued: {result.queued}"
    return result.queued
