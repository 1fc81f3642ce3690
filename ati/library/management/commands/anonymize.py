"""Preview the anonymisation of a text.

manage.py anonymize [--applicant NAME] [--lang fr|ar|en] [--allow PHRASE] [--ocr] [--explain] FILE|-

--explain lists one redaction a line: start-end, category, the original text and, last, the
detectors that found it (applicant, pattern, title, label, ner; "title+ner" when several did).
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ati.library.anonymise import anonymise


class Command(BaseCommand):
    help = "Print a text with personal data redacted (FILE, or - for standard input)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a UTF-8 text file, or - for standard input")
        parser.add_argument(
            "--applicant",
            action="append",
            default=[],
            metavar="NAME",
            help="the applicant's name (or any known identity value); repeatable",
        )
        parser.add_argument(
            "--lang",
            choices=["fr", "ar", "en"],
            default="fr",
            help="language of the text and its markers (default fr); "
            "names without a title are found by the French model on fr only",
        )
        parser.add_argument(
            "--allow",
            action="append",
            default=[],
            metavar="PHRASE",
            help="a phrase that must stay (a body, an official); repeatable",
        )
        parser.add_argument(
            "--ocr",
            action="store_true",
            help="the text came out of OCR: numbers tolerate its usual confusions (O for 0, "
            "l for 1, S for 5 …)",
        )
        parser.add_argument(
            "--explain",
            action="store_true",
            help="list each redaction: position, category, original, detectors",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        try:
            if path == "-":
                text = sys.stdin.read()
            else:
                with open(path, encoding="utf-8") as handle:
                    text = handle.read()
        except (OSError, UnicodeDecodeError) as exc:
            self.stderr.write(f"anonymize: cannot read {path}: {exc}")
            sys.exit(2)
        result = anonymise(
            text,
            language=options["lang"],
            identities=options["applicant"],
            allow=options["allow"],
            ocr=options["ocr"],
        )
        self.stdout.write(result.text, ending="" if result.text.endswith("\n") else "\n")
        if options["explain"]:
            for r in result.redactions:
                # The detectors come last, so that readers of the first three columns still work.
                self.stdout.write(f"{r.start}-{r.end}\t{r.category}\t{r.original!r}\t{r.source}")
