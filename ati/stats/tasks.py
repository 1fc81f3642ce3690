"""Celery: recompute the statistics on a schedule (the lead wires it into beat)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="stats.refresh_stats")
def refresh_stats() -> str:
    from .compute import refresh_stats as compute

    return compute().computed_at.isoformat()
