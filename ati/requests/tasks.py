"""Celery tasks of requests: a submission's notices, and the safety net behind them."""

from __future__ import annotations

from celery import shared_task

from ati.notifications.services import job_run

from . import services


@shared_task(name="requests.send_submission_notices", ignore_result=True)
def send_submission_notices(pk: int) -> bool:
    """The receipt and the officers' notice of one submission (queued after its commit)."""
    return services.send_submission_notices(pk)


@shared_task(name="requests.send_pending_submission_notices", ignore_result=True)
def send_pending_submission_notices() -> int:
    """Every minute: submissions whose notices' task was lost (broker down, worker killed).
    Polled (ATI_SUBMISSION_NOTICES=poll), every second: all those waiting."""
    if services.notices_polled() and not services.submissions_wait_for_notices():
        return 0  # most seconds: one indexed read, and no run recorded
    with job_run("submission_notices") as run:
        sent = services.send_pending_submission_notices()
        run.result = f"{sent} sent" if sent else "nothing due"
    return sent
