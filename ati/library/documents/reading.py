"""Reading a released document, page by page: the PDF's text layer where usable, else OCR.

See docs/decisions/0011-released-documents.md for the choices (pdfium, tesseract, 150 dpi).
"""

from __future__ import annotations

import logging
import os
import zipfile
from collections.abc import Iterator

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, ImageSequence

from . import ocr
from .geometry import arabic_share, assemble, is_arabic, union
from .types import Box, DocumentError, Page

logger = logging.getLogger(__name__)

MAX_BYTES = 50 * 1024 * 1024
MAX_PAGES = 300
#: Pixels in one image page above which it is refused (a 600-dpi A3 scan is 70 Mpx).
MAX_PIXELS = 80_000_000
#: The resolution of Page.image and of the published PDF.
OUTPUT_DPI = 150
#: The resolution OCR reads at.
OCR_DPI = 300
#: A text layer is used when it has at least this many characters with a box ...
MIN_CHARS = 20
#: ... of which at most this share are unmapped or replacement characters ...
MAX_BAD = 0.1
#: ... and when images cover less than this share of the page (else a scan may hide text
#: the layer does not have: the whole page is read by OCR).
MAX_IMAGE_COVER = 0.3

A4_PT = (595.28, 841.89)

_OFFICE_PARTS = ("word/", "ppt/", "xl/", "content.xml")


