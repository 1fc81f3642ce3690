"""Redact a released document (PDF or images) into a new PDF, the way the worker does.

manage.py redact_document [--applicant VALUE]... [--lang fr|ar|auto] [--explain] IN OUT.pdf

Each page is read (text layer or OCR), the anonymiser's redactions are mapped to word
boxes and burnt into the page image, and OUT.pdf is rebuilt from the images alone, with an
invisible layer of the words kept. --explain prints to standard error one line a redaction:
page, category, detector, original (tab-separated). Bad input exits 2 and writes nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ati.library import pages as page_redaction
from ati.library.documents import DocumentError, read_pages, redacted_pdf


class Command(BaseCommand):
    help = "Redact a PDF or image file into a new PDF rebuilt from its page images."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", help="a PDF, JPEG, PNG or TIFF file")
        parser.add_argument("output", help="the redacted PDF to write")
        parser.add_argument(
            "--applicant",
            action="append",
            default=[],
            metavar="VALUE",
            help="the applicant's name or any known identity value; repeatable",
        )
        parser.add_argument(
            "--lang",
            choices=["fr", "ar", "auto"],
            default="auto",
            help="language of the document (default auto: per page, from its script)",
        )
        parser.add_argument(
            "--explain",
            action="store_true",
            help="list each redaction on standard error: page, category, detector, original",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source, target = options["input"], options["output"]
        pages = []
        try:
            for page in read_pages(source, lang=options["lang"]):
                # The publication's own steps (ati/library/pages.py): the same proposals,
                # boxes and kept words as the worker's, every proposal applied.
                redactions = page_redaction.page_redactions(page, identities=options["applicant"])
                if options["explain"]:
                    for r in redactions:
                        self.stderr.write(
                            f"{page.number}\t{r['category']}\t{r['source']}\t{r['original']}"
                        )
                redacted, _hidden, _boxes = page_redaction.redacted_page(
                    page.image,
                    page.width_pt,
                    page.height_pt,
                    page.words,
                    redactions,
                    page.language,
                )
                pages.append(redacted)
        except DocumentError as exc:
            raise CommandError(f"redact_document: {source}: {exc}", returncode=2) from exc
        except (RuntimeError, subprocess.TimeoutExpired) as exc:  # tesseract failed
            raise CommandError(
                f"redact_document: {source}: the pages could not be read ({exc})", returncode=2
            ) from exc
        data = redacted_pdf(pages, lang=options["lang"] if options["lang"] != "auto" else "fr")
        folder = os.path.dirname(os.path.abspath(target))
        handle, temporary = tempfile.mkstemp(prefix=".redact-", suffix=".pdf", dir=folder)
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)  # mkstemp's 0600 is not what a user expects
            os.replace(temporary, target)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise
        if options["verbosity"] >= 2:
            sys.stdout.write(f"{len(pages)} pages written to {target}\n")
