from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ati.audit.selectors import verify_chain


class Command(BaseCommand):
    help = "Verify the audit log's hash chain. Exits 0 when intact, 1 naming the first broken row."

    def handle(self, *args: Any, **options: Any) -> None:
        checked, broken = verify_chain()
        if broken is not None:
            raise CommandError(
                f"audit chain BROKEN at event #{broken.event_id}: {broken.problem} "
                f"({checked} events before it are intact)",
                returncode=1,
            )
        self.stdout.write(f"audit chain intact: {checked} events verified")
