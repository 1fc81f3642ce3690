"""The redactions of a document page: which words they hide, their boxes, what remains.

Pure functions over a page's stored words (`documents.Word` rows) and redactions
(models.DocumentPage says their shape). A redaction hides the words it names and
every word mostly inside one of its drawn rectangles; what remains is the only text
that reaches the public (the page's public text and the PDF's invisible text layer).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import anonymise, documents

if TYPE_CHECKING:
    from PIL import Image

Box = tuple[float, float, float, float]
#: Below this OCR confidence (0–100) a word is shown to the reviewer as uncertain.
UNCERTAIN_CONFIDENCE = 60.0


def redaction(
    words: Sequence[int],
    category: str,
    original: str,
    source: str,
    rects: Sequence[Box] = (),
) -> dict[str, Any]:
    """One redaction of a page, as stored (models.DocumentPage.redactions)."""
    return {
        "words": list(words),
        "rects": [list(rect) for rect in rects],
        "category": category,
        "original": original,
        "source": source,
    }


def page_redactions(
    page: documents.Page,
    *,
    identities: Sequence[str],
    allow: Sequence[str] = (),
    names: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """The redactions proposed on a page just read: the anonymiser's spans, as its words.

    OCR'd pages are searched with the usual OCR confusions in numbers tolerated. The same
    for the worker's proposals and for `manage.py redact_document`.
    """
    found = anonymise.find_redactions(
        page.text,
        identities=identities,
        allow=allow,
        language=page.language,
        names=names,
        ocr=page.source == "ocr",
    )
    out = []
    for r in found:
        indexes = documents.span_words(page, r.start, r.end)
        if indexes:
            out.append(redaction(indexes, r.category, r.original, r.source))
    return out


def redacted_page(
    image: Image.Image,
    width_pt: float,
    height_pt: float,
    words: Sequence[documents.Word],
    redactions: Sequence[dict[str, Any]],
    language: str,
) -> tuple[documents.RedactedPage, dict[int, str], list[PageBox]]:
    """A page ready for the published PDF: its boxes and labels, and only the words kept."""
    hidden = redacted_words(words, redactions)
    page_boxes = boxes(words, redactions, language)
    out = documents.RedactedPage(
        image=image,
        width_pt=width_pt,
        height_pt=height_pt,
        boxes=[(b.box, b.label) for b in page_boxes],
        kept_words=kept_words(words, hidden),
    )
    return out, hidden, page_boxes


def words_of(rows: Sequence[Any]) -> list[documents.Word]:
    return [documents.Word.from_json(row) for row in rows]


def hidden_words(words: Sequence[documents.Word], redaction: dict[str, Any]) -> set[int]:
    """The indexes of the words one redaction hides."""
    hidden = {int(i) for i in redaction.get("words", []) if 0 <= int(i) < len(words)}
    for rect in redaction.get("rects", []):
        hidden.update(documents.words_in_rect(words, tuple(rect)))
    return hidden


def redacted_words(
    words: Sequence[documents.Word], redactions: Sequence[dict[str, Any]]
) -> dict[int, str]:
    """Every hidden word's index, with the category of the (first) redaction hiding it."""
    out: dict[int, str] = {}
    for r in redactions:
        for i in hidden_words(words, r):
            out.setdefault(i, str(r.get("category", "other")))
    return out


@dataclass(frozen=True)
class PageBox:
    box: Box
    category: str
    label: str
    index: int  # the redaction's index on its page


def boxes(
    words: Sequence[documents.Word], redactions: Sequence[dict[str, Any]], language: str
) -> list[PageBox]:
    """The black boxes of a page: one per run of hidden words on a line, and each rectangle."""
    out = []
    for index, r in enumerate(redactions):
        category = str(r.get("category", "other"))
        label = anonymise.marker(category, language)
        indexes = sorted(i for i in (int(i) for i in r.get("words", [])) if 0 <= i < len(words))
        for box in documents.boxes_for_words(words, indexes) if indexes else []:
            out.append(PageBox(tuple(box), category, label, index))  # type: ignore[arg-type]
        for rect in r.get("rects", []):
            out.append(PageBox(tuple(float(v) for v in rect), category, label, index))  # type: ignore[arg-type]
    return out


def public_text(words: Sequence[documents.Word], redacted: dict[int, str], language: str) -> str:
    """The page's text with each run of hidden words replaced by one marker of its category."""
    lines: list[list[str]] = []
    current_line: int | None = None
    previous_hidden: str | None = None
    for i, word in enumerate(words):
        if word.line != current_line:
            lines.append([])
            current_line, previous_hidden = word.line, None
        category = redacted.get(i)
        if category is None:
            lines[-1].append(word.text)
            previous_hidden = None
        elif category != previous_hidden:
            lines[-1].append(anonymise.marker(category, language))
            previous_hidden = category
    return "\n".join(" ".join(line) for line in lines)


def kept_words(words: Sequence[documents.Word], redacted: dict[int, str]) -> list[documents.Word]:
    return [w for i, w in enumerate(words) if i not in redacted]


def burn(image: Image.Image, page_boxes: Sequence[PageBox]) -> Image.Image:
    """A copy of the page image with the boxes painted solid black (for the public pages)."""
    # Imported here: only publishing (the worker) paints pages; the web process that
    # imports this module for the review pages' words need not load Pillow.
    from PIL import ImageDraw

    out = image.convert("RGB")
    draw = ImageDraw.Draw(out)
    width, height = out.size
    for b in page_boxes:
        x0, y0, x1, y1 = b.box
        draw.rectangle(
            (int(x0 * width), int(y0 * height), int(x1 * width) + 1, int(y1 * height) + 1),
            fill="black",
        )
    return out


def thumbnail(image: Image.Image, width: int = 240) -> Image.Image:
    small = image.copy()
    small.thumbnail((width, width * 2))
    return small


def uncertain(words: Sequence[documents.Word]) -> list[int]:
    return [
        i
        for i, w in enumerate(words)
        if w.confidence is not None and w.confidence < UNCERTAIN_CONFIDENCE
    ]


def find_phrase(words: Sequence[documents.Word], phrase: str) -> list[list[int]]:
    """Each run of consecutive words that reads `phrase` (case- and spacing-insensitive)."""
    wanted = phrase.casefold().split()
    if not wanted:
        return []
    texts = [w.text.casefold() for w in words]
    hits = []
    n = len(wanted)
    for i in range(len(texts) - n + 1):
        if all(_same_word(texts[i + k], wanted[k]) for k in range(n)):
            hits.append(list(range(i, i + n)))
    return hits


_PUNCTUATION = ".,;:!?()[]«»\"'’“”،؛"


def _same_word(word: str, wanted: str) -> bool:
    return word == wanted or word.strip(_PUNCTUATION) == wanted.strip(_PUNCTUATION)
