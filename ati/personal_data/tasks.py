"""Celery task: carry out the erasures asked for once their retention has ended (beat, hourly)."""

from __future__ import annotations

from celery import shared_task

from ati.notifications.services import job_run

from . import services

JOB = "erase_expired_personal_data"


@shared_task(name="personal_data.erase_due", ignore_result=True)
def erase_due() -> int:
    with job_run(JOB) as run:
        result = services.apply_retention()
        run.result = f"erased: {len(result.accounts)} accounts, waiting: {len(result.waiting)}"
    return len(result.accounts)