def _office_zip(path: str | os.PathLike[str]) -> bool:
    """Whether a ZIP file is an Office Open XML or OpenDocument file (by its part names)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return any(n.startswith(_OFFICE_PARTS) for n in archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False


def _office_error() -> DocumentError:
    return DocumentError(
        "office",
        _(
            "Word and OpenDocument files are not accepted: save the document as PDF "
            "(File > Export as PDF) and attach the PDF instead."
        ),
    )


def _sniff(head: bytes) -> str:
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"II*\x00", b"MM\x00*")):
        return "image"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith((b"\xd0\xcf\x11\xe0", b"{\\rtf")):
        return "office"
    return "unsupported"


def _open_pdf(path: str | os.PathLike[str]) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        if exc.err_code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise DocumentError(
                "encrypted",
                _("This PDF is protected by a password: attach a copy saved without the password."),
            ) from exc
        raise _corrupt() from exc


def _corrupt() -> DocumentError:
    return DocumentError(
        "corrupt", _("This file is damaged and cannot be read: attach a fresh copy of it.")
    )


def _open_image(path: str | os.PathLike[str]) -> Image.Image:
    try:
        image = Image.open(path)
        width, height = image.size
    except Image.DecompressionBombError as exc:
        raise _too_large() from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise _corrupt() from exc
    if width * height > MAX_PIXELS:
        raise _too_large()
    return image


def _too_large() -> DocumentError:
    return DocumentError(
        "too_large",
        _("This file is too large (at most %(size)d MB): split it or scan it at 300 dpi.")
        % {"size": MAX_BYTES // (1024 * 1024)},
    )


def inspect(path: str | os.PathLike[str]) -> tuple[str, int]:
    """("pdf" or "image", number of pages), or a DocumentError; cheap: nothing is rendered."""
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        raise DocumentError(
            "unreadable", _("The file cannot be read: it is missing or not accessible.")
        ) from exc
    kind = _sniff(head)
    if kind == "zip":
        kind = "office" if _office_zip(path) else "unsupported"
    if kind == "office":
        raise _office_error()
    if kind == "unsupported":
        raise DocumentError(
            "unsupported",
            _("This kind of file is not accepted: attach a PDF, or images (JPEG, PNG, TIFF)."),
        )
    if size > MAX_BYTES:
        raise _too_large()
    if kind == "pdf":
        doc = _open_pdf(path)
        try:
            count = len(doc)
        finally:
            doc.close()
    else:
        with _open_image(path) as image:
            try:
                count = getattr(image, "n_frames", 1)
            except (OSError, ValueError, SyntaxError) as exc:
                raise _corrupt() from exc
    if count < 1:
        raise _corrupt()
    if count > MAX_PAGES:
        raise DocumentError(
            "too_many_pages",
            _("This document has %(count)d pages, more than %(max)d: split it in parts.")
            % {"count": count, "max": MAX_PAGES},
        )
    return kind, count


def read_pages(
    path: str | os.PathLike[str], *, lang: str = "auto", first: int = 1
) -> Iterator[Page]:
    """The pages of a document from page `first` on, one at a time (a retry resumes)."""
    kind, count = inspect(path)
    if kind == "pdf":
        yield from _pdf_pages(path, count, lang, first)
    else:
        yield from _image_pages(path, lang, first)


# --- PDF ------------------------------------------------------------------------------


def _render(page: pdfium.PdfPage, dpi: int, *, grayscale: bool = False) -> Image.Image:
    # No annotations and no form fields: what they hold never reaches the image. Hidden
    # optional-content layers stay hidden (pdfium honours their default state).
    bitmap = page.render(
        scale=dpi / 72, draw_annots=False, may_draw_forms=False, grayscale=grayscale
    )
    image = bitmap.to_pil()
    return image.convert("L" if grayscale else "RGB")


def _image_cover(page: pdfium.PdfPage, width: float, height: float) -> float:
    covered = 0.0
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=4):
        left, bottom, right, top = obj.get_bounds()
        covered += max(0.0, right - left) * max(0.0, top - bottom)
    return covered / max(width * height, 1.0)


def _to_device(page: pdfium.PdfPage, size: tuple[int, int], x: float, y: float) -> tuple[int, int]:
    dx, dy = pdfium_c.c_int(), pdfium_c.c_int()
    pdfium_c.FPDF_PageToDevice(
        page, 0, 0, size[0], size[1], 0, x, y, pdfium_c.byref(dx), pdfium_c.byref(dy)
    )
    return dx.value, dy.value


def _text_layer(
    page: pdfium.PdfPage, size: tuple[int, int]
) -> list[list[tuple[str, Box, float | None]]] | None:
    """The lines of words of the page's text layer, or None when it is not usable."""
    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        chars: list[tuple[str, Box | None]] = []
        boxed = bad = 0
        for i in range(count):
            code = pdfium_c.FPDFText_GetUnicode(textpage, i)
            ch = chr(code) if 0 < code < 0x110000 else "\ufffd"
            if ch in "\r\n" or ch.isspace() or pdfium_c.FPDFText_IsGenerated(textpage, i):
                chars.append((" " if ch not in "\r\n" else "\n", None))
                continue
            left, bottom, right, top = textpage.get_charbox(i)
            if right <= left and top <= bottom:
                chars.append((" ", None))
                continue
            x0, y0 = _to_device(page, size, left, top)
            x1, y1 = _to_device(page, size, right, bottom)
            box = (
                min(x0, x1) / size[0],
                min(y0, y1) / size[1],
                max(x0, x1) / size[0],
                max(y0, y1) / size[1],
            )
            boxed += 1
            if (
                ch == "\ufffd"
                or code < 32
                or 0xE000 <= code <= 0xF8FF
                or pdfium_c.FPDFText_HasUnicodeMapError(textpage, i) == 1
            ):
                bad += 1
            chars.append((ch, box))
    finally:
        textpage.close()
    if boxed < MIN_CHARS or bad > MAX_BAD * boxed:
        return None
    return _group(chars)


