"""Daily: record complaints whose head's deadline lapsed, remind bodies of orders to comply."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ati.appeals.services import sweep


class Command(BaseCommand):
    help = "Record lapsed complaints and send compliance reminders (run daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = sweep()
        self.stdout.write(
            f"lapsed complaints: {result['lapsed']}, compliance reminders: {result['reminders']}"
        )
