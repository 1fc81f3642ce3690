"""Celery task: remove accounts whose address was never confirmed (beat, daily)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="accounts.remove_unverified_accounts", ignore_result=True)
def remove_unverified_accounts() -> int:
    return len(services.remove_unverified_accounts())