def _group(chars: list[tuple[str, Box | None]]) -> list[list[tuple[str, Box, float | None]]]:
    """Characters in content order -> lines of words in logical reading order."""
    lines: list[list[tuple[str, Box, float | None]]] = []
    line: list[list[tuple[str, Box]]] = []
    word: list[tuple[str, Box]] = []

    def end_word() -> None:
        if word:
            line.append(list(word))
            word.clear()

    def end_line() -> None:
        end_word()
        if line:
            lines.append(_order_line(line))
            line.clear()

    for ch, box in chars:
        if box is None:
            end_line() if ch == "\n" else end_word()
            continue
        if word:
            # A jump to another line, or far back, without a generated break between.
            prev = word[-1][1]
            height = max(prev[3] - prev[1], box[3] - box[1], 1e-6)
            if abs((prev[1] + prev[3]) - (box[1] + box[3])) / 2 > 0.7 * height:
                end_line()
        word.append((ch, box))
    end_line()
    return lines


def _order_line(words: list[list[tuple[str, Box]]]) -> list[tuple[str, Box, float | None]]:
    """Words of one line in logical order, from their positions on the page.

    Producers write Arabic either in logical order (WeasyPrint, LibreOffice) or in visual
    order (left to right on the page, reversed), and pdfium may reverse a whole line it
    takes for right to left: each word's characters are put in order from their positions
    (right to left for an Arabic word). Then the line is read in
    its base direction, right to left when its rightmost word is Arabic (or it is almost
    all Arabic), and each run of words of the other direction keeps its own order inside:
    "قدم الطلب. Le montant est de 12 500 dirhams" stays as written in either direction.
    """
    cells: list[tuple[str, Box, bool]] = []
    for word in words:
        arabic = any(is_arabic(ch) for ch, _ in word)
        # The characters' positions are the truth (producers, and pdfium's own bidi guess,
        # give them in either order): an Arabic word reads right to left, others left to
        # right. A stable sort keeps a ligature's letters (one glyph box) as given.
        word = sorted(word, key=lambda c: -(c[1][0] + c[1][2]) if arabic else c[1][0] + c[1][2])
        text = "".join(ch for ch, _ in word)
        cells.append((text, union([b for _, b in word]), arabic))
    visual = sorted(cells, key=lambda c: c[1][0] + c[1][2])  # left to right on the page
    if not visual:
        return []
    rtl = visual[-1][2] or arabic_share([c[0] for c in cells]) > 0.8
    ordered: list[tuple[str, Box, bool]] = []
    # The base direction's reading, with each run of the other direction read its own way.
    sequence = list(reversed(visual)) if rtl else visual
    i = 0
    while i < len(sequence):
        j = i
        while j < len(sequence) and sequence[j][2] != rtl:
            j += 1
        if j > i:  # a run of the other direction: its words in their own order
            ordered.extend(reversed(sequence[i:j]))
            i = j
        else:
            ordered.append(sequence[i])
            i += 1
    return [(text, box, None) for text, box, _arabic in ordered]


def _visible(gray: np.ndarray, box: Box) -> bool:
    """Whether the rendered page shows something where a text-layer word claims to be.

    White text, text in a hidden layer, or under a filled rectangle (a "redaction" drawn
    over live text) has no contrast in its box: such words are not trusted.
    """
    h, w = gray.shape
    x0, y0 = int(box[0] * w), int(box[1] * h)
    x1, y1 = max(int(np.ceil(box[2] * w)), x0 + 1), max(int(np.ceil(box[3] * h)), y0 + 1)
    region = gray[y0:y1, x0:x1].astype(np.int16)
    if region.size == 0:
        return False
    median = int(np.median(region))
    return float(np.mean(np.abs(region - median) > 48)) >= 0.02


def _pdf_pages(path: str | os.PathLike[str], count: int, lang: str, first: int) -> Iterator[Page]:
    doc = _open_pdf(path)
    try:
        for index in range(max(first, 1) - 1, count):
            try:
                page = doc[index]
            except pdfium.PdfiumError as exc:
                raise _corrupt() from exc
            try:
                built = _pdf_page(page, index + 1, lang)
            except pdfium.PdfiumError as exc:
                raise _corrupt() from exc
            finally:
                page.close()
            yield built
    finally:
        doc.close()


