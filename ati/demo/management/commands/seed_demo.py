from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ati.demo.seed import DEMO_PASSWORD, seed


class Command(BaseCommand):
    help = "Load the demo data (bodies, staff, commission, citizens, requests). Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = seed()
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for account in accounts:
            where = f" — {account.body}" + (f"/{account.department}" if account.department else "")
            self.stdout.write(
                f"  {account.email:<28} {account.role.label}{where if account.body else ''}"
            )
