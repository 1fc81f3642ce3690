"""python manage.py demo_totp_code: the demo staff accounts' current two-factor code."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ati.demo.seed import demo_totp_code


class Command(BaseCommand):
    help = "Print the current two-factor code of the demo staff accounts."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(demo_totp_code())
