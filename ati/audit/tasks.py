"""Celery task: the audit sealer, every second from beat (docs/audit.md)."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="audit.seal", ignore_result=True)
def seal() -> int:
    """Chain the events committed since the last run (one sealer at a time; idempotent)."""
    from .services import seal as seal_events

    return seal_events()
