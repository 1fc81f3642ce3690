from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ati.stats.report import LANGUAGES, ReportError, annual_report_pdf, check_request


class Command(BaseCommand):
    help = "Write the annual report on access to information (PDF) for one year and language."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", required=True, help="The year, e.g. 2026.")
        parser.add_argument("--lang", default="fr", help=f"One of {', '.join(LANGUAGES)}.")
        parser.add_argument("--out", required=True, help="Where to write the PDF.")
        parser.add_argument(
            "--no-refresh",
            action="store_true",
            help="Use the latest computed figures instead of recomputing them.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            year = int(options["year"])
        except ValueError:
            raise CommandError(f"--year {options['year']!r} is not a year", returncode=2) from None
        try:
            check_request(year, options["lang"])
        except ReportError as exc:
            raise CommandError(str(exc), returncode=2) from None
        pdf = annual_report_pdf(year, options["lang"], refresh=not options["no_refresh"])
        out = Path(options["out"])
        out.write_bytes(pdf)
        self.stdout.write(f"{out}: {len(pdf)} bytes, annual report {year} ({options['lang']})")
