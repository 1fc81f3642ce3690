"""The document engine (ati/library/documents): reading, mapping text to boxes, rebuilding.

OCR runs on two pages only (a skewed French scan, and a page turned a quarter and
skewed); the multi-page TIFF has small frames of a few words.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile

import pikepdf
import pytest
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader

from ati.library.documents import (
    DocumentError,
    Page,
    RedactedPage,
    Word,
    boxes_for_words,
    inspect,
    merge_pdfs,
    read_pages,
    redacted_pdf,
    span_words,
    words_in_rect,
)

from .document_samples import (
    AR_TEXT,
    FONT,
    FR_LINES,
    drawn_page,
    html_pdf,
    save_jpeg,
    scanned,
)

needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None, reason="needs Debian's tesseract-ocr (make install)"
)
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="needs poppler-utils (make install)"
)


def pdftotext(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


@pytest.fixture
def text_pdf(tmp_path):
    return html_pdf(tmp_path / "answer.pdf", FR_LINES)


# --- the text layer ------------------------------------------------------------------------


def test_a_text_pdf_is_read_from_its_text_layer_with_word_boxes(text_pdf):
    assert inspect(text_pdf) == ("pdf", 1)
    [page] = list(read_pages(text_pdf))
    assert page.source == "text" and page.language == "fr" and page.number == 1
    assert page.text.splitlines() == FR_LINES
    assert round(page.width_pt) == 595 and round(page.height_pt) == 842
    assert page.image.size == (1241, 1754)  # A4 at 150 dpi
    for word in page.words:
        assert page.text[word.start : word.end] == word.text
        assert word.confidence is None
        x0, y0, x1, y1 = word.box
        assert 0 <= x0 < x1 <= 1 and 0 <= y0 < y1 <= 1
    lines = [w.line for w in page.words]
    assert lines == sorted(lines) and lines[-1] == len(FR_LINES) - 1
    # Words of one line sit on one row, left to right, and the first line is at the top.
    first = [w for w in page.words if w.line == 0]
    assert [w.box[0] for w in first] == sorted(w.box[0] for w in first)
    assert first[0].box[1] < 0.2


def test_an_arabic_text_pdf_gives_logical_order_and_right_to_left_words(tmp_path):
    path = html_pdf(tmp_path / "ar.pdf", [AR_TEXT], lang="ar")
    [page] = list(read_pages(path))
    assert page.language == "ar" and page.source == "text"
    assert page.text == AR_TEXT
    xs = [w.box[0] for w in page.words]
    assert xs == sorted(xs, reverse=True)  # the first word is the rightmost


def test_text_the_page_does_not_show_is_not_taken_from_the_layer(tmp_path):
    path = html_pdf(
        tmp_path / "white.pdf",
        FR_LINES,
        extra='<p style="color: white">Note interne confidentielle</p>'
        '<p><span style="background: black; color: black">Texte noirci</span></p>',
    )
    [page] = list(read_pages(path))
    assert "confidentielle" not in page.text
    assert "noirci" not in page.text  # a black box drawn over live text hides nothing
    assert "12 500 dirhams" in page.text


@needs_tesseract
def test_a_page_that_is_mostly_a_picture_is_read_by_ocr_not_by_its_text_layer(tmp_path):
    # A scan with a typed header: the layer has the header only, the picture the rest.
    picture = tmp_path / "picture.png"
    drawn_page(["Rapport confidentiel"], size=(1200, 900), font_px=60).save(picture)
    path = html_pdf(
        tmp_path / "mixed.pdf",
        ["Ministère de l'Équipement et de l'Eau, direction des affaires juridiques"],
        extra=f'<img src="file://{picture}" style="width: 16cm">',
    )
    [page] = list(read_pages(path, lang="fr"))
    assert page.source == "ocr"
    assert "Rapport" in page.text and "Ministère" in page.text


# --- OCR --------------------------------------------------------------------------------


@needs_tesseract
def test_a_skewed_french_scan_is_straightened_and_read(tmp_path):
    path = save_jpeg(scanned(drawn_page(FR_LINES), skew=3.0), tmp_path / "scan.jpg")
    assert inspect(path) == ("image", 1)
    [page] = list(read_pages(path, lang="auto"))
    assert page.source == "ocr" and page.language == "fr"
    assert abs(abs(page.skew) - 3.0) <= 0.5 and page.rotation == 0
    for expected in ("Karim", "Alaoui", "AB123456", "dirhams", "article"):
        assert expected in page.text
    # At 150 dpi for the review and the output, whatever OCR read at.
    assert page.image.size == (1240, 1754)
    assert all(w.confidence is not None and 0 <= w.confidence <= 100 for w in page.words)
    # Straightened: the words of the first line share one row.
    first = [w for w in page.words if w.line == 0]
    tops = [w.box[1] for w in first]
    assert max(tops) - min(tops) < 0.01
    karim = page.text.index("Karim")
    [index] = span_words(page, karim, karim + 5)
    assert page.words[index].text.startswith("Karim")


@needs_tesseract
def test_a_page_scanned_sideways_and_skewed_is_turned_upright(tmp_path):
    image = scanned(drawn_page(FR_LINES[:3]), skew=-2.0, turn=90)
    path = save_jpeg(image, tmp_path / "sideways.jpg")
    [page] = list(read_pages(path, lang="fr"))
    assert page.rotation in (90, 270) and abs(abs(page.skew) - 2.0) <= 0.5
    assert page.image.width < page.image.height  # portrait again
    assert page.width_pt < page.height_pt
    assert "Équipement" in page.text or "Equipement" in page.text


@needs_tesseract
def test_an_arabic_scan_is_read_in_arabic_with_lang_auto(tmp_path):
    # A strip of three lines (a small image: OCR is quick).
    image = Image.new("L", (2480, 560), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 56)
    for i, line in enumerate(["وزارة التجهيز والماء", AR_TEXT[:40]]):
        draw.text((2300, 120 + i * 140), line, font=font, fill=0, direction="rtl", anchor="ra")
    path = save_jpeg(scanned(image, skew=2.5), tmp_path / "ar.jpg")
    [page] = list(read_pages(path, lang="auto"))
    assert page.language == "ar"
    assert "وزارة" in page.text and "العلوي" in page.text
    second = [w.box[0] for w in page.words if w.line == 1]
    assert second == sorted(second, reverse=True)  # read from the right


@needs_tesseract
def test_every_frame_of_a_multi_page_tiff_is_a_page(tmp_path):
    frames = [drawn_page([f"Page {n} rapport"], size=(900, 260), font_px=48) for n in (1, 2, 3)]
    path = tmp_path / "pages.tiff"
    frames[0].save(path, save_all=True, append_images=frames[1:], dpi=(300, 300))
    assert inspect(path) == ("image", 3)
    pages = list(read_pages(path, lang="fr", first=2))
    assert [p.number for p in pages] == [2, 3]
    assert "rapport" in pages[0].text


def test_the_exif_orientation_of_a_photo_is_honoured(tmp_path, monkeypatch):
    from ati.library.documents import ocr

    seen = []

    def fake_recognise(gray, lang="auto", dpi=300):
        seen.append(gray.size)
        return ocr.OcrResult([], "fr", 90.0)

    monkeypatch.setattr(ocr, "recognise", fake_recognise)
    monkeypatch.setattr(ocr, "straighten", lambda gray: (gray, 0, 0.0))
    image = Image.new("L", (800, 600), 255)
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was turned: the photo must be turned by 270 degrees
    path = tmp_path / "photo.jpg"
    image.save(path, exif=exif)
    [page] = list(read_pages(path))
    assert page.image.width < page.image.height
    assert seen[0][0] < seen[0][1]


# --- refusals ---------------------------------------------------------------------------


def test_a_pdf_that_needs_a_password_is_refused(tmp_path, text_pdf):
    path = tmp_path / "locked.pdf"
    with pikepdf.open(text_pdf) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    with pytest.raises(DocumentError) as caught:
        inspect(path)
    # The officer reads why, in the site's language (French by default).
    assert caught.value.code == "encrypted" and "mot de passe" in str(caught.value)


def test_a_pdf_with_only_an_owner_password_is_read(tmp_path, text_pdf):
    path = tmp_path / "restricted.pdf"
    with pikepdf.open(text_pdf) as pdf:
        pdf.save(
            path,
            encryption=pikepdf.Encryption(
                user="", owner="owner", allow=pikepdf.Permissions(extract=False)
            ),
        )
    assert inspect(path) == ("pdf", 1)
    assert "12 500 dirhams" in next(read_pages(path)).text


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (b"%PDF-1.7\n1 0 obj <<>>\ngarbage without pages\n", "broken.pdf", "corrupt"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "broken.png", "corrupt"),
        (b"just some text", "notes.txt", "unsupported"),
        (b"", "empty.pdf", "unsupported"),
    ],
)
def test_damaged_and_unknown_files_are_refused(tmp_path, content, name, code):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DocumentError) as caught:
        inspect(path)
    assert caught.value.code == code


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("answer.docx", {"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"}),
        ("answer.odt", {"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": ""}),
    ],
)
def test_word_and_opendocument_files_are_refused_with_advice(tmp_path, name, parts):
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as archive:
        for part, text in parts.items():
            archive.writestr(part, text)
    with pytest.raises(DocumentError) as caught:
        inspect(path)
    assert caught.value.code == "office"
    assert "PDF" in str(caught.value)


def test_a_missing_file_is_unreadable(tmp_path):
    with pytest.raises(DocumentError) as caught:
        inspect(tmp_path / "nowhere.pdf")
    assert caught.value.code == "unreadable"


def test_too_large_and_too_many_pages(tmp_path, monkeypatch, text_pdf):
    from ati.library.documents import reading

    monkeypatch.setattr(reading, "MAX_BYTES", 100)
    with pytest.raises(DocumentError) as caught:
        inspect(text_pdf)
    assert caught.value.code == "too_large"
    monkeypatch.setattr(reading, "MAX_BYTES", 50 * 1024 * 1024)
    monkeypatch.setattr(reading, "MAX_PAGES", 1)
    two = html_pdf(tmp_path / "two.pdf", ["un", '<p style="break-before: page">deux</p>'])
    with pytest.raises(DocumentError) as caught:
        inspect(two)
    assert caught.value.code == "too_many_pages"


# --- from text to boxes -----------------------------------------------------------------


def _words() -> list[Word]:
    # "Monsieur Karim Alaoui" on line 0, "Alaoui, CIN" on line 1.
    return [
        Word("Monsieur", (0.10, 0.10, 0.20, 0.12), None, 0, 0, 8),
        Word("Karim", (0.21, 0.10, 0.27, 0.12), None, 0, 9, 14),
        Word("Alaoui", (0.28, 0.10, 0.35, 0.12), None, 0, 15, 21),
        Word("Benani", (0.10, 0.14, 0.18, 0.16), None, 1, 22, 28),
        Word("CIN", (0.19, 0.14, 0.23, 0.16), None, 1, 29, 32),
    ]


def test_span_words_are_the_words_overlapping_a_text_range():
    words = _words()
    assert span_words(words, 9, 21) == [1, 2]
    assert span_words(words, 10, 11) == [1]  # part of a word takes the whole word
    assert span_words(words, 14, 15) == []  # the space between two words


def test_boxes_cover_each_run_of_words_on_one_line():
    words = _words()
    boxes = boxes_for_words(words, [1, 2, 3])
    assert len(boxes) == 2  # the name is cut by the line break
    x0, y0, x1, y1 = boxes[0]
    assert x0 < 0.21 and x1 > 0.35 and y0 < 0.10 and y1 > 0.12  # union, padded
    assert boxes_for_words(words, [0, 2]) != boxes_for_words(words, [0, 1, 2])
    assert len(boxes_for_words(words, [0, 2])) == 2


def test_words_in_a_drawn_rectangle():
    words = _words()
    assert words_in_rect(words, (0.205, 0.09, 0.36, 0.13)) == [1, 2]
    assert words_in_rect(words, (0.36, 0.13, 0.205, 0.09)) == [1, 2]  # drawn backwards
    assert words_in_rect(words, (0.25, 0.09, 0.36, 0.13)) == [2]  # Karim is mostly outside


def test_a_word_survives_a_json_round_trip():
    word = Word("Karim", (0.1, 0.2, 0.3, 0.4), 91.234, 2, 10, 15)
    row = word.as_json()
    assert row == ["Karim", 0.1, 0.2, 0.3, 0.4, 91.2, 2, 10, 15]
    assert Word.from_json(row) == Word("Karim", (0.1, 0.2, 0.3, 0.4), 91.2, 2, 10, 15)


# --- the rebuilt PDF -------------------------------------------------------------------


def _redacted(page: Page, hide: list[str], label: str = "[nom masqué]") -> RedactedPage:
    indexes = [i for i, w in enumerate(page.words) if w.text.strip(",.") in hide]
    return RedactedPage(
        page.image,
        page.width_pt,
        page.height_pt,
        [(box, label) for box in boxes_for_words(page, indexes)],
        [w for i, w in enumerate(page.words) if i not in indexes],
    )


@needs_poppler
def test_the_redacted_pdf_is_the_page_image_with_black_boxes_and_the_kept_words(text_pdf):
    [page] = list(read_pages(text_pdf))
    data = redacted_pdf([_redacted(page, ["Karim", "Alaoui", "AB123456"])], title="Réponse")
    text = pdftotext(data)
    assert "12 500 dirhams" in text and "l'article 7" in text
    assert "Karim" not in text and "AB123456" not in text
    reader = PdfReader(io.BytesIO(data))
    assert dict(reader.metadata or {}) == {"/Producer": "ati", "/Title": "Réponse"}
    assert "/Annots" not in reader.pages[0] and "/AcroForm" not in reader.trailer["/Root"]
    # The box is burnt into the pixels: black where the name was.
    rendered = subprocess.run(
        ["pdftoppm", "-r", "75", "-gray", "-"], input=data, capture_output=True, check=True
    ).stdout
    image = Image.open(io.BytesIO(rendered))
    karim = next(w for w in page.words if w.text == "Karim")
    x = int((karim.box[0] + karim.box[2]) / 2 * image.width)
    y = int(karim.box[1] * image.height) + 1
    assert image.getpixel((x, y)) < 40


@needs_poppler
def test_arabic_kept_words_extract_in_logical_order(tmp_path):
    path = html_pdf(tmp_path / "ar.pdf", [AR_TEXT], lang="ar")
    [page] = list(read_pages(path))
    data = redacted_pdf([_redacted(page, ["كريم", "العلوي"], "[الاسم محجوب]")], lang="ar")
    text = pdftotext(data)
    assert "وزارة" in text and "التجهيز" in text
    assert "كريم" not in text


def test_a_page_without_colour_is_stored_in_grayscale_and_stays_small(text_pdf):
    [page] = list(read_pages(text_pdf))
    data = redacted_pdf([_redacted(page, [])])
    reader = PdfReader(io.BytesIO(data))
    images = list(reader.pages[0].images)
    assert images[0].image.mode == "L"
    assert len(data) < 150_000


def test_merged_pdfs_keep_the_pages_and_only_fresh_metadata(tmp_path, text_pdf):
    cover = html_pdf(tmp_path / "cover.pdf", ['<a href="https://example.org">Couverture</a>'])
    with pikepdf.open(cover) as pdf:
        pdf.docinfo["/Author"] = "someone"
        pdf.save(tmp_path / "cover2.pdf")
    merged = merge_pdfs(
        [(tmp_path / "cover2.pdf").read_bytes(), text_pdf.read_bytes()], title="Réponse"
    )
    reader = PdfReader(io.BytesIO(merged))
    assert len(reader.pages) == 2
    assert dict(reader.metadata or {}) == {"/Producer": "ati", "/Title": "Réponse"}
    assert all("/Annots" not in p for p in reader.pages)


def test_a_line_mixing_arabic_and_french_keeps_each_run_in_reading_order(tmp_path):
    """In a French paragraph that starts in Arabic, the French words were read right to left
    and an Arabic word followed by a full stop lost its letters' order."""
    from .document_samples import html_pdf

    pdf = html_pdf(
        tmp_path / "mix.pdf",
        ["قدم السيد كريم العلوي طلبا إلى الوزارة. Le montant total est de 12 dirhams."],
    )
    [page] = list(read_pages(pdf))
    text = " ".join(page.text.split())
    assert "Le montant total est de 12 dirhams." in text, text
    assert "قدم" in text and "مدق" not in text
    assert text.index("السيد") < text.index("الوزارة")
