"""python manage.py remove_unverified_accounts [--days N] [--dry-run]

Deletes citizens' accounts whose e-mail address was not confirmed within N days
(default ATI_UNVERIFIED_ACCOUNT_DAYS, 7) and that never signed in. Beat runs the
same every day (task ``accounts.remove_unverified_accounts``). Each removal is
audited, by account number only. The last line is ``removed: N accounts``
(``would remove: N accounts`` with ``--dry-run``, which changes nothing).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from ati.accounts import services


class Command(BaseCommand):
    help = "Delete accounts whose e-mail address was never confirmed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=settings.ATI_UNVERIFIED_ACCOUNT_DAYS,
            help="Age in days of an unconfirmed account before it is removed.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Change nothing.")

    def handle(self, *args: Any, days: int, dry_run: bool, **options: Any) -> None:
        if days < 1:
            self.stderr.write("--days must be at least 1")
            raise SystemExit(2)
        removed = services.remove_unverified_accounts(days=days, dry_run=dry_run)
        for pk in removed:
            self.stdout.write(f"account #{pk}")
        verb = "would remove" if dry_run else "removed"
        self.stdout.write(f"{verb}: {len(removed)} accounts")
