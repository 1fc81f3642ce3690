"""python manage.py sweep_deadlines [--today YYYY-MM-DD] [--dry-run]

Queues the reminders, escalations and deemed-refusal notices that are due.
The last line is always ``queued: N``: the notices this run queued (or, with
--dry-run, would queue). Running it again the same day prints ``queued: 0``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ati.notifications.services import job_run
from ati.notifications.sweep import sweep


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--today {value!r}: expected a date YYYY-MM-DD") from exc


class Command(BaseCommand):
    help = "Queue the deadline reminders, escalations and deemed-refusal notices that are due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            type=_date,
            default=None,
            help="Sweep as if today were this date (YYYY-MM-DD).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be queued, write nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["dry_run"]:
            result = sweep(options["today"], dry_run=True)
        else:
            with job_run("sweep_deadlines") as run:
                result = sweep(options["today"])
                run.result = f"queued: {result.queued}"
        self.stdout.write(
            f"swept: {result.today.isoformat()}" + (" (dry run)" if result.dry_run else "")
        )
        for kind, count in sorted(result.by_kind.items()):
            self.stdout.write(f"  {kind}: {count}")
        self.stdout.write(f"queued: {result.queued}")
