"""python manage.py clean_orphan_files [--grace-hours N] [--dry-run]

Removes stored files that no row points to (request and message attachments,
notice attachments such as receipts, library PDFs), once they are older than
the grace period: a file younger than that may belong to a transaction still
open. Beat runs it daily (`core.clean_orphan_files`). One line per area, then
always ``removed: N`` (with --dry-run, what would be removed).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ati.core.files import remove_orphans


def _hours(value: str) -> float:
    try:
        hours = float(value)
    except ValueError as exc:
        raise CommandError(f"--grace-hours {value!r}: expected a number of hours") from exc
    if hours < 1:
        raise CommandError("--grace-hours: at least 1 (younger files may not be committed yet)")
    return hours


class Command(BaseCommand):
    help = "Remove stored files that no row points to, older than the grace period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--grace-hours",
            type=_hours,
            default=24.0,
            help="Leave alone files younger than this (default 24).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be removed, remove nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        found = remove_orphans(
            dt.timedelta(hours=options["grace_hours"]), dry_run=options["dry_run"]
        )
        verbose = options["verbosity"] > 1 or options["dry_run"]
        for result in found:
            self.stdout.write(
                f"{result.area.label} ({result.area.folder or '.'}/): {result.files} files, "
                f"{len(result.orphans)} orphaned, {result.fresh} too recent to judge"
            )
            if verbose:
                for name in result.orphans:
                    self.stdout.write(f"  {name}")
        if options["dry_run"]:
            self.stdout.write("dry run: nothing removed")
        self.stdout.write(f"removed: {sum(len(r.orphans) for r in found)}")
