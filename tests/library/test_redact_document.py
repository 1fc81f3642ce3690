"""manage.py redact_document: a hostile PDF goes in, nothing of the identity comes out.

The applicant's name and CIN are hidden in white text, a hidden layer, the Info metadata
and XMP, an annotation, a form field, an attached file, a script, an outline entry and an
earlier revision of the page. The output is searched for them four ways: pdftotext, pypdf's
extraction, the bytes of qpdf's uncompressed QDF form, and `strings` on the file.
"""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from .document_samples import APPLICANT, CIN, FR_LINES, WHITE_NOTE, hostile_pdf, html_pdf

pytestmark = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("pdftotext", "qpdf", "strings")),
    reason="needs poppler-utils, qpdf and binutils (make install)",
)

SECRETS = ("Karim", "Alaoui", CIN, "AB123")


def _run(*args: str) -> bytes:
    return subprocess.run(args, capture_output=True, check=True).stdout


def _everything_readable(path) -> dict[str, str]:
    data = path.read_bytes()
    return {
        "pdftotext": _run("pdftotext", str(path), "-").decode(),
        "pypdf": "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages),
        "qdf": _run("qpdf", "--qdf", "--object-streams=disable", str(path), "-").decode("latin-1"),
        "strings": _run("strings", str(path)).decode("latin-1"),
    }


@pytest.fixture
def hostile(tmp_path):
    return hostile_pdf(tmp_path)


def test_the_hostile_sample_does_hide_the_identity_everywhere(hostile):
    # Else the test below would prove nothing.
    qdf = _run("qpdf", "--qdf", "--object-streams=disable", str(hostile), "-").decode("latin-1")
    for place in (
        "/OCProperties",
        "/Annots",
        "/AcroForm",
        "/EmbeddedFiles",
        "/JavaScript",
        "/Outlines",
        "/Metadata",
        "/Author",
        "/Prev",
    ):
        assert place in qdf or place in hostile.read_bytes().decode("latin-1"), place
    assert hostile.read_bytes().count(b"Ancienne version") == 1  # the earlier revision
    assert qdf.count(APPLICANT) >= 6


def test_no_trace_of_the_identity_survives_and_the_public_text_stays(tmp_path, hostile, capsys):
    out = tmp_path / "out.pdf"
    call_command(
        "redact_document",
        "--applicant",
        APPLICANT,
        "--applicant",
        CIN,
        "--explain",
        str(hostile),
        str(out),
    )
    assert out.read_bytes().startswith(b"%PDF-")
    for how, text in _everything_readable(out).items():
        for secret in SECRETS:
            assert secret not in text, (how, secret)
        assert WHITE_NOTE not in text, how
        assert "Ancienne version" not in text, how
    text = _run("pdftotext", str(out), "-").decode()
    assert "12 500 dirhams" in text and "l'article 7" in text and "Ministère" in text
    qdf = _everything_readable(out)["qdf"]
    for place in (
        "/OCProperties",
        "/Annots",
        "/AcroForm",
        "/EmbeddedFiles",
        "/JavaScript",
        "/OpenAction",
        "/Outlines",
        "/Metadata",
        "/Author",
        "/Prev",
    ):
        assert place not in qdf, place
    explained = [row.split("\t") for row in capsys.readouterr().err.splitlines()]
    assert ["1", "identity", "applicant+title+ner", APPLICANT] in explained or any(
        row[0] == "1" and row[3] == APPLICANT and "applicant" in row[2] for row in explained
    )
    assert all(len(row) == 4 for row in explained)


def test_an_arabic_page_is_labelled_in_arabic(tmp_path):
    source = html_pdf(tmp_path / "ar.pdf", ["قدم السيد كريم العلوي طلبا إلى الوزارة"], lang="ar")
    out = tmp_path / "out.pdf"
    call_command("redact_document", "--applicant", "كريم العلوي", str(source), str(out))
    text = _run("pdftotext", str(out), "-").decode()
    assert "العلوي" not in text and "الوزارة" in text


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"not a pdf", "x.pdf"),
        (b"%PDF-1.7\ngarbage", "broken.pdf"),
        (None, "missing.pdf"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path, content, name):
    source = tmp_path / name
    if content is not None:
        source.write_bytes(content)
    out = tmp_path / "out.pdf"
    with pytest.raises(CommandError) as caught:
        call_command("redact_document", str(source), str(out))
    assert caught.value.returncode == 2
    assert "\n" not in str(caught.value)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == ([source] if content is not None else [])


def test_an_encrypted_pdf_exits_2(tmp_path):
    import pikepdf

    source = html_pdf(tmp_path / "in.pdf", FR_LINES)
    locked = tmp_path / "locked.pdf"
    with pikepdf.open(source) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(user="u", owner="o"))
    with pytest.raises(CommandError) as caught:
        call_command("redact_document", str(locked), str(tmp_path / "out.pdf"))
    assert caught.value.returncode == 2 and "mot de passe" in str(caught.value)
