from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ati.audit.selectors import verify_chain


class Command(BaseCommand):
    help = (
        "Seal what is committed, then verify the audit log's hash chain. Exits 0 when intact, "
        "1 naming the first broken row or an event left unsealed too long."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-seal",
            action="store_true",
            help="verify without sealing first: an event the sealer left unsealed longer "
            "than ATI_AUDIT_SEAL_DELAY_SECONDS is an error (monitoring the sealer)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        checked, broken = verify_chain(seal_first=not options["no_seal"])
        if broken is not None:
            raise CommandError(
                f"audit chain BROKEN at event #{broken.event_id}: {broken.problem} "
                f"({checked} events before it are intact)",
                returncode=1,
            )
        self.stdout.write(f"audit chain intact: {checked} events verified")
