"""Celery tasks: prepare a proposal's redactions, and the safety net behind them.

The French name model is loaded by the worker that runs these, once per process
(decision 0010): web processes only queue them.
"""

from __future__ import annotations

from celery import shared_task

from ati.notifications.services import job_run

from . import services


@shared_task(name="library.prepare_publication", ignore_result=True)
def prepare_publication(pk: int) -> str:
    """Detect one proposal's redactions and move it to review (queued after its commit)."""
    return services.prepare_publication(pk)


@shared_task(name="library.prepare_pending", ignore_result=True)
def prepare_pending() -> dict[str, int]:
    """Every minute: proposals whose task was lost, or whose worker died mid-task."""
    with job_run("prepare_publications") as run:
        counts = services.prepare_pending()
        run.result = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "nothing due"
    return counts
