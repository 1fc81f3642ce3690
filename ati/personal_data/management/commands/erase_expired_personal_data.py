"""python manage.py erase_expired_personal_data [--dry-run] [--all-past-retention | --user ACCOUNT]

Applies the retention of applicants' personal data (ATI_PERSONAL_DATA_RETENTION_DAYS):

* by default, carries out the erasures applicants asked for whose retention has
  now ended (the periodic job does the same every hour);
* ``--all-past-retention`` also erases the applicant's identity on every request
  whose retention has ended, asked or not (paper requests included); accounts
  are erased only when their holder asked;
* ``--user EMAIL|ID`` records an erasure asked by letter or at the counter for
  one account: erased now if the retention allows it, otherwise kept for later
  and the date printed.

``--dry-run`` prints what would be done and changes nothing. The last line is
always ``erased: N accounts, M requests`` (``would erase: …`` in a dry run).
Bad input (an unknown account, a staff account) exits with status 2.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ati.accounts.models import Role, User
from ati.notifications.services import job_run
from ati.personal_data import services
from ati.personal_data.retention import retention_days, retention_for
from ati.personal_data.tasks import JOB
from ati.requests.models import InformationRequest


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()) if k != "accounts")


class Command(BaseCommand):
    help = "Erase applicants' personal data whose retention period has ended."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would be erased; change nothing."
        )
        which = parser.add_mutually_exclusive_group()
        which.add_argument(
            "--all-past-retention",
            action="store_true",
            help="Also erase the applicant's identity on every request past its retention.",
        )
        which.add_argument(
            "--user",
            default="",
            metavar="EMAIL|ID",
            help="Record an erasure asked by this applicant (by letter or at the counter).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        self.stdout.write(
            f"retention: {retention_days()} days after the end of a procedure"
            + (" (dry run: nothing is changed)" if dry_run else "")
        )
        if options["user"]:
            accounts = self._one(self._account(options["user"]), dry_run)
            self._last_line(dry_run, accounts, 0)
            return
        if dry_run:
            run = services.apply_retention(
                dry_run=True, all_requests=options["all_past_retention"], progress=True
            )
        else:
            with job_run(JOB) as job:
                run = services.apply_retention(
                    all_requests=options["all_past_retention"], progress=True
                )
                job.result = f"erased: {len(run.accounts)} accounts, {len(run.requests)} requests"
        verb = "would be erased" if dry_run else "erased"
        for pk, counts in run.accounts:
            self.stdout.write(f"account #{pk}: {verb} ({_counts(counts)})")
        for pk, not_before in run.waiting:
            self.stdout.write(f"account #{pk}: waiting, not before {not_before}")
        for reference, counts in run.requests:
            self.stdout.write(f"request {reference}: identity {verb} ({_counts(counts)})")
        self._last_line(dry_run, len(run.accounts), len(run.requests))

    def _account(self, value: str) -> User:
        value = value.strip()
        found = (
            User.objects.filter(pk=int(value)).first()
            if value.isdigit()
            else User.objects.filter(email__iexact=value).first()
        )
        if found is None:
            raise CommandError(f"--user {value!r}: no such account", returncode=2)
        if found.role != Role.CITIZEN:
            raise CommandError(
                f"--user {value!r}: account #{found.pk} is not an applicant's "
                f"({found.role}); staff accounts are managed in the admin",
                returncode=2,
            )
        return found

    def _one(self, user: User, dry_run: bool) -> int:
        if not user.is_active and not user.has_usable_password() and not user.full_name:
            self.stdout.write(f"account #{user.pk}: already erased")
            return 0
        retention = retention_for(user)
        if dry_run or not retention.may_erase:
            if retention.may_erase:
                requests = InformationRequest.objects.filter(applicant=user)
                counts = services.plan_erasure(requests, account=user).counts()
                self.stdout.write(f"account #{user.pk}: would be erased ({_counts(counts)})")
                return 1
            if not dry_run:
                services.ask_for_erasure(user, actor=None)
            for hold in retention.holds:
                self.stdout.write(
                    f"  {hold.reference}: {hold.reason}, kept at least until {hold.kept_until}"
                )
            recorded = "" if dry_run else "; erasure request recorded"
            self.stdout.write(
                f"account #{user.pk}: not erased, not before {retention.not_before}{recorded}"
            )
            return 0
        counts = services.ask_for_erasure(user, actor=None).counts
        self.stdout.write(f"account #{user.pk}: erased ({_counts(counts)})")
        return 1

    def _last_line(self, dry_run: bool, accounts: int, requests: int) -> None:
        prefix = "would erase" if dry_run else "erased"
        self.stdout.write(f"{prefix}: {accounts} accounts, {requests} requests")
