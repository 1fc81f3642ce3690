"""`deadline_schedule`: every date a request received on a given day will meet.

python manage.py deadline_schedule --received 2026-10-30 [--urgent]
    [--profile ma-31-13] [--format text|json] [--language fr|ar|en]
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ati.law.deadlines import format_date
from ati.law.selectors import (
    UnknownProfile,
    current_version,
    default_profile_version,
    request_schedule,
)

LABELS = {
    "received": "Received",
    "response_due": "Response due",
    "extended_response_due": "Response due if extended",
    "complaint_window_end": "Complaint to the head of the body, until",
    "head_decision_due": "Head's answer due",
    "commission_window_end": "Complaint to the commission, until",
    "commission_decision_due": "Commission's decision due",
    "court_window_end": "Appeal to the court, until",
}


class Command(BaseCommand):
    help = "Print the deadlines of a request received on a given date, under a legal profile."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--received", required=True, help="date of receipt, YYYY-MM-DD")
        parser.add_argument("--urgent", action="store_true", help="life, safety or liberty")
        parser.add_argument("--profile", default="", help="legal profile code (default: ma-31-13)")
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument("--language", choices=["fr", "ar", "en"], default="fr")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            received = date.fromisoformat(options["received"])
        except ValueError:
            raise CommandError(
                f"--received {options['received']!r} is not a date (expected YYYY-MM-DD)",
                returncode=2,
            ) from None
        try:
            version = (
                current_version(options["profile"], received)
                if options["profile"]
                else default_profile_version(received)
            )
        except UnknownProfile:
            raise CommandError(
                f"unknown legal profile {options['profile']!r}", returncode=2
            ) from None
        schedule = request_schedule(version, received, urgent=options["urgent"])
        language = options["language"]
        if options["format"] == "json":
            self.stdout.write(json.dumps(schedule.as_dict(language), ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"Profile: {version.profile.code} (version {version.version})")
        self.stdout.write(f"{LABELS['received']}: {format_date(received, language)}")
        if schedule.urgent:
            self.stdout.write("Urgent request")
        for name, deadline in schedule.steps():
            self.stdout.write(f"{LABELS[name]}: {deadline.due.isoformat()}")
            self.stdout.write(f"    {deadline.explanation(language)}")
        if schedule.extended_response_due is None:
            self.stdout.write("No extension under this profile.")