def _pdf_page(page: pdfium.PdfPage, number: int, lang: str) -> Page:
    width_pt, height_pt = page.get_size()
    if page.get_rotation() in (90, 270) and width_pt < height_pt:
        width_pt, height_pt = height_pt, width_pt
    image = _render(page, OUTPUT_DPI)
    lines = None
    if _image_cover(page, *page.get_size()) < MAX_IMAGE_COVER:
        lines = _text_layer(page, image.size)
    if lines is not None:
        shades = np.asarray(image.convert("L"))
        lines = [kept for line in lines if (kept := [w for w in line if _visible(shades, w[1])])]
        words, text = assemble(lines)
        if lang in ("fr", "ar"):
            language = lang
        else:
            language = "ar" if arabic_share([w.text for w in words]) > 0.5 else "fr"
        return Page(number, width_pt, height_pt, image, words, text, language, "text")
    gray = _render(page, OCR_DPI, grayscale=True)
    return _ocr_page(gray, number, width_pt, height_pt, lang, OCR_DPI)


def _ocr_page(
    gray: Image.Image, number: int, width_pt: float, height_pt: float, lang: str, dpi: int
) -> Page:
    upright, rotation, skew = ocr.straighten(gray)
    result = ocr.recognise(upright, lang, dpi)
    if result.mean_confidence < 50 and rotation == 0:
        # Perhaps upside down: tesseract's OSD decides, only for pages that read badly.
        turn = ocr.osd_rotation(upright)
        if turn:
            turned = ocr.recognise(upright.rotate(turn, expand=True), lang, dpi)
            if turned.mean_confidence > result.mean_confidence:
                upright, rotation, result = upright.rotate(turn, expand=True), turn, turned
    if rotation in (90, 270):
        width_pt, height_pt = height_pt, width_pt
    scale = OUTPUT_DPI / dpi
    output = upright.resize(
        (max(1, round(upright.width * scale)), max(1, round(upright.height * scale))),
        Image.Resampling.LANCZOS,
    )
    words, text = assemble(result.lines)
    return Page(
        number, width_pt, height_pt, output, words, text, result.language, "ocr", rotation, skew
    )


# --- images ---------------------------------------------------------------------------


def _image_pages(path: str | os.PathLike[str], lang: str, first: int) -> Iterator[Page]:
    with _open_image(path) as image:
        for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
            if number < first:
                continue
            try:
                upright = ImageOps.exif_transpose(frame.copy())
                gray = upright.convert("L")
            except (OSError, ValueError, SyntaxError) as exc:
                raise _corrupt() from exc
            yield _image_page(gray, frame.info.get("dpi"), number, lang)


def _image_page(
    gray: Image.Image, dpi_info: tuple[float, float] | None, number: int, lang: str
) -> Page:
    dpi = float(dpi_info[0]) if dpi_info and 70 <= float(dpi_info[0]) <= 1200 else 0.0
    if dpi:
        width_pt, height_pt = gray.width * 72 / dpi, gray.height * 72 / dpi
    else:
        # A photo: the page is taken to be A4 (or A4 landscape) at its longer side.
        long_pt = A4_PT[1]
        ratio = long_pt / max(gray.size)
        width_pt, height_pt = gray.width * ratio, gray.height * ratio
    current = gray.width / (width_pt / 72)
    # Read at about 300 dpi: small photos are enlarged (at most 3 times), fine scans reduced.
    factor = min(3.0, OCR_DPI / current) if not OCR_DPI * 0.9 <= current <= OCR_DPI * 1.5 else 1.0
    if factor != 1.0:
        gray = gray.resize(
            (round(gray.width * factor), round(gray.height * factor)), Image.Resampling.BICUBIC
        )
    effective = round(gray.width / (width_pt / 72))
    return _ocr_page(gray, number, width_pt, height_pt, lang, effective)
