"""Documents made on the fly for the document engine's tests: no binary file is committed.

Text PDFs come from WeasyPrint, scans are pages drawn with Pillow in DejaVu Sans, turned a
few degrees, with noise, saved as JPEG; hostile PDFs hide an identity wherever a PDF can.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pikepdf
import weasyprint
from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
APPLICANT = "Karim Alaoui"
CIN = "AB123456"
HIDDEN = f"{APPLICANT} {CIN}"

FR_LINES = [
    "Ministère de l'Équipement et de l'Eau",
    "Objet : réponse à votre demande d'accès à l'information",
    f"Monsieur {APPLICANT}, CIN {CIN}, a demandé le rapport.",
    "Le montant du marché est de 12 500 dirhams selon l'article 7.",
]
AR_TEXT = "قدم السيد كريم العلوي طلبا إلى وزارة التجهيز والماء وفق المادة 7"


def html_pdf(path: Path, paragraphs: list[str], *, lang: str = "fr", extra: str = "") -> Path:
    direction = "rtl" if lang == "ar" else "ltr"
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    weasyprint.HTML(
        string=(
            f'<html lang="{lang}" dir="{direction}"><body style="font-family: DejaVu Sans; '
            f'font-size: 12pt">{body}{extra}</body></html>'
        )
    ).write_pdf(path)
    return path


def drawn_page(
    lines: list[str], *, size: tuple[int, int] = (2480, 3508), font_px: int = 42
) -> Image.Image:
    """A white page with the lines drawn in black, as a 300-dpi printer would."""
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, font_px)
    y = size[1] // 12
    for line in lines:
        draw.text((size[0] // 12, y), line, font=font, fill=0)
        y += int(font_px * 1.7)
    return image


def scanned(image: Image.Image, *, skew: float, turn: int = 0, seed: int = 1) -> Image.Image:
    """The page as a scanner returns it: skewed by `skew` degrees, noisy, maybe turned."""
    image = image.rotate(skew, resample=Image.Resampling.BICUBIC, fillcolor=255)
    noisy = np.asarray(image, dtype=np.int16) + np.random.default_rng(seed).normal(
        0, 10, (image.height, image.width)
    )
    image = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))
    return image.rotate(turn, expand=True) if turn else image


def save_jpeg(image: Image.Image, path: Path, dpi: int = 300) -> Path:
    image.save(path, "JPEG", quality=80, dpi=(dpi, dpi))
    return path


# --- a PDF hiding the identity wherever a PDF can --------------------------------------

HOSTILE_FR = [
    "Ministère de l'Équipement et de l'Eau",
    f"Monsieur {APPLICANT}, CIN {CIN}, a demandé le rapport annuel.",
    "Le montant du marché est de 12 500 dirhams selon l'article 7.",
]
#: Drawn in white: the page does not show it, so the rebuilt PDF must not carry it.
WHITE_NOTE = "Note interne confidentielle"


def _text_stream(
    pdf: pikepdf.Pdf, text: str, *, y: int, white: bool = False, oc: str = ""
) -> pikepdf.Stream:
    colour = "1 1 1 rg" if white else "0 0 0 rg"
    body = f"BT /Fhostile 11 Tf {colour} 72 {y} Td ({text}) Tj ET"
    if oc:
        body = f"/OC /{oc} BDC {body} EMC"
    return pikepdf.Stream(pdf, body.encode("latin-1"))


def hostile_pdf(folder: Path) -> Path:
    """A text PDF whose applicant identity also sits in every hidden place a PDF has."""
    base = html_pdf(folder / "base.pdf", HOSTILE_FR)
    pdf = pikepdf.open(base)
    page = pdf.pages[0]
    resources = page.obj.Resources
    if "/Font" not in resources:
        resources.Font = pikepdf.Dictionary()
    resources.Font.Fhostile = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    # A layer that is off by default.
    ocg = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.OCG, Name=pikepdf.String(HIDDEN)))
    pdf.Root.OCProperties = pikepdf.Dictionary(
        OCGs=pikepdf.Array([ocg]),
        D=pikepdf.Dictionary(OFF=pikepdf.Array([ocg]), Order=pikepdf.Array([ocg])),
    )
    resources.Properties = pikepdf.Dictionary(Ohidden=ocg)
    white = _text_stream(pdf, f"{HIDDEN} {WHITE_NOTE}", y=200, white=True)
    layer = _text_stream(pdf, HIDDEN, y=180, oc="Ohidden")
    original = page.obj.Contents
    contents = list(original) if isinstance(original, pikepdf.Array) else [original]
    page.obj.Contents = pikepdf.Array(
        [*contents, pdf.make_indirect(white), pdf.make_indirect(layer)]
    )
    # Metadata: the Info dictionary and XMP.
    pdf.docinfo["/Author"] = HIDDEN
    pdf.docinfo["/Title"] = HIDDEN
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:creator"] = [HIDDEN]
    # An annotation, and a form field with its appearance.
    appearance = pdf.make_indirect(
        pikepdf.Stream(pdf, f"BT /Fhostile 10 Tf 2 4 Td ({HIDDEN}) Tj ET".encode())
    )
    appearance.Type = pikepdf.Name.XObject
    appearance.Subtype = pikepdf.Name.Form
    appearance.BBox = pikepdf.Array([0, 0, 200, 20])
    appearance.Resources = pikepdf.Dictionary(
        Font=pikepdf.Dictionary(Fhostile=resources.Font.Fhostile)
    )
    field = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Widget,
            FT=pikepdf.Name.Tx,
            T=pikepdf.String("applicant"),
            V=pikepdf.String(HIDDEN),
            Rect=pikepdf.Array([72, 120, 272, 140]),
            AP=pikepdf.Dictionary(N=appearance),
            P=page.obj,
        )
    )
    note = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.FreeText,
            Contents=pikepdf.String(HIDDEN),
            Rect=pikepdf.Array([72, 90, 272, 110]),
            DA=pikepdf.String("/Helv 10 Tf 0 g"),
            AP=pikepdf.Dictionary(N=appearance),
        )
    )
    page.obj.Annots = pikepdf.Array([field, note])
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array([field]))
    # An attachment, a script run on opening, and an outline entry.
    pdf.attachments["applicant.txt"] = pikepdf.AttachedFileSpec(
        pdf, HIDDEN.encode(), mime_type="text/plain"
    )
    pdf.Root.OpenAction = pikepdf.Dictionary(
        S=pikepdf.Name.JavaScript, JS=pikepdf.String(f"app.alert('{HIDDEN}');")
    )
    with pdf.open_outline() as outline:
        outline.root.append(pikepdf.OutlineItem(HIDDEN, 0))
    # The first revision also shows the identity in a line of its own.
    earlier = pdf.make_indirect(_text_stream(pdf, f"Ancienne version : {HIDDEN}", y=240))
    page.obj.Contents = pikepdf.Array([*page.obj.Contents, earlier])
    first = folder / "hostile-rev1.pdf"
    pdf.save(first, compress_streams=False, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    return _incremental_without_last_stream(first, folder / "hostile.pdf")


def _incremental_without_last_stream(source: Path, target: Path) -> Path:
    """Append a revision whose page drops its last content stream (the old line stays in
    the file, below the new revision, as in a PDF edited and saved incrementally)."""
    data = source.read_bytes()
    with pikepdf.open(source) as pdf:
        page = pdf.pages[0].obj
        page_number = page.objgen[0]
        contents = list(page.Contents)[:-1]
        page.Contents = pikepdf.Array(contents)
        page_body = page.unparse(resolved=True)
        root = pdf.Root.objgen[0]
        size = int(pdf.trailer.Size)
    prev = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    out = io.BytesIO()
    out.write(data if data.endswith(b"\n") else data + b"\n")
    offset = out.tell()
    out.write(f"{page_number} 0 obj\n".encode() + page_body + b"\nendobj\n")
    xref = out.tell()
    out.write(
        f"xref\n0 1\n0000000000 65535 f \n{page_number} 1\n{offset:010d} 00000 n \n"
        f"trailer\n<< /Size {size} /Root {root} 0 R /Prev {prev} >>\n"
        f"startxref\n{xref}\n%%EOF\n".encode()
    )
    target.write_bytes(out.getvalue())
    return target
