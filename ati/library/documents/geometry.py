"""Words, lines and boxes: from positioned words to a page's text, and back from text to boxes."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from .types import Box, Page, Word

#: Padding added around a redaction box, as a fraction of the line's height: ascenders,
#: descenders and Arabic dots reach past the boxes OCR and text layers give.
PAD = 0.18


def is_arabic(ch: str) -> bool:
    return "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" or "\ufb50" <= ch <= "\ufefc"


def arabic_share(texts: Sequence[str]) -> float:
    """The share of Arabic letters among the letters of these texts (0 without letters)."""
    arabic = latin = 0
    for text in texts:
        for ch in text:
            if is_arabic(ch):
                arabic += 1
            elif ch.isalpha():
                latin += 1
    return arabic / (arabic + latin) if arabic + latin else 0.0


def union(boxes: Sequence[Box]) -> Box:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def assemble(lines: Sequence[Sequence[tuple[str, Box, float | None]]]) -> tuple[list[Word], str]:
    """Words (text, box, confidence) grouped in lines, in reading order -> Words and page text."""
    words: list[Word] = []
    parts: list[str] = []
    position = 0
    line_index = 0
    for line in lines:
        line = [w for w in line if w[0].strip()]
        if not line:
            continue
        if parts:
            parts.append("\n")
            position += 1
        for k, (text, box, confidence) in enumerate(line):
            text = unicodedata.normalize("NFC", text.strip())
            if k:
                parts.append(" ")
                position += 1
            words.append(Word(text, box, confidence, line_index, position, position + len(text)))
            parts.append(text)
            position += len(text)
        line_index += 1
    return words, "".join(parts)


def _words(page_or_words: Page | Sequence[Word]) -> Sequence[Word]:
    return page_or_words.words if isinstance(page_or_words, Page) else page_or_words


def boxes_for_words(page_or_words: Page | Sequence[Word], word_indexes: Sequence[int]) -> list[Box]:
    """One box per run of consecutive words on one line (their union), slightly padded.

    A name split over two lines gives two boxes; the gap between two words of a run is
    covered too, so that the length of each word cannot be read off the black box.
    """
    words = _words(page_or_words)
    boxes: list[Box] = []
    run: list[Word] = []

    def close() -> None:
        if run:
            x0, y0, x1, y1 = union([w.box for w in run])
            pad = (y1 - y0) * PAD
            boxes.append(
                (max(0.0, x0 - pad), max(0.0, y0 - pad), min(1.0, x1 + pad), min(1.0, y1 + pad))
            )
            run.clear()

    previous = None
    for index in sorted(set(word_indexes)):
        if not 0 <= index < len(words):
            continue
        word = words[index]
        if previous is None or index != previous + 1 or word.line != words[previous].line:
            close()
        run.append(word)
        previous = index
    close()
    return boxes


def words_in_rect(words: Sequence[Word], rect: Box, min_overlap: float = 0.5) -> list[int]:
    """The words whose area lies mostly (min_overlap) inside a rectangle drawn by the officer."""
    rx0, ry0, rx1, ry1 = (
        min(rect[0], rect[2]),
        min(rect[1], rect[3]),
        max(rect[0], rect[2]),
        max(rect[1], rect[3]),
    )
    found = []
    for index, word in enumerate(words):
        x0, y0, x1, y1 = word.box
        area = max(x1 - x0, 1e-9) * max(y1 - y0, 1e-9)
        inter = max(0.0, min(x1, rx1) - max(x0, rx0)) * max(0.0, min(y1, ry1) - max(y0, ry0))
        if inter / area >= min_overlap:
            found.append(index)
    return found


def span_words(page: Page | Sequence[Word], start: int, end: int) -> list[int]:
    """The words overlapping the text range [start, end) of Page.text."""
    return [i for i, w in enumerate(_words(page)) if w.start < end and start < w.end]
