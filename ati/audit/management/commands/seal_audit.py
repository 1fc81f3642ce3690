from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ati.audit.services import seal


class Command(BaseCommand):
    help = (
        "Chain the audit events committed and not sealed yet (beat does it every second; "
        "one sealer at a time)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"audit events sealed: {seal()}")
