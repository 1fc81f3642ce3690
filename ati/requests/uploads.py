"""Checking uploaded files by their content, not by the name they claim."""

from __future__ import annotations

import re
import unicodedata
import zipfile
import zlib
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Office documents are zip files: refuse archives that expand absurdly (zip bombs).
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024

OOXML = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt/": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


#: The extensions a file of each accepted type may carry; the first is the one it is given
#: when its name has another (photo.jpg holding a PNG is stored as photo.png) or none.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    "application/pdf": ("pdf",),
    "image/png": ("png",),
    "image/jpeg": ("jpg", "jpeg"),
    "image/tiff": ("tif", "tiff"),
    "text/plain": ("txt", "csv"),
    "application/msword": ("doc", "xls", "ppt"),  # legacy Office: one container for all three
    OOXML["word/"]: ("docx",),
    OOXML["xl/"]: ("xlsx",),
    OOXML["ppt/"]: ("pptx",),
    "application/vnd.oasis.opendocument.text": ("odt",),
    "application/vnd.oasis.opendocument.spreadsheet": ("ods",),
    "application/vnd.oasis.opendocument.presentation": ("odp",),
    "application/vnd.oasis.opendocument.graphics": ("odg",),
}
#: Any other extension (.js, .bat, .html, .svg, .exe…) is refused, whatever the content:
#: a name is what the officer's computer acts on when the file is opened.
ACCEPTED_EXTENSIONS = frozenset(ext for exts in EXTENSIONS.values() for ext in exts)
# What a name ends with to count as an extension: a letter then letters or digits.
EXTENSION = re.compile(r"\.([A-Za-z][A-Za-z0-9]{0,7})$")

# Text claiming a binary extension is a disguise (a page named photo.png): refused.
BINARY_EXTENSIONS = frozenset(
    {"pdf", "png", "jpg", "jpeg", "tif", "tiff", "gif", "doc", "docx", "xls", "xlsx"}
    | {"ppt", "pptx", "odt", "ods", "odp", "exe", "dll", "bin"}
)
# Markup a browser would run if it were ever served as a page: refused even as text.
MARKUP = re.compile(rb"^\s*<(?:!doctype|html|head|body|script|svg|\?xml|iframe)|<script", re.I)
PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile)\b")
PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
PDF_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.S)


def sanitise_filename(name: str) -> str:
    """A name safe to show and to offer for download: no path, no control characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    # Drop control and format characters (including right-to-left overrides, zero-width).
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"[^\w.\- ()]+", "_", name).strip(" ._") or "file"
    stem, dot, ext = name.rpartition(".")
    if dot and len(ext) <= 8:
        return f"{stem[:120]}.{ext}"
    return name[:128]


def extension_of(name: str) -> str | None:
    """The extension a name claims (lower case), or None when it has none."""
    match = EXTENSION.search(name)
    return match.group(1).lower() if match else None


def name_for_type(name: str, content_type: str) -> str:
    """The name under which a file of this type is stored and offered: its extension
    matches the type (an extension that does not is replaced, a missing one added)."""
    expected = EXTENSIONS.get(content_type)
    if not expected:
        return name
    extension = extension_of(name)
    if extension in expected:
        return name
    stem = name[: -len(extension) - 1] if extension else name
    return f"{stem[:120]}.{expected[0]}"


def _office_type(head: bytes, handle: IO[bytes]) -> str | None:
    handle.seek(0)
    try:
        with zipfile.ZipFile(handle) as archive:
            infos = archive.infolist()
            if sum(info.file_size for info in infos) > MAX_UNZIPPED_BYTES:
                raise ValidationError(_("This archive expands to an unreasonable size."))
            names = [info.filename for info in infos]
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100].decode("ascii", "replace").strip()
                if mimetype.startswith("application/vnd.oasis.opendocument."):
                    return mimetype
            for prefix, content_type in OOXML.items():
                if any(n.startswith(prefix) for n in names) and "[Content_Types].xml" in names:
                    return content_type
    except zipfile.BadZipFile:
        return None
    return None


def sniff_content_type(handle: IO[bytes]) -> str | None:
    """The type of an allowed file, recognised from its first bytes; None if not allowed."""
    handle.seek(0)
    head = handle.read(8192)
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "image/tiff"
    if head.startswith(b"PK\x03\x04"):
        return _office_type(head, handle)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "application/msword"  # legacy Office (doc, xls)
    if b"\x00" not in head:
        if MARKUP.search(head):
            return None
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            # A multi-byte character may be cut at the end of the sample.
            if exc.start < len(head) - 4:
                return None
        return "text/plain"
    return None


def _pdf_is_active(body: bytes) -> bool:
    """Scripts, launch actions or embedded files, even behind #xx name escapes or in streams."""

    def unescape(data: bytes) -> bytes:
        return PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), data)

    if PDF_ACTIVE.search(unescape(body)):
        return True
    # Object streams hide dictionaries in compressed streams: inflate them, within a budget.
    budget = MAX_UNZIPPED_BYTES
    for match in PDF_STREAM.finditer(body):
        if budget <= 0:
            return True  # more compressed content than any letter holds: refuse
        try:
            inflater = zlib.decompressobj()
            inflated = inflater.decompress(match.group(1), budget)
        except zlib.error:
            continue
        budget -= len(inflated)
        if PDF_ACTIVE.search(unescape(inflated)):
            return True
    return False


def real_size(uploaded: IO[bytes], claimed: int) -> int:
    try:
        uploaded.seek(0, 2)
        actual = uploaded.tell()
    except (AttributeError, OSError):
        return claimed
    finally:
        uploaded.seek(0)
    return max(claimed, actual)


def check_upload(uploaded: IO[bytes], name: str, size: int) -> tuple[str, str]:
    """Validate one upload; return its safe name and real content type."""
    size = real_size(uploaded, size)  # never trust the size a caller claims
    if size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("%(name)s is too large: at most %(max)d MB per file.")
            % {"name": sanitise_filename(name), "max": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    if size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": sanitise_filename(name)})
    safe_name = sanitise_filename(name)
    extension = extension_of(safe_name)
    if extension is not None and extension not in ACCEPTED_EXTENSIONS:
        raise ValidationError(
            _(
                "%(name)s: files ending in .%(extension)s are not accepted. Send a PDF, an "
                "image (PNG, JPEG, TIFF), an office document or plain text (.txt, .csv)."
            )
            % {"name": safe_name, "extension": extension}
        )
    content_type = sniff_content_type(uploaded)
    uploaded.seek(0)
    if content_type == "text/plain" and extension in BINARY_EXTENSIONS:
        content_type = None
    if content_type not in EXTENSIONS:
        content_type = None  # an OpenDocument kind without an extension of its own
    if content_type is None:
        raise ValidationError(
            _(
                "%(name)s is not an accepted kind of file: send a PDF, an image, an office "
                "document or plain text."
            )
            % {"name": sanitise_filename(name)}
        )
    if content_type == "application/pdf":
        body = uploaded.read()
        uploaded.seek(0)
        if _pdf_is_active(body):
            raise ValidationError(
                _("%(name)s contains scripts or embedded files, which are refused for safety.")
                % {"name": sanitise_filename(name)}
            )
    return name_for_type(safe_name, content_type), content_type
