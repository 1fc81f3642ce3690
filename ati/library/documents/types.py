"""The shapes the document engine hands out: errors, words, pages, pages to redact."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # only in annotations: web processes handle these shapes without Pillow
    from PIL import Image

Box = tuple[float, float, float, float]

#: What a DocumentError's code may be; the worker and the review pages branch on it.
ERROR_CODES = (
    "unsupported",
    "office",
    "encrypted",
    "corrupt",
    "too_large",
    "too_many_pages",
    "unreadable",
)


class DocumentError(Exception):
    """A file the engine refuses, with a one-line message for the information officer."""

    def __init__(self, code: str, message: str) -> None:
        assert code in ERROR_CODES, code
        super().__init__(message)
        self.code = code


@dataclass
class Word:
    text: str
    #: x0, y0, x1, y1 as fractions of the page image's width and height, origin top-left.
    box: Box
    #: Tesseract's confidence (0..100); None for a word read from a PDF's text layer.
    confidence: float | None
    #: Index of its line on the page: the words of one line share it.
    line: int
    #: Offsets of the word in Page.text.
    start: int
    end: int

    def as_json(self) -> list[Any]:
        x0, y0, x1, y1 = (round(v, 5) for v in self.box)
        conf = None if self.confidence is None else round(self.confidence, 1)
        return [self.text, x0, y0, x1, y1, conf, self.line, self.start, self.end]

    @classmethod
    def from_json(cls, row: list[Any] | tuple[Any, ...]) -> Word:
        text, x0, y0, x1, y1, conf, line, start, end = row
        return cls(
            str(text),
            (float(x0), float(y0), float(x1), float(y1)),
            None if conf is None else float(conf),
            int(line),
            int(start),
            int(end),
        )


@dataclass
class Page:
    #: 1-based within the source file.
    number: int
    #: The size of the output PDF page, in points.
    width_pt: float
    height_pt: float
    #: The straightened page raster, at the output resolution (OUTPUT_DPI).
    image: Image.Image
    words: list[Word]
    #: The words in reading order: one space within a line, "\n" between lines.
    text: str
    #: "fr" or "ar".
    language: str
    #: "text" (the PDF's text layer) or "ocr".
    source: str
    #: Degrees turned (0, 90, 180, 270) and degrees straightened.
    rotation: int = 0
    skew: float = 0.0


@dataclass
class RedactedPage:
    image: Image.Image
    width_pt: float
    height_pt: float
    #: (box in fractions, label printed on it; may be "").
    boxes: list[tuple[Box, str]] = field(default_factory=list)
    #: The words not redacted: they become the invisible text layer.
    kept_words: list[Word] = field(default_factory=list)
