"""The document engine for released documents: pure functions, no database.

A body answers a request with PDFs (text or scanned), images (JPEG, PNG, multi-page TIFF):

* `inspect(path)` tells the kind and page count, or refuses the file (DocumentError);
* `read_pages(path)` yields each page: its image (straightened, at 150 dpi), its words
  with boxes (from the PDF text layer when usable, else from tesseract's OCR) and text;
* `span_words`, `words_in_rect`, `boxes_for_words` map redactions to boxes;
* `redacted_pdf(pages)` rebuilds a PDF from the page images only, boxes burnt in, with an
  invisible layer of the words kept; `merge_pdfs(parts)` joins our own PDFs.

docs/decisions/0011-released-documents.md records why.
"""

from .geometry import boxes_for_words, span_words, words_in_rect
from .reading import MAX_BYTES, MAX_PAGES, OCR_DPI, OUTPUT_DPI, inspect, read_pages
from .types import ERROR_CODES, Box, DocumentError, Page, RedactedPage, Word
from .writing import merge_pdfs, redacted_pdf

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
