"""A letter's text as a reader gets it, through poppler's pdftotext (the tests that use
it skip without poppler-utils)."""

from __future__ import annotations

import re
import subprocess

#: Bidi isolates and marks: invisible, the reader does not see them.
BIDI_MARKS = "\u2066-\u2069\u200e\u200f\u202a-\u202e"


def pdftotext(pdf: bytes, *, layout: bool = False) -> str:
    """The PDF's text without its bidi marks; `layout` keeps the lines as laid out."""
    out = subprocess.run(
        ["pdftotext", *(["-layout"] if layout else []), "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    return re.sub(f"[{BIDI_MARKS}]", "", out.stdout.decode())
