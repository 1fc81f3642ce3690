from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ati.demo.seed import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_totp_code, seed


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
        self.stdout.write(
            "Staff sign in with a second factor. Add this secret to an authenticator app "
            f"(TOTP, 6 digits, 30 s): {DEMO_TOTP_SECRET}\n"
            f"  otpauth://totp/ati:demo?secret={DEMO_TOTP_SECRET}&issuer=ati\n"
            f"  (the code right now: {demo_totp_code()}; "
            "`manage.py demo_totp_code` prints the current one)"
        )
