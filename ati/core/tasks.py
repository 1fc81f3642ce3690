"""Celery task: the daily clean-up of orphaned files (see ati/core/files.py)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings


@shared_task(name="core.clean_orphan_files", ignore_result=True)
def clean_orphan_files() -> int:
    from .files import remove_orphans
    from .jobs import recorded

    with recorded("clean_orphan_files") as run:
        grace = dt.timedelta(hours=settings.ATI_ORPHAN_GRACE_HOURS)
        removed = sum(len(r.orphans) for r in remove_orphans(grace))
        run.result = f"removed: {removed}"
    return removed
