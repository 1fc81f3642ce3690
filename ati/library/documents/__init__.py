"""The document engine for released documents: pure functions, no database.

A body answers a request with PDFs (text or scanned), images (JPEG, PNG, multi-page TIFF):

* `inspect(path)` tells the kind and page count, or refuses the file (DocumentError);
* `read_pages(path)` yields each page: its image (straightened, at 150 dpi), its words
  with boxes (from the PDF text layer when usable, else from tesseract's OCR) and text;
* `span_words`, `words_in_rect`, `boxes_for_words` map redactions to boxes;
* `redacted_pdf(pages)` rebuilds a PDF from the page images only, boxes burnt in, with an
  invisible layer of the words kept; `merge_pdfs(parts)` joins our own PDFs.

docs/decisions/0011-released-documents.md records why.

Reading and writing (pdfium, numpy, Pillow, pypdf, reportlab: some 90 MB of
resident memory) are imported on first use (PEP 562 `__getattr__`): the web
process imports this package through the library's services and reads stored
words, but only the Celery worker reads files and writes PDFs (issue #19: a web
worker's size).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .geometry import boxes_for_words, span_words, words_in_rect
from .types import ERROR_CODES, Box, DocumentError, Page, RedactedPage, Word

if TYPE_CHECKING:
    from .reading import MAX_BYTES, MAX_PAGES, OCR_DPI, OUTPUT_DPI, inspect, read_pages
    from .writing import merge_pdfs, redacted_pdf

#: The names of the heavy submodules, imported when one of them is first asked for.
_LAZY = {
    "MAX_BYTES": "reading",
    "MAX_PAGES": "reading",
    "OCR_DPI": "reading",
    "OUTPUT_DPI": "reading",
    "inspect": "reading",
    "read_pages": "reading",
    "merge_pdfs": "writing",
    "redacted_pdf": "writing",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)


__all__ = [
    "ERROR_CODES",
    "MAX_BYTES",
    "MAX_PAGES",
    "OCR_DPI",
    "OUTPUT_DPI",
    "Box",
    "DocumentError",
    "Page",
    "RedactedPage",
    "Word",
    "boxes_for_words",
    "inspect",
    "merge_pdfs",
    "read_pages",
    "redacted_pdf",
    "span_words",
    "words_in_rect",
]
