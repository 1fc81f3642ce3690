"""The published PDF of a released document: page images with the redactions burnt in.

Nothing of the source file is copied: each page is a new image (the boxes are black pixels,
not shapes over the text) and an invisible text layer made only of the words kept. So no
metadata, annotation, form, attachment, script, outline or layer of the source can survive.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np
import pypdf
from PIL import Image, ImageDraw, ImageFont, features
from reportlab import rl_config
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFInfo, PDFString
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from .geometry import is_arabic
from .types import Box, RedactedPage

logger = logging.getLogger(__name__)

FONT_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_NAME = "DejaVuSans"
PRODUCER = "ati"
JPEG_QUALITY = 70
#: A lossless page is kept when it is at most this many times the size of its JPEG:
#: clean text pages stay crisp, photos and scans go to JPEG.
LOSSLESS_MAX_RATIO = 1.5
#: Gray levels kept in a lossless page: 16 look the same as 256 around anti-aliased text
#: and compress a quarter smaller.
LOSSLESS_LEVELS = 16
#: A page whose channels differ by less than this is written in grayscale.
COLOUR_THRESHOLD = 16


class _Info(PDFInfo):
    """The document information: a title and a neutral producer, nothing else (no dates)."""

    def format(self, document: Any) -> bytes:
        entries = {"Producer": PDFString(PRODUCER)}
        if self.title:
            entries["Title"] = PDFString(self.title)
        return PDFDictionary(entries).format(document)


@cache
def _text_font() -> str:
    pdfmetrics.registerFont(TTFont(FONT_NAME, FONT_PATH))
    return FONT_NAME


@cache
def _label_font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT_PATH, size)


def _draw_label(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], label: str) -> None:
    """The label in white, as large as fits the black box (clipped, never dropped)."""
    x0, y0, x1, y1 = box
    width, height = x1 - x0, y1 - y0
    arabic = any(is_arabic(ch) for ch in label)
    if arabic and not features.check("raqm"):
        logger.warning("Pillow lacks raqm: the Arabic label %r is drawn unshaped", label)
    size = max(6, int(height * 0.62))
    kwargs: dict[str, Any] = {"direction": "rtl"} if arabic and features.check("raqm") else {}
    while True:
        font = _label_font(size)
        left, top, right, bottom = draw.textbbox((0, 0), label, font=font, **kwargs)
        if right - left <= width * 0.96 or size <= 6:
            break
        size -= 1
    x = x0 + max(0, (width - (right - left)) // 2) - left
    y = y0 + (height - (bottom - top)) // 2 - top
    draw.text((x, y), label, font=font, fill="white", **kwargs)


def burn(image: Image.Image, boxes: Sequence[tuple[Box, str]]) -> Image.Image:
    """A copy of the page image with each box painted solid black and labelled."""
    out = image.convert("RGB") if image.mode not in ("RGB", "L") else image.copy()
    draw = ImageDraw.Draw(out)
    w, h = out.size
    for (x0, y0, x1, y1), label in boxes:
        pixels = (
            int(np.floor(x0 * w)),
            int(np.floor(y0 * h)),
            int(np.ceil(x1 * w)),
            int(np.ceil(y1 * h)),
        )
        draw.rectangle((pixels[0], pixels[1], pixels[2] - 1, pixels[3] - 1), fill="black")
        if label:
            _draw_label(draw, pixels, label)
    return out


def _encoded(image: Image.Image) -> tuple[ImageReader, str, int]:
    """The page image as the PDF will hold it: (reader, "jpeg" or "flate", bytes)."""
    if image.mode == "RGB":
        small = np.asarray(image.resize((max(1, image.width // 4), max(1, image.height // 4))))
        spread = small.max(axis=2).astype(np.int16) - small.min(axis=2)
        if int(spread.max()) < COLOUR_THRESHOLD:
            image = image.convert("L")
    jpeg = io.BytesIO()
    image.save(jpeg, "JPEG", quality=JPEG_QUALITY, optimize=True)
    png = io.BytesIO()
    image.save(png, "PNG", optimize=False, compress_level=6)
    if png.tell() <= LOSSLESS_MAX_RATIO * jpeg.tell():
        step = 255 / (LOSSLESS_LEVELS - 1)
        posterised = image.point(
            [round(round(v / step) * step) for v in range(256)] * len(image.getbands())
        )
        return ImageReader(posterised), "flate", png.tell()
    jpeg.seek(0)
    # A JPEG file-like object is copied into the PDF as it is (DCTDecode), not re-encoded.
    return ImageReader(jpeg), "jpeg", jpeg.tell()


def _text_layer(pdf: canvas.Canvas, page: RedactedPage) -> None:
    """The kept words, invisible (render mode 3), each stretched over its box."""
    font = _text_font()
    width, height = page.width_pt, page.height_pt
    for word in page.kept_words:
        x0, y0, x1, y1 = word.box
        box_w, box_h = (x1 - x0) * width, (y1 - y0) * height
        if box_w <= 0 or box_h <= 0 or not word.text:
            continue
        size = max(1.0, box_h * 0.9)
        # Arabic is written in visual order (letters right to left on the page), which is
        # what extractors such as pdftotext turn back into logical order.
        chars = word.text[::-1] if any(is_arabic(ch) for ch in word.text) else word.text
        natural = pdfmetrics.stringWidth(chars, font, size)
        text = pdf.beginText()
        text.setTextRenderMode(3)
        text.setFont(font, size)
        if natural > 0:
            text.setHorizScale(100.0 * box_w / natural)
        text.setTextOrigin(x0 * width, height - y1 * height + box_h * 0.18)
        text.textOut(chars)
        pdf.drawText(text)


def redacted_pdf(pages: Sequence[RedactedPage], *, title: str = "", lang: str = "fr") -> bytes:
    """A new PDF of the page images, boxes burnt in, with the kept words as searchable text."""
    buffer = io.BytesIO()
    rl_config.useA85 = 0  # binary streams: ASCII85 would add a quarter to every image
    pdf = canvas.Canvas(buffer, pageCompression=1, invariant=1, lang=lang)
    info = _Info()
    info.title = title
    pdf._doc.info = info
    for page in pages:
        pdf.setPageSize((page.width_pt, page.height_pt))
        reader, _, _ = _encoded(burn(page.image, page.boxes))
        pdf.drawImage(reader, 0, 0, width=page.width_pt, height=page.height_pt)
        _text_layer(pdf, page)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def merge_pdfs(parts: Sequence[bytes], *, title: str = "") -> bytes:
    """Our own generated PDFs (a cover, redacted pages) as one, with fresh metadata only.

    Only the pages are copied (their links are dropped): the parts' catalogues, outlines,
    metadata and names are left behind.
    """
    writer = pypdf.PdfWriter()
    for part in parts:
        for page in pypdf.PdfReader(io.BytesIO(part)).pages:
            added = writer.add_page(page)
            if "/Annots" in added:
                del added["/Annots"]
    metadata = {"/Producer": PRODUCER}
    if title:
        metadata["/Title"] = title
    writer.metadata = metadata
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
