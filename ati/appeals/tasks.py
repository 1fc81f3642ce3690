"""Celery task for the daily sweep (scheduled by beat with the other deadline sweeps)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="appeals.sweep")
def sweep() -> dict[str, int]:
    return services.sweep()
