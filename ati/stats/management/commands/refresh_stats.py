from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from ati.stats.compute import refresh_stats


class Command(BaseCommand):
    help = "Recompute the statistics (request facts and the published figures) in bulk."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        snapshot = refresh_stats(progress=True)
        rows = len(snapshot.data["monthly"])
        self.stdout.write(
            f"statistics computed at {snapshot.computed_at.isoformat()}: {rows} body-month rows "
            f"in {time.perf_counter() - started:.2f} s"
        )
